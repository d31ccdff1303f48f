package conformance_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// hostileDiffServer answers every request with hostile markup in a header's name and
// value and in the body's fields, so that the diff lists it as extra headers and
// mismatches.
func hostileDiffServer(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Evil", hostileImg)
		w.Header().Set("Content-Type", "application/json; "+hostileScript)
		_, _ = w.Write([]byte(`{"id":"` + strings.ReplaceAll(hostileImg, `"`, `\"`) + `","status":"` + hostileScript + `"}`))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// diffAgainst replays the repository's recordings against endpoint.
func diffAgainst(t *testing.T, endpoint string) *conformance.DiffReport {
	t.Helper()
	exs, err := conformance.ReadRecordings("../../testdata/recordings")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conformance.Diff(context.Background(), endpoint, exs, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep.Recordings = "testdata/recordings"
	return rep
}

// hostileDiffReport has every list of a diff report, with hostile text in each.
func hostileDiffReport() *conformance.DiffReport {
	return &conformance.DiffReport{
		Target: "http://127.0.0.1:1/" + hostileScript, Recordings: "rec" + hostileImg,
		Exchanges: conformance.DiffExchanges{Recorded: 3, Replayed: 2, Answered: 1, Failed: 1},
		Totals:    conformance.DiffTotals{Items: 10, Reproduced: 7, Exact: 5, ReproducedShare: 0.7, ExactShare: 0.5},
		Statuses:  []conformance.DiffStatusStat{{Status: 200, Recorded: 1, Reproduced: 1}},
		Headers: []conformance.DiffHeaderStat{{Name: "MS-CV", Recorded: 1, Present: 1, Reproduced: 1},
			{Name: "X-" + hostileScript, Recorded: 1}},
		OtherHeaders:    &conformance.DiffHeaderStat{Name: "(other headers)", Recorded: 4, Present: 2, Reproduced: 2},
		Fields:          []conformance.DiffFieldStat{{Name: hostileImg, Recorded: 1, Present: 1, Value: 1, Exact: 1}},
		OtherFields:     &conformance.DiffFieldStat{Name: "(other fields)", Recorded: 1},
		FieldOrder:      conformance.DiffItemStat{Recorded: 1, Reproduced: 1},
		WholeBodies:     conformance.DiffItemStat{Recorded: 1},
		Extra:           []conformance.DiffExtraHeader{{Name: "X-" + hostileLink, Count: 1}},
		Mismatches:      []conformance.DiffMismatch{{Source: "a.json#1", Item: "header X-Evil", Want: hostileScript, Got: hostileImg, Reason: hostileLink}},
		Inexact:         []conformance.DiffMismatch{{Source: "a.json#1", Item: "header Date", Want: "Mon", Got: "Tue", Reason: "another date"}},
		InexactUnlisted: 3,
		Errors:          []conformance.DiffError{{Source: "a.json#2", Error: "EOF " + hostileScript}},
		Duration:        42 * time.Millisecond,
	}
}

// TestDiffReportHTML checks the HTML diff report's tables against the report's rows, and
// that hostile text in every list stays text.
func TestDiffReportHTML(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *conformance.DiffReport
	}{
		{"hostile lists", hostileDiffReport()},
		{"reference server", diffAgainst(t, runServer(t, referenceHandler(t, "")))},
		{"hostile server", diffAgainst(t, hostileDiffServer(t))},
		{"empty", &conformance.DiffReport{Target: "t"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.rep.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			doc := parseHTML(t, b.String())
			checkInert(t, doc)
			checkHead(t, doc)
			r := tc.rep
			headers, fields := len(r.Headers), len(r.Fields)
			if r.OtherHeaders != nil {
				headers++
			}
			if r.OtherFields != nil {
				fields++
			}
			if r.FieldOrder.Recorded > 0 {
				fields++
			}
			if r.WholeBodies.Recorded > 0 {
				fields++
			}
			for _, table := range []struct {
				id   string
				want int
			}{
				{"statuses", len(r.Statuses)}, {"headers", headers}, {"fields", fields},
				{"mismatches", len(r.Mismatches)}, {"inexact", len(r.Inexact)}, {"errors", len(r.Errors)},
			} {
				if got := tableRows(doc, table.id); got != table.want {
					t.Errorf("#%s has %d rows, want %d", table.id, got, table.want)
				}
			}
			text := textOf(doc)
			for _, want := range []string{r.TotalsLine(), "Target"} {
				if !strings.Contains(text, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			for _, h := range r.Headers {
				if !strings.Contains(text, h.Name) {
					t.Errorf("the page lacks header %q", h.Name)
				}
			}
			for _, m := range r.Mismatches {
				for _, want := range []string{m.Source, m.Item, m.Want, m.Got} {
					if !strings.Contains(text, want) {
						t.Errorf("the page lacks %q of mismatch %+v", want, m)
					}
				}
			}
			if r.Target == hostileDiffReport().Target {
				for _, want := range []string{hostileScript, hostileImg, hostileLink, "X-" + hostileLink, "EOF " + hostileScript, "the first 1 of 4"} {
					if !strings.Contains(text, want) {
						t.Errorf("the page lacks %q", want)
					}
				}
			}
			if got, want := textOf(byID(t, doc, "reproduced-share")), strconv.FormatFloat(r.Totals.ReproducedShare*100, 'f', 1, 64)+"%"; got != want {
				t.Errorf("#reproduced-share = %q, want %q", got, want)
			}
		})
	}
}

// tableRows counts the body rows of the table with id; 0 when there is no such table
// (the page leaves empty lists out).
func tableRows(doc *html.Node, id string) int {
	tables := findAll(doc, func(n *html.Node) bool { return n.Data == "table" && attr(n, "id") == id })
	if len(tables) == 0 {
		return 0
	}
	n := 0
	for _, tb := range findAll(tables[0], func(n *html.Node) bool { return n.Data == "tbody" }) {
		n += len(findAll(tb, func(n *html.Node) bool { return n.Data == "tr" }))
	}
	return n
}

// runServer serves h on loopback for the test and returns its URL.
func runServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
