package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
	// StatusBlocked marks a check that could not be evaluated because something else
	// failed first, e.g. every request was refused with 401: the server's answers say
	// nothing about the rule, so it neither passes nor fails. JUnit shows it as skipped.
	StatusBlocked Status = "blocked"
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
	// Reproduction, when set, is a copy-paste command (curl) that sends the request again,
	// minimised, without credentials; Message ends with it too. It is kept apart so that
	// a report can show it as a command without parsing a message that holds server text.
	Reproduction string `json:"reproduction,omitempty"`
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
	// Name identifies the result within its report, stable across runs and hosts: a
	// scope and the check, e.g. "operation/search-my-operation-id/response-schema",
	// "poll/search-my-operation-id/03/id-matches", "probe/unknown-id-4xx" or
	// "generated/no-5xx". It never holds a host, a port or a random id; CI systems track
	// JUnit test cases by it.
	Name string `json:"name"`
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
	// Note places the result, e.g. "poll 3, status running" when operations are followed:
	// the same checks repeat for every poll.
	Note string `json:"note,omitempty"`
	// Duration is how long the exchange the check is about took (0 when not applicable).
	Duration time.Duration `json:"durationNs,omitempty"`
}

// Summary counts results by status.
type Summary struct {
	Passed   int `json:"passed"`   // checks that held
	Failed   int `json:"failed"`   // MUST rules (or SHOULD rules in strict mode) broken
	Warnings int `json:"warnings"` // SHOULD rules broken
	Skipped  int `json:"skipped"`  // checks that could not apply
	Blocked  int `json:"blocked"`  // checks that could not be evaluated (see StatusBlocked)
}

// Report is the outcome of a conformance run.
type Report struct {
	Target      string        `json:"target"`                // the endpoint or recordings path checked
	SpecVersion string        `json:"specVersion"`           // the api-version of the spec
	Seed        *uint64       `json:"seed,omitempty,string"` // the seed of the generated cases, when any ran; a string in JSON: it may exceed 2^53, which JavaScript and jq cannot hold
	Cases       int           `json:"cases,omitempty"`       // how many generated cases were sent
	Duration    time.Duration `json:"durationNs,omitempty"`  // how long the run took
	Summary     Summary       `json:"summary"`               // counts by status
	Results     []Result      `json:"results"`               // one per check, in the order run
	// Unlisted counts results that are in the summary but not in Results: a report keeps
	// at most MaxReportResults of them (a proxy MaxProxyResults), so that its memory stays
	// bounded.
	Unlisted int `json:"unlisted,omitempty"`

	names      map[string]int // Name -> how many results carry it, to keep names unique
	violations int            // violations kept in Results, at most maxReportViolations
}

// maxReportViolations bounds the violations a report keeps in all (each result keeps at
// most maxResultViolations): a proxy or a long run checks exchanges without end.
const maxReportViolations = 10_000

// add appends results and updates the summary. A result without a name is named after
// its check; a name already in the report gets a "#2", "#3"... suffix, so that JUnit test
// cases stay unique even when one scope runs a check twice.
func (r *Report) add(results ...Result) {
	r.addBounded(MaxReportResults, results...)
}

// MaxReportResults bounds the results a report lists (a long --poll of a fast server adds
// a few per poll); later ones are counted in the summary and in Unlisted.
const MaxReportResults = 50_000

// Bounds on the text a result keeps: server text (headers, messages) reaches reasons and
// violations, and a report must not grow with what a server sends.
const (
	maxReasonBytes    = 1024
	maxViolationBytes = 512
	// maxResultURLBytes bounds a result's request URL (every result line prints it); a
	// generated long id's URL is ~4 KiB, a recorded one at most MaxRecordedURLBytes.
	maxResultURLBytes = 1024
	maxMethodBytes    = 64
	// maxReproductionBytes bounds a violation's curl command: the URL's bound, and room
	// for the headers a generated case adds.
	maxReproductionBytes = 2048
)

// boundText cuts a result's request, reason and violations to their bounds.
func boundText(res Result) Result {
	res.Request.URL = textutil.Truncate(res.Request.URL, maxResultURLBytes)
	res.Request.Method = textutil.Truncate(res.Request.Method, maxMethodBytes)
	res.Reason = textutil.Truncate(res.Reason, maxReasonBytes)
	if len(res.Violations) > 0 {
		vs := make([]Violation, len(res.Violations))
		for i, v := range res.Violations {
			vs[i] = Violation{Path: textutil.Truncate(v.Path, 256), Message: textutil.Truncate(v.Message, maxViolationBytes),
				Reproduction: textutil.Truncate(v.Reproduction, maxReproductionBytes)}
		}
		res.Violations = vs
	}
	return res
}

// addBounded is add keeping at most max results listed (max < 0: all); the others are
// only counted in the summary and in Unlisted.
func (r *Report) addBounded(max int, results ...Result) {
	for _, res := range results {
		if res.Name == "" {
			res.Name = res.Check
		}
		if r.names == nil {
			r.names = map[string]int{}
		}
		r.names[res.Name]++
		if n := r.names[res.Name]; n > 1 {
			res.Name += "#" + strconv.Itoa(n)
		}
		switch res.Status {
		case StatusPass:
			r.Summary.Passed++
		case StatusFail:
			r.Summary.Failed++
		case StatusWarn:
			r.Summary.Warnings++
		case StatusSkip:
			r.Summary.Skipped++
		case StatusBlocked:
			r.Summary.Blocked++
		}
		if max >= 0 && len(r.Results) >= max {
			r.Unlisted++
			continue
		}
		res = boundText(res)
		res.Violations = r.keepViolations(res.Violations)
		r.Results = append(r.Results, res)
	}
}

// keepViolations returns what of vs the report still has room for, with a last line
// counting the rest, and counts what it keeps.
func (r *Report) keepViolations(vs []Violation) []Violation {
	room := maxReportViolations - r.violations
	if len(vs) <= room {
		r.violations += len(vs)
		return vs
	}
	room = max(room, 0)
	kept := append(vs[:room:room], Violation{Message: fmt.Sprintf("… %d violations not kept: the report keeps %d in all", len(vs)-room, maxReportViolations)})
	r.violations += room
	return kept
}

// Failed reports whether any check failed.
func (r *Report) Failed() bool { return r.Summary.Failed > 0 }

// TextOptions tunes [Report.WriteText].
type TextOptions struct {
	// Quiet leaves out SKIP lines (they stay counted in the summary line), except
	// operations-discovered's: it says which operations were checked instead of the ones
	// expected.
	Quiet bool
	// MaxViolations bounds the violations printed under one result; the rest are counted
	// ("… and 37 more"). 0 means DefaultMaxViolations; negative means no bound.
	MaxViolations int
}

// DefaultMaxViolations is how many violations the text and Markdown reports print under
// one result by default: enough to see the pattern, few enough to keep a CI log readable.
const DefaultMaxViolations = 10

// WriteText writes one line per check (PASS/FAIL/WARN/SKIP/BLOCKED with the reason and
// violations) and the summary line; nil opts means the default [TextOptions].
func (r *Report) WriteText(w io.Writer, opts *TextOptions) error {
	if opts == nil {
		opts = &TextOptions{}
	}
	limit := opts.MaxViolations
	if limit == 0 {
		limit = DefaultMaxViolations
	}
	var b strings.Builder
	fmt.Fprintf(&b, "conformance of %s against the Phone Numbers Get Operation spec (api-version %s)\n", oneLine(r.Target), oneLine(r.SpecVersion))
	if r.Seed != nil {
		fmt.Fprintf(&b, "%d generated cases, seed %d (--seed %d reproduces them)\n", r.Cases, *r.Seed, *r.Seed)
	}
	for _, res := range r.Results {
		if opts.Quiet && res.Status == StatusSkip && res.Check != "operations-discovered" {
			continue
		}
		writeResultText(&b, res, limit)
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d warnings, %d skipped", r.Summary.Passed, r.Summary.Failed, r.Summary.Warnings, r.Summary.Skipped)
	if r.Summary.Blocked > 0 {
		fmt.Fprintf(&b, ", %d blocked", r.Summary.Blocked)
	}
	if r.Unlisted > 0 {
		fmt.Fprintf(&b, " (%d results counted but not listed)", r.Unlisted)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// writeResultText writes one result's line and its violations, at most limit of them
// (limit <= 0: all). Every field but the report's own words is passed through oneLine.
func writeResultText(b *strings.Builder, res Result, limit int) {
	fmt.Fprintf(b, "%-4s %-28s %s %s", strings.ToUpper(string(res.Status)), oneLine(res.Check), oneLine(res.Request.Method), oneLine(res.Request.URL))
	if res.ResponseStatus != 0 {
		fmt.Fprintf(b, " -> %d", res.ResponseStatus)
	}
	if res.Note != "" {
		fmt.Fprintf(b, " (%s)", oneLine(res.Note))
	}
	if res.Source != "" {
		fmt.Fprintf(b, " [%s]", oneLine(res.Source))
	}
	if res.Reason != "" {
		fmt.Fprintf(b, ": %s", oneLine(res.Reason))
	}
	b.WriteByte('\n')
	for i, v := range res.Violations {
		if limit > 0 && i == limit {
			fmt.Fprintf(b, "       … and %d more\n", len(res.Violations)-limit)
			break
		}
		if v.Path != "" {
			fmt.Fprintf(b, "       at %s: %s\n", oneLine(v.Path), oneLine(v.Message))
		} else {
			fmt.Fprintf(b, "       %s\n", oneLine(v.Message))
		}
	}
}

// oneLine escapes a field for the text report: a server's reason or message, a URL, a
// recording's file name. Newlines and carriage returns become \n and \r, so that no field
// can start a line of its own (a forged "PASS ..." line), and every other control
// character is escaped as well (cursor moves, window titles, hidden links): the report's
// own structure is the only line break.
func oneLine(s string) string { return textutil.Printable(s, false) }

// RunFailedReport is the report of a run that could not check anything: the server at
// target could not be reached, or speaks another scheme or api-version (err says which).
// One failed result, server-reachable, carries the reason, so that CI finds a report (and a
// JUnit failure) rather than no file or a stale one.
func RunFailedReport(target, specVersion string, err error) *Report {
	r := &Report{Target: target, SpecVersion: specVersion}
	r.add(Result{Name: "run/server-reachable", Check: "server-reachable", Severity: Must, Status: StatusFail,
		Request: RequestInfo{Method: "*", URL: target}, Reason: textutil.FirstLine(err.Error())})
	return r
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
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

// junitProperties is a <properties> element; nil writes none (encoding/xml writes an empty
// parent of an "a>b" path for an empty slice).
type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string           `xml:"name,attr"`
	ClassName  string           `xml:"classname,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Failure    *junitMessage    `xml:"failure,omitempty"`
	Skipped    *junitMessage    `xml:"skipped,omitempty"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// seconds formats a duration as JUnit's time attribute.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// WriteJUnit writes one testcase per check, named by [Result.Name] so that CI systems can
// track a check across runs and hosts (the target is a suite property, not part of any
// name). Failures carry their reason and violations; blocked and skipped checks are
// skipped with the reason; warnings are passing cases with an "outcome" property of
// "warn" and the warning in system-out.
func (r *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{Name: "phonenumbers conformance", Time: seconds(r.Duration),
		Properties: &junitProperties{Property: []junitProperty{{Name: "target", Value: r.Target}, {Name: "specVersion", Value: r.SpecVersion}}}}
	if r.Seed != nil {
		suite.Properties.Property = append(suite.Properties.Property, junitProperty{Name: "seed", Value: strconv.FormatUint(*r.Seed, 10)},
			junitProperty{Name: "cases", Value: strconv.Itoa(r.Cases)})
	}
	for _, res := range r.Results {
		c := junitCase{Name: res.Name, ClassName: "conformance." + res.Check, Time: seconds(res.Duration)}
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
		case StatusBlocked:
			c.Skipped = &junitMessage{Message: "blocked: " + res.Reason}
			suite.Skipped++
		case StatusWarn:
			c.Properties = &junitProperties{Property: []junitProperty{{Name: "outcome", Value: "warn"}, {Name: "severity", Value: string(res.Severity)}}}
			c.SystemOut = "WARN (SHOULD rule): " + detail
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	return writeJUnitDoc(w, junitSuites{Name: "phonenumbers conformance", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}})
}

// writeJUnitDoc writes doc as an indented JUnit XML document.
func writeJUnitDoc(w io.Writer, doc junitSuites) error {
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

// maxMarkdownRows bounds the table of problems in the Markdown summary: GitHub caps a step
// summary at 1 MiB and nobody reads the thousandth row.
const maxMarkdownRows = 50

// WriteMarkdown writes a short Markdown summary for CI pages (GitHub's step summary): the
// counts, then one row per failed, warned or blocked check, truncated with a count.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	verdict := "passed"
	if r.Failed() {
		verdict = "**failed**"
	}
	fmt.Fprintf(&b, "### Phone Numbers conformance: %s\n\n", verdict)
	fmt.Fprintf(&b, "Target `%s`, api-version %s", mdCode(r.Target), mdCode(r.SpecVersion))
	if r.Seed != nil {
		fmt.Fprintf(&b, ", %d generated cases with seed `%d`", r.Cases, *r.Seed)
	}
	b.WriteString(".\n\n| passed | failed | warnings | skipped | blocked |\n|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n", r.Summary.Passed, r.Summary.Failed, r.Summary.Warnings, r.Summary.Skipped, r.Summary.Blocked)
	var rows []Result
	for _, res := range r.Results {
		if res.Status == StatusFail || res.Status == StatusWarn || res.Status == StatusBlocked {
			rows = append(rows, res)
		}
	}
	if len(rows) > 0 {
		b.WriteString("\n| status | check | request | reason |\n|---|---|---|---|\n")
		for i, res := range rows {
			if i == maxMarkdownRows {
				fmt.Fprintf(&b, "\n… and %d more (see the full report)\n", len(rows)-maxMarkdownRows)
				break
			}
			reason := res.Reason
			if n := len(res.Violations); n > 0 {
				reason += fmt.Sprintf(" (%d violation(s); first: %s)", n, strings.TrimSpace(res.Violations[0].Path+" "+res.Violations[0].Message))
			}
			req := res.Request.Method + " " + res.Request.URL
			if res.ResponseStatus != 0 {
				req += fmt.Sprintf(" → %d", res.ResponseStatus)
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", strings.ToUpper(string(res.Status)), mdCode(res.Name), mdCell(req), mdCell(reason))
		}
	}
	_, err := io.WriteString(w, textutil.Printable(b.String(), true))
	return err
}

// mdCell keeps a server's text inert inside one Markdown table cell: no line breaks, no
// column breaks, no HTML (tags become text: GitHub renders <img> and closes tables on
// </table>), no links or images (brackets and parentheses escaped), no emphasis or
// headings, and a bounded length.
func mdCell(s string) string {
	return textutil.Truncate(mdEscaper.Replace(s), 300)
}

// mdCode keeps text inert inside a code span in a table cell: Markdown and HTML are not
// interpreted there, so only what ends the span, the cell or the line is replaced.
func mdCode(s string) string {
	return textutil.Truncate(mdCodeEscaper.Replace(s), 300)
}

var mdCodeEscaper = strings.NewReplacer("\n", " ", "\r", " ", "|", "\\|", "`", "'")

var mdEscaper = strings.NewReplacer(
	"\n", " ", "\r", " ", "|", "\\|", "`", "'",
	"<", "&lt;", ">", "&gt;", "&", "&amp;",
	"[", "\\[", "]", "\\]", "(", "\\(", ")", "\\)", "!", "\\!",
	"*", "\\*", "_", "\\_", "#", "\\#", "~", "\\~", "\\", "\\\\",
	"://", ":&#47;&#47;", // no bare URL GitHub would turn into a link
)
