package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultMaxSkew is how far a request's date may be from the verifier's clock.
const DefaultMaxSkew = 15 * time.Minute

// AuthError says why a request failed verification. Its message never contains the key,
// the expected signature or the signature that was sent.
type AuthError struct {
	// Reason says what is wrong, e.g. "missing x-ms-date header".
	Reason string
}

// Error returns the reason.
func (e *AuthError) Error() string { return e.Reason }

func authErr(reason string) error { return &AuthError{Reason: reason} }

// Verifier checks HMAC-SHA256 signed requests against one access key. It is safe for
// concurrent use.
type Verifier struct {
	signer  *Signer
	maxSkew time.Duration
	now     func() time.Time
	// lastDate is the last date header parsed: requests signed in the same second carry
	// the same text, so most requests under load skip the parse.
	lastDate atomic.Pointer[parsedDate]
}

// parsedDate is a date header's text and its value.
type parsedDate struct {
	text string
	t    time.Time
}

// parseDate is ParseDate, remembering the last text parsed.
func (v *Verifier) parseDate(text string) (time.Time, error) {
	if last := v.lastDate.Load(); last != nil && last.text == text {
		return last.t, nil
	}
	t, err := ParseDate(text)
	if err == nil {
		v.lastDate.Store(&parsedDate{text: text, t: t})
	}
	return t, err
}

// NewVerifier returns a Verifier for the decoded key. maxSkew <= 0 means [DefaultMaxSkew];
// now == nil means time.Now.
func NewVerifier(key []byte, maxSkew time.Duration, now func() time.Time) *Verifier {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{signer: NewSigner(key), maxSkew: maxSkew, now: now}
}

// Request is what the verifier needs to know about a request.
type Request struct {
	// Method is the HTTP method.
	Method string
	// PathAndQuery is the request target exactly as received (http.Request.RequestURI).
	PathAndQuery string
	// Host is the Host header (http.Request.Host), port included when present.
	Host string
	// Header holds the request headers (any name case).
	Header http.Header
	// Body is the exact request body received.
	Body []byte
	// Received is when the request arrived, for the clock-skew check; zero means the
	// verifier's clock now. (A server that has already read the clock passes its reading.)
	Received time.Time
	// PathPrefix is the path the server is reached under when it is one of several served
	// path-style (a mock resource: "/NAME"), "" otherwise. Python's policy signs an
	// endpoint's path as part of the host (see signedPrefixForms).
	PathPrefix string
}

// Verify returns nil when the request carries a valid, timely signature, and an *AuthError
// saying what is wrong otherwise. It is [Verifier.Precheck] followed by the check that
// x-ms-content-sha256 is the hash of r.Body.
func (v *Verifier) Verify(r Request) error {
	if err := v.Precheck(r); err != nil {
		return err
	}
	return CheckBody(r)
}

// CheckBody completes [Verifier.Precheck] once the body has been read: the
// x-ms-content-sha256 header the signature covers must be the hash of r.Body.
func CheckBody(r Request) error {
	if headerValue(r.Header, HeaderContentSHA256) != ContentHash(r.Body) {
		return authErr("x-ms-content-sha256 does not match the request body")
	}
	return nil
}

// Precheck checks everything that does not need the body: the Authorization scheme and
// shape, the date header and its skew, the presence of x-ms-content-sha256, and the
// signature, which covers that header rather than the body itself. r.Body is ignored.
//
// A server calls it before reading the body, so that a request without a valid signature
// costs no more than its headers; after reading the body, [Verifier.Verify] (or comparing
// [ContentHash] of the body with the header) completes the check.
func (v *Verifier) Precheck(r Request) error {
	auth := headerValue(r.Header, HeaderAuthorization)
	if auth == "" {
		return authErr("missing Authorization header")
	}
	signedHeaders, signature, err := splitAuthorization(auth)
	if err != nil {
		return err
	}
	dateHeader, err := dateHeaderName(signedHeaders)
	if err != nil {
		return err
	}
	date := headerValue(r.Header, dateHeader)
	if date == "" {
		return authErr("missing " + strings.ToLower(dateHeader) + " header")
	}
	t, perr := v.parseDate(date)
	if perr != nil {
		return authErr("invalid " + strings.ToLower(dateHeader) + " header: want RFC 1123, e.g. \"Thu, 01 Dec 2022 10:20:30 GMT\"")
	}
	now := r.Received
	if now.IsZero() {
		now = v.now()
	}
	if skew := now.Sub(t); skew > v.maxSkew || skew < -v.maxSkew {
		return authErr("request date " + date + " is outside the allowed clock skew of " + v.maxSkew.String())
	}
	contentHash := headerValue(r.Header, HeaderContentSHA256)
	if contentHash == "" {
		return authErr("missing x-ms-content-sha256 header")
	}
	// The signature for the Host header as received is compared in its base64 form,
	// which allocates nothing. Strict base64 gives each MAC one spelling, so that
	// comparison is the whole answer for this host; the other forms the SDKs sign are
	// tried below.
	if v.signer.macMatches(signature, r.Method, r.PathAndQuery, date, r.Host, contentHash) {
		return nil
	}
	// Strict: the unused low bits of the last character must be zero, so that a valid
	// signature has one spelling only, the one the fast path compares.
	want, derr := base64.StdEncoding.Strict().DecodeString(signature)
	if derr != nil || len(want) != sha256.Size {
		return authErr("signature is not base64 of a 32-byte HMAC-SHA256")
	}
	var got [sha256.Size]byte
	for _, host := range signedHostForms(r.Host) {
		v.signer.mac(got[:0], r.Method, r.PathAndQuery, date, host, contentHash)
		if hmac.Equal(got[:], want) {
			return nil
		}
	}
	for _, form := range signedPrefixForms(r) {
		v.signer.mac(got[:0], r.Method, form[0], date, form[1], contentHash)
		if hmac.Equal(got[:], want) {
			return nil
		}
	}
	return authErr("signature does not match the request (check the access key, method, path and query, host and x-ms-date)")
}

// signedHostForms returns the other host strings the official SDKs sign for a request
// whose Host header is host, each still bound to this host: a signature is a full HMAC
// over this request's method, path and query, date and body hash, so accepting these forms
// lets no request through that the SDK did not sign for this server.
//
//   - the host without its port: Java's HmacAuthenticationPolicy signs url.getHost();
//   - the port doubled: @azure/communication-common 2.3.1 and 2.4.0 sign url.host plus
//     ":" + port (communicationAccessKeyCredentialPolicy), e.g. 127.0.0.1:8080:8080;
//   - the default port written out: Python signs the endpoint string minus its scheme, so
//     an endpoint "https://host:443" signs host:443 while the Host header says host;
//   - a trailing slash: the same Python code with an endpoint "https://host/".
//
// .NET (Uri.Authority) and @azure/communication-common 2.4.2+ (url.host) sign the Host
// header's value, which the caller tries first.
func signedHostForms(host string) []string {
	if host == "" {
		return nil
	}
	forms := make([]string, 0, 5)
	if name, port, err := net.SplitHostPort(host); err == nil {
		forms = append(forms, name, host+":"+port)
		if strings.HasPrefix(host, "[") {
			forms[0] = "[" + name + "]" // an IPv6 literal keeps its brackets
		}
	} else {
		forms = append(forms, host+":443", host+":80")
	}
	return append(forms, host+"/")
}

// signedPrefixForms returns the (path and query, host) pairs Python's policy signs for a
// server reached under a path prefix: it takes the endpoint minus its scheme as the host
// and signs what follows it in the URL as the path, so an endpoint https://h/NAME signs
// host "h/NAME" and path "/phoneNumbers/...", and https://h/NAME/ signs "h/NAME/" and
// "phoneNumbers/...". Each is a full HMAC over this request, bound to this host and
// prefix, as the host forms are.
func signedPrefixForms(r Request) [][2]string {
	rest, ok := strings.CutPrefix(r.PathAndQuery, r.PathPrefix)
	if r.PathPrefix == "" || !ok || !strings.HasPrefix(rest, "/") {
		return nil
	}
	return [][2]string{{rest, r.Host + r.PathPrefix}, {rest[1:], r.Host + r.PathPrefix + "/"}}
}

// headerValue returns the first value of a header, whatever the case of its name in h.
func headerValue(h http.Header, canonicalName string) string {
	if v := h[canonicalName]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h { // h may have been built without canonicalisation
		if len(v) > 0 && strings.EqualFold(k, canonicalName) {
			return v[0]
		}
	}
	return ""
}

// splitAuthorization is parseAuthorization with a fast path for the form every current
// SDK sends, which needs no scanning of the parameters.
func splitAuthorization(v string) (signedHeaders, signature string, err error) {
	if sig, ok := strings.CutPrefix(v, authorizationPrefix); ok && sig != "" && !strings.ContainsAny(sig, "& \t") {
		return SignedHeaders, sig, nil
	}
	return parseAuthorization(v)
}

// parseAuthorization splits "HMAC-SHA256 SignedHeaders=a;b;c&Signature=xyz".
func parseAuthorization(v string) (signedHeaders, signature string, err error) {
	scheme, params, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, Scheme) {
		return "", "", authErr("Authorization header must use the HMAC-SHA256 scheme")
	}
	for part := range strings.SplitSeq(strings.TrimSpace(params), "&") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return "", "", authErr("malformed Authorization header: want SignedHeaders=...&Signature=...")
		}
		switch {
		case strings.EqualFold(k, "SignedHeaders"):
			if signedHeaders != "" {
				return "", "", authErr("malformed Authorization header: SignedHeaders given twice")
			}
			signedHeaders = val
		case strings.EqualFold(k, "Signature"):
			if signature != "" {
				return "", "", authErr("malformed Authorization header: Signature given twice")
			}
			signature = val
		}
	}
	if signedHeaders == "" || signature == "" {
		return "", "", authErr("malformed Authorization header: want SignedHeaders=...&Signature=...")
	}
	return signedHeaders, signature, nil
}

// dateHeaderName checks SignedHeaders and says which header carries the signed date.
func dateHeaderName(signedHeaders string) (string, error) {
	switch strings.ToLower(signedHeaders) {
	case "x-ms-date;host;x-ms-content-sha256":
		return HeaderDate, nil
	case "date;host;x-ms-content-sha256":
		return "Date", nil
	}
	return "", authErr("SignedHeaders must be x-ms-date;host;x-ms-content-sha256 (or date;host;x-ms-content-sha256)")
}
