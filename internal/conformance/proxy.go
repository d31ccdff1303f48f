package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Proxy limits, whatever passes through.
const (
	// DefaultMaxBodyBytes bounds one request or response body: far more than any operation,
	// little enough that a hostile peer cannot make the proxy hold much.
	DefaultMaxBodyBytes = 1 << 20
	// MaxConcurrentExchanges bounds the exchanges in flight: each holds up to two bodies
	// (and their validation) in memory, so the count bounds the proxy's memory.
	MaxConcurrentExchanges = 32
	// DefaultMaxRecorded bounds the exchanges kept for the recording; later ones are
	// validated and counted, not kept.
	DefaultMaxRecorded = 10000
	// DefaultMaxRecordedBytes bounds the bodies (and an allowance for headers) kept for
	// the recording, so that it stays readable by ReadRecordings (64 MiB a file).
	DefaultMaxRecordedBytes = 32 << 20
	// MaxProxyResults bounds the results a proxy's report lists; later ones are counted.
	MaxProxyResults = 10000
	// MaxUpstreamHeaderBytes bounds the headers of one upstream answer (net/http's default
	// is 10 MiB): the proxy holds them while it validates and records the exchange.
	MaxUpstreamHeaderBytes = 64 << 10
)

// ProxyOptions configures [Validator.NewProxy].
type ProxyOptions struct {
	// Upstream is the server's base URL, e.g. "https://contoso.communication.azure.com"
	// (required).
	Upstream string
	// AccessKey, when set, re-signs every request for the upstream: an HMAC signature
	// covers the host, so one made for the proxy's address would not verify upstream.
	AccessKey string
	// HTTPClient sends the requests upstream. Default: a client with a 60 s timeout. Its
	// CheckRedirect is replaced: the proxy never follows redirects (the client does), and
	// answers 502 to one that leaves the upstream's origin.
	HTTPClient *http.Client
	// MaxBodyBytes bounds each body. Default DefaultMaxBodyBytes. Larger requests get 413,
	// larger answers 502; both count as failed exchanges.
	MaxBodyBytes int64
	// MaxRecorded bounds the exchanges kept for [Proxy.WriteRecording]. Default
	// DefaultMaxRecorded.
	MaxRecorded int
	// MaxRecordedBytes bounds the bytes kept for the recording. Default
	// DefaultMaxRecordedBytes.
	MaxRecordedBytes int64
	// AllowAnyHost serves requests whatever their Host header. By default only loopback
	// names are served, so that a web page cannot reach the proxy through DNS rebinding.
	AllowAnyHost bool
	// Strict turns SHOULD rules into failures.
	Strict bool
	// OnResult, when set, is called with every result that is not a pass, as it happens
	// (one call at a time), e.g. to print violations live.
	OnResult func(Result)
}

// Proxy is an http.Handler that forwards every request to an upstream server, validates
// each exchange in both directions against the spec as it passes, and keeps a sanitized
// recording in the normalized format [ReadRecordings] reads. It is safe for concurrent use.
type Proxy struct {
	v        *Validator
	opts     ProxyOptions
	upstream *url.URL
	signer   *hmacauth.Signer
	client   *http.Client

	mu         sync.Mutex
	report     *Report
	exchanges  int
	recorded   []json.RawMessage // encoded entries of the recording
	kept       int64             // bytes kept for the recording
	keptValues int               // JSON values kept for the recording
	inFlight   chan struct{}     // a slot per exchange in flight (MaxConcurrentExchanges)
	dropped    int
	start      time.Time
}

// errCrossOrigin marks a redirect that leaves the upstream's origin.
var errCrossOrigin = errors.New("the upstream redirected to another origin")

// NewProxy returns a proxy to opts.Upstream.
func (v *Validator) NewProxy(options *ProxyOptions) (*Proxy, error) {
	if options == nil {
		return nil, errors.New("conformance: ProxyOptions.Upstream is required")
	}
	opts := *options
	up, err := url.Parse(strings.TrimRight(opts.Upstream, "/"))
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return nil, fmt.Errorf("conformance: the upstream must be an http(s) URL, got %q", opts.Upstream)
	}
	up.User = nil
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxRecorded <= 0 {
		opts.MaxRecorded = DefaultMaxRecorded
	}
	if opts.MaxRecordedBytes <= 0 {
		opts.MaxRecordedBytes = DefaultMaxRecordedBytes
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		hc = &c
	}
	// Redirects go back to the client, which follows them itself; one to another origin
	// is refused, so that nobody is sent there under this proxy's name.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Transport = boundHeaders(hc.Transport)
	p := &Proxy{v: v, opts: opts, upstream: up, client: hc, start: time.Now(), inFlight: make(chan struct{}, MaxConcurrentExchanges),
		report: &Report{Target: up.Redacted(), SpecVersion: types.DefaultAPIVersion}}
	if opts.AccessKey != "" {
		key, err := hmacauth.DecodeKey(opts.AccessKey)
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		p.signer = hmacauth.NewSigner(key)
	}
	return p, nil
}

// boundHeaders returns rt with the upstream's headers bounded to MaxUpstreamHeaderBytes,
// when rt is an *http.Transport (or nil, net/http's default); another RoundTripper is the
// caller's to bound.
func boundHeaders(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	t = t.Clone()
	if t.MaxResponseHeaderBytes <= 0 || t.MaxResponseHeaderBytes > MaxUpstreamHeaderBytes {
		t.MaxResponseHeaderBytes = MaxUpstreamHeaderBytes
	}
	return t
}

// hopByHop are the headers that concern one connection, never forwarded (RFC 9110 7.6.1).
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// ServeHTTP forwards r upstream and the answer back, validating both.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// With a key, the proxy signs what it forwards: it must not be a signing service for
	// anything but this API, nor answer pages of another site (DNS rebinding).
	if !strings.HasPrefix(r.URL.Path, operationsPrefix) || hasDotSegment(r.URL.Path) {
		p.refuse(w, r, http.StatusNotFound, "NotFound", "the proxy forwards "+operationsPrefix+"{operationId} only (no . or .. segments)")
		return
	}
	if !p.opts.AllowAnyHost && !netutil.IsLoopbackHost(r.Host) {
		p.refuse(w, r, http.StatusMisdirectedRequest, "MisdirectedRequest",
			"the proxy answers requests for loopback names only (Host localhost, 127.0.0.1, [::1])")
		return
	}
	start := time.Now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.opts.MaxBodyBytes))
	if err != nil {
		p.refuse(w, r, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("the request body is larger than the proxy's %d-byte limit", p.opts.MaxBodyBytes))
		return
	}
	// The slot is taken once the body is in: a client that announces a body and sends
	// nothing holds a connection, not one of the exchanges in flight.
	select {
	case p.inFlight <- struct{}{}:
		defer func() { <-p.inFlight }()
	case <-r.Context().Done():
		return
	}
	u := *p.upstream
	u.Path = strings.TrimRight(p.upstream.Path, "/") + r.URL.Path
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimRight(p.upstream.EscapedPath(), "/") + r.URL.RawPath
	}
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		p.refuse(w, r, http.StatusBadGateway, "BadGateway", "the request cannot be forwarded: "+err.Error())
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopByHop {
		out.Header.Del(h)
	}
	if p.signer != nil {
		hash := hmacauth.ContentHash(body)
		date, auth := p.signer.SignRequest(r.Method, out.URL.RequestURI(), out.URL.Host, hash, time.Now())
		hmacauth.SetHeaders(out.Header, date, hash, auth)
		out.Header.Del("Date") // x-ms-date is the signed one
	}
	res, err := p.client.Do(out)
	if err != nil {
		p.refuse(w, r, http.StatusBadGateway, "BadGateway", "the upstream could not be reached: "+redactErr(err).Error())
		return
	}
	defer res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode >= 300 && res.StatusCode < 400 && loc != "" {
		if target, err := out.URL.Parse(loc); err != nil || target.Scheme != out.URL.Scheme || target.Host != out.URL.Host {
			p.refuse(w, r, http.StatusBadGateway, "BadGateway", errCrossOrigin.Error()+"; the redirect was not passed on")
			return
		}
	}
	resBody, err := io.ReadAll(io.LimitReader(res.Body, p.opts.MaxBodyBytes+1))
	if err != nil || int64(len(resBody)) > p.opts.MaxBodyBytes {
		msg := fmt.Sprintf("the upstream's answer is larger than the proxy's %d-byte limit", p.opts.MaxBodyBytes)
		if err != nil {
			msg = "the upstream's answer could not be read: " + err.Error()
		}
		p.refuse(w, r, http.StatusBadGateway, "BadGateway", msg)
		return
	}
	for _, h := range hopByHop {
		res.Header.Del(h)
	}
	// Validate what the client sent (before re-signing) and what the upstream answered.
	vreq := r.Clone(r.Context())
	vreq.URL = &u
	vreq.Host = u.Host
	ex := &Exchange{Request: vreq, Status: res.StatusCode, Header: res.Header, Body: resBody, Elapsed: time.Since(start)}
	p.finish(ex, p.v.checkExchange(r.Context(), ex, p.opts.Strict))

	for k, vs := range res.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(resBody)
}

// hasDotSegment reports a "." or ".." segment in a (decoded) path: the upstream would
// resolve it, so /phoneNumbers/operations/../../mock/reset would reach the control API
// with the proxy's signature.
func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// refuse answers the client itself, in the API's error shape, and counts a failure.
func (p *Proxy) refuse(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	u := *r.URL
	u.Scheme, u.Host = p.upstream.Scheme, p.upstream.Host
	req := &http.Request{Method: r.Method, URL: &u, Header: http.Header{}}
	ex := &Exchange{Request: req, Status: status}
	p.finish(ex, []Result{fail(ex.result("proxy-forwarded", Must), true, msg)})
	body, _ := json.Marshal(types.CommunicationErrorResponse{Error: types.CommunicationError{Code: code, Message: "conformance proxy: " + msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// finish adds an exchange's results and keeps it for the recording, within the bound.
func (p *Proxy) finish(ex *Exchange, results []Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges++
	for _, r := range results {
		r.Name = fmt.Sprintf("exchange/%d/%s", p.exchanges, r.Check)
		p.report.addBounded(MaxProxyResults, r)
		if r.Status != StatusPass && p.opts.OnResult != nil {
			p.opts.OnResult(r)
		}
	}
	entry, values := recordedEntryOf(ex)
	size := int64(len(entry) + len(entrySeparator)) // as WriteRecording will write it
	if entry == nil || len(p.recorded) >= p.opts.MaxRecorded || p.kept+size > p.opts.MaxRecordedBytes ||
		p.keptValues+values > maxRecordedValues {
		p.dropped++
		return
	}
	p.kept += size
	p.keptValues += values
	p.recorded = append(p.recorded, entry)
}

// maxRecordedValues bounds the JSON values of a recording, so that conformance
// --recordings reads back what the proxy writes (it reads at most recordingValues).
const maxRecordedValues = recordingValues / 2

// recordedEntryOf encodes ex as an entry of the normalized format, sanitized, and counts
// its JSON values (and those ReadRecordings will count in a body kept as a string): what
// is kept is exactly what will be written, compact, on one line.
func recordedEntryOf(ex *Exchange) (json.RawMessage, int) {
	body, bodyValues := recordedBody(ex.Body)
	entry, err := marshalCompact(recordedJSON{
		Method: ex.Request.Method, URL: ex.info().URL, Status: ex.Status,
		RequestHeaders: keepHeaders(ex.Request.Header, recordedRequestHeaders), ResponseHeaders: keepHeaders(ex.Header, recordedResponseHeaders),
		ResponseBody: body,
	})
	if err != nil {
		return nil, 0
	}
	b := bounded.NewBudget(bounded.Limits{})
	_ = b.JSON(context.Background(), "", entry)
	_, values := b.Spent()
	return entry, values + bodyValues
}

// recordedBody is the body an entry keeps, and the values ReadRecordings will count in it
// beyond the entry's own: JSON as JSON (counted with the entry); anything else as a string
// (whose tokens the reader counts again, as it counts a body in a string). A body beyond
// the checker's bounds (bodyLimits: 10,000 values, 64 levels, as internal/bounded counts
// them) is recorded as a short string saying so: the checker would not read it either,
// and kept whole it would cost the recording's reader, or anything that indents it, in
// proportion to its depth times its lines.
func recordedBody(b []byte) (json.RawMessage, int) {
	if len(b) == 0 {
		return nil, 0
	}
	budget := bounded.NewBudget(bodyLimits)
	if err := budget.JSON(context.Background(), "the response body", b); err != nil {
		note, _ := marshalCompact(fmt.Sprintf("conformance proxy: a body of %d bytes not recorded: %v", len(b), err))
		return note, 0
	}
	if json.Valid(b) {
		return b, 0
	}
	s, _ := marshalCompact(string(b))
	_, values := budget.Spent()
	return s, values
}

// marshalCompact encodes v as JSON without HTML escaping (which makes '<' six bytes).
func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Headers a recording keeps: an allow-list, so that no credential under an unforeseen
// name (X-Api-Key, a cookie, a token) is written. Requests keep what says who asked and
// how; answers keep what the live service sends.
var (
	recordedRequestHeaders = []string{"Accept", "Accept-Encoding", "Accept-Language", "Content-Length", "Content-Type",
		"Date", "User-Agent", "X-Ms-Client-Request-Id", "X-Ms-Date", "X-Ms-Return-Client-Request-Id", "X-Ms-Useragent"}
	recordedResponseHeaders = []string{"Access-Control-Expose-Headers", "Api-Supported-Versions", "Content-Length", "Content-Type",
		"Date", "Location", "Ms-Cv", "Operation-Id", "Operation-Location", "Request-Context", "Retry-After", "Retry-After-Ms",
		"Strict-Transport-Security", "X-Azure-Ref", "X-Cache", "X-Ms-Client-Request-Id", "X-Ms-Request-Id",
		"X-Ms-Retry-After-Ms", "X-Processing-Time"}
)

// Bounds on the headers an entry keeps: values beyond them are cut, so that one exchange's
// headers cost at most a few KiB of the recording whatever a peer sends.
const (
	maxRecordedHeaderValues = 4
	maxRecordedHeaderValue  = 1024
)

// keepHeaders copies the allowed headers of h, each cut to its bounds.
func keepHeaders(h http.Header, allowed []string) map[string][]string {
	out := make(map[string][]string)
	for _, name := range allowed {
		vs := h.Values(name)
		if len(vs) == 0 {
			continue
		}
		vs = vs[:min(len(vs), maxRecordedHeaderValues)]
		kept := make([]string, len(vs))
		for i, v := range vs {
			kept[i] = textutil.Truncate(v, maxRecordedHeaderValue)
		}
		out[name] = kept
	}
	return out
}

// recordedJSON is one entry of the normalized recording format.
type recordedJSON struct {
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	RequestHeaders  map[string][]string `json:"requestHeaders"`
	Status          int                 `json:"status"`
	ResponseHeaders map[string][]string `json:"responseHeaders"`
	ResponseBody    json.RawMessage     `json:"responseBody,omitempty"`
}

// Report returns a snapshot of the results so far.
func (p *Proxy) Report() *Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := *p.report
	r.Results = append([]Result(nil), p.report.Results...)
	r.names = nil
	r.Duration = time.Since(p.start)
	return &r
}

// Counts returns how many exchanges passed through and how many the recording keeps.
func (p *Proxy) Counts() (exchanges, recorded int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exchanges, len(p.recorded)
}

// entrySeparator ends every entry of a recording but the last (which the closing line
// ends); the proxy counts it with the entry.
const entrySeparator = ",\n"

// WriteRecording writes the exchanges kept so far in the normalized recording format
// (sanitized: no Authorization, signature or cookie header), with how many were not kept.
// The document is written by hand, each entry as it was kept and counted (compact, one a
// line): re-encoding the entries with an indenting encoder cost their depth on every line
// (a 234 KB answer 9,000 levels deep became 122 MB). The file is the bytes the proxy
// counted against MaxRecordedBytes, plus a header line and a closing line.
func (p *Proxy) WriteRecording(w io.Writer) error {
	p.mu.Lock()
	source := "phonenumbers conformance proxy to " + p.upstream.Redacted()
	dropped, entries := p.dropped, append([]json.RawMessage{}, p.recorded...)
	p.mu.Unlock()
	quoted, err := marshalCompact(source)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"source": `)
	bw.Write(quoted)
	if dropped > 0 {
		fmt.Fprintf(bw, `, "dropped": %d`, dropped)
	}
	bw.WriteString(`, "entries": [` + "\n")
	for i, e := range entries {
		bw.Write(e)
		if i < len(entries)-1 {
			bw.WriteString(entrySeparator)
		} else {
			bw.WriteString("\n")
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// operationsPrefix is the path prefix of the operations the proxy forwards.
const operationsPrefix = "/phoneNumbers/operations/"
