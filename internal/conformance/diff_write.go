package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// DiffTextOptions tunes [DiffReport.WriteText]; nil means the defaults.
type DiffTextOptions struct {
	// MaxMismatches bounds the mismatches printed, and as many inexact items and errors
	// (the report keeps more; --json has them). 0 means 20; negative prints every one kept.
	MaxMismatches int
}

// DiffFloors are the shares below which a diff fails (fractions, 0 to 1; 0: no floor).
type DiffFloors struct {
	// MinReproduced is the lowest reproduced share that passes.
	MinReproduced float64
	// MinExact is the lowest exact (byte for byte) share that passes.
	MinExact float64
}

// Below returns why the report falls short of the floors, one reason each; none when it
// meets them.
func (r *DiffReport) Below(f DiffFloors) []string {
	var out []string
	if r.Totals.ReproducedShare < f.MinReproduced {
		out = append(out, fmt.Sprintf("reproduced %s is below the floor of %s", percent(r.Totals.ReproducedShare), percent(f.MinReproduced)))
	}
	if r.Totals.ExactShare < f.MinExact {
		out = append(out, fmt.Sprintf("byte for byte %s is below the floor of %s", percent(r.Totals.ExactShare), percent(f.MinExact)))
	}
	return out
}

// percent writes a fraction as a percentage with one decimal.
func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// share writes n/of and its percentage.
func share(n, of int) string {
	if of == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%s)", n, of, percent(float64(n)/float64(of)))
}

// TotalsLine is the report's one-line verdict: "reproduced 1234/1400 items (88.1%), byte
// for byte 1000/1400 (71.4%)".
func (r *DiffReport) TotalsLine() string {
	t := r.Totals
	return fmt.Sprintf("reproduced %d/%d items (%s), byte for byte %d/%d (%s)", t.Reproduced, t.Items, percent(t.ReproducedShare), t.Exact, t.Items, percent(t.ExactShare))
}

// WriteText writes the report as tables (headers, body fields, statuses), the extra
// headers, the totals and the first mismatches. Every name and value is escaped onto its
// line.
func (r *DiffReport) WriteText(w io.Writer, opts *DiffTextOptions) error {
	limit := 20
	if opts != nil && opts.MaxMismatches != 0 {
		limit = opts.MaxMismatches
	}
	var b strings.Builder
	src := ""
	if r.Recordings != "" {
		src = " (" + oneLine(r.Recordings) + ")"
	}
	e := r.Exchanges
	fmt.Fprintf(&b, "conformance diff of %s against recorded live answers%s\n", oneLine(r.Target), src)
	fmt.Fprintf(&b, "%d operation exchanges replayed of %d recorded: %d answered, %d without an answer, %d not sent\n\n", e.Replayed, e.Recorded, e.Answered, e.Failed, e.NotSent)

	width := 24
	for _, h := range r.Headers {
		width = max(width, min(len(h.Name), 40))
	}
	for _, f := range r.Fields {
		width = max(width, min(len(f.Name), 40))
	}
	name := func(s string) string { return fmt.Sprintf("%-*s", width, oneLine(truncName(s, 40))) }

	fmt.Fprintf(&b, "%s %9s %9s %9s %9s %9s %12s\n", name("header"), "recorded", "present", "spelled", "format", "exact", "placeholder")
	headers := r.Headers
	if r.OtherHeaders != nil {
		headers = append(headers[:len(headers):len(headers)], *r.OtherHeaders)
	}
	for _, h := range headers {
		fmt.Fprintf(&b, "%s %9d %9d %9d %9d %9d %12d\n", name(h.Name), h.Recorded, h.Present, h.Spelled, h.Format, h.Exact, h.Placeholder)
	}
	b.WriteString("(format: the value, or for Date, MS-CV, X-Azure-Ref, X-Processing-Time, X-Ms-Request-Id and Request-Id its format; placeholder: recorded as REDACTED/sanitized, so only presence and spelling count, never exact)\n\n")

	fmt.Fprintf(&b, "%s %9s %9s %9s %9s %12s\n", name("body field"), "recorded", "present", "value", "exact", "placeholder")
	fields := r.Fields
	if r.OtherFields != nil {
		fields = append(fields[:len(fields):len(fields)], *r.OtherFields)
	}
	for _, f := range fields {
		fmt.Fprintf(&b, "%s %9d %9d %9d %9d %12d\n", name(f.Name), f.Recorded, f.Present, f.Value, f.Exact, f.Placeholder)
	}
	if r.FieldOrder.Recorded > 0 {
		fmt.Fprintf(&b, "%s %9d %19d\n", name("(field order)"), r.FieldOrder.Recorded, r.FieldOrder.Reproduced)
	}
	if r.WholeBodies.Recorded > 0 {
		fmt.Fprintf(&b, "%s %9d %19d\n", name("(whole body, not an object)"), r.WholeBodies.Recorded, r.WholeBodies.Reproduced)
	}
	b.WriteByte('\n')

	fmt.Fprintf(&b, "%-8s %9s %11s\n", "status", "recorded", "reproduced")
	for _, s := range r.Statuses {
		fmt.Fprintf(&b, "%-8d %9d %11d\n", s.Status, s.Recorded, s.Reproduced)
	}
	b.WriteByte('\n')

	if len(r.Extra) > 0 {
		parts := make([]string, 0, len(r.Extra))
		for _, x := range r.Extra {
			parts = append(parts, fmt.Sprintf("%s %d", oneLine(x.Name), x.Count))
		}
		fmt.Fprintf(&b, "extra headers (sent, not recorded; not scored): %s", strings.Join(parts, ", "))
		if r.ExtraUnlisted > 0 {
			fmt.Fprintf(&b, " and %d more", r.ExtraUnlisted)
		}
		b.WriteString("\n\n")
	}

	b.WriteString(r.TotalsLine() + "\n")
	writeMismatches(&b, "not reproduced", r.Mismatches, r.MismatchesUnlisted, limit)
	writeMismatches(&b, "reproduced, not byte for byte", r.Inexact, r.InexactUnlisted, limit)
	if len(r.Errors) > 0 {
		fmt.Fprintf(&b, "\nerrors (%d):\n", len(r.Errors)+r.ErrorsUnlisted)
		for i, er := range r.Errors {
			if limit > 0 && i == limit {
				fmt.Fprintf(&b, "  … and %d more\n", len(r.Errors)+r.ErrorsUnlisted-i)
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", oneLine(er.Source), oneLine(er.Error))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// truncName cuts a name for a table column of n bytes.
func truncName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return textutil.Truncate(s, n-3)
}

// orNone shows an empty value as "(none)".
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return oneLine(s)
}

// writeMismatches writes the first limit of a mismatch list under its title.
func writeMismatches(b *strings.Builder, title string, ms []DiffMismatch, unlisted, limit int) {
	if len(ms) == 0 {
		return
	}
	total := len(ms) + unlisted
	fmt.Fprintf(b, "\nfirst items %s (%d in all):\n", title, total)
	for i, m := range ms {
		if limit > 0 && i == limit {
			fmt.Fprintf(b, "  … and %d more (--json lists %d)\n", total-i, len(ms))
			break
		}
		fmt.Fprintf(b, "  %s %s: %s\n      want %s\n      got  %s\n", oneLine(m.Source), oneLine(m.Item), oneLine(m.Reason), orNone(m.Want), orNone(m.Got))
	}
}

// WriteJSON writes the report as indented JSON.
func (r *DiffReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteJUnit writes one testsuite: a testcase per status code ("status/200"), header
// name ("header/MS-CV"), body field ("body/id"), the field order ("body-order") and the
// whole bodies ("body"), each failing when not every item was reproduced, and "total",
// failing when the totals fall below floors or an exchange got no answer.
func (r *DiffReport) WriteJUnit(w io.Writer, floors DiffFloors) error {
	suite := junitSuite{Name: "phonenumbers conformance diff", Time: seconds(r.Duration),
		Properties: &junitProperties{Property: []junitProperty{{Name: "target", Value: r.Target}}}}
	if r.Recordings != "" {
		suite.Properties.Property = append(suite.Properties.Property, junitProperty{Name: "recordings", Value: r.Recordings})
	}
	add := func(name, class string, recorded, reproduced int, detail string) {
		c := junitCase{Name: oneLine(name), ClassName: "conformance.diff." + class, Time: "0.000"}
		if reproduced < recorded {
			msg := "reproduced " + share(reproduced, recorded)
			c.Failure = &junitMessage{Message: msg, Text: strings.TrimSpace(msg + "\n" + detail)}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, s := range r.Statuses {
		add("status/"+strconv.Itoa(s.Status), "status", s.Recorded, s.Reproduced, "")
	}
	headers := r.Headers
	if r.OtherHeaders != nil {
		headers = append(headers[:len(headers):len(headers)], *r.OtherHeaders)
	}
	for _, h := range headers {
		add("header/"+h.Name, "header", h.Recorded, h.Reproduced,
			fmt.Sprintf("present %d, spelled %d, format %d, exact %d, placeholder %d of %d", h.Present, h.Spelled, h.Format, h.Exact, h.Placeholder, h.Recorded))
	}
	fields := r.Fields
	if r.OtherFields != nil {
		fields = append(fields[:len(fields):len(fields)], *r.OtherFields)
	}
	for _, f := range fields {
		add("body/"+f.Name, "body", f.Recorded, f.Value, fmt.Sprintf("present %d, exact %d, placeholder %d of %d", f.Present, f.Exact, f.Placeholder, f.Recorded))
	}
	if r.FieldOrder.Recorded > 0 {
		add("body-order", "body", r.FieldOrder.Recorded, r.FieldOrder.Reproduced, "")
	}
	if r.WholeBodies.Recorded > 0 {
		add("body", "body", r.WholeBodies.Recorded, r.WholeBodies.Reproduced, "")
	}
	total := junitCase{Name: "total", ClassName: "conformance.diff.total", Time: seconds(r.Duration), SystemOut: r.TotalsLine()}
	reasons := r.Below(floors)
	if n := r.Exchanges.Failed + r.Exchanges.NotSent; n > 0 {
		reasons = append(reasons, fmt.Sprintf("%d exchange(s) got no answer", n))
	}
	if r.Error != "" {
		reasons = append(reasons, "the replay did not run: "+r.Error)
	}
	if len(reasons) > 0 {
		total.Failure = &junitMessage{Message: strings.Join(reasons, "; "), Text: r.TotalsLine()}
		suite.Failures++
	}
	suite.Cases = append(suite.Cases, total)
	suite.Tests = len(suite.Cases)
	return writeJUnitDoc(w, junitSuites{Name: "phonenumbers conformance diff", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}})
}
