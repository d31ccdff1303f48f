package conformancetest

import (
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
