package conformancetest

import (
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestReportMirrorsTheEngine: every status and severity the engine writes is one this
// package documents, and a report copies over field for field.
func TestReportMirrorsTheEngine(t *testing.T) {
	statuses := map[conformance.Status]Status{
		conformance.StatusPass: StatusPass, conformance.StatusFail: StatusFail, conformance.StatusWarn: StatusWarn,
		conformance.StatusSkip: StatusSkip, conformance.StatusBlocked: StatusBlocked,
	}
	for in, want := range statuses {
		if Status(in) != want {
			t.Errorf("engine status %q is not %q", in, want)
		}
	}
	for in, want := range map[conformance.Severity]Severity{conformance.Must: Must, conformance.Should: Should} {
		if Severity(in) != want {
			t.Errorf("engine severity %q is not %q", in, want)
		}
	}
	seed := uint64(7)
	in := &conformance.Report{Seed: &seed, Cases: 3, Summary: conformance.Summary{Passed: 1, Failed: 1},
		Results: []conformance.Result{{Name: "n", Check: "c", Severity: conformance.Must, Status: conformance.StatusFail,
			Request: conformance.RequestInfo{Method: "GET", URL: "http://x/y"}, ResponseStatus: 500, Reason: "r",
			Violations: []conformance.Violation{{Path: "/status", Message: "m"}}}}}
	got := newReport(in)
	r := got.Results[0]
	if got.Seed != 7 || got.Cases != 3 || !got.Failed() || got.Summary.Passed != 1 || r.Name != "n" || r.Check != "c" ||
		r.Severity != Must || r.Status != StatusFail || r.Method != "GET" || r.URL != "http://x/y" || r.ResponseStatus != 500 ||
		r.Reason != "r" || len(r.Violations) != 1 || r.Violations[0] != (Violation{Path: "/status", Message: "m"}) {
		t.Errorf("newReport = %+v", got)
	}
}

// TestDescribe: a failure names the request by path (the handler's port closes with the
// test), leaves out the request for run-wide results, and cuts long violation lists.
func TestDescribe(t *testing.T) {
	many := make([]Violation, 12)
	for i := range many {
		many[i] = Violation{Path: "/x", Message: "bad"}
	}
	tests := []struct {
		res        Result
		want, lack string
	}{
		{Result{Method: "GET", URL: "http://127.0.0.1:40000/phoneNumbers/operations/x?api-version=2022-12-01", ResponseStatus: 500, Reason: "r"},
			"GET /phoneNumbers/operations/x?api-version=2022-12-01 -> 500: r", "127.0.0.1"},
		{Result{Method: "*", URL: "http://127.0.0.1:40000", Reason: "2 requests got a 5xx"}, "2 requests got a 5xx", "->"},
		{Result{Method: "GET", URL: "http://h/p", Violations: many}, "... and 2 more", ""},
	}
	for _, tt := range tests {
		got := describe(tt.res)
		if !strings.Contains(got, tt.want) || (tt.lack != "" && strings.Contains(got, tt.lack)) {
			t.Errorf("describe = %q, want %q without %q", got, tt.want, tt.lack)
		}
	}
}
