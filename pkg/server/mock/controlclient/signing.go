package controlclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// maxSignedBody bounds a request body the doer reads to hash; the server refuses larger
// control bodies anyway (1 MiB by default).
const maxSignedBody = 8 << 20

// SigningDoer is an [HttpRequestDoer] that signs every request with an access key before
// sending it through Next.
type SigningDoer struct {
	signer *hmacauth.Signer
	// Next sends the signed request. Default http.DefaultClient.
	Next HttpRequestDoer
	// InsecureAllowCredentialWithHTTP allows signing requests sent over plain HTTP to hosts
	// other than loopback ones, as client.ClientOptions' field of that name does. Without
	// it such a request is refused with ErrCredentialOverHTTP: its signature could be read
	// on the way and replayed.
	InsecureAllowCredentialWithHTTP bool
}

// ErrCredentialOverHTTP is returned by SigningDoer.Do, before anything is sent, for a
// request over plain HTTP to a host that is not loopback (see
// SigningDoer.InsecureAllowCredentialWithHTTP).
var ErrCredentialOverHTTP = errors.New("controlclient: refusing to send an access-key signature over plain HTTP to a non-loopback host; use https, or a loopback address for a local mock")

// NewSigningDoer returns a doer signing with the base64 access key; next sends the
// requests (nil: http.DefaultClient). The error never contains the key.
func NewSigningDoer(accessKey string, next HttpRequestDoer) (*SigningDoer, error) {
	key, err := hmacauth.DecodeKey(accessKey)
	if err != nil {
		return nil, fmt.Errorf("controlclient: %w", err)
	}
	if next == nil {
		next = http.DefaultClient
	}
	return &SigningDoer{signer: hmacauth.NewSigner(key), Next: next}, nil
}

// Do signs req (its body is read, hashed and put back) and sends it.
func (d *SigningDoer) Do(req *http.Request) (*http.Response, error) {
	if !d.InsecureAllowCredentialWithHTTP && !netutil.CredentialAllowed(req.URL) {
		if req.Body != nil {
			req.Body.Close() // Do owns the body, as http.Client.Do does
		}
		return nil, ErrCredentialOverHTTP
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, maxSignedBody+1))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(b) > maxSignedBody {
			return nil, fmt.Errorf("controlclient: request body larger than %d bytes", maxSignedBody)
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	hash := hmacauth.ContentHash(body)
	date, auth := d.signer.SignRequest(req.Method, req.URL.RequestURI(), req.URL.Host, hash, time.Now())
	hmacauth.SetHeaders(req.Header, date, hash, auth)
	return d.Next.Do(req)
}
