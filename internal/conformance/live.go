package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/httpguard"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// SettingNames are the names, in the caller's terms, of the settings a report's advice
// refers to: the CLI's flags, or conformancetest.Options' fields.
type SettingNames struct {
	AccessKey, OperationID, APIVersion string
}

// orCLI fills the names not set with the CLI's flags.
func (n SettingNames) orCLI() SettingNames {
	if n.AccessKey == "" {
		n.AccessKey = "--access-key, or a connection string"
	}
	if n.OperationID == "" {
		n.OperationID = "--operation-id ID"
	}
	if n.APIVersion == "" {
		n.APIVersion = "--api-version"
	}
	return n
}

// LiveOptions configures [Validator.RunLive].
type LiveOptions struct {
	// Endpoint is the server's base URL, e.g. "http://127.0.0.1:8080" (required).
	Endpoint string
	// AccessKey is the base64 access key; when set, requests are HMAC-SHA256 signed and
	// the authentication rules run. Signed requests go over HTTPS, or plain HTTP to a
	// loopback host only, unless InsecureAllowCredentialWithHTTP is set.
	AccessKey string
	// InsecureAllowCredentialWithHTTP allows signing requests to an http:// endpoint that
	// is not loopback, as client.ClientOptions' field of that name does: such signatures
	// cross the network in clear and can be replayed.
	InsecureAllowCredentialWithHTTP bool
	// APIVersion is the api-version the probes send, and whose contract answers are held
	// to. Default 2022-12-01 (types.DefaultAPIVersion); versions without a known contract
	// (openapi.KnownVersions) are refused.
	APIVersion string
	// OperationIDs name operations that exist on the server. Default: types.ExampleOperationID.
	OperationIDs []string
	// Poll follows each operation until it is terminal, validating every answer.
	Poll bool
	// PollTimeout bounds polling per operation. Default 2 minutes.
	PollTimeout time.Duration
	// PollInterval is the wait between polls. Default 1 second.
	PollInterval time.Duration
	// Strict turns SHOULD rules into failures.
	Strict bool
	// HTTPClient sends the requests. Default: a client with a 30 s timeout. Its
	// CheckRedirect is replaced: redirects to another origin are refused. Its transport,
	// when an *http.Transport (or nil), is cloned with each answer's headers bounded to
	// MaxUpstreamHeaderBytes (net/http's default is 10 MiB, and every answer's headers are
	// kept for the report); another RoundTripper is the caller's to bound.
	HTTPClient *http.Client
	// Cases is how many requests to generate from the spec's parameters and from what
	// servers commonly get wrong (see [GenerateCases]); 0 generates none. The CLI sends 40
	// by default.
	Cases int
	// AllowCancel runs the Cancel Operation (DELETE) rules: an unknown id answers 404 and
	// a request without api-version 4xx, both as CommunicationErrorResponses. Off by
	// default: cancelling is not safe against a real resource.
	AllowCancel bool
	// CancelOperationID, with AllowCancel, names an operation to cancel for real: the
	// DELETE must answer 204 with no body, and the GET after it is validated. It is
	// consumed: the operation is cancelled.
	CancelOperationID string
	// Seed seeds the generated cases: the same seed against the same server sends the
	// same requests, in the same order. The report carries it.
	Seed uint64
	// Names are what the caller calls the settings that messages tell the user to change.
	// The zero value uses the CLI's flags (--access-key, --operation-id, --api-version).
	Names SettingNames
}

// ErrCredentialOverHTTP is wrapped by RunLive's error for an access key and an http://
// endpoint that is not loopback: its signatures would cross the network in clear.
var ErrCredentialOverHTTP = errors.New("conformance: refusing to send access-key signatures over plain HTTP to a non-loopback host (anyone on the path could replay them); use https, or a loopback address for a local server")

// ConnectionError means the target could not be reached at all, or stopped answering
// midway (Midway; as opposed to answering wrongly). The CLI exits 2 on it.
type ConnectionError struct {
	// Err is the transport error.
	Err error
	// Midway is set when the server had answered earlier requests of the run: RunLive
	// then returns the report so far with the error, a failed server-reachable result
	// last.
	Midway bool
}

// Error says the server could not be reached, and why.
func (e *ConnectionError) Error() string {
	if e.Midway {
		return "lost the server midway: " + e.Err.Error()
	}
	return "cannot reach the server: " + e.Err.Error()
}

// Unwrap returns the transport error.
func (e *ConnectionError) Unwrap() error { return e.Err }

// live is one run's state.
type live struct {
	v       *Validator
	opts    LiveOptions
	base    *url.URL
	signer  *hmacauth.Signer
	report  *Report
	any5xx  []Result
	reached bool
	// scope prefixes the names of the results being added (see Result.Name).
	scope string
	// blocked, when set, says why the checks that need an accepted request cannot be
	// evaluated: the server refused a named operation with 401.
	blocked string
	// keyRefused is set when that 401 answered a signed request (the key is wrong).
	keyRefused bool
	// first is the preflight's exchange (the first named operation), checked as that
	// operation's first read rather than asked for twice.
	first      *Exchange
	firstReqID string
	// note, when set, is stamped on the results added (see Result.Note).
	note string
	// defaulted is set when no operation was named: the example id is tried, and when the
	// server does not have it, the operations its control API lists (see discover).
	defaulted bool
	// discovered is set when the operations checked came from the control API's list.
	discovered bool
}

// add names results after the current scope and adds them to the report.
func (l *live) add(results ...Result) {
	for _, r := range results {
		if r.Name == "" && l.scope != "" {
			r.Name = l.scope + "/" + r.Check
		}
		if r.Note == "" {
			r.Note = l.note
		}
		l.report.add(r)
	}
}

// addBlocked records checks that could not be evaluated, and why.
func (l *live) addBlocked(method string, checks ...string) {
	for _, c := range checks {
		l.add(Result{Check: c, Severity: Must, Status: StatusBlocked, Request: RequestInfo{Method: method, URL: l.report.Target},
			Reason: "not evaluated: " + l.blocked})
	}
}

// MaxCases bounds the generated cases of one run: each is a request and a result kept.
const MaxCases = 10_000

// RunLive runs every live rule against a server and returns the report. The error is
// non-nil only for unusable options, a *MismatchError, or a *ConnectionError: when the
// server never answered (no report), or when it stopped answering midway (a reset, a
// timeout, an answer's headers over the bound): then the report so far is returned too,
// its last result a failed server-reachable saying where the run stopped, so that CI
// finds the report files.
func (v *Validator) RunLive(ctx context.Context, options *LiveOptions) (*Report, error) {
	if options == nil || options.Endpoint == "" {
		return nil, errors.New("conformance: LiveOptions.Endpoint is required")
	}
	opts := *options
	opts.Names = opts.Names.orCLI()
	base, err := url.Parse(strings.TrimRight(opts.Endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("conformance: the endpoint must be an http(s) URL, got %s", netutil.RedactEndpoint(opts.Endpoint))
	}
	defaulted := len(opts.OperationIDs) == 0
	if defaulted {
		opts.OperationIDs = []string{types.ExampleOperationID}
	}
	if opts.APIVersion == "" {
		opts.APIVersion = types.DefaultAPIVersion
	}
	if !HasContract(opts.APIVersion) {
		return nil, fmt.Errorf("conformance: api-version %q has no known contract; known: %s", opts.APIVersion, strings.Join(openapi.KnownVersions(), ", "))
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 2 * time.Minute
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	// Signed probes must not be redirected to another origin, whatever client was given:
	// the signature would go along and the other server's answers would be scored.
	hc := *opts.HTTPClient
	hc.CheckRedirect = httpguard.CheckRedirect
	switch hc.Transport.(type) {
	case nil, *http.Transport:
		// Cloned with the bound: the clone's idle connections are ours to close. (Another
		// RoundTripper is not compared: a func type would panic.)
		if t, ok := boundHeaders(hc.Transport).(*http.Transport); ok {
			hc.Transport = t
			defer t.CloseIdleConnections()
		}
	}
	opts.HTTPClient = &hc
	if opts.Cases < 0 || opts.Cases > MaxCases {
		return nil, fmt.Errorf("conformance: Cases must be 0 to %d, got %d", MaxCases, opts.Cases)
	}
	start := time.Now()
	l := &live{v: v, opts: opts, base: base, defaulted: defaulted, report: &Report{Target: base.Redacted(), SpecVersion: opts.APIVersion}}
	if opts.AccessKey != "" {
		if !opts.InsecureAllowCredentialWithHTTP && !netutil.CredentialAllowed(base) {
			return nil, fmt.Errorf("%w: %s", ErrCredentialOverHTTP, base.Redacted())
		}
		key, err := hmacauth.DecodeKey(opts.AccessKey)
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		l.signer = hmacauth.NewSigner(key)
	}
	if opts.CancelOperationID != "" && !opts.AllowCancel {
		return nil, errors.New("conformance: CancelOperationID needs AllowCancel: cancelling stops the operation")
	}
	if err := l.preflight(ctx); err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context) error{l.checkOperations, l.checkProbes, l.checkAuth, l.checkCancel, l.checkGenerated} {
		if err := step(ctx); err != nil {
			return l.lost(ctx, err, start)
		}
	}
	l.scope = ""
	r := Result{Check: "no-5xx", Severity: Must, Status: StatusPass, Request: RequestInfo{Method: "*", URL: l.report.Target}}
	if len(l.any5xx) > 0 {
		r = fail(r, true, fmt.Sprintf("%d request(s) got a 5xx answer", len(l.any5xx)))
	}
	l.add(r)
	l.report.Duration = time.Since(start)
	return l.report, nil
}

// lost ends a run whose server stopped answering after it had answered: the report so
// far, with a failed server-reachable result saying where, and a midway *ConnectionError.
// Other errors (the run interrupted: ctx done) end it without a report, as before.
func (l *live) lost(ctx context.Context, err error, start time.Time) (*Report, error) {
	var ce *ConnectionError
	if ctx.Err() != nil || !l.reached || errors.As(err, &ce) {
		return nil, err
	}
	ce = &ConnectionError{Err: err, Midway: true}
	scope := l.scope
	l.scope, l.note = "", ""
	where := ""
	if scope != "" {
		where = " (during " + scope + ")"
	}
	l.add(Result{Name: "run/server-reachable", Check: "server-reachable", Severity: Must, Status: StatusFail,
		Request: RequestInfo{Method: "*", URL: l.report.Target},
		Reason:  textutil.FirstLine(ce.Error()) + where + "; the checks after it were not run"})
	l.report.Duration = time.Since(start)
	return l.report, ce
}

func (l *live) url(path, rawQuery string) *url.URL {
	u := *l.base
	u.Path = strings.TrimRight(l.base.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = rawQuery
	return &u
}

func opPath(id string) string { return "/phoneNumbers/operations/" + url.PathEscape(id) }

// send performs a request, signed when a key is set unless sign is false.
func (l *live) send(ctx context.Context, method string, u *url.URL, sign bool, mutate func(*http.Request)) (*Exchange, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	requestID := newRequestID()
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-ms-client-request-id", requestID)
	req.Header.Set("x-ms-return-client-request-id", "true")
	req.Header.Set("User-Agent", "phonenumbers-conformance")
	if sign && l.signer != nil {
		date, auth := l.signer.SignRequest(method, req.URL.RequestURI(), req.URL.Host, hmacauth.EmptyContentHash, time.Now())
		hmacauth.SetHeaders(req.Header, date, hmacauth.EmptyContentHash, auth)
	}
	if mutate != nil {
		mutate(req)
	}
	ex, err := l.do(req)
	if err != nil {
		return nil, "", err
	}
	if ex.Status >= 500 {
		l.any5xx = append(l.any5xx, checkNo5xx(ex))
	}
	return ex, requestID, nil
}

// maxLiveBody bounds what is read of one answer: more than any operation, less than a
// hostile server could make us hold.
const maxLiveBody = 4 << 20

// do sends a prepared request and reads the answer, timing it with the injected clock.
func (l *live) do(req *http.Request) (*Exchange, error) {
	start := time.Now()
	res, err := l.opts.HTTPClient.Do(req)
	if err != nil {
		if !l.reached {
			return nil, &ConnectionError{Err: redactErr(err)}
		}
		return nil, redactErr(err)
	}
	defer res.Body.Close()
	l.reached = true
	body, err := io.ReadAll(io.LimitReader(res.Body, maxLiveBody))
	if err != nil {
		return nil, fmt.Errorf("read the response to %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	return &Exchange{Request: req, Status: res.StatusCode, Header: res.Header, Body: body, Elapsed: time.Since(start)}, nil
}

// redactErr keeps transport errors free of URLs with credentials (none are in URLs here,
// but a user-supplied endpoint might carry userinfo).
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = u.Redacted()
		}
	}
	return err
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// MismatchError says the run cannot say anything about the server as asked: it speaks
// HTTPS to an http:// endpoint, or does not serve the api-version. Every check would fail
// for that one reason, so the run stops with what to do instead.
type MismatchError struct{ Reason string }

// Error returns the reason.
func (e *MismatchError) Error() string { return "conformance: " + e.Reason }

// preflight asks for the first operation once and stops the run on a mismatch that would
// make every check fail for the same reason.
func (l *live) preflight(ctx context.Context) error {
	ex, reqID, err := l.send(ctx, http.MethodGet, l.url(opPath(l.opts.OperationIDs[0]), "api-version="+url.QueryEscape(l.opts.APIVersion)), true, nil)
	if err != nil {
		return err
	}
	l.first, l.firstReqID = ex, reqID
	if l.base.Scheme == "http" && ex.Status == http.StatusBadRequest && bytes.Contains(ex.Body, []byte("HTTP request to an HTTPS server")) {
		return &MismatchError{Reason: fmt.Sprintf("%s speaks HTTPS: use an https:// endpoint (with --ca-cert for a self-signed certificate)", l.base.Redacted())}
	}
	listed := textutil.Truncate(ex.Header.Get("Api-Supported-Versions"), 256)
	if ex.Status == http.StatusBadRequest && listed != "" && !advertises(ex.Header, []Param{{"api-version", l.opts.APIVersion}}) {
		return &MismatchError{Reason: fmt.Sprintf("the server does not serve api-version %s (it lists: %s); set %s to one of them", l.opts.APIVersion, listed, l.opts.Names.APIVersion)}
	}
	if l.defaulted && ex.Status == http.StatusNotFound {
		return l.discover(ctx)
	}
	return nil
}

// pageLimits bound a control-API page read to discover operations: maxListed of them,
// whatever the server sends.
var pageLimits = bounded.Limits{Values: maxListed * 2 * maxBodyValues, Depth: maxBodyDepth}

// maxDiscovered is how many listed operations a run checks when none was named; maxListed
// is how many it asks the control API for, to find that many without scripted faults.
const (
	maxDiscovered = 3
	maxListed     = 16
)

// discover, when no operation was named and the server lacks the example one, asks the
// server's control API (phonenumbers serve's GET /mock/operations) which operations it has
// and checks the first few of those instead, saying so in the report. Operations that
// misbehave on purpose are passed over: those with scripted faults (operation.faults,
// fault states, or serverFaults: server-wide rules that apply to them), whose 5xx and
// dropped connections are the point, and those allowed values outside the contract
// (operation.allowUnknown). A server without a control API keeps the example id, whose 404
// then says to name an operation.
func (l *live) discover(ctx context.Context) error {
	ex, _, err := l.send(ctx, http.MethodGet, l.url("/mock/operations", "limit="+strconv.Itoa(maxListed)), true, nil)
	if err != nil || ex.Status != http.StatusOK {
		return nil // no control API: the example id's 404 says what to do
	}
	var page struct {
		Operations []struct {
			Operation struct {
				ID           string     `json:"id"`
				Faults       []struct{} `json:"faults"`
				AllowUnknown bool       `json:"allowUnknown"`
			} `json:"operation"`
			Faults       []struct{} `json:"faults"`
			ServerFaults int        `json:"serverFaults"`
		} `json:"operations"`
	}
	if bounded.DecodeJSON(ctx, "the control API's page", ex.Body, pageLimits, &page) != nil {
		return nil
	}
	var ids, faulty, unknown []string
	for _, op := range page.Operations {
		switch {
		case op.Operation.ID == "":
		case len(op.Operation.Faults) > 0 || len(op.Faults) > 0 || op.ServerFaults > 0:
			faulty = append(faulty, op.Operation.ID)
		case op.Operation.AllowUnknown:
			unknown = append(unknown, op.Operation.ID)
		case len(ids) < maxDiscovered:
			ids = append(ids, op.Operation.ID)
		}
	}
	var passed string
	if len(faulty) > 0 {
		passed += "; passed over for their scripted faults: " + strings.Join(quoteAll(faulty), ", ")
	}
	if len(unknown) > 0 {
		passed += "; passed over for allowing values outside the contract (allowUnknown): " + strings.Join(quoteAll(unknown), ", ")
	}
	req := RequestInfo{Method: http.MethodGet, URL: ex.Request.URL.Redacted()}
	if len(ids) == 0 {
		if passed != "" {
			l.add(Result{Check: "operations-discovered", Status: StatusSkip, Request: req, ResponseStatus: ex.Status,
				Reason: fmt.Sprintf("no operation was named and the server has no %s; its control API lists no operation to check instead%s (name one with %s)",
					types.ExampleOperationID, passed, l.opts.Names.OperationID)})
		}
		return nil
	}
	l.opts.OperationIDs, l.first, l.discovered = ids, nil, true
	l.add(Result{Check: "operations-discovered", Status: StatusSkip, Request: req,
		ResponseStatus: ex.Status, Reason: fmt.Sprintf("no operation was named and the server has no %s; checking the first operations its control API lists instead: %s%s (name others with %s)",
			types.ExampleOperationID, strings.Join(quoteAll(ids), ", "), passed, l.opts.Names.OperationID)})
	return nil
}

// quoteAll quotes each id for a message, cut short.
func quoteAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = textutil.QuoteID(id)
	}
	return out
}

// read fetches operation id, answering the first read of the first named operation with
// the preflight's exchange: a read counts as a poll on a scripted mock, so it is not
// repeated.
func (l *live) read(ctx context.Context, id string) (*Exchange, string, error) {
	if l.first != nil && id == l.opts.OperationIDs[0] {
		ex, reqID := l.first, l.firstReqID
		l.first = nil
		return ex, reqID, nil
	}
	return l.send(ctx, http.MethodGet, l.url(opPath(id), "api-version="+url.QueryEscape(l.opts.APIVersion)), true, nil)
}

// checkOperations fetches (and with Poll follows) every named operation.
func (l *live) checkOperations(ctx context.Context) error {
	for _, id := range l.opts.OperationIDs {
		if err := l.checkOperation(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (l *live) checkOperation(ctx context.Context, id string) error {
	defer func() { l.note = "" }() // the notes are this operation's polls
	deadline := time.Now().Add(l.opts.PollTimeout)
	for poll := 1; ; poll++ {
		l.scope = "operation/" + id
		if l.opts.Poll {
			// Numbered, so that every poll's results keep names of their own.
			l.scope = fmt.Sprintf("poll/%s/%02d", id, poll)
		}
		if l.blocked != "" {
			l.addBlocked(http.MethodGet, "operation-exists")
			return nil
		}
		ex, _, err := l.read(ctx, id)
		if err != nil {
			return err
		}
		if l.opts.Poll {
			l.note = pollNote(poll, ex)
		}
		l.add(l.v.checkRequest(ctx, ex), l.v.checkSchema(ctx, ex))
		if ex.Status == http.StatusUnauthorized {
			l.diagnoseAuth(ex, id)
			return nil
		}
		r := ex.result("operation-exists", Must)
		if ex.Status != http.StatusOK {
			reason := fmt.Sprintf("operation %q was named as existing but answered %d", id, ex.Status)
			switch {
			case l.discovered:
				reason = fmt.Sprintf("no operation was named, so %q, listed by the server's control API (GET /mock/operations), was checked, and it answered %d: name an operation the server serves with %s", id, ex.Status, l.opts.Names.OperationID)
			case l.defaulted:
				reason = fmt.Sprintf("no operation was named, so the published example %q was tried, and it answered %d: name an operation the server serves with %s", id, ex.Status, l.opts.Names.OperationID)
			}
			l.add(fail(r, true, reason))
			return nil
		}
		l.add(r)
		l.add(operationRules(ctx, ex, l.opts.Strict, id)...)
		if !l.opts.Poll {
			return nil
		}
		status := bodyStatus(ex.Body)
		if status.IsTerminal() {
			return nil
		}
		if time.Now().After(deadline) {
			l.add(fail(ex.result("poll-terminal", Must), true,
				fmt.Sprintf("operation %q was still %s after %s", id, status, l.opts.PollTimeout)))
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(l.opts.PollInterval):
		}
	}
}

func bodyStatus(body []byte) types.PhoneNumberOperationStatus {
	var op struct {
		Status string `json:"status"`
	}
	_ = decodeBody(context.Background(), body, &op) // bounded by the body's 4 MiB
	return types.ParsePhoneNumberOperationStatus(op.Status)
}

// diagnoseAuth handles a 401 to a named operation: every later answer would be 401 too,
// which proves nothing about the rules (an unknown id "answering 4xx" because nothing is
// accepted is not a pass). It fails once, saying what to do, and blocks those checks.
func (l *live) diagnoseAuth(ex *Exchange, id string) {
	r := ex.result("credentials-accepted", Must)
	r.Name = "auth/credentials-accepted"
	said := ""
	var e types.CommunicationErrorResponse
	if decodeBody(context.Background(), ex.Body, &e) == nil && e.Error.Message != "" {
		said = " (the server said: " + snippet([]byte(e.Error.Message)) + ")"
	}
	if l.signer == nil {
		l.blocked = "the server requires authentication and no access key was given"
		l.add(fail(r, true, fmt.Sprintf("operation %q answered 401 to an unsigned request%s: the server requires authentication; "+
			"give its access key (%s)", id, said, l.opts.Names.AccessKey)))
	} else {
		l.blocked, l.keyRefused = "the server refused the access key", true
		l.add(fail(r, true, fmt.Sprintf("operation %q answered 401 to a signed request%s: the key is wrong (check %s; "+
			"or this machine's clock is off: x-ms-date was %s)", id, said, l.opts.Names.AccessKey, ex.Request.Header.Get("x-ms-date"))))
	}
	l.addBlocked(http.MethodGet, "operation-exists")
}

// checkProbes sends requests that must be refused.
func (l *live) checkProbes(ctx context.Context) error {
	l.scope = "probe"
	if l.blocked != "" {
		l.addBlocked(http.MethodGet, "unknown-id-4xx", "missing-api-version-4xx", "unsupported-api-version-4xx")
		l.addBlocked(http.MethodPut, "put-not-allowed")
		l.addBlocked(http.MethodPost, "post-not-allowed")
		return nil
	}
	probes := []struct {
		check, what, method, path, query string
	}{
		{"unknown-id-4xx", "an unknown operation id", http.MethodGet, opPath("conformance-unknown-" + newRequestID()), "api-version=" + url.QueryEscape(l.opts.APIVersion)},
		{"missing-api-version-4xx", "a request without api-version", http.MethodGet, opPath(l.opts.OperationIDs[0]), ""},
		{"unsupported-api-version-4xx", "an unsupported api-version", http.MethodGet, opPath(l.opts.OperationIDs[0]), "api-version=1999-01-01"},
	}
	for _, p := range probes {
		ex, _, err := l.send(ctx, p.method, l.url(p.path, p.query), true, nil)
		if err != nil {
			return err
		}
		if p.check == "unsupported-api-version-4xx" {
			// The spec does not constrain this answer's shape; only its status class matters.
			r := ex.result(p.check, Must)
			if ex.Status < 400 || ex.Status >= 500 {
				r = fail(r, true, fmt.Sprintf("%s must answer 4xx, got %d", p.what, ex.Status))
			}
			l.add(r)
			continue
		}
		l.scope = "probe/" + p.check
		rs := l.v.checkErrorResponse(ctx, ex, p.check, p.what)
		rs[0].Name = "probe/" + p.check
		l.add(rs...)
		l.scope = "probe"
	}
	for _, method := range []string{http.MethodPut, http.MethodPost} {
		ex, _, err := l.send(ctx, method, l.url(opPath(l.opts.OperationIDs[0]), "api-version="+url.QueryEscape(l.opts.APIVersion)), true, nil)
		if err != nil {
			return err
		}
		r := ex.result(strings.ToLower(method)+"-not-allowed", Must)
		if ex.Status != http.StatusNotFound && ex.Status != http.StatusMethodNotAllowed {
			r = fail(r, true, fmt.Sprintf("%s on an operation must answer 404 or 405, got %d", method, ex.Status))
		}
		l.add(r)
	}
	return nil
}

// checkCancel runs the Cancel Operation rules when they are allowed.
func (l *live) checkCancel(ctx context.Context) error {
	if !l.opts.AllowCancel {
		return nil
	}
	l.scope = "cancel"
	if l.blocked != "" {
		l.addBlocked(http.MethodDelete, "cancel-unknown-id-404", "cancel-missing-api-version-4xx")
		return nil
	}
	version := "api-version=" + url.QueryEscape(l.opts.APIVersion)
	unknown, _, err := l.send(ctx, http.MethodDelete, l.url(opPath("conformance-unknown-"+newRequestID()), version), true, nil)
	if err != nil {
		return err
	}
	rs := l.v.checkErrorResponse(ctx, unknown, "cancel-unknown-id-404", "cancelling an unknown operation")
	if unknown.Status != http.StatusNotFound && rs[0].Status == StatusPass {
		rs[0] = fail(rs[0], true, fmt.Sprintf("cancelling an unknown operation must answer 404, got %d", unknown.Status))
	}
	l.add(rs...)
	noVersion, _, err := l.send(ctx, http.MethodDelete, l.url(opPath(l.opts.OperationIDs[0]), ""), true, nil)
	if err != nil {
		return err
	}
	l.add(l.v.checkErrorResponse(ctx, noVersion, "cancel-missing-api-version-4xx", "a cancel without api-version")...)
	if l.opts.CancelOperationID == "" {
		return nil
	}
	return l.checkCancelExisting(ctx, version)
}

// checkCancelExisting cancels CancelOperationID: 204 with no body, then a GET whose answer
// is validated against the spec (the description does not say what it is).
func (l *live) checkCancelExisting(ctx context.Context, version string) error {
	ex, _, err := l.send(ctx, http.MethodDelete, l.url(opPath(l.opts.CancelOperationID), version), true, nil)
	if err != nil {
		return err
	}
	r := ex.result("cancel-204", Must)
	switch {
	case ex.Status != http.StatusNoContent:
		r = fail(r, true, fmt.Sprintf("cancelling operation %q must answer 204, got %d", l.opts.CancelOperationID, ex.Status))
	case len(ex.Body) > 0:
		r = fail(r, true, fmt.Sprintf("204 must have no body, got %d bytes", len(ex.Body)))
	}
	l.add(r, l.v.checkSchema(ctx, ex))
	after, _, err := l.send(ctx, http.MethodGet, l.url(opPath(l.opts.CancelOperationID), version), true, nil)
	if err != nil {
		return err
	}
	l.scope = "cancel/get-after"
	l.add(l.v.checkSchema(ctx, after))
	return nil
}

// checkAuth sends an unsigned and a tampered request; both must be refused with 401.
func (l *live) checkAuth(ctx context.Context) error {
	l.scope = "auth"
	if l.signer == nil {
		l.add(Result{Check: "authentication", Severity: Must, Status: StatusSkip,
			Request: RequestInfo{Method: http.MethodGet, URL: l.report.Target}, Reason: "no access key given"})
		return nil
	}
	u := l.url(opPath(l.opts.OperationIDs[0]), "api-version="+url.QueryEscape(l.opts.APIVersion))
	cases := []struct {
		check  string
		sign   bool
		mutate func(*http.Request)
	}{
		{"unsigned-request-401", false, nil},
		{"tampered-signature-401", true, func(r *http.Request) {
			// Flip one character well inside the signature (the last ones may be padding bits).
			auth := r.Header.Get("Authorization")
			if i := strings.Index(auth, "Signature=") + len("Signature=") + 4; i < len(auth) {
				c := byte('A')
				if auth[i] == 'A' {
					c = 'B'
				}
				r.Header.Set("Authorization", auth[:i]+string(c)+auth[i+1:])
			}
		}},
	}
	for _, c := range cases {
		if c.sign && l.keyRefused {
			// With a key the server refuses, a tampered signature is refused too: no news.
			l.addBlocked(http.MethodGet, c.check)
			continue
		}
		ex, _, err := l.send(ctx, http.MethodGet, u, c.sign, c.mutate)
		if err != nil {
			return err
		}
		r := ex.result(c.check, Must)
		if ex.Status != http.StatusUnauthorized {
			l.add(fail(r, true, fmt.Sprintf("must answer 401, got %d", ex.Status)))
			continue
		}
		l.scope = "auth/" + c.check
		rs := l.v.checkErrorResponse(ctx, ex, c.check, "an unauthenticated request")
		rs[0].Name = "auth/" + c.check
		l.add(rs...)
		l.scope = "auth"
	}
	return nil
}

// pollNote says which poll an exchange was and what it answered: the operation's status,
// or the HTTP status when the answer holds none (a 503 a fault answered with, say).
func pollNote(poll int, ex *Exchange) string {
	if st := bodyStatus(ex.Body); len(st) > 0 {
		return fmt.Sprintf("poll %d, status %s", poll, textutil.Truncate(string(st), 32))
	}
	return fmt.Sprintf("poll %d, HTTP %d", poll, ex.Status)
}
