package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/httpguard"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// connectionFlags select the server and how to reach and authenticate to it, for every
// command that calls one (operation, conformance), with the same environment fallbacks.
type connectionFlags struct {
	Endpoint           string `env:"PHONENUMBERS_ENDPOINT" help:"Resource URL, e.g. https://contoso.communication.azure.com or http://127.0.0.1:8080. Takes precedence over a connection string."`
	AccessKey          string `env:"PHONENUMBERS_ACCESS_KEY" help:"Base64 access key for --endpoint: requests are HMAC-SHA256 signed."`
	ConnectionString   string `env:"COMMUNICATION_SERVICES_CONNECTION_STRING" help:"endpoint=https://<resource>.communication.azure.com/;accesskey=<key> (instead of --endpoint and --access-key)."`
	Auth               string `default:"auto" enum:"auto,key,entra,none" env:"PHONENUMBERS_AUTH" help:"auto: the access key when one is given; otherwise none for loopback or http:// endpoints; otherwise Entra ID. key, entra (DefaultAzureCredential, HTTPS only) or none force one."`
	CACert             string `name:"ca-cert" type:"existingfile" env:"PHONENUMBERS_CA_CERT" help:"PEM file of CA certificates to trust (e.g. DIR/cert.pem from serve --tls-self-signed)."`
	InsecureSkipVerify bool   `name:"insecure-skip-verify" env:"PHONENUMBERS_INSECURE_SKIP_VERIFY" help:"Do not verify the server's TLS certificate (tests only)."`

	tries *tryReporter // set by newClient
}

// lastFailure is the error of the last failed try, if any: when a command times out
// while retrying, it says why the tries failed.
func (f *connectionFlags) lastFailure() error {
	if f.tries == nil {
		return nil
	}
	f.tries.mu.Lock()
	defer f.tries.mu.Unlock()
	return f.tries.last
}

// Authentication modes of --auth.
const (
	authAuto  = "auto"
	authKey   = "key"
	authEntra = "entra"
	authNone  = "none"
)

// errNoEndpoint is a usage error.
var errNoEndpoint = errors.New("no server given: pass --endpoint (e.g. --endpoint http://127.0.0.1:8080 for `make run`) or --connection-string, or set PHONENUMBERS_ENDPOINT or COMMUNICATION_SERVICES_CONNECTION_STRING")

// target is what the flags resolve to: where to go, with which key, authenticating how.
type target struct {
	endpoint string
	key      string
	auth     string // authKey, authEntra or authNone
}

// resolve applies precedence (--endpoint over a connection string) and --auth. Its
// errors are usage errors.
func (f *connectionFlags) resolve() (target, error) {
	t := target{endpoint: f.Endpoint, key: f.AccessKey}
	if f.ConnectionString != "" && (f.Endpoint == "" || f.AccessKey == "") {
		cs, err := client.ParseConnectionString(f.ConnectionString)
		if err != nil {
			return target{}, err
		}
		if t.endpoint == "" {
			t.endpoint = cs.Endpoint
		}
		if t.key == "" && strings.EqualFold(strings.TrimRight(t.endpoint, "/"), strings.TrimRight(cs.Endpoint, "/")) {
			t.key = cs.AccessKey // the connection string's key only goes to its own endpoint
		}
	}
	if t.endpoint == "" {
		if f.AccessKey != "" {
			return target{}, errors.New("--access-key needs --endpoint")
		}
		return target{}, errNoEndpoint
	}
	u, err := parseEndpointFlag("--endpoint (or PHONENUMBERS_ENDPOINT)", t.endpoint)
	if err != nil {
		return target{}, err
	}
	if err := checkAccessKeyFlag(t.key); err != nil {
		return target{}, err
	}
	t.auth, err = chooseAuth(f.Auth, t.key != "", u)
	if err == nil && t.auth == authKey {
		err = checkSigningTransport(u)
	}
	return t, err
}

// parseEndpointFlag parses the URL given to flag and refuses what cannot be used, without
// ever echoing a secret: a connection string (its access key) is not shown at all, a URL
// only with its password redacted, and a URL carrying a user or password is refused (the
// client would send them in clear, and pkg/client refuses them too).
func parseEndpointFlag(flag, endpoint string) (*url.URL, error) {
	if netutil.LooksLikeConnectionString(endpoint) {
		return nil, fmt.Errorf("%s looks like a connection string (not shown: it holds the access key); pass it with --connection-string or COMMUNICATION_SERVICES_CONNECTION_STRING", flag)
	}
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %s is not an http(s) URL such as http://127.0.0.1:8080", flag, netutil.RedactEndpoint(endpoint))
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s %s carries a user name or password; leave them out and pass the access key with --access-key or PHONENUMBERS_ACCESS_KEY", flag, u.Redacted())
	}
	return u, nil
}

// checkSigningTransport refuses to sign requests to u over plain HTTP unless u is a
// loopback host: the rule of pkg/client, applied before any command (operation, mock,
// conformance, the proxy) sends a signature that could be read and replayed on the way.
func checkSigningTransport(u *url.URL) error {
	if netutil.CredentialAllowed(u) {
		return nil
	}
	return fmt.Errorf("refusing to send access-key signatures over plain HTTP to %s, which is not a loopback host: anyone on the way could read and replay them; use an https:// endpoint (with --ca-cert for a self-signed certificate), or a loopback address for a local mock", u.Redacted())
}

// chooseAuth decides how to authenticate. Entra ID tokens never go over plain HTTP, and
// auto never asks for one for a loopback or http:// endpoint: a local mock must not make
// the CLI probe the instance-metadata service or send a developer's token.
func chooseAuth(mode string, haveKey bool, u *url.URL) (string, error) {
	switch mode {
	case authKey:
		if !haveKey {
			return "", errors.New("--auth key needs --access-key, PHONENUMBERS_ACCESS_KEY or a connection string")
		}
		return authKey, nil
	case authEntra:
		if u.Scheme != "https" {
			return "", fmt.Errorf("--auth entra sends an Entra ID token, which only goes over HTTPS; %s is http://: use an https:// endpoint, or --auth none (or auto) for a local mock", u.Redacted())
		}
		return authEntra, nil
	case authNone:
		return authNone, nil
	case authAuto, "":
		switch {
		case haveKey:
			return authKey, nil
		case u.Scheme == "http" || netutil.IsLoopback(u):
			return authNone, nil
		}
		return authEntra, nil
	}
	return "", fmt.Errorf("--auth %q: want auto, key, entra or none", mode)
}

// tlsConfig is the TLS configuration --ca-cert and --insecure-skip-verify describe.
func (f *connectionFlags) tlsConfig(ctx context.Context) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.InsecureSkipVerify} //nolint:gosec // opt-in flag
	if f.CACert != "" {
		pool, err := loadCertPool(ctx, f.CACert)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// httpClient returns the HTTP client the TLS flags ask for; ctx bounds reading --ca-cert.
func (f *connectionFlags) httpClient(ctx context.Context) (*http.Client, error) {
	tlsConfig, err := f.tlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	// Every answer's headers are held (and conformance keeps them for its report):
	// bounded like the proxy's upstream's, not net/http's 10 MiB.
	transport.MaxResponseHeaderBytes = conformance.MaxUpstreamHeaderBytes
	return &http.Client{Transport: transport, CheckRedirect: httpguard.CheckRedirect}, nil
}

// maxCACertBytes bounds a --ca-cert bundle: the whole Mozilla root store is ~220 KiB.
const maxCACertBytes = 1 << 20

// loadCertPool reads a PEM bundle for --ca-cert (and PHONENUMBERS_CA_CERT, proxy
// --ca-cert): a regular file of at most maxCACertBytes, by the safefile rules, so that
// /dev/zero or a FIFO named there is refused rather than read forever or blocked on.
func loadCertPool(ctx context.Context, path string) (*x509.CertPool, error) {
	pem, err := safefile.ReadFile(ctx, path, maxCACertBytes)
	if err != nil {
		return nil, fmt.Errorf("--ca-cert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-cert: %s holds no PEM certificate", path)
	}
	return pool, nil
}

// newClient builds the client the flags describe, sending apiVersion; every failed try
// is reported on progress as it happens. Errors are usage errors (exit 2).
func (f *connectionFlags) newClient(ctx context.Context, apiVersion string, progress io.Writer) (*client.Client, error) {
	t, err := f.resolve()
	if err != nil {
		return nil, err
	}
	hc, err := f.httpClient(ctx)
	if err != nil {
		return nil, err
	}
	f.tries = &tryReporter{w: progress}
	opts := &client.ClientOptions{ClientOptions: azcore.ClientOptions{
		APIVersion: apiVersion, Transport: hc,
		Retry:            policy.RetryOptions{MaxRetries: cliMaxRetries},
		PerRetryPolicies: []policy.Policy{f.tries},
	}}
	switch t.auth {
	case authKey:
		return client.NewClientWithKeyCredential(t.endpoint, azcore.NewKeyCredential(t.key), opts)
	case authEntra:
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("no Entra ID credential available (pass --access-key, or --auth none for a server that needs no credential): %w", err)
		}
		return client.NewClient(t.endpoint, cred, opts)
	}
	return client.NewClientWithNoCredential(t.endpoint, opts)
}

// cliMaxRetries is how often a command retries a failed try (azcore's default, stated so
// that the try reporter can count).
const cliMaxRetries = 3

// tryReporter prints each failed try on stderr as it happens, so that a retrying command
// is never silent, and says whether another try follows. azcore's retry policy decides
// that: a try is retried unless its error is final (NonRetriable: a certificate the
// client does not trust, a loopback port nothing listens on) or it was the last one.
type tryReporter struct {
	w    io.Writer
	mu   sync.Mutex
	last error          // the last transport error
	seen map[string]int // tries so far, by x-ms-client-request-id (the same on every try)
}

// Do sends the request and reports a transport error or a retriable status.
func (r *tryReporter) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	raw := req.Raw()
	switch {
	case err != nil && raw.Context().Err() == nil:
		r.mu.Lock()
		r.last = err
		r.mu.Unlock()
		fmt.Fprintf(r.w, "phonenumbers: %s %s: %s (%s)\n", raw.Method, raw.URL.Redacted(), textutil.Printable(withoutURL(err).Error(), false), r.next(raw, err))
	case err == nil && isRetriableStatus(resp.StatusCode):
		fmt.Fprintf(r.w, "phonenumbers: %s %s: HTTP %d%s (%s)\n", raw.Method, raw.URL.Redacted(), resp.StatusCode, retryHint(resp.Header), r.next(raw, nil))
	default:
		r.done(raw)
	}
	return resp, err
}

// retryHint says how long the server asked to wait before the next try, "" when it did
// not say: the delay azcore waits (within its bounds) before retrying.
func retryHint(h http.Header) string {
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := h.Get(name); v != "" {
			return ", Retry-After " + textutil.Truncate(textutil.Printable(v, false), 32) + " ms"
		}
	}
	if v := h.Get("Retry-After"); v != "" {
		return ", Retry-After " + textutil.Truncate(textutil.Printable(v, false), 32) + " s"
	}
	return ""
}

// next counts the failed try and says what follows it.
func (r *tryReporter) next(raw *http.Request, err error) string {
	var final interface{ NonRetriable() }
	if err != nil && errors.As(err, &final) {
		r.done(raw)
		return "not retried: retrying cannot help"
	}
	id := raw.Header.Get("x-ms-client-request-id")
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	r.seen[id]++
	try := r.seen[id]
	if try > cliMaxRetries {
		delete(r.seen, id)
		return fmt.Sprintf("try %d of %d; giving up", try, cliMaxRetries+1)
	}
	return fmt.Sprintf("try %d of %d; retrying", try, cliMaxRetries+1)
}

// done forgets a request's tries: it ended.
func (r *tryReporter) done(raw *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.seen, raw.Header.Get("x-ms-client-request-id"))
}

// isRetriableStatus lists the statuses azcore's retry policy retries by default.
func isRetriableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkAccessKeyFlag refuses an --access-key that is not base64, in one wording for every
// command that takes one.
func checkAccessKeyFlag(key string) error {
	if key == "" {
		return nil
	}
	if _, err := hmacauth.DecodeKey(key); err != nil {
		return fmt.Errorf("--access-key: %w (copy the key from the Azure portal: Keys, Primary key)", err)
	}
	return nil
}

// withoutURL is err without net/http's "Get \"URL\": " wrapper, for a line that names the
// request already.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
