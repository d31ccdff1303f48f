package conformance

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/httpguard"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// DiffOptions configures [Diff]; nil means the defaults.
type DiffOptions struct {
	// AccessKey is the server's base64 access key: when set, every request is HMAC-SHA256
	// signed. Signed requests go over HTTPS, or plain HTTP to a loopback host only
	// (ErrCredentialOverHTTP otherwise).
	AccessKey string
	// TLSConfig verifies an https endpoint (trusted CAs, InsecureSkipVerify). Default: the
	// system's roots. Its NextProtos is replaced: Diff speaks HTTP/1.1 only, whose header
	// names are bytes on the wire (HTTP/2 lower-cases them all).
	TLSConfig *tls.Config
	// RequestTimeout bounds each exchange: connecting, the answer's head and its body.
	// Default DefaultDiffRequestTimeout.
	RequestTimeout time.Duration
	// MaxConsecutiveErrors stops the run after this many exchanges in a row got no answer
	// (a stalled or dead server); the rest are counted as not sent, their items as not
	// reproduced. Default 3; negative never stops.
	MaxConsecutiveErrors int
}

// DefaultDiffRequestTimeout is [DiffOptions.RequestTimeout]'s default.
const DefaultDiffRequestTimeout = 10 * time.Second

// ErrNoOperationExchanges is Diff's error for recordings without any operation request
// to replay.
var ErrNoOperationExchanges = errors.New("conformance: the recordings hold no operation request (GET or DELETE on /phoneNumbers/operations/{id}) to replay")

// diffRequestHeaders are the recorded request headers Diff sends: the ones that can
// change an answer. Credentials (Authorization, x-ms-date, x-ms-content-sha256) are the
// signer's, and framing (Content-Length, Connection, Accept-Encoding) the transport's.
var diffRequestHeaders = []string{"Accept", "Accept-Language", "Content-Type", "User-Agent", "X-Ms-Client-Request-Id", "X-Ms-Return-Client-Request-Id"}

// IsOperationExchange reports whether ex is an operation request Diff replays: GET or
// DELETE on /phoneNumbers/operations/{id}.
func IsOperationExchange(ex *Exchange) bool {
	if ex.Request == nil || ex.Request.URL == nil || (ex.Request.Method != http.MethodGet && ex.Request.Method != http.MethodDelete) {
		return false
	}
	id, ok := strings.CutPrefix(ex.Request.URL.EscapedPath(), "/phoneNumbers/operations/")
	return ok && id != "" && !strings.Contains(id, "/")
}

// Diff replays every recorded operation exchange (see [IsOperationExchange]) against the
// server at endpoint, in the order given (the order of ReadRecordings: files by name,
// entries in order, as a server replaying recorded sequences advances per poll), and
// measures what the server reproduces of the recorded answers: the status, each recorded
// response header but the framing ones (present, spelled as recorded on the wire, the
// value or, for volatile headers, its format) and the body (each top-level field of a
// JSON object and the fields' order, or the whole body).
//
// Each request has the recorded method, escaped path and query (under endpoint's path)
// and the recorded values of the headers Accept, Accept-Language, Content-Type,
// User-Agent, X-Ms-Client-Request-Id and X-Ms-Return-Client-Request-Id, signed when
// opts has an access key. It goes over its own HTTP/1.1 connection; redirects are not
// followed (the 3xx is the answer compared), and bodies are read up to 4 MiB.
//
// The error is non-nil for unusable arguments (ErrNoOperationExchanges,
// ErrCredentialOverHTTP), a *ConnectionError when the first exchange got no answer, or
// ctx's error; an exchange that fails later is counted in the report.
func Diff(ctx context.Context, endpoint string, exs []Exchange, opts *DiffOptions) (*DiffReport, error) {
	var o DiffOptions
	if opts != nil {
		o = *opts
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultDiffRequestTimeout
	}
	if o.MaxConsecutiveErrors == 0 {
		o.MaxConsecutiveErrors = 3
	}
	base, err := url.Parse(strings.TrimRight(endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("conformance: the endpoint must be an http(s) URL, got %s", netutil.RedactEndpoint(endpoint))
	}
	base.User = nil
	var signer *hmacauth.Signer
	if o.AccessKey != "" {
		if !netutil.CredentialAllowed(base) {
			return nil, fmt.Errorf("%w: %s", ErrCredentialOverHTTP, base.Redacted())
		}
		key, err := hmacauth.DecodeKey(o.AccessKey)
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		signer = hmacauth.NewSigner(key)
	}
	var selected []*Exchange
	for i := range exs {
		if IsOperationExchange(&exs[i]) {
			selected = append(selected, &exs[i])
		}
	}
	if len(selected) == 0 {
		return nil, ErrNoOperationExchanges
	}
	transport := newDiffTransport(o.TLSConfig)
	defer transport.CloseIdleConnections()
	d := &differ{base: base, signer: signer, timeout: o.RequestTimeout,
		client: &http.Client{Transport: httpguard.LimitBodies(transport, maxLiveBody),
			// The answer to the recorded request is what is compared, a 3xx included; and
			// a signature goes nowhere but the endpoint.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	start := time.Now()
	rep := &DiffReport{Target: base.Redacted(), Exchanges: DiffExchanges{Recorded: len(exs), Replayed: len(selected)}}
	reached, failedInARow := false, 0
	for i, ex := range selected {
		if o.MaxConsecutiveErrors > 0 && failedInARow >= o.MaxConsecutiveErrors {
			for _, rest := range selected[i:] {
				rep.Exchanges.NotSent++
				rep.addItems(rest.Source, scoreExchange(ctx, rest, nil))
			}
			rep.addError(ex.Source, fmt.Errorf("this exchange and the %d after it were not sent: the last %d got no answer", len(selected)-i-1, failedInARow))
			break
		}
		got, err := d.replay(ctx, ex)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("conformance: diff stopped: %w", ctx.Err())
			}
			if !reached {
				return nil, &ConnectionError{Err: err}
			}
			failedInARow++
			rep.Exchanges.Failed++
			rep.addError(ex.Source, err)
			rep.addItems(ex.Source, scoreExchange(ctx, ex, nil))
			continue
		}
		reached, failedInARow = true, 0
		rep.Exchanges.Answered++
		if got.bodyErr != nil {
			rep.addError(ex.Source, got.bodyErr)
		}
		rep.addItems(ex.Source, scoreExchange(ctx, ex, got))
		rep.addExtra(ex, got)
	}
	rep.Duration = time.Since(start)
	rep.finish()
	return rep, nil
}

// scoreExchange compares one exchange's items: status, headers, body. got is nil when
// there was no answer.
func scoreExchange(ctx context.Context, ex *Exchange, got *diffAnswer) []diffItem {
	items := []diffItem{scoreStatus(ex, got)}
	items = append(items, scoreHeaders(ex, got)...)
	return append(items, scoreBody(ctx, ex, got)...)
}

// differ sends the replayed requests.
type differ struct {
	base    *url.URL
	signer  *hmacauth.Signer
	client  *http.Client
	timeout time.Duration
}

// replay sends one recorded request and reads the answer within the timeout. The error
// (no answer at all) names no credential; a body that cannot be read whole is the
// answer's bodyErr.
func (d *differ) replay(ctx context.Context, ex *Exchange) (*diffAnswer, error) {
	rctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	capture := &headCapture{}
	rctx = context.WithValue(rctx, headCaptureKey{}, capture)
	target := d.base.Scheme + "://" + d.base.Host + strings.TrimRight(d.base.EscapedPath(), "/") + ex.Request.URL.EscapedPath()
	if q := ex.Request.URL.RawQuery; q != "" {
		target += "?" + q
	}
	req, err := http.NewRequestWithContext(rctx, ex.Request.Method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("the recorded URL cannot be sent: %w", err)
	}
	for _, name := range diffRequestHeaders {
		key := textproto.CanonicalMIMEHeaderKey(name)
		if vs := ex.Request.Header[key]; len(vs) > 0 {
			req.Header[key] = append([]string(nil), vs...)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "phonenumbers-conformance")
	}
	if d.signer != nil {
		date, auth := d.signer.SignRequest(req.Method, req.URL.RequestURI(), req.URL.Host, hmacauth.EmptyContentHash, time.Now())
		hmacauth.SetHeaders(req.Header, date, hmacauth.EmptyContentHash, auth)
	}
	res, err := d.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("no answer within %s", d.timeout)
		}
		return nil, redactErr(err)
	}
	defer res.Body.Close()
	got := &diffAnswer{status: res.StatusCode, header: res.Header}
	got.names, got.namesOK = capture.names()
	got.body, got.bodyErr = io.ReadAll(res.Body)
	if got.bodyErr != nil {
		if errors.Is(got.bodyErr, context.DeadlineExceeded) && ctx.Err() == nil {
			got.bodyErr = fmt.Errorf("the body did not end within %s", d.timeout)
		}
		got.body = nil
	}
	return got, nil
}
