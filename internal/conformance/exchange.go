package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Exchange is one request and the response it got.
type Exchange struct {
	// Request is the request as sent (or recorded); only its method, URL and headers are used.
	Request *http.Request
	// Status is the response status code.
	Status int
	// Header holds the response headers, canonicalised.
	Header http.Header
	// HeaderNames maps each response header's canonical name to its name as recorded (its
	// wire spelling, such as "MS-CV" or "api-supported-versions"; the first when a
	// recording spells one name two ways); nil for live exchanges. [Validator.Diff]
	// compares a server's spelling with it.
	HeaderNames map[string]string
	// Body is the complete response body.
	Body []byte
	// Source names where a recorded exchange came from; empty for live ones.
	Source string
	// Elapsed is how long the exchange took (0 for recorded ones).
	Elapsed time.Duration
}

// Bounds on one response body the checker decodes or validates: an operation holds a few
// dozen values and nests 5 deep, and both decoding and kin-openapi's validation (an error
// for each bad value) cost memory per value, so a body beyond them is reported, not read.
const (
	maxBodyValues = 10_000
	maxBodyDepth  = 64
)

// bodyLimits bound one response body (see maxBodyValues).
var bodyLimits = bounded.Limits{Values: maxBodyValues, Depth: maxBodyDepth}

// decodeBody decodes a response body into v within bodyLimits.
func decodeBody(ctx context.Context, body []byte, v any) error {
	return bounded.DecodeJSON(ctx, "the response body", body, bodyLimits, v)
}

// info identifies the exchange's request in results, never with credentials.
func (ex *Exchange) info() RequestInfo {
	u := *ex.Request.URL
	u.User = nil
	return RequestInfo{Method: ex.Request.Method, URL: u.String()}
}

func (ex *Exchange) result(check string, sev Severity) Result {
	return Result{Check: check, Severity: sev, Status: StatusPass, Request: ex.info(), ResponseStatus: ex.Status, Source: ex.Source, Duration: ex.Elapsed}
}

// placeholders are the values recorders put in place of real ones; rules treat them as unknown.
var placeholders = []string{"REDACTED", "sanitized", "Sanitized"}

func isPlaceholder(s string) bool {
	for _, p := range placeholders {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// operationIDOf returns the id in an operation path, unescaped.
func operationIDOf(u *url.URL) string {
	id, ok := strings.CutPrefix(u.Path, "/phoneNumbers/operations/")
	if !ok {
		return ""
	}
	return id
}

// fail marks r failed (MUST) or warned (SHOULD, unless strict).
func fail(r Result, strict bool, reason string, v ...Violation) Result {
	r.Status = StatusFail
	if r.Severity == Should && !strict {
		r.Status = StatusWarn
	}
	r.Reason = reason
	r.Violations = v
	return r
}

// checkSchema validates the exchange against the spec.
func (v *Validator) checkSchema(ctx context.Context, ex *Exchange) Result {
	r := ex.result("response-schema", Must)
	if err := v.ValidateResponse(ctx, ex.Request, ex.Status, ex.Header, ex.Body); err != nil {
		return fail(r, true, "the response does not conform to the spec", violationsOf(err)...)
	}
	return r
}

// checkRequest validates the exchange's request against the operation it addresses.
func (v *Validator) checkRequest(ctx context.Context, ex *Exchange) Result {
	r := ex.result("request-schema", Must)
	if err := v.ValidateRequest(ctx, ex.Request); err != nil {
		return fail(r, true, "the request does not conform to the spec", violationsOf(err)...)
	}
	return r
}

// checkNo5xx fails server errors.
func checkNo5xx(ex *Exchange) Result {
	r := ex.result("no-5xx", Must)
	if ex.Status >= 500 {
		return fail(r, true, fmt.Sprintf("the server answered %d", ex.Status))
	}
	return r
}

// checkErrorResponse requires a 4xx status with a CommunicationErrorResponse body.
func (v *Validator) checkErrorResponse(ctx context.Context, ex *Exchange, check, what string) []Result {
	r := ex.result(check, Must)
	var out []Result
	switch {
	case ex.Status < 400 || ex.Status >= 500:
		out = append(out, fail(r, true, fmt.Sprintf("%s must answer 4xx, got %d", what, ex.Status)))
	default:
		var e types.CommunicationErrorResponse
		if err := decodeBody(ctx, ex.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			out = append(out, fail(r, true, what+" must answer with a CommunicationErrorResponse",
				Violation{Path: "/error", Message: "want {\"error\":{\"code\":...,\"message\":...}}; got " + snippet(ex.Body)}))
		} else {
			out = append(out, r)
		}
	}
	if ex.Status >= 400 { // 2xx answers are already a failure above; don't double-report schema noise
		out = append(out, v.checkSchema(ctx, ex))
	}
	return out
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "an empty body"
	}
	if len(s) > 80 { // room for the ellipsis
		s = textutil.Truncate(s, 77)
	}
	return s
}

// operationRules checks a 200 answer to GET /phoneNumbers/operations/{id}: the body is
// JSON, its id is the requested one, Location matches resourceLocation, error matches
// status, and the service headers are present. Placeholders are treated as unknown.
func operationRules(ctx context.Context, ex *Exchange, strict bool, requestedID string) []Result {
	var out []Result
	r := ex.result("valid-json", Must)
	var body map[string]any
	if err := decodeBody(ctx, ex.Body, &body); err != nil {
		return append(out, fail(r, true, "the body is not valid JSON: "+textutil.FirstLine(err.Error())))
	}
	out = append(out, r)

	r = ex.result("id-matches", Must)
	gotID, _ := body["id"].(string)
	switch {
	case isPlaceholder(gotID) || isPlaceholder(requestedID) || requestedID == "":
		r.Status, r.Reason = StatusSkip, "the id was replaced by a recorder placeholder"
	case gotID != requestedID:
		r = fail(r, true, "the body's id differs from the requested id", Violation{Path: "/id", Message: fmt.Sprintf("want %q; got %q", requestedID, gotID)})
	}
	out = append(out, r)

	r = ex.result("location-header", Should)
	loc, hasLoc := ex.Header["Location"]
	rl, rlString := body["resourceLocation"].(string)
	switch {
	case hasLoc && len(loc) > 0 && isPlaceholder(loc[0]) || rlString && isPlaceholder(rl):
		r.Status, r.Reason = StatusSkip, "Location or resourceLocation was replaced by a recorder placeholder"
	case rlString && !hasLoc:
		r = fail(r, strict, "resourceLocation is set but no Location header was sent", Violation{Path: "header Location", Message: fmt.Sprintf("want %q; got none", rl)})
	case rlString && loc[0] != rl:
		r = fail(r, strict, "the Location header differs from resourceLocation", Violation{Path: "header Location", Message: fmt.Sprintf("want %q; got %q", rl, loc[0])})
	case !rlString && hasLoc:
		r = fail(r, strict, "a Location header was sent without a resourceLocation", Violation{Path: "header Location", Message: fmt.Sprintf("want none; got %q", loc[0])})
	}
	out = append(out, r)

	r = ex.result("error-matches-status", Should)
	status := types.ParsePhoneNumberOperationStatus(fmt.Sprint(body["status"]))
	_, hasErr := body["error"]
	hasErr = hasErr && body["error"] != nil
	switch {
	case status.IsFailed() && !hasErr:
		r = fail(r, strict, "a failed operation should carry an error", Violation{Path: "/error", Message: "want a CommunicationError; got none"})
	case status.IsSucceeded() && hasErr:
		r = fail(r, strict, "a succeeded operation should not carry an error", Violation{Path: "/error", Message: "want none; got " + compact(body["error"])})
	}
	out = append(out, r)

	r = ex.result("api-supported-versions", Should)
	if ex.Header.Get("Api-Supported-Versions") == "" {
		r = fail(r, strict, "the api-supported-versions header is missing", Violation{Path: "header api-supported-versions", Message: "want the supported versions; got none"})
	}
	out = append(out, r)

	return out
}
