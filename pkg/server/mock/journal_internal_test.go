package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// TestJournalHeadersEitherWay: the journal keeps the same headers whether it walks the
// request's headers (fewer than it keeps) or looks each name up (more).
func TestJournalHeadersEitherWay(t *testing.T) {
	long := strings.Repeat("u", 300)
	tests := []struct {
		name   string
		header http.Header
		want   map[string]string
	}{
		{"none", http.Header{}, nil},
		{"few, some kept", http.Header{"X-Ms-Date": {"d"}, "Authorization": {"HMAC-SHA256 x"}, "Host-Like": {"h"}},
			map[string]string{"x-ms-date": "d"}},
		{"few, a long value", http.Header{"User-Agent": {long}}, map[string]string{"user-agent": textutil.Truncate(long, 256)}},
		{"many", http.Header{
			"Accept": {"a"}, "Content-Type": {"c"}, "User-Agent": {"u", "second"}, "X-Ms-Date": {"d"},
			"X-Ms-Content-Sha256": {"s"}, "X-Ms-Client-Request-Id": {"id"}, "X-Ms-Return-Client-Request-Id": {"true"},
			"Traceparent": {"t"}, "Empty": {},
		}, map[string]string{
			"accept": "a", "content-type": "c", "user-agent": "u", "x-ms-date": "d",
			"x-ms-content-sha256": "s", "x-ms-client-request-id": "id", "x-ms-return-client-request-id": "true",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/phoneNumbers/operations/x?api-version=v", nil)
			req.Header = tt.header
			r := newJournalRecord(req, 200, time.Now())
			got := r.entry().Headers
			if len(got) != len(tt.want) {
				t.Fatalf("headers = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestJournalRecordRoundTrip: the compact record gives back every field, cut at its limit.
func TestJournalRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	long := strings.Repeat("p", 2000)
	tests := []struct {
		name, method, target, auth string
		status                     int
		want                       JournalEntry
	}{
		{"plain", "GET", "/phoneNumbers/operations/a?api-version=2022-12-01", "", 200,
			JournalEntry{Method: "GET", Path: "/phoneNumbers/operations/a", Query: "api-version=2022-12-01", Status: 200}},
		{"signed, no query", "DELETE", "/phoneNumbers/operations/b", "hmac-sha256 SignedHeaders=x&Signature=y", 401,
			JournalEntry{Method: "DELETE", Path: "/phoneNumbers/operations/b", AuthScheme: "HMAC-SHA256", Status: 401}},
		{"bearer", "GET", "/x", "Bearer abc", 404, JournalEntry{Method: "GET", Path: "/x", AuthScheme: "Bearer", Status: 404}},
		{"other scheme", "GET", "/x", "sk_live_secret", 401, JournalEntry{Method: "GET", Path: "/x", AuthScheme: "other", Status: 401}},
		{"long everything", strings.Repeat("M", 40), "/" + long + "?" + long, "", 414, JournalEntry{
			Method: textutil.Truncate(strings.Repeat("M", 40), maxJournaledMethod),
			Path:   textutil.Truncate("/"+long, maxJournaledPath), Query: textutil.Truncate(long, maxJournaledQuery), Status: 414}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.target, nil)
			req.Method = tt.method
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			req.Header.Set("User-Agent", "ua")
			r := newJournalRecord(req, tt.status, at)
			got := r.entry()
			want := tt.want
			want.Time = at.UTC()
			want.Headers = map[string]string{"user-agent": "ua"}
			if !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC || got.Method != want.Method || got.Path != want.Path ||
				got.Query != want.Query || got.AuthScheme != want.AuthScheme || got.Status != want.Status || got.Headers["user-agent"] != "ua" || len(got.Headers) != 1 {
				t.Fatalf("entry = %+v\nwant    %+v", got, want)
			}
		})
	}
}

func BenchmarkJournalAdd(b *testing.B) {
	j := NewJournal(0)
	req := httptest.NewRequest("GET", "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01", nil)
	req.Header.Set("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=4q/i6Ex9MP2BvMfDCRjM4u/Ax/kHe3WeVCqrzwxcPRI=")
	req.Header.Set("X-Ms-Date", "Thu, 26 Nov 2026 09:28:38 GMT")
	req.Header.Set("X-Ms-Content-Sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		j.add(req, 200, at)
	}
}

// TestJournalTextHidesReordering (attack review): bidirectional controls were kept, and a
// journaled path "invoice-\u202efdp.exe" showed in the dashboard as "invoice-exe.pdf".
func TestJournalTextHidesReordering(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/phoneNumbers/operations/invoice-\u202efdp.exe", "/phoneNumbers/operations/invoice-?fdp.exe"},
		{"a\u2066b\u2069c\u200fd\u061ce", "a?b?c?d?e"},
		{"x\u2060y\u200bz\ufeff\u00ad\U000e0041\u3164\ufe0f", "x?y?z?????"},
		{"plain/ascii", "plain/ascii"},
		{"ünïcödé", "ünïcödé"},
	}
	for _, tc := range tests {
		if got := journalText(tc.in, maxJournaledPath); got != tc.want {
			t.Errorf("journalText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
