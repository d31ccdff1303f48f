package conformance

import (
	"bufio"
	"embed"
	"html/template"
	"io"
	"strings"
	"time"
)

// The HTML reports are html/template pages, so that every value a server or a recording
// put in a report (paths, messages, header values, URLs) is escaped for where it lands,
// and one self-contained file: the styles are inline and nothing is fetched.
//
//go:embed html/*.html.tmpl
var htmlFiles embed.FS

// htmlTemplates holds the parsed pages ("report", "diff") and their shared parts.
var htmlTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"statusClass":  statusClass,
	"statusText":   func(s Status) string { return strings.ToUpper(statusClass(s)) },
	"upper":        func(s Severity) string { return strings.ToUpper(string(s)) },
	"duration":     htmlDuration,
	"percent":      percent,
	"share":        share,
	"fraction":     fraction,
	"scoreOf":      scoreOf,
	"mismatchList": mismatchList,
}).ParseFS(htmlFiles, "html/*.html.tmpl"))

// statusClass names a status for CSS classes and badges: one of the five known ones, or
// "other" (a report decoded from a file might carry anything).
func statusClass(s Status) string {
	switch s {
	case StatusPass, StatusFail, StatusWarn, StatusSkip, StatusBlocked:
		return string(s)
	}
	return "other"
}

// htmlDuration writes a duration for a reader: microseconds under a millisecond,
// milliseconds under a minute.
func htmlDuration(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// fraction is n/of, 0 when of is 0, for a <meter>.
func fraction(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// htmlReport is what the "report" page shows.
type htmlReport struct {
	Title      string
	R          *Report
	Results    []htmlResult
	Problems   int // results failed, warned or blocked: the count beside that filter
	MaxResults int
}

// htmlResult is a result with its place in the report (the rows' ids) and its
// violations as shown.
type htmlResult struct {
	Result
	Index int
}

// WriteHTML writes the report as one self-contained HTML page, for a CI artifact: the
// summary (target, api-version, seed, counts, duration), then every listed result with
// its status in colour and in words, its request, reason, violations (each with its JSON
// pointer or location) and, for generated requests, the curl command that reproduces
// one. The page loads nothing (a Content-Security-Policy forbids it), runs no script
// (filtering by status is CSS), reads on a phone and prints. It lists what the report
// keeps, no more: the report already bounds its results and violations.
func (r *Report) WriteHTML(w io.Writer) error {
	head := *r
	head.Target, head.SpecVersion, head.Results = oneLine(r.Target), oneLine(r.SpecVersion), nil
	page := htmlReport{Title: "Phone Numbers conformance: " + verdict(r.Failed()) + " — " + head.Target, R: &head, MaxResults: MaxReportResults}
	page.Results = make([]htmlResult, len(r.Results))
	for i, res := range r.Results {
		res = printableResult(res)
		if res.Status == StatusFail || res.Status == StatusWarn || res.Status == StatusBlocked {
			page.Problems++
		}
		for j, v := range res.Violations { // a copy (printableResult)
			// The message ends with the command; shown once, as a command.
			if v.Reproduction != "" {
				res.Violations[j].Message = strings.TrimSuffix(v.Message, ": "+v.Reproduction)
			}
		}
		page.Results[i] = htmlResult{Result: res, Index: i + 1}
	}
	return executeHTML(w, "report", page)
}

// printableResult escapes a result's text as the text report does (oneLine): html/template
// makes markup inert, and this makes control characters and bidirectional overrides
// visible, so that no text can reorder or hide what the page shows next to it.
func printableResult(res Result) Result {
	res.Name, res.Check, res.Reason, res.Note, res.Source = oneLine(res.Name), oneLine(res.Check), oneLine(res.Reason), oneLine(res.Note), oneLine(res.Source)
	res.Request.Method, res.Request.URL = oneLine(res.Request.Method), oneLine(res.Request.URL)
	if len(res.Violations) > 0 {
		vs := make([]Violation, len(res.Violations))
		for i, v := range res.Violations {
			vs[i] = Violation{Path: oneLine(v.Path), Message: oneLine(v.Message), Reproduction: oneLine(v.Reproduction)}
		}
		res.Violations = vs
	}
	return res
}

// verdict is a run's outcome in a word.
func verdict(failed bool) string {
	if failed {
		return "failed"
	}
	return "passed"
}

// executeHTML runs the named page into w through a buffer, so that a large report goes
// out in large writes rather than one per template action.
func executeHTML(w io.Writer, name string, data any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplates.ExecuteTemplate(bw, name, data); err != nil {
		return err
	}
	return bw.Flush()
}
