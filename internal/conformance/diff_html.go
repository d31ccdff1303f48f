package conformance

import "io"

// htmlDiff is what the "diff" page shows.
type htmlDiff struct {
	Title      string
	Target     string
	Recordings string
	TotalsLine string
	R          *DiffReport
	Headers    []DiffHeaderStat // the listed rows, then the sum of the rest when any
	Fields     []DiffFieldStat  // the same for body fields
}

// htmlScore is a row's score: reproduced of recorded, as a fraction for a <meter> and as
// text, so that the page does not depend on the meter's colour.
type htmlScore struct {
	Fraction float64
	Text     string
}

// scoreOf is the score of n reproduced items of of recorded.
func scoreOf(n, of int) htmlScore { return htmlScore{Fraction: fraction(n, of), Text: share(n, of)} }

// htmlMismatches is one list of items that differ from live's, with its title, the id
// of its table and how many the report counted beyond it.
type htmlMismatches struct {
	Title, ID string
	Items     []DiffMismatch
	Total     int
}

// mismatchList gathers one list's parts for the "mismatches" template, which takes one
// value.
func mismatchList(title, id string, items []DiffMismatch, unlisted int) htmlMismatches {
	return htmlMismatches{Title: title, ID: id, Items: items, Total: len(items) + unlisted}
}

// WriteHTML writes the diff as one self-contained HTML page, for a CI artifact: the
// totals, a table per status, response header and body field (recorded, reproduced,
// byte for byte and the score), the extra headers, and the items that differ, live's
// recorded value beside the served one. Like [Report.WriteHTML] it loads and runs
// nothing, and lists only what the report keeps (its rows and lists are bounded); the
// names and values were escaped onto one line when the report was made, and
// html/template escapes them for the page.
func (r *DiffReport) WriteHTML(w io.Writer) error {
	page := htmlDiff{Title: "Phone Numbers conformance diff: " + percent(r.Totals.ReproducedShare) + " reproduced — " + oneLine(r.Target),
		Target: oneLine(r.Target), Recordings: oneLine(r.Recordings), TotalsLine: r.TotalsLine(), R: r, Headers: r.Headers, Fields: r.Fields}
	if r.OtherHeaders != nil {
		page.Headers = append(r.Headers[:len(r.Headers):len(r.Headers)], *r.OtherHeaders)
	}
	if r.OtherFields != nil {
		page.Fields = append(r.Fields[:len(r.Fields):len(r.Fields)], *r.OtherFields)
	}
	return executeHTML(w, "diff", page)
}
