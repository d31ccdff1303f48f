package mock

import (
	"net/http"
	"strings"
	"testing"

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
			var r journalRecord
			r.collectHeaders(tt.header)
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
