package conformancetest

import (
	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	// StatusPass: the rule held.
	StatusPass Status = "pass"
	// StatusFail: a MUST rule (or, with Options.Strict, a SHOULD rule) was broken.
	StatusFail Status = "fail"
	// StatusWarn: a SHOULD rule was broken.
	StatusWarn Status = "warn"
	// StatusSkip: the check did not apply (for example, nothing to poll).
	StatusSkip Status = "skip"
	// StatusBlocked: the check could not be evaluated because something else failed
	// first, e.g. every request was refused with 401.
	StatusBlocked Status = "blocked"
)

// Severity says what a broken rule costs.
type Severity string

// Rule severities.
const (
	// Must rules fail the run when broken.
	Must Severity = "must"
	// Should rules warn, or fail with Options.Strict.
	Should Severity = "should"
)

// Report is the outcome of a run: a summary and one result per check, in the order run.
type Report struct {
	// Seed seeded the generated requests, when any were sent (Options.Cases > 0): a
	// failure reproduces with the same seed.
	Seed uint64
	// Cases is how many generated requests were sent.
	Cases int
	// Summary counts the results by status.
	Summary Summary
	// Results are the checks' outcomes.
	Results []Result
}

// Failed reports whether any check failed.
func (r *Report) Failed() bool { return r.Summary.Failed > 0 }

// Summary counts results by status.
type Summary struct {
	Passed, Failed, Warnings, Skipped, Blocked int
}

// Result is the outcome of one check on one exchange.
type Result struct {
	// Name identifies the result, stable across runs and hosts, e.g.
	// "operation/search-my-operation-id/response-schema" or "generated/no-5xx"; Run
	// names its subtests after it.
	Name string
	// Check names the rule, e.g. "response-schema"; docs/conformance.md lists them all.
	Check string
	// Severity is the rule's (empty for checks that did not apply).
	Severity Severity
	// Status is the outcome.
	Status Status
	// Method and URL are the request the check is about ("*" and the endpoint for results
	// about the whole run). URLs carry no credentials.
	Method, URL string
	// ResponseStatus is the status the handler answered with (0 when not applicable).
	ResponseStatus int
	// Reason explains a failure, warning or skip in one line.
	Reason string
	// Violations say exactly where a response broke the rule.
	Violations []Violation
}

// Violation is one way a response breaks a rule.
type Violation struct {
	// Path is a JSON pointer into the body ("/status"), a header ("header Location"), or
	// empty for the response as a whole.
	Path string
	// Message says what was expected and what came.
	Message string
}

// newReport copies the engine's report into this package's types.
func newReport(in *conformance.Report) *Report {
	out := &Report{
		Cases: in.Cases,
		Summary: Summary{Passed: in.Summary.Passed, Failed: in.Summary.Failed, Warnings: in.Summary.Warnings,
			Skipped: in.Summary.Skipped, Blocked: in.Summary.Blocked},
		Results: make([]Result, len(in.Results)),
	}
	if in.Seed != nil {
		out.Seed = *in.Seed
	}
	for i, r := range in.Results {
		out.Results[i] = Result{Name: r.Name, Check: r.Check, Severity: Severity(r.Severity), Status: Status(r.Status),
			Method: r.Request.Method, URL: r.Request.URL, ResponseStatus: r.ResponseStatus, Reason: r.Reason}
		for _, v := range r.Violations {
			out.Results[i].Violations = append(out.Results[i].Violations, Violation{Path: v.Path, Message: v.Message})
		}
	}
	return out
}
