// Package conformancetest runs the phonenumbers conformance suite against an http.Handler
// inside go test, so that a team implementing server.StrictServerInterface (or a whole
// compatible server) checks it against the spec with every test run:
//
//	func TestConformance(t *testing.T) {
//		conformancetest.Run(t, myHandler, &conformancetest.Options{AccessKey: key})
//	}
//
// Each check becomes a subtest named after it; MUST rules fail the subtest, SHOULD rules
// are logged as warnings (or fail with Strict), skipped checks are skipped.
package conformancetest

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	ts := httptest.NewServer(handler)
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	rep, err := v.RunLive(ctx, &conformance.LiveOptions{
		Endpoint: ts.URL, AccessKey: o.AccessKey, OperationIDs: o.OperationIDs,
		Poll: o.Poll, PollInterval: o.PollInterval, PollTimeout: o.PollTimeout, Strict: o.Strict,
		HTTPClient: ts.Client(), Cases: o.Cases, Seed: o.Seed,
		Names: conformance.SettingNames{AccessKey: "Options.AccessKey", OperationID: "Options.OperationIDs"},
	})
	if err != nil {
		return nil, err
	}
	return newReport(rep), nil
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
			detail := res.Reason
			for _, v := range res.Violations {
				detail += "\n\t" + strings.TrimSpace(v.Path+": "+v.Message)
			}
			switch res.Status {
			case StatusFail:
				t.Errorf("%s %s -> %d: %s", res.Method, res.URL, res.ResponseStatus, detail)
			case StatusWarn:
				t.Logf("WARN (SHOULD rule) %s %s -> %d: %s", res.Method, res.URL, res.ResponseStatus, detail)
			case StatusSkip:
				t.Skip(detail)
			case StatusBlocked:
				t.Skip("blocked: " + detail)
			}
		})
	}
	return rep
}
