package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// Status is the outcome of one check.
type Status string

// Check outcomes.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip"
)

// Severity says what a broken rule costs: MUST rules fail, SHOULD rules warn (or fail in
// strict mode).
type Severity string

// Rule severities.
const (
	Must   Severity = "must"
	Should Severity = "should"
)

// Violation is one way a response breaks a rule.
type Violation struct {
	// Path is a JSON pointer into the body ("/status"), a header ("header Location"), or
	// empty for the response as a whole.
	Path string `json:"path"`
	// Message says what was expected and what came.
	Message string `json:"message"`
}

// RequestInfo identifies the request a result is about.
type RequestInfo struct {
	// Method is the HTTP method ("*" for results about the whole run).
	Method string `json:"method"`
	// URL is the request URL, without credentials.
	URL string `json:"url"`
}

// Result is the outcome of one check on one exchange.
type Result struct {
	// Check names the rule, e.g. "response-schema" or "id-matches".
	Check string `json:"check"`
	// Severity is the rule's: must or should (empty for skipped exchanges).
	Severity Severity `json:"severity,omitempty"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Request is the request the check is about.
	Request RequestInfo `json:"request"`
	// ResponseStatus is the status the server answered with (0 when not applicable).
	ResponseStatus int `json:"responseStatus,omitempty"`
	// Reason explains a failure, warning or skip in one line.
	Reason string `json:"reason,omitempty"`
	// Violations say exactly where a response broke the rule.
	Violations []Violation `json:"violations,omitempty"`
	// Source names where a recorded exchange came from (file and entry).
	Source string `json:"source,omitempty"`
}

// Summary counts results by status.
type Summary struct {
	Passed   int `json:"passed"`   // checks that held
	Failed   int `json:"failed"`   // MUST rules (or SHOULD rules in strict mode) broken
	Warnings int `json:"warnings"` // SHOULD rules broken
	Skipped  int `json:"skipped"`  // checks that could not apply
}

// Report is the outcome of a conformance run.
type Report struct {
	Target      string   `json:"target"`      // the endpoint or recordings path checked
	SpecVersion string   `json:"specVersion"` // the api-version of the spec
	Summary     Summary  `json:"summary"`     // counts by status
	Results     []Result `json:"results"`     // one per check, in the order run
}

// add appends results and updates the summary.
func (r *Report) add(results ...Result) {
	for _, res := range results {
		switch res.Status {
		case StatusPass:
			r.Summary.Passed++
		case StatusFail:
			r.Summary.Failed++
		case StatusWarn:
			r.Summary.Warnings++
		case StatusSkip:
			r.Summary.Skipped++
		}
		r.Results = append(r.Results, res)
	}
}

// Failed reports whether any check failed.
func (r *Report) Failed() bool { return r.Summary.Failed > 0 }

// WriteText writes one line per check (PASS/FAIL/WARN/SKIP with the reason and
// violations) and the summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "conformance of %s against the Phone Numbers Get Operation spec (api-version %s)\n", r.Target, r.SpecVersion)
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%-4s %-28s %s %s", strings.ToUpper(string(res.Status)), res.Check, res.Request.Method, res.Request.URL)
		if res.ResponseStatus != 0 {
			fmt.Fprintf(&b, " -> %d", res.ResponseStatus)
		}
		if res.Source != "" {
			fmt.Fprintf(&b, " [%s]", res.Source)
		}
		if res.Reason != "" {
			fmt.Fprintf(&b, ": %s", res.Reason)
		}
		b.WriteByte('\n')
		for _, v := range res.Violations {
			if v.Path != "" {
				fmt.Fprintf(&b, "       at %s: %s\n", v.Path, v.Message)
			} else {
				fmt.Fprintf(&b, "       %s\n", v.Message)
			}
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d warnings, %d skipped\n", r.Summary.Passed, r.Summary.Failed, r.Summary.Warnings, r.Summary.Skipped)
	// Reasons and violations quote what servers sent: escape anything a terminal would
	// execute (cursor moves, window titles, hidden links).
	_, err := io.WriteString(w, textutil.Printable(b.String(), true))
	return err
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// JUnit XML, the subset CI systems read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes one testcase per check; failures carry their reason and violations,
// warnings are passing cases with the warning in system-out.
func (r *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{Name: "phonenumbers conformance: " + r.Target}
	for _, res := range r.Results {
		c := junitCase{
			Name:      fmt.Sprintf("%s %s %s", res.Check, res.Request.Method, res.Request.URL),
			ClassName: "conformance." + res.Check,
		}
		detail := res.Reason
		for _, v := range res.Violations {
			detail += "\n" + strings.TrimSpace(v.Path+" "+v.Message)
		}
		switch res.Status {
		case StatusFail:
			c.Failure = &junitMessage{Message: res.Reason, Text: detail}
			suite.Failures++
		case StatusSkip:
			c.Skipped = &junitMessage{Message: res.Reason}
			suite.Skipped++
		case StatusWarn:
			c.SystemOut = "WARN: " + detail
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "phonenumbers conformance", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
