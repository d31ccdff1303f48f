package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Header names used by the scheme, in their canonical form.
const (
	HeaderDate          = "X-Ms-Date"
	HeaderContentSHA256 = "X-Ms-Content-Sha256"
	HeaderAuthorization = "Authorization"
)

// Scheme is the authorization scheme name.
const Scheme = "HMAC-SHA256"

// SignedHeaders is the SignedHeaders value that current SDKs send.
const SignedHeaders = "x-ms-date;host;x-ms-content-sha256"

// EmptyContentHash is base64(SHA-256("")), the content hash of every GET.
const EmptyContentHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

// authorizationPrefix is what precedes the signature in a current-form Authorization header.
const authorizationPrefix = Scheme + " SignedHeaders=" + SignedHeaders + "&Signature="

// ContentHash returns base64(SHA-256(body)).
func ContentHash(body []byte) string {
	if len(body) == 0 {
		return EmptyContentHash
	}
	sum := sha256.Sum256(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// FormatDate formats t as the scheme expects: RFC 1123 in GMT with a two-digit day,
// e.g. "Thu, 01 Dec 2022 10:20:30 GMT".
func FormatDate(t time.Time) string {
	return t.UTC().Format(dateLayout)
}

// dateLayout is http.TimeFormat, spelled out so the two-digit day is explicit.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// ParseDate parses an x-ms-date or Date value. It accepts the RFC 1123 form the scheme
// prescribes and the other forms HTTP allows (RFC 850, asctime), as net/http does.
func ParseDate(s string) (time.Time, error) {
	if t, ok := parseIMFFixdate(s); ok {
		return t, nil
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, nil
	}
	return parseHTTPDate(s)
}

// StringToSign returns the string that is signed for a request.
func StringToSign(method, pathAndQuery, date, host, contentHash string) string {
	var b strings.Builder
	b.Grow(len(method) + len(pathAndQuery) + len(date) + len(host) + len(contentHash) + 4)
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(pathAndQuery)
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte(';')
	b.WriteString(host)
	b.WriteByte(';')
	b.WriteString(contentHash)
	return b.String()
}

// Signer computes signatures with one access key. It is safe for concurrent use and
// reuses HMAC states and buffers, so signing allocates only the strings it returns.
type Signer struct {
	pool sync.Pool // of *signState
}

type signState struct {
	mac hash.Hash
	buf []byte
	sum []byte // scratch for a MAC, so that computing one does not allocate
}

// NewSigner returns a Signer for the decoded access key. The key is copied.
func NewSigner(key []byte) *Signer {
	k := append([]byte(nil), key...)
	return &Signer{pool: sync.Pool{New: func() any {
		return &signState{mac: hmac.New(sha256.New, k), buf: make([]byte, 0, 512), sum: make([]byte, 0, sha256.Size)}
	}}}
}

// Sign returns base64(HMAC-SHA256(key, stringToSign)).
func (s *Signer) Sign(stringToSign string) string {
	var sum [sha256.Size]byte
	st := s.pool.Get().(*signState)
	st.buf = append(st.buf[:0], stringToSign...)
	s.macInto(st, sum[:0])
	s.pool.Put(st)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// macInto appends the MAC of st.buf to dst.
func (s *Signer) macInto(st *signState, dst []byte) []byte {
	st.mac.Reset()
	_, _ = st.mac.Write(st.buf)
	return st.mac.Sum(dst)
}

// mac appends the raw MAC of the string to sign built from the parts to dst.
func (s *Signer) mac(dst []byte, method, pathAndQuery, date, host, contentHash string) []byte {
	st := s.pool.Get().(*signState)
	st.buf = appendStringToSign(st.buf[:0], method, pathAndQuery, date, host, contentHash)
	dst = s.macInto(st, dst)
	s.pool.Put(st)
	return dst
}

// macMatches reports whether signature is the canonical base64 form of the MAC of the
// string to sign built from the parts, comparing in constant time without allocating.
func (s *Signer) macMatches(signature, method, pathAndQuery, date, host, contentHash string) bool {
	const encodedLen = 44 // base64 of 32 bytes, padded
	if len(signature) != encodedLen {
		return false
	}
	st := s.pool.Get().(*signState)
	st.buf = appendStringToSign(st.buf[:0], method, pathAndQuery, date, host, contentHash)
	st.sum = s.macInto(st, st.sum[:0])
	var enc [encodedLen]byte
	base64.StdEncoding.Encode(enc[:], st.sum)
	s.pool.Put(st)
	var diff byte
	for i := range enc {
		diff |= enc[i] ^ signature[i]
	}
	return diff == 0
}

func appendStringToSign(b []byte, method, pathAndQuery, date, host, contentHash string) []byte {
	for i := 0; i < len(method); i++ { // upper-case without allocating
		c := method[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	b = append(b, '\n')
	b = append(b, pathAndQuery...)
	b = append(b, '\n')
	b = append(b, date...)
	b = append(b, ';')
	b = append(b, host...)
	b = append(b, ';')
	return append(b, contentHash...)
}

// Authorization returns the full Authorization header value for a signature.
func Authorization(signature string) string {
	return authorizationPrefix + signature
}

// SignRequest returns the x-ms-date and Authorization values for a request described by
// its parts, allocating nothing but the two strings.
func (s *Signer) SignRequest(method, pathAndQuery, host, contentHash string, now time.Time) (date, authorization string) {
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	st.buf = now.UTC().AppendFormat(st.buf[:0], dateLayout)
	date = string(st.buf)
	st.buf = appendStringToSign(st.buf[:0], method, pathAndQuery, date, host, contentHash)
	var sum [sha256.Size]byte
	s.macInto(st, sum[:0])
	st.buf = append(st.buf[:0], authorizationPrefix...)
	st.buf = base64.StdEncoding.AppendEncode(st.buf, sum[:])
	return date, string(st.buf)
}

// ErrBadKey is returned by [DecodeKey]; it never carries the key.
var ErrBadKey = errors.New("the access key is not valid base64")

// DecodeKey decodes an access key as the Azure portal shows it (standard base64,
// non-empty). Every component that takes a key decodes it here, so all refuse the same keys
// with the same message.
func DecodeKey(key string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(k) == 0 {
		return nil, ErrBadKey
	}
	return k, nil
}

// SetHeaders sets the three headers of a signed request: x-ms-date, x-ms-content-sha256
// and Authorization, in canonical form, with one allocation for the three values.
func SetHeaders(h http.Header, date, contentHash, authorization string) {
	vals := []string{date, contentHash, authorization}
	h[HeaderDate] = vals[0:1:1]
	h[HeaderContentSHA256] = vals[1:2:2]
	h[HeaderAuthorization] = vals[2:3:3]
}
