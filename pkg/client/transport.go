package client

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// DefaultMaxResponseBytes bounds a response body when ClientOptions.MaxResponseBytes is
// zero. A PhoneNumberOperation or an error is well under 64 KiB; 4 MiB is generous.
const DefaultMaxResponseBytes = 4 << 20

// ResponseTooLargeError is returned when a response body is, or announces to be, larger
// than the client's limit. The body is not read past the limit, and the request is not
// retried: a server that sent it once will send it again.
type ResponseTooLargeError struct {
	// Limit is the client's limit in bytes.
	Limit int64
	// ContentLength is what the server announced, or -1 when it did not say.
	ContentLength int64
}

// Error says what was refused and how to raise the limit.
func (e *ResponseTooLargeError) Error() string {
	if e.ContentLength >= 0 {
		return fmt.Sprintf("phonenumbers: response body of %d bytes exceeds the limit of %d bytes (ClientOptions.MaxResponseBytes)", e.ContentLength, e.Limit)
	}
	return fmt.Sprintf("phonenumbers: response body exceeds the limit of %d bytes (ClientOptions.MaxResponseBytes)", e.Limit)
}

// NonRetriable marks the error as final for azcore's retry policy.
func (*ResponseTooLargeError) NonRetriable() {}

// limitTransport bounds response bodies below azcore's body download, which reads whole
// bodies into memory: without it, an endless or huge body exhausts the caller's memory.
type limitTransport struct {
	next  policy.Transporter
	limit int64
}

// Do sends req and refuses or caps the response body.
func (t limitTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.next.Do(req)
	if err != nil && netutil.IsCertificateError(err) {
		return nil, nonRetriable{err}
	}
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if resp.ContentLength > t.limit {
		resp.Body.Close()
		return nil, &ResponseTooLargeError{Limit: t.limit, ContentLength: resp.ContentLength}
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.limit, limit: t.limit}
	return resp, nil
}

// limitedBody fails the read that would go past the limit.
type limitedBody struct {
	rc    io.ReadCloser
	left  int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &ResponseTooLargeError{Limit: b.limit, ContentLength: -1}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// defaultTransport is the HTTP client used when ClientOptions.Transport is nil: TLS 1.2 at
// least, proxies from the environment, and no redirect to another origin.
func defaultTransport() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, CheckRedirect: CheckRedirect}
}

// boundedTransport wraps the configured transport (or the default one) with the body limit.
func boundedTransport(next policy.Transporter, limit int64) policy.Transporter {
	if next == nil {
		next = defaultTransport()
	}
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	return limitTransport{next: next, limit: limit}
}

// RedirectError is returned (wrapped in a *url.Error) when a server redirects to another
// origin. It refuses a redirect to another origin. Credentials (an
// HMAC signature, a bearer token) are bound to the origin they were made for: following
// the redirect would hand them, and the trust in the answer, to another server.
type RedirectError struct {
	From, To string // origins, scheme://host:port
}

// Error says which origins were involved.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("phonenumbers: refused a redirect from %s to another origin, %s: credentials and answers stay with the endpoint", e.From, e.To)
}

// NonRetriable tells azcore's retry policy not to retry: the server will redirect again.
func (*RedirectError) NonRetriable() {}

// CheckRedirect is the http.Client CheckRedirect of the client's default transport; set it
// on an http.Client you pass as ClientOptions.Transport to keep the same protection. It follows at most 10 redirects within
// the origin of the first request and refuses any to another origin.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if from, to := origin(via[0].URL), origin(req.URL); from != to {
		return &RedirectError{From: from, To: to}
	}
	return nil
}

// origin returns u's scheme://host:port, with the default port written out and the host
// lower-cased, so that equal origins compare equal.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// nonRetriable marks an error final for azcore's retry policy; errors.Is/As see through it.
type nonRetriable struct{ error }

// NonRetriable is azcore's marker method.
func (nonRetriable) NonRetriable() {}

// Unwrap returns the error.
func (e nonRetriable) Unwrap() error { return e.error }

// LimitResponseBodies returns an http.RoundTripper that refuses an announced body over
// limit and cuts an endless one at limit, with a *ResponseTooLargeError, as the client does
// on its own transport; for other HTTP clients of the same servers (the CLI's control-API
// commands use it). A limit <= 0 means DefaultMaxResponseBytes.
func LimitResponseBodies(next http.RoundTripper, limit int64) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	return limitRoundTripper{limitTransport{next: roundTripperTransporter{next}, limit: limit}}
}

// limitRoundTripper is limitTransport as an http.RoundTripper.
type limitRoundTripper struct{ t limitTransport }

// RoundTrip implements http.RoundTripper.
func (l limitRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return l.t.Do(req) }

// roundTripperTransporter is an http.RoundTripper as a policy.Transporter.
type roundTripperTransporter struct{ rt http.RoundTripper }

// Do implements policy.Transporter.
func (r roundTripperTransporter) Do(req *http.Request) (*http.Response, error) {
	return r.rt.RoundTrip(req)
}
