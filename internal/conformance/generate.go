package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Case is one generated request: what it exercises and exactly what is sent. Cases are
// derived from the spec's one operation (its path parameter, its required api-version
// query parameter, its one method) and from what servers commonly get wrong with them.
type Case struct {
	// Kind says what the case exercises, e.g. "id/non-ascii" or "method/HEAD".
	Kind string `json:"kind"`
	// Method is the HTTP method. DELETE is never generated: it would change state.
	Method string `json:"method"`
	// ID is the operation id as the server should decode it; the path carries it
	// percent-encoded (url.PathEscape).
	ID string `json:"id"`
	// Known is set when ID names an operation that exists on the server.
	Known bool `json:"known,omitempty"`
	// Query is the query string's parameters, in order; a name may repeat.
	Query []Param `json:"query,omitempty"`
	// Header holds headers set on top of the usual ones (Accept: application/json,
	// x-ms-client-request-id, x-ms-return-client-request-id: true).
	Header []Param `json:"header,omitempty"`

	// version is the api-version the case targets (default types.DefaultAPIVersion).
	version string
}

// target returns the api-version the case is generated for.
func (c Case) target() string {
	if c.version == "" {
		return types.DefaultAPIVersion
	}
	return c.version
}

// Param is one query parameter or header.
type Param struct {
	Name  string `json:"name"`  // as sent
	Value string `json:"value"` // as sent, before query escaping
}

// rawQuery encodes the case's query in order.
func (c Case) rawQuery() string {
	parts := make([]string, len(c.Query))
	for i, p := range c.Query {
		parts[i] = url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}

// apiVersion classifies the case's api-version: "exact" (one api-version=2022-12-01),
// "missing" (no parameter of that name in any letter case), "empty", "unsupported" (one
// well-formed value that is not a real version: not in openapi.KnownVersions()) or ""
// (anything else: repeated, another letter case, padded, or another real version, which a
// server may serve without listing it in api-supported-versions, as the live service does
// 2025-06-01; only the general rules apply, servers legitimately differ).
func (c Case) apiVersion() string {
	var vals []string
	other := false
	for _, p := range c.Query {
		switch {
		case p.Name == "api-version":
			vals = append(vals, p.Value)
		case strings.EqualFold(p.Name, "api-version"):
			other = true
		}
	}
	switch {
	case len(vals) == 0 && !other:
		return "missing"
	case len(vals) != 1 || other:
		return ""
	case vals[0] == c.target():
		return "exact"
	case vals[0] == "":
		return "empty"
	case slices.Contains(otherAPIVersions, vals[0]) && !slices.Contains(openapi.KnownVersions(), vals[0]):
		return "unsupported"
	}
	return ""
}

// advertises reports whether the answer's api-supported-versions header lists the
// case's api-version.
func advertises(h http.Header, query []Param) bool {
	var v string
	for _, p := range query {
		if p.Name == "api-version" {
			v = p.Value
		}
	}
	for _, listed := range strings.Split(h.Get("Api-Supported-Versions"), ",") {
		if strings.TrimSpace(listed) == v && v != "" {
			return true
		}
	}
	return false
}

// otherAPIVersions are well-formed versions other than 2022-12-01: older and newer ones
// the service has (a server may serve them, listed in api-supported-versions or not: the
// live service answers 2025-06-01 without listing it), and ones it never had (1999-01-01,
// 2099-12-31: the only ones a server must refuse).
var otherAPIVersions = []string{"2021-03-07", "2022-01-11-preview2", "2023-05-01-preview", "2025-06-01", "1999-01-01", "2099-12-31"}

// Pieces of generated input. Each list holds what servers are known to mishandle.
var (
	nonASCII        = []string{"é", "ü", "ß", "中文", "😀", "İ", "\u200b", "ﬁ", "Ω", "\u00a0"}
	reservedInIDs   = []string{"/", "?", "#", " ", "%"} // percent-encoded in the path: %2F %3F %23 %20 %25
	dotIDs          = []string{".", "..", "...", "a.b", "op.v1.2", "trailing.", ".hidden", "..%2e"}
	longIDLengths   = []int{196, 252, 253, 1020, 3996} // plus "gen-": 200, 256 (the cap), 257, 1024, 4000 bytes
	undeclared      = []string{http.MethodHead, http.MethodOptions, http.MethodPatch, http.MethodPut, http.MethodPost}
	acceptValues    = []string{"application/json", "*/*", "application/json; charset=utf-8", "text/html", "application/xml", "application/*", ""}
	extraNames      = []string{"foo", "$top", "$filter", "skip", "apiVersion", "x", "callback", "api-version2"}
	extraValues     = []string{"1", "", "bar baz", "%", "&", "2022-12-01", "é", "<script>"}
	requestIDValues = []string{"", "not-a-uuid", "00000000-0000-0000-0000-000000000000", strings.Repeat("r", 300)}
)

// categories generate the cases round-robin, so that even a small run covers each of
// them; k counts how many times a category has run, to cycle through its variants (every
// reserved character, every undeclared method) before drawing at random. The two with five
// variants (methods, reserved characters) sit among the first four, so that 40 cases (the
// CLI's default) cover all five of each.
var categories = []func(r *rand.Rand, k int, known string) Case{
	func(r *rand.Rand, k int, known string) Case { // methods the spec does not define
		c := getCase("", known)
		c.Known = true
		c.Method = undeclared[k%len(undeclared)]
		c.Kind = "method/" + c.Method
		return c
	},
	func(r *rand.Rand, k int, _ string) Case { // non-ASCII ids
		return getCase("id/non-ascii", randASCII(r, 1+r.IntN(8))+nonASCII[(k+r.IntN(2))%len(nonASCII)]+randASCII(r, r.IntN(8)))
	},
	func(r *rand.Rand, k int, _ string) Case { // percent-encoded reserved characters
		ch := reservedInIDs[k%len(reservedInIDs)]
		return getCase("id/reserved-"+url.PathEscape(ch), randASCII(r, 1+r.IntN(6))+ch+randASCII(r, 1+r.IntN(6)))
	},
	func(r *rand.Rand, k int, _ string) Case { // dots
		return getCase("id/dots", dotIDs[(k+r.IntN(len(dotIDs)))%len(dotIDs)])
	},
	func(r *rand.Rand, k int, _ string) Case { // very long ids
		return getCase("id/long", randASCII(r, longIDLengths[k%len(longIDLengths)]))
	},
	func(r *rand.Rand, k int, known string) Case { // api-version variants
		c := getCase("", known)
		c.Known = true
		switch (k + r.IntN(7)) % 7 {
		case 0:
			c.Kind, c.Query = "api-version/missing", nil
		case 1:
			c.Kind, c.Query = "api-version/empty", []Param{{"api-version", ""}}
		case 2:
			c.Kind, c.Query = "api-version/repeated", []Param{{"api-version", types.DefaultAPIVersion}, {"api-version", types.DefaultAPIVersion}}
		case 3:
			c.Kind, c.Query = "api-version/conflicting", []Param{{"api-version", types.DefaultAPIVersion}, {"api-version", otherAPIVersions[r.IntN(len(otherAPIVersions))]}}
		case 4:
			c.Kind, c.Query = "api-version/name-case", []Param{{[]string{"API-VERSION", "Api-Version", "api-Version"}[r.IntN(3)], types.DefaultAPIVersion}}
		case 5:
			c.Kind, c.Query = "api-version/whitespace", []Param{{"api-version", []string{" ", "\t", "  "}[r.IntN(3)] + types.DefaultAPIVersion + []string{"", " "}[r.IntN(2)]}}
		default:
			c.Kind, c.Query = "api-version/other", []Param{{"api-version", otherAPIVersions[r.IntN(len(otherAPIVersions))]}}
		}
		return c
	},
	func(r *rand.Rand, _ int, known string) Case { // extra query parameters
		c := getCase("query/extra", known)
		c.Known = true
		for range 1 + r.IntN(3) {
			c.Query = append(c.Query, Param{extraNames[r.IntN(len(extraNames))], extraValues[r.IntN(len(extraValues))]})
		}
		r.Shuffle(len(c.Query), func(i, j int) { c.Query[i], c.Query[j] = c.Query[j], c.Query[i] })
		return c
	},
	func(r *rand.Rand, k int, known string) Case { // the method it does define, with header variants
		c := getCase("header/variants", known)
		c.Known = true
		c.Header = headerVariants(r, k)
		return c
	},
	func(r *rand.Rand, k int, known string) Case { // a bit of everything
		var c Case
		if r.IntN(3) == 0 {
			c = getCase("mixed", known)
			c.Known = true
		} else {
			c = getCase("mixed", []string{"x" + nonASCII[r.IntN(len(nonASCII))], "a" + reservedInIDs[r.IntN(len(reservedInIDs))] + "b",
				dotIDs[r.IntN(len(dotIDs))], randASCII(r, 300)}[r.IntN(4)])
		}
		if r.IntN(3) == 0 {
			c.Method = undeclared[r.IntN(len(undeclared))]
		}
		for range r.IntN(3) {
			c.Query = append(c.Query, Param{extraNames[r.IntN(len(extraNames))], extraValues[r.IntN(len(extraValues))]})
		}
		c.Header = headerVariants(r, k)[:r.IntN(3)]
		return c
	},
}

func getCase(kind, id string) Case {
	return Case{Kind: kind, Method: http.MethodGet, ID: id, Query: []Param{{"api-version", types.DefaultAPIVersion}}}
}

func headerVariants(r *rand.Rand, k int) []Param {
	return []Param{
		{"Accept", acceptValues[(k+r.IntN(len(acceptValues)))%len(acceptValues)]},
		{"x-ms-client-request-id", requestIDValues[r.IntN(len(requestIDValues))]},
	}
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_"

// randASCII returns n characters that are safe in a path segment as they are, prefixed so
// that a generated id never names a real operation by chance.
func randASCII(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("gen-")
	for range n {
		b.WriteByte(idAlphabet[r.IntN(len(idAlphabet))])
	}
	return b.String()
}

// CaseOptions configures [GenerateCases]; nil means the defaults.
type CaseOptions struct {
	// KnownID is an operation that exists on the server. Default types.ExampleOperationID.
	KnownID string
	// APIVersion is the version the server is checked at: the cases send it where they
	// would send 2022-12-01 (in its variants too), and answers are held to that version's
	// contract. Default types.DefaultAPIVersion.
	APIVersion string
}

// GenerateCases returns n cases drawn from a PCG seeded with seed: the same arguments
// always give the same cases. The categories (ids with non-ASCII, percent-encoded reserved
// characters, dots, great length; api-version missing, empty, repeated, in another letter
// case, padded, of another date; extra query parameters; HEAD, OPTIONS, PATCH, PUT and
// POST; Accept and x-ms-client-request-id variants; mixtures) take turns, so that a few
// dozen cases cover each of them.
func GenerateCases(n int, seed uint64, opts *CaseOptions) []Case {
	var o CaseOptions
	if opts != nil {
		o = *opts
	}
	if o.KnownID == "" {
		o.KnownID = types.ExampleOperationID
	}
	if o.APIVersion == "" {
		o.APIVersion = types.DefaultAPIVersion
	}
	knownID, apiVersion := o.KnownID, o.APIVersion
	// The second PCG word is fixed: one number is all a user has to copy to reproduce.
	r := rand.New(rand.NewPCG(seed, 0x70686f6e656e756d))
	out := make([]Case, 0, max(n, 0))
	for i := range n {
		c := categories[i%len(categories)](r, i/len(categories), knownID)
		out = append(out, retarget(c, apiVersion))
	}
	return out
}

// retarget makes a case generated for 2022-12-01 target version instead.
func retarget(c Case, version string) Case {
	c.version = version
	if version == types.DefaultAPIVersion {
		return c
	}
	q := make([]Param, len(c.Query))
	for i, p := range c.Query {
		if strings.EqualFold(p.Name, "api-version") {
			p.Value = strings.Replace(p.Value, types.DefaultAPIVersion, version, 1)
		}
		q[i] = p
	}
	c.Query = q
	return c
}

// MaxPlainIDLength is the longest id, in bytes, that must get a plain 404 when unknown
// (types.MaxOperationIDLength). Longer ones may be refused for their length with any 4xx:
// the reference server caps ids there (400 InvalidParameter), and the service's own cap is
// not documented.
const MaxPlainIDLength = types.MaxOperationIDLength

// Generated-case check names; each aggregates every generated case.
const (
	checkGen5xx       = "generated-no-5xx"
	checkGenError     = "generated-error-response"
	checkGenMethod    = "generated-method-not-allowed"
	checkGenUnknownID = "generated-unknown-id-404"
	checkGenVersion   = "generated-api-version-4xx"
	checkGen200       = "generated-200-valid"
)

var generatedChecks = []string{checkGen5xx, checkGenError, checkGenMethod, checkGenUnknownID, checkGenVersion, checkGen200}

// caseRequest builds the request for c against base, signed when signer is set.
func caseRequest(ctx context.Context, base *url.URL, c Case, signer *hmacauth.Signer, now time.Time) (*http.Request, error) {
	u := *base
	prefix := strings.TrimRight(base.Path, "/")
	u.Path = prefix + "/phoneNumbers/operations/" + c.ID
	u.RawPath = strings.TrimRight(base.EscapedPath(), "/") + "/phoneNumbers/operations/" + url.PathEscape(c.ID)
	u.RawQuery = c.rawQuery()
	req, err := http.NewRequestWithContext(ctx, c.Method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-ms-client-request-id", newRequestID())
	req.Header.Set("x-ms-return-client-request-id", "true")
	req.Header.Set("User-Agent", "phonenumbers-conformance")
	for _, h := range c.Header {
		req.Header.Set(h.Name, h.Value)
	}
	if signer != nil {
		date, auth := signer.SignRequest(c.Method, req.URL.RequestURI(), req.URL.Host, hmacauth.EmptyContentHash, now)
		hmacauth.SetHeaders(req.Header, date, hmacauth.EmptyContentHash, auth)
	}
	return req, nil
}

// caseOutcome is what one case broke: check name -> why.
type caseOutcome map[string]string

// judge applies every generated-case rule to c's answer.
func (v *Validator) judge(ctx context.Context, c Case, ex *Exchange) caseOutcome {
	out := caseOutcome{}
	st := ex.Status
	if st >= 500 {
		out[checkGen5xx] = fmt.Sprintf("answered %d", st)
	}
	switch c.Method {
	case http.MethodGet:
	case http.MethodHead, http.MethodOptions:
		// HTTP's own methods: a server may implement them for every resource (RFC 9110
		// 9.3.2, 9.3.7, e.g. a CORS preflight answering 204), or refuse them.
		if st != http.StatusNotFound && st != http.StatusMethodNotAllowed && (st < 200 || st > 299) {
			out[checkGenMethod] = fmt.Sprintf("%s is not in the spec: want 404, 405 or a 2xx; got %d", c.Method, st)
		}
	default:
		if st != http.StatusNotFound && st != http.StatusMethodNotAllowed {
			out[checkGenMethod] = fmt.Sprintf("%s is not in the spec: want 404 or 405; got %d", c.Method, st)
		}
	}
	if c.Method == http.MethodGet {
		av := c.apiVersion()
		switch {
		case c.Known || av != "exact":
		case len(c.ID) <= MaxPlainIDLength && st != http.StatusNotFound:
			out[checkGenUnknownID] = fmt.Sprintf("operation %q does not exist: want 404; got %d", snippet([]byte(c.ID)), st)
		case len(c.ID) > MaxPlainIDLength && (st < 400 || st > 499):
			out[checkGenUnknownID] = fmt.Sprintf("operation id of %d bytes does not exist: want 404 (or 400/414 for its length); got %d", len(c.ID), st)
		}
		if av == "unsupported" && advertises(ex.Header, c.Query) {
			av = "" // a version the server lists in api-supported-versions is its to serve
		}
		if (av == "missing" || av == "empty" || av == "unsupported") && (st < 400 || st > 499) {
			out[checkGenVersion] = fmt.Sprintf("api-version is %s: want 4xx; got %d", av, st)
		}
		if st >= 200 && st <= 299 {
			if msg := v.check200(ctx, c, ex); msg != "" {
				out[checkGen200] = msg
			}
		}
	}
	// Every refusal is a CommunicationErrorResponse; HEAD answers have no body to check.
	if st >= 300 && c.Method != http.MethodHead {
		if msg := v.checkErrorBody(ctx, c.target(), ex); msg != "" {
			out[checkGenError] = fmt.Sprintf("%d: %s", st, msg)
		}
	}
	return out
}

// canonicalRequest is a request the spec routes, for validating answers to requests whose
// path the router cannot match (encoded slashes, dots): the spec declares one operation,
// so its responses are the ones every answer is held to.
func canonicalRequest(version string) *http.Request {
	u := &url.URL{Scheme: "http", Host: "conformance.invalid", Path: "/phoneNumbers/operations/x", RawQuery: "api-version=" + url.QueryEscape(version)}
	return &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
}

// checkErrorBody says what is wrong with an error answer, or "".
func (v *Validator) checkErrorBody(ctx context.Context, version string, ex *Exchange) string {
	var e types.CommunicationErrorResponse
	if err := decodeBody(ctx, ex.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		return "want a CommunicationErrorResponse {\"error\":{\"code\",\"message\"}}; got " + snippet(ex.Body)
	}
	if err := v.ValidateResponse(ctx, canonicalRequest(version), ex.Status, ex.Header, ex.Body); err != nil {
		return describe(violationsOf(err))
	}
	return ""
}

// check200 validates a 2xx answer to GET: it must be the declared 200 with a valid
// operation, and the operation must be the one asked for.
func (v *Validator) check200(ctx context.Context, c Case, ex *Exchange) string {
	if err := v.ValidateResponse(ctx, canonicalRequest(c.target()), ex.Status, ex.Header, ex.Body); err != nil {
		return fmt.Sprintf("%d does not conform: %s", ex.Status, describe(violationsOf(err)))
	}
	var op struct {
		ID string `json:"id"`
	}
	_ = decodeBody(ctx, ex.Body, &op)
	if op.ID != c.ID {
		return fmt.Sprintf("asked for %q, got operation %q", snippet([]byte(c.ID)), snippet([]byte(op.ID)))
	}
	return ""
}

func describe(vs []Violation) string {
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		parts = append(parts, strings.TrimSpace(v.Path+" "+v.Message))
	}
	return strings.Join(parts, "; ")
}

// maxShrinkRequests bounds the requests spent minimising one failure, and shrinking is
// done for the first failure of each rule only: a broken server must not turn a 40-case
// run into thousands of requests.
const maxShrinkRequests = 48

// checkGenerated sends the generated cases and reports each rule once, with every case
// that broke it as a violation carrying a minimal reproduction.
func (l *live) checkGenerated(ctx context.Context) error {
	if l.opts.Cases == 0 {
		return nil
	}
	seed := l.opts.Seed
	l.report.Seed, l.report.Cases = &seed, l.opts.Cases
	l.scope = "generated"
	if l.blocked != "" {
		for _, c := range generatedChecks {
			l.add(Result{Name: "generated/" + strings.TrimPrefix(c, "generated-"), Check: c, Severity: Must, Status: StatusBlocked,
				Request: RequestInfo{Method: "*", URL: l.report.Target}, Reason: "not evaluated: " + l.blocked})
		}
		return nil
	}
	cases := GenerateCases(l.opts.Cases, seed, &CaseOptions{KnownID: l.opts.OperationIDs[0], APIVersion: l.opts.APIVersion})
	type failure struct {
		index int
		c     Case
		ex    *Exchange
		why   string
	}
	failures := map[string][]failure{}
	var total time.Duration
	for i, c := range cases {
		ex, err := l.sendCase(ctx, c)
		if err != nil {
			return err
		}
		total += ex.Elapsed
		for check, why := range l.v.judge(ctx, c, ex) {
			failures[check] = append(failures[check], failure{i + 1, c, ex, why})
		}
	}
	for _, check := range generatedChecks {
		r := Result{Name: "generated/" + strings.TrimPrefix(check, "generated-"), Check: check, Severity: Must, Status: StatusPass,
			Request: RequestInfo{Method: "*", URL: l.report.Target}, Duration: total}
		fs := failures[check]
		if len(fs) == 0 {
			l.add(r)
			continue
		}
		var vs []Violation
		for j, f := range fs {
			v := Violation{Path: fmt.Sprintf("case %d (%s)", f.index, f.c.Kind), Message: f.why}
			if j == 0 {
				// One copy-paste reproduction per rule, of the smallest input that still
				// breaks it; the other cases are listed to show the pattern.
				c, ex, why := l.shrink(ctx, check, f.c, f.ex, f.why)
				v.Reproduction = l.curl(c, ex)
				v.Message = fmt.Sprintf("%s; minimal reproduction (seed %d): %s", why, seed, v.Reproduction)
			}
			vs = append(vs, v)
		}
		r = fail(r, true, fmt.Sprintf("%d of %d generated requests broke the rule (seed %d; the first is minimised)", len(fs), len(cases), seed), vs...)
		l.add(r)
	}
	return nil
}

// sendCase sends one generated case.
func (l *live) sendCase(ctx context.Context, c Case) (*Exchange, error) {
	req, err := caseRequest(ctx, l.base, c, l.signer, time.Now())
	if err != nil {
		return nil, err
	}
	return l.do(req)
}

// shrink minimises a failing case while it still breaks check: it drops added headers,
// then query parameters other than api-version, then (for unknown ids) shortens the id,
// removing ever smaller runs of characters. It returns the smallest case found, its
// answer and why it failed.
func (l *live) shrink(ctx context.Context, check string, c Case, ex *Exchange, why string) (Case, *Exchange, string) {
	budget := maxShrinkRequests
	try := func(cand Case) bool {
		if budget == 0 || ctx.Err() != nil {
			return false
		}
		budget--
		cex, err := l.sendCase(ctx, cand)
		if err != nil {
			return false
		}
		if w, ok := l.v.judge(ctx, cand, cex)[check]; ok {
			c, ex, why = cand, cex, w
			return true
		}
		return false
	}
	for i := 0; i < len(c.Header); {
		cand := c
		cand.Header = slices.Delete(slices.Clone(c.Header), i, i+1)
		if !try(cand) {
			i++
		}
	}
	for i := 0; i < len(c.Query); {
		if strings.EqualFold(c.Query[i].Name, "api-version") {
			i++
			continue
		}
		cand := c
		cand.Query = slices.Delete(slices.Clone(c.Query), i, i+1)
		if !try(cand) {
			i++
		}
	}
	if !c.Known {
		for chunk := len([]rune(c.ID)) / 2; chunk >= 1; chunk /= 2 {
			for i := 0; ; {
				rs := []rune(c.ID)
				if i+chunk > len(rs) || len(rs) <= 1 {
					break
				}
				cand := c
				cand.ID = string(rs[:i]) + string(rs[i+chunk:])
				if !try(cand) {
					i += chunk
				}
			}
		}
	}
	return c, ex, why
}

// curl renders c as a command to paste. It carries no credential: a signed request
// needs re-signing, since the signature covers the date, the path and the host.
func (l *live) curl(c Case, ex *Exchange) string {
	u := *ex.Request.URL
	u.User = nil
	var b strings.Builder
	b.WriteString("curl -i --globoff --path-as-is")
	switch c.Method {
	case http.MethodGet:
	case http.MethodHead:
		b.WriteString(" -I")
	default:
		b.WriteString(" -X " + c.Method)
	}
	b.WriteString(" " + shellQuote(u.String()))
	if !slices.ContainsFunc(c.Header, func(p Param) bool { return strings.EqualFold(p.Name, "Accept") }) {
		b.WriteString(" -H " + shellQuote("Accept: application/json"))
	}
	for _, h := range c.Header {
		if h.Value == "" {
			b.WriteString(" -H " + shellQuote(h.Name+";")) // curl's way to send an empty header
			continue
		}
		b.WriteString(" -H " + shellQuote(h.Name+": "+h.Value))
	}
	if l.signer != nil {
		b.WriteString("  # needs re-signing: add x-ms-date, x-ms-content-sha256 and an HMAC-SHA256 Authorization for this exact method, path, query and host")
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
