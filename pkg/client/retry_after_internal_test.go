package client

import (
	"net/http"
	"testing"
	"time"
)

// TestServerDelay (issue 21, item 7): every delay a server gives is read without overflow
// and cut to [0, MaxServerDelay]; azcore multiplied retry-after-ms: 76480200929599801 into
// 64 ns and slept 68 years for Retry-After: 2147483647.
func TestServerDelay(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"none", http.Header{}, 0, false},
		{"retry-after-ms", http.Header{"Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{"retry-after-ms overflowing azcore", http.Header{"Retry-After-Ms": {"76480200929599801"}}, MaxServerDelay, true},
		{"x-ms-retry-after-ms overflowing azcore", http.Header{"X-Ms-Retry-After-Ms": {"76480200929599801"}}, MaxServerDelay, true},
		{"beyond 64 bits", http.Header{"Retry-After-Ms": {"99999999999999999999999"}}, MaxServerDelay, true},
		{"Retry-After 2147483647", http.Header{"Retry-After": {"2147483647"}}, MaxServerDelay, true},
		{"Retry-After seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{"Retry-After a date in 100 years", http.Header{"Retry-After": {now.AddDate(100, 0, 0).Format(http.TimeFormat)}}, MaxServerDelay, true},
		{"Retry-After a date in 10 s", http.Header{"Retry-After": {now.Add(10 * time.Second).Format(http.TimeFormat)}}, 10 * time.Second, true},
		{"Retry-After a date past", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{"negative", http.Header{"Retry-After-Ms": {"-5"}}, 0, false},
		{"zero falls through to the next header", http.Header{"Retry-After-Ms": {"0"}, "Retry-After": {"2"}}, 2 * time.Second, true},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := serverDelay(tt.header, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("serverDelay = %s, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestPollWait: a server can slow polling down to MaxServerDelay, and speed it up no
// further than min(frequency, 1 s).
func TestPollWait(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name      string
		header    http.Header
		frequency time.Duration
		want      time.Duration
	}{
		{"no header", http.Header{}, 2 * time.Second, 2 * time.Second},
		{"1 ms asked, 2 s frequency", http.Header{"Retry-After-Ms": {"1"}}, 2 * time.Second, time.Second},
		{"1 ms asked, 10 ms frequency (loopback)", http.Header{"Retry-After-Ms": {"1"}}, 10 * time.Millisecond, 10 * time.Millisecond},
		{"5 s asked, 1 h frequency", http.Header{"Retry-After": {"5"}}, time.Hour, 5 * time.Second},
		{"overflowing value", http.Header{"Retry-After-Ms": {"76480200929599801"}}, 2 * time.Second, MaxServerDelay},
		{"68 years asked", http.Header{"Retry-After": {"2147483647"}}, 2 * time.Second, MaxServerDelay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pollWait(&http.Response{Header: tt.header}, tt.frequency, now); got != tt.want {
				t.Errorf("pollWait = %s, want %s", got, tt.want)
			}
		})
	}
}
