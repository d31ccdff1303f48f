package client

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// MaxServerDelay is the longest wait a server can impose through retry-after-ms,
// x-ms-retry-after-ms or Retry-After, before a retry or between two polls; longer values
// are cut to it. A server's delay is a request, not a command: Retry-After: 2147483647
// would otherwise sleep 68 years, and retry-after-ms: 76480200929599801 overflows azcore's
// multiplication into 64 ns, which polled 88,860 times in 10 s.
const MaxServerDelay = time.Minute

// minServerPollDelay is the shortest wait between polls a server can ask for: azcore's
// minimum frequency. A poller whose own frequency is shorter (against a loopback mock)
// keeps its own as the floor.
const minServerPollDelay = azcoreMinFrequency

// retryAfterHeaders are the headers azcore reads for a server's delay, in its order of
// preference.
var retryAfterHeaders = []struct {
	name string
	unit time.Duration
}{
	{"retry-after-ms", time.Millisecond},
	{"x-ms-retry-after-ms", time.Millisecond},
	{"Retry-After", time.Second},
}

// serverDelay reads the delay a response asks for, as azcore does (the first of
// retryAfterHeaders that holds a positive number, or Retry-After as an HTTP date), without
// overflowing, and cut to [0, MaxServerDelay]. ok is false when no header asks for one.
func serverDelay(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, ra := range retryAfterHeaders {
		v := strings.TrimSpace(h.Get(ra.name))
		if v == "" {
			continue
		}
		if n, err := strconv.ParseUint(v, 10, 64); err == nil || isOverflow(err) {
			if err != nil || n > uint64(MaxServerDelay/ra.unit) {
				return MaxServerDelay, true
			}
			if n > 0 {
				return time.Duration(n) * ra.unit, true
			}
			continue // 0: azcore ignores it, and so does this
		}
		if ra.name == "Retry-After" {
			if at, err := http.ParseTime(v); err == nil {
				return min(max(at.Sub(now), 0), MaxServerDelay), true
			}
		}
	}
	return 0, false
}

// isOverflow reports a number too large for 64 bits: a delay longer than any cap.
func isOverflow(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// retryAfterPolicy rewrites a response's delay headers into one retry-after-ms within
// [0, MaxServerDelay], before azcore's retry policy and poller read them: they multiply
// without an overflow check and sleep as long as told. It runs on every try, between the
// retry policy and the transport.
type retryAfterPolicy struct {
	now func() time.Time
}

// Do sends the request and normalizes the answer's delay headers.
func (p retryAfterPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if resp == nil {
		return resp, err
	}
	d, ok := serverDelay(resp.Header, p.now())
	for _, ra := range retryAfterHeaders {
		resp.Header.Del(ra.name)
	}
	if ok {
		// Whole milliseconds, rounded up, and at least 1: azcore reads 0 as no delay asked
		// for, while a date already past asks to retry now.
		ms := max(int64(math.Ceil(float64(d)/float64(time.Millisecond))), 1)
		resp.Header.Set("retry-after-ms", strconv.FormatInt(ms, 10))
	}
	return resp, err
}
