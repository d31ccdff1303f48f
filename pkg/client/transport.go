package client

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/internal/httpguard"
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
		return fmt.Sprintf("client: response body of %d bytes exceeds the limit of %d bytes (ClientOptions.MaxResponseBytes)", e.ContentLength, e.Limit)
	}
	return fmt.Sprintf("client: response body exceeds the limit of %d bytes (ClientOptions.MaxResponseBytes)", e.Limit)
}

// NonRetriable marks the error as final for azcore's retry policy.
func (*ResponseTooLargeError) NonRetriable() {}

// limitTransport bounds response bodies below azcore's body download, which reads whole
// bodies into memory: without it, an endless or huge body exhausts the caller's memory.
type limitTransport struct {
	next  policy.Transporter
	limit httpguard.BodyLimit
}

// Do sends req and refuses or caps the response body.
func (t limitTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.next.Do(req)
	if err != nil && (netutil.IsCertificateError(err) || refusedOnLoopback(err, req)) {
		return nil, nonRetriable{err}
	}
	if err != nil {
		return resp, err
	}
	return t.limit.Apply(resp)
}

// refusedOnLoopback reports a connection refused by a loopback host: nothing listens on
// that port of this machine, and retrying for seconds would only delay saying so.
func refusedOnLoopback(err error, req *http.Request) bool {
	return errors.Is(err, syscall.ECONNREFUSED) && netutil.IsLoopbackHost(req.URL.Host)
}

// newResponseTooLargeError is the httpguard.BodyLimit constructor of the client's error.
func newResponseTooLargeError(limit, announced int64) error {
	return &ResponseTooLargeError{Limit: limit, ContentLength: announced}
}

// defaultTransport is the HTTP client used when ClientOptions.Transport is nil: TLS 1.2 at
// least, proxies from the environment, and no redirect to another origin.
func defaultTransport() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
}

// boundedTransport wraps the configured transport (or the default one) with the body limit.
func boundedTransport(next policy.Transporter, limit int64) policy.Transporter {
	if next == nil {
		next = defaultTransport()
	}
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	return limitTransport{next: next, limit: httpguard.BodyLimit{Limit: limit, TooLarge: newResponseTooLargeError}}
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
	return fmt.Sprintf("client: refused a redirect from %s to another origin, %s: credentials and answers stay with the endpoint", e.From, e.To)
}

// NonRetriable tells azcore's retry policy not to retry: the server will redirect again.
func (*RedirectError) NonRetriable() {}

// checkRedirect is the CheckRedirect of the client's default transport: redirects stay
// within the first request's origin. An http.Client passed as ClientOptions.Transport
// chooses its own policy.
var checkRedirect = httpguard.SameOriginRedirects(func(from, to string) error {
	return &RedirectError{From: from, To: to}
})

// nonRetriable marks an error final for azcore's retry policy; errors.Is/As see through it.
type nonRetriable struct{ error }

// NonRetriable is azcore's marker method.
func (nonRetriable) NonRetriable() {}

// Unwrap returns the error.
func (e nonRetriable) Unwrap() error { return e.error }
