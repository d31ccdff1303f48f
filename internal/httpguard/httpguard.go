// Package httpguard holds the two protections every HTTP client of this module applies to
// the servers it talks to: redirects stay within the first request's origin, and response
// bodies are bounded. pkg/client builds its transport from them (with its public error
// types); the CLI and the conformance engine use them for their other HTTP clients.
package httpguard

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects within one origin are followed.
const maxRedirects = 10

// SameOriginRedirects returns an http.Client CheckRedirect that follows at most 10
// redirects within the origin of the first request and refuses any to another origin with
// refuse(from, to). Credentials (an HMAC signature, a bearer token) are bound to the origin
// they were made for: following the redirect would hand them, and the trust in the answer,
// to another server.
func SameOriginRedirects(refuse func(from, to string) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errors.New("stopped after 10 redirects")
		}
		if from, to := Origin(via[0].URL), Origin(req.URL); from != to {
			return refuse(from, to)
		}
		return nil
	}
}

// CheckRedirect is SameOriginRedirects for the module's own HTTP clients (the CLI, the
// conformance engine), with an error naming both origins. pkg/client uses its public
// RedirectError instead.
var CheckRedirect = SameOriginRedirects(func(from, to string) error {
	return fmt.Errorf("refused a redirect from %s to another origin, %s: credentials and answers stay with the endpoint", from, to)
})

// LimitBodies returns next with response bodies bounded at limit bytes, for the module's
// own HTTP clients; the error says how large the body was, when the server said.
func LimitBodies(next http.RoundTripper, limit int64) http.RoundTripper {
	return BodyLimit{Limit: limit, TooLarge: func(limit, announced int64) error {
		if announced >= 0 {
			return fmt.Errorf("response body of %d bytes exceeds the limit of %d bytes", announced, limit)
		}
		return fmt.Errorf("response body exceeds the limit of %d bytes", limit)
	}}.RoundTripper(next)
}

// Origin returns u's scheme://host:port, with the default port written out and the host
// lower-cased, so that equal origins compare equal.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// BodyLimit bounds response bodies: tooLarge(limit, announced) makes the error for a body
// over Limit bytes (announced is the Content-Length, or -1 when the server did not say).
type BodyLimit struct {
	Limit    int64
	TooLarge func(limit, announced int64) error
}

// Apply refuses resp when it announces more than the limit, and otherwise makes its body
// fail the read that would go past the limit. It closes a refused body.
func (l BodyLimit) Apply(resp *http.Response) (*http.Response, error) {
	if resp.Body == nil {
		return resp, nil
	}
	if resp.ContentLength > l.Limit {
		resp.Body.Close()
		return nil, l.TooLarge(l.Limit, resp.ContentLength)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: l.Limit, limit: l}
	return resp, nil
}

// RoundTripper returns next (http.DefaultTransport when nil) with the limit applied to
// every response.
func (l BodyLimit) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return limitedRoundTripper{next: next, limit: l}
}

type limitedRoundTripper struct {
	next  http.RoundTripper
	limit BodyLimit
}

// RoundTrip implements http.RoundTripper.
func (t limitedRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	return t.limit.Apply(resp)
}

// limitedBody fails the read that would go past the limit.
type limitedBody struct {
	rc    io.ReadCloser
	left  int64
	limit BodyLimit
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, b.limit.TooLarge(b.limit.Limit, -1)
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
