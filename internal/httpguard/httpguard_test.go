package httpguard

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type refused struct{ from, to string }

func (r *refused) Error() string { return r.from + " -> " + r.to }

func TestSameOriginRedirects(t *testing.T) {
	check := SameOriginRedirects(func(from, to string) error { return &refused{from, to} })
	tests := []struct {
		from, to string
		refused  bool
	}{
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", false},
		{"https://Contoso.example/a", "https://contoso.example:443/b", false},
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/a", true},
		{"https://contoso.example/a", "http://contoso.example/a", true},
		{"https://contoso.example/a", "https://evil.example/a", true},
	}
	for _, tt := range tests {
		from, _ := http.NewRequest(http.MethodGet, tt.from, nil)
		to, _ := http.NewRequest(http.MethodGet, tt.to, nil)
		err := check(to, []*http.Request{from})
		var r *refused
		if got := errors.As(err, &r); got != tt.refused {
			t.Errorf("%s -> %s: err %v, refused %v, want %v", tt.from, tt.to, err, got, tt.refused)
		}
	}
}

type tooLarge struct{ limit, announced int64 }

func (e *tooLarge) Error() string { return "too large" }

func TestBodyLimit(t *testing.T) {
	limit := BodyLimit{Limit: 4, TooLarge: func(l, a int64) error { return &tooLarge{l, a} }}
	tests := []struct {
		name      string
		body      string
		announced int64
		wantErr   bool
		announce  int64 // what the error reports
	}{
		{"under", "abc", -1, false, 0},
		{"exactly", "abcd", 4, false, 0},
		{"announced over", "abcde", 5, true, 5},
		{"unannounced over", "abcde", -1, true, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := limit.Apply(&http.Response{Body: io.NopCloser(strings.NewReader(tt.body)), ContentLength: tt.announced})
			if err == nil {
				_, err = io.ReadAll(resp.Body)
			}
			var tl *tooLarge
			if got := errors.As(err, &tl); got != tt.wantErr {
				t.Fatalf("err = %v, want too large: %v", err, tt.wantErr)
			}
			if tt.wantErr && tl.announced != tt.announce {
				t.Errorf("announced = %d, want %d", tl.announced, tt.announce)
			}
		})
	}
}
