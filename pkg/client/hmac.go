package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// keyHandoffHeader carries the access key from azcore's KeyCredentialPolicy (the only
// public way to read an *azcore.KeyCredential, so key rotation with Update works) to the
// HMAC policy right after it, which removes it before anything is sent or logged.
const keyHandoffHeader = "X-Phonenumbers-Access-Key-Handoff"

// hmacPolicy signs each attempt with HMAC-SHA256. It runs per retry, so every retry gets a
// fresh x-ms-date and signature.
type hmacPolicy struct {
	now       func() time.Time
	allowHTTP bool
	cached    atomic.Pointer[cachedSigner]
}

type cachedSigner struct {
	key    string
	signer *hmacauth.Signer
}

// newHMACPolicies returns the two per-retry policies that sign requests with cred.
func newHMACPolicies(cred *azcore.KeyCredential, allowHTTP bool, now func() time.Time) []policy.Policy {
	return []policy.Policy{
		runtime.NewKeyCredentialPolicy(cred, keyHandoffHeader, &runtime.KeyCredentialPolicyOptions{
			InsecureAllowCredentialWithHTTP: true, // the HMAC policy enforces the transport rule itself
		}),
		&hmacPolicy{now: now, allowHTTP: allowHTTP},
	}
}

// checkKey reads cred's key the only public way there is, through azcore's
// KeyCredentialPolicy on a request that never leaves the process, and refuses one that is
// not base64: a bad key should fail at construction, not at the first request.
func checkKey(cred *azcore.KeyCredential) error {
	var key string
	capture := transportFunc(func(req *http.Request) (*http.Response, error) {
		key = req.Header.Get(keyHandoffHeader)
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
	})
	pl := runtime.NewPipeline("phonenumbers", "", runtime.PipelineOptions{PerCall: []policy.Policy{
		runtime.NewKeyCredentialPolicy(cred, keyHandoffHeader, nil),
	}}, &policy.ClientOptions{Transport: capture, Retry: policy.RetryOptions{MaxRetries: -1}, Telemetry: policy.TelemetryOptions{Disabled: true}})
	req, err := runtime.NewRequest(context.Background(), http.MethodGet, "https://key.check.invalid/")
	if err != nil {
		return err
	}
	if _, err := pl.Do(req); err != nil {
		return err
	}
	if key == "" {
		return errors.New("client: the access key is empty (copy the key from the Azure portal: Keys, Primary key)")
	}
	if _, err := hmacauth.DecodeKey(key); err != nil {
		return errors.New("client: the access key is not base64 (copy the key from the Azure portal: Keys, Primary key)")
	}
	return nil
}

// transportFunc is a policy.Transporter from a function.
type transportFunc func(*http.Request) (*http.Response, error)

// Do implements policy.Transporter.
func (f transportFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// SigningError is returned when a request cannot be signed (no key, a key that is not
// base64, or plain HTTP to a non-loopback host). Retrying cannot help, so azcore's retry
// policy gives up at once. Its message never contains the key.
type SigningError struct{ msg string }

// Error returns the reason.
func (e *SigningError) Error() string { return e.msg }

// NonRetriable marks the error as permanent for azcore's retry policy.
func (*SigningError) NonRetriable() {}

// errHTTPCredential mirrors azcore's refusal to send credentials in clear text.
var errHTTPCredential = &SigningError{"client: refusing to send an access-key signature over plain HTTP to a non-loopback host; use https or set ClientOptions.InsecureAllowCredentialWithHTTP"}

// Do implements policy.Policy.
func (p *hmacPolicy) Do(req *policy.Request) (*http.Response, error) {
	raw := req.Raw()
	key := raw.Header.Get(keyHandoffHeader)
	raw.Header.Del(keyHandoffHeader)
	if key == "" {
		return nil, &SigningError{"client: no access key to sign the request with"}
	}
	if !p.allowHTTP && !netutil.CredentialAllowed(raw.URL) {
		return nil, errHTTPCredential
	}
	signer, err := p.signer(key)
	if err != nil {
		return nil, err
	}
	contentHash := hmacauth.EmptyContentHash
	if body := req.Body(); body != nil {
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if err := req.RewindBody(); err != nil {
			return nil, err
		}
		contentHash = hmacauth.ContentHash(b)
	}
	date, auth := signer.SignRequest(raw.Method, raw.URL.RequestURI(), signedHost(raw), contentHash, p.now())
	hmacauth.SetHeaders(raw.Header, date, contentHash, auth)
	return req.Next()
}

// signer returns a signer for key, reusing the last one while the key is unchanged.
func (p *hmacPolicy) signer(key string) (*hmacauth.Signer, error) {
	if c := p.cached.Load(); c != nil && c.key == key {
		return c.signer, nil
	}
	k, err := hmacauth.DecodeKey(key)
	if err != nil {
		return nil, &SigningError{"client: cannot sign the request: " + err.Error()}
	}
	c := &cachedSigner{key: key, signer: hmacauth.NewSigner(k)}
	p.cached.Store(c)
	return c.signer, nil
}

// signedHost is the Host header net/http will send. Endpoints are normalized without a
// default port, so this is also what browsers and the JS SDK's url.host would sign.
func signedHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	return r.URL.Host
}
