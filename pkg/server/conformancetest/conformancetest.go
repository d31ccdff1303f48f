// Package conformancetest runs the phonenumbers conformance suite against an http.Handler
// inside go test, so that a team implementing server.StrictServerInterface (or a whole
// compatible server) checks it against the spec with every test run:
//
//	func TestConformance(t *testing.T) {
//		conformancetest.Run(t, myHandler, &conformancetest.Options{AccessKey: key})
//	}
//
// Each check becomes a subtest named after its result (Result.Name, stable across runs,
// as the CLI's JUnit names); MUST rules fail the subtest, SHOULD rules are logged as
// warnings (go test shows them with -v; Report.Summary.Warnings counts them; Strict fails
// them), skipped checks are skipped.
package conformancetest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// Options configures a run. The zero value checks the published example operation
// (search-my-operation-id) against an open server.
type Options struct {
	// AccessKey is the handler's base64 access key, if it requires HMAC-SHA256 signatures.
	AccessKey string
	// OperationIDs name operations the handler serves. Default: search-my-operation-id.
	OperationIDs []string
	// Poll follows each operation until it is terminal, validating every answer.
	Poll bool
	// PollInterval is the wait between polls (default 10 ms: handlers under test are local).
	PollInterval time.Duration
	// PollTimeout bounds polling per operation (default 30 s).
	PollTimeout time.Duration
	// Strict fails SHOULD rules too.
	Strict bool
	// Cases is how many generated requests to send (requests derived from the spec and
	// from what servers commonly get wrong: odd ids and api-versions, extra parameters,
	// undeclared methods); 0 sends none, so that a handler's existing suite keeps its size
	// unless asked.
	Cases int
	// Seed seeds the generated requests; a failure names it, and the same seed reproduces.
	Seed uint64
	// APIVersion is the api-version to check the handler at, against that version's
	// contract (one with a known contract, see openapi/README.md). Default 2022-12-01.
	APIVersion string
	// AllowCancel also checks Cancel Operation (DELETE) on an unknown id and without
	// api-version.
	AllowCancel bool
	// CancelOperationID, with AllowCancel, cancels this operation for real and checks the
	// 204 and the GET after it.
	CancelOperationID string
	// RequestTimeout bounds each request to the handler (default 10 s, as the CLI's): a
	// handler that never answers fails the run instead of hanging it until go test's
	// -timeout.
	RequestTimeout time.Duration
}

// Check runs the suite against handler, served on a loopback port, and returns the report.
// The error is for a run that could not start (the spec did not load); a handler that breaks
// rules gives a report whose Failed is true.
func Check(ctx context.Context, handler http.Handler, opts *Options) (*Report, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 10 * time.Millisecond
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = 30 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	ts := httptest.NewServer(handler)
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	hc := ts.Client()
	hc.Timeout = o.RequestTimeout
	rep, err := v.RunLive(ctx, &conformance.LiveOptions{
		Endpoint: ts.URL, AccessKey: o.AccessKey, OperationIDs: o.OperationIDs,
		Poll: o.Poll, PollInterval: o.PollInterval, PollTimeout: o.PollTimeout, Strict: o.Strict,
		HTTPClient: hc, Cases: o.Cases, Seed: o.Seed, APIVersion: o.APIVersion,
		AllowCancel: o.AllowCancel, CancelOperationID: o.CancelOperationID,
		Names: conformance.SettingNames{AccessKey: "Options.AccessKey", OperationID: "Options.OperationIDs", APIVersion: "Options.APIVersion"},
	})
	if err != nil {
		return nil, err
	}
	return newReport(rep), nil
}

// maxViolationsShown is how many violations a subtest prints, as the CLI's text report.
const maxViolationsShown = 10

// describe is a result as a subtest prints it: the request (its path and query: the
// handler's port closes with the test) and status, the reason, and the first violations.
func describe(res Result) string {
	var b strings.Builder
	if res.Method != "*" {
		target := res.URL
		if u, err := url.Parse(res.URL); err == nil {
			target = u.RequestURI()
		}
		fmt.Fprintf(&b, "%s %s -> %d: ", res.Method, target, res.ResponseStatus)
	}
	b.WriteString(res.Reason)
	for i, v := range res.Violations {
		if i == maxViolationsShown {
			fmt.Fprintf(&b, "\n\t... and %d more", len(res.Violations)-maxViolationsShown)
			break
		}
		b.WriteString("\n\t" + strings.TrimSpace(v.Path+": "+v.Message))
	}
	return b.String()
}

// Run runs the suite against handler and reports every check as a subtest of t.
func Run(t *testing.T, handler http.Handler, opts *Options) *Report {
	t.Helper()
	rep, err := Check(t.Context(), handler, opts)
	if err != nil {
		t.Fatalf("conformance: %v", err)
		return nil
	}
	for _, res := range rep.Results {
		// Result names are unique within a report and stable across runs and hosts, as
		// JUnit names are: a -run filter keeps working when options add checks.
		t.Run(res.Name, func(t *testing.T) {
			detail := describe(res)
			switch res.Status {
			case StatusFail:
				t.Error(detail)
			case StatusWarn:
				// Logged: go test shows it with -v or when the test fails; Report.Summary
				// counts it, and Strict makes it a failure.
				t.Log("WARN (SHOULD rule) " + detail)
			case StatusSkip:
				t.Skip(detail)
			case StatusBlocked:
				t.Skip("blocked: " + detail)
			}
		})
	}
	return rep
}
