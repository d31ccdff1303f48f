package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/semaphore"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

// readBody reads the request body up to limit bytes and puts an equivalent reader back,
// so the HMAC check hashes exactly the bytes the handler will see.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	req := c.Request()
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if b, ok := req.Body.(*bufferedBody); ok { // already read (by the HMAC check)
		return b.data, nil
	}
	if req.ContentLength > limit { // declared too large: refuse without reading
		return nil, NewAPIError(http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
			fmt.Sprintf("The request body is larger than %d bytes, the limit.", limit), "")
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	if err != nil {
		return nil, NewAPIError(http.StatusBadRequest, CodeBadRequest, "The request body could not be read.", "")
	}
	if int64(len(body)) > limit {
		return nil, NewAPIError(http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
			fmt.Sprintf("The request body is larger than %d bytes, the limit.", limit), "")
	}
	req.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	return body, nil
}

// BufferBody is middleware for routes that take a body (see Options.Register): it reads
// the body once, up to limit bytes, answering 413 RequestEntityTooLarge beyond, so that
// the handler, and the signature check before it, see the same bytes.
//
// Bodies held at once are bounded in bytes (MaxBufferedBodyBytes for the process): each
// request reserves its declared length (the limit when it declares none) before reading,
// and a request that finds no room is answered 503 at once. On an open server anyone can
// send bodies, slowly; without the bound, 200 slow 1 MiB bodies held 460 MB.
func BufferBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			weight := bodyWeight(c.Request(), limit)
			if weight > 0 {
				if !bufferedBodies.TryAcquire(weight) {
					return BusyError("reading other request bodies")
				}
				defer bufferedBodies.Release(weight)
			}
			if _, err := readBody(c, limit); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// MaxBufferedBodyBytes bounds the request bodies BufferBody holds at once, in the process.
const MaxBufferedBodyBytes = 32 << 20

// bufferedBodies holds MaxBufferedBodyBytes of room for bodies being read or handled.
var bufferedBodies = semaphore.NewWeighted(MaxBufferedBodyBytes)

// bodyWeight is the room req's body may take: its declared length, or limit when it
// declares none; 0 for no body or one already read.
func bodyWeight(req *http.Request, limit int64) int64 {
	if req.Body == nil || req.Body == http.NoBody {
		return 0
	}
	if _, ok := req.Body.(*bufferedBody); ok {
		return 0
	}
	if req.ContentLength >= 0 && req.ContentLength <= limit {
		return max(req.ContentLength, 1)
	}
	return limit
}

// bufferedBody is a request body read into memory by readBody, so it is read only once.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

// Close implements io.Closer; there is nothing to release.
func (*bufferedBody) Close() error { return nil }

// authenticator rejects requests without a valid HMAC-SHA256 signature with 401. The
// message says what is wrong; it never contains the key or any signature. Everything but
// the body hash is checked before the body is read, so an unsigned request costs no more
// than its headers.
type authenticator struct {
	verifier  *hmacauth.Verifier
	bodyLimit int64
	public    []string // routes answered unsigned besides /healthz (Options.PublicRoutes)
}

// isPublic reports a route a keyed server answers without a signature: /healthz, then the
// few public routes (a comparison or two on the request path, not a map's hash).
func (a *authenticator) isPublic(route string) bool {
	return route == HealthPath || slices.Contains(a.public, route)
}

// check authenticates c's request, received at received; /healthz and the public routes
// need no signature.
func (a *authenticator) check(c echo.Context, received time.Time) error {
	if a.isPublic(c.Path()) {
		return nil
	}
	req := c.Request()
	uri := signedTarget(req)
	hr := hmacauth.Request{Method: req.Method, PathAndQuery: uri, Host: req.Host, Header: req.Header, Received: received,
		PathPrefix: PathPrefix(req.Context())}
	if err := a.verifier.Precheck(hr); err != nil {
		return unauthorized(c, err)
	}
	body, err := readBody(c, a.bodyLimit)
	if err != nil {
		return err
	}
	hr.Body = body
	if err := hmacauth.CheckBody(hr); err != nil { // the signature was checked above
		return unauthorized(c, err)
	}
	return nil
}

// signedTarget is the path and query a request's signature covers: the target as
// received. An absolute-form target (GET http://host/path) is reduced to its path and query
// as sent, not taken from req.URL, which a router serving several resources path-style
// has rewritten (without /NAME): a root's signature must not verify at a resource.
func signedTarget(req *http.Request) string {
	uri := req.RequestURI
	switch {
	case uri != "" && uri[0] == '/':
		return uri
	case uri != "":
		if u, err := url.ParseRequestURI(uri); err == nil {
			return u.RequestURI()
		}
	}
	return req.URL.RequestURI() // synthetic requests (tests)
}

// unauthorized is the 401 answer for a verification failure.
func unauthorized(c echo.Context, err error) error {
	var ae *hmacauth.AuthError
	msg := "The request could not be authenticated."
	if errors.As(err, &ae) {
		msg = "Authentication failed: " + ae.Reason + "."
		if c.Request().Header.Get(echo.HeaderAuthorization) == "" {
			// Most often curl against a keyed server: say what signs.
			msg += " This server requires HMAC-SHA256 signed requests, as the Azure SDKs sign them; `phonenumbers operation` and `phonenumbers mock` sign with the key in PHONENUMBERS_ACCESS_KEY."
		}
	}
	c.Response().Header().Set("WWW-Authenticate", hmacauth.Scheme)
	return NewAPIError(http.StatusUnauthorized, CodeUnauthorized, msg, "")
}

// pathPrefixKey is the context key of the path a server is reached under.
type pathPrefixKey struct{}

// WithPathPrefix returns ctx saying that its request reached this server under prefix
// ("/NAME"), when one listener serves several path-style (mock.Resources): the request
// target as received keeps the prefix, and signatures are checked over it, in the forms
// the official SDKs sign it.
func WithPathPrefix(ctx context.Context, prefix string) context.Context {
	return context.WithValue(ctx, pathPrefixKey{}, prefix)
}

// PathPrefix returns the prefix [WithPathPrefix] recorded in ctx, "" when none.
func PathPrefix(ctx context.Context) string {
	p, _ := ctx.Value(pathPrefixKey{}).(string)
	return p
}
