package hmacauth

import (
	"net/http"
	"time"
)

// parseHTTPDate accepts every date form HTTP/1.1 allows.
func parseHTTPDate(s string) (time.Time, error) {
	return http.ParseTime(s)
}
