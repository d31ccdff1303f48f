package conformance_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// Hostile text as a server or a recording could put it in a report: markup that would
// run or fetch something if it were written into the page unescaped.
const (
	hostileScript = `<script>window.__pwned=1</script>`
	hostileImg    = `"><img src=x onerror="window.__pwned=2">`
	hostileLink   = `<a href="https://evil.example/x">click</a><link rel=stylesheet href=//evil.example/s.css>`
)

// hostileReport is a report whose every server-provided field carries hostile text, and
// with every status, a violation without a path and a reproduction.
func hostileReport() *conformance.Report {
	seed := uint64(18446744073709551615)
	return &conformance.Report{
		Target: "http://127.0.0.1:1/" + hostileScript, SpecVersion: "2022-12-01", Seed: &seed, Cases: 40, Duration: 1500 * time.Millisecond,
		Summary: conformance.Summary{Passed: 1, Failed: 2, Warnings: 1, Skipped: 1, Blocked: 1},
		Results: []conformance.Result{
			{Name: "operation/search-my-operation-id/response-schema", Check: "response-schema", Severity: conformance.Must, Status: conformance.StatusPass,
				Request: conformance.RequestInfo{Method: "GET", URL: "http://127.0.0.1:1/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"}, ResponseStatus: 200, Duration: 800 * time.Microsecond},
			{Name: "operation/" + hostileImg + "/id-matches", Check: "id-matches", Severity: conformance.Must, Status: conformance.StatusFail,
				Request:        conformance.RequestInfo{Method: "GET", URL: "http://127.0.0.1:1/phoneNumbers/operations/" + hostileImg},
				ResponseStatus: 200, Reason: "the body's id is not the requested one: " + hostileScript,
				Violations: []conformance.Violation{
					{Path: "/id", Message: "want \"x\", got " + hostileImg},
					{Path: "header X-Evil" + hostileScript, Message: "value " + hostileLink},
					{Message: "a violation of the response as a whole \u202eSSAP"},
				}},
			{Name: "generated/error-response", Check: "generated-error-response", Severity: conformance.Must, Status: conformance.StatusFail,
				Request: conformance.RequestInfo{Method: "*", URL: "http://127.0.0.1:1"}, Reason: "1 of 40 generated requests broke the rule (seed 1; the first is minimised)",
				Violations: []conformance.Violation{{Path: "case 7 (method)", Message: "500 is not a CommunicationErrorResponse; minimal reproduction (seed 1): curl -i --globoff --path-as-is -X PATCH 'http://127.0.0.1:1/phoneNumbers/operations/" + hostileScript + "?api-version=2022-12-01'",
					Reproduction: "curl -i --globoff --path-as-is -X PATCH 'http://127.0.0.1:1/phoneNumbers/operations/" + hostileScript + "?api-version=2022-12-01'"}}},
			{Name: "operation/x/location-header", Check: "location-header", Severity: conformance.Should, Status: conformance.StatusWarn, Reason: "Location " + hostileLink},
			{Name: "auth", Check: "authentication", Status: conformance.StatusSkip, Reason: "no --access-key"},
			{Name: "probe/unknown-id-4xx", Check: "unknown-id-4xx", Severity: conformance.Must, Status: conformance.StatusBlocked, Reason: "not evaluated", Note: "poll 3, " + hostileScript, Source: "rec.json#2" + hostileImg},
		},
	}
}

// TestReportHTML checks the structure of the HTML report of several reports: one row per
// result with its name, each violation's pointer, the reproduction as a command, the
// summary, and that nothing in it is active or external.
func TestReportHTML(t *testing.T) {
	live := runLive(t, referenceHandler(t, ""), conformance.LiveOptions{Cases: 20, Seed: 3})
	for _, tc := range []struct {
		name string
		rep  *conformance.Report
	}{
		{"hostile", hostileReport()},
		{"live run", live},
		{"server unreachable", conformance.RunFailedReport("http://127.0.0.1:9/"+hostileImg, "2022-12-01", errString(hostileScript))},
		{"empty", &conformance.Report{Target: "t", SpecVersion: "2022-12-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.rep.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			doc := parseHTML(t, b.String())
			checkInert(t, doc)
			checkHead(t, doc)
			rows := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "result") })
			if len(rows) != len(tc.rep.Results) {
				t.Fatalf("%d result rows, want %d", len(rows), len(tc.rep.Results))
			}
			for i, res := range tc.rep.Results {
				row := textOf(rows[i])
				for _, want := range []string{res.Name, strings.ToUpper(string(res.Status)), res.Check} {
					if !strings.Contains(row, want) {
						t.Errorf("row %d has no %q: %s", i+1, want, row)
					}
				}
				pointers := findAll(rows[i], func(n *html.Node) bool { return hasClass(n, "pointer") })
				curls := findAll(rows[i], func(n *html.Node) bool { return n.Data == "pre" && hasClass(n, "curl") })
				wantPointers, wantCurls := 0, 0
				for _, v := range res.Violations {
					if v.Path != "" {
						if wantPointers < len(pointers) && textOf(pointers[wantPointers]) != v.Path {
							t.Errorf("row %d: pointer %q, want %q", i+1, textOf(pointers[wantPointers]), v.Path)
						}
						wantPointers++
					}
					if v.Reproduction != "" {
						if wantCurls < len(curls) && textOf(curls[wantCurls]) != v.Reproduction {
							t.Errorf("row %d: command %q, want %q", i+1, textOf(curls[wantCurls]), v.Reproduction)
						}
						wantCurls++
					}
				}
				if len(pointers) != wantPointers || len(curls) != wantCurls {
					t.Errorf("row %d: %d pointers and %d commands, want %d and %d", i+1, len(pointers), len(curls), wantPointers, wantCurls)
				}
			}
			counts := map[string]int{"count-passed": tc.rep.Summary.Passed, "count-failed": tc.rep.Summary.Failed,
				"count-warnings": tc.rep.Summary.Warnings, "count-skipped": tc.rep.Summary.Skipped, "count-blocked": tc.rep.Summary.Blocked}
			for id, want := range counts {
				if got := textOf(byID(t, doc, id)); got != strconv.Itoa(want) {
					t.Errorf("#%s = %q, want %d", id, got, want)
				}
			}
			if tc.rep.Seed != nil && textOf(byID(t, doc, "seed")) != strconv.FormatUint(*tc.rep.Seed, 10) {
				t.Errorf("#seed = %q, want %d", textOf(byID(t, doc, "seed")), *tc.rep.Seed)
			}
		})
	}
}

// TestReportHTMLHostileText: hostile text is shown as text, where it was, and a
// bidirectional override is made visible as in the text report.
func TestReportHTMLHostileText(t *testing.T) {
	var b bytes.Buffer
	if err := hostileReport().WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, b.String())
	text := textOf(doc)
	for _, want := range []string{hostileScript, hostileImg, hostileLink, `\u202eSSAP`} {
		if !strings.Contains(text, want) {
			t.Errorf("the page's text lacks %q", want)
		}
	}
	if strings.Contains(text, "\u202e") {
		t.Error("a raw bidirectional override reached the page")
	}
	if got := textOf(byID(t, doc, "target")); got != "http://127.0.0.1:1/"+hostileScript {
		t.Errorf("#target = %q", got)
	}
	// The reproduction is shown once, as a command, not again at the end of the message.
	if n := strings.Count(text, "-X PATCH"); n != 1 {
		t.Errorf("the command appears %d times, want once", n)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// parseHTML parses a page; x/net/html is the parser browsers' HTML5 algorithm follows.
func parseHTML(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// checkInert fails on anything in the page that runs, fetches or links: script, style
// sheets or images from elsewhere, event handlers, any URL-valued attribute.
func checkInert(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "script", "img", "iframe", "object", "embed", "link", "a", "form", "svg", "base", "video", "audio", "source":
			t.Errorf("an active or linking element <%s> in the page", n.Data)
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") || k == "src" || k == "href" || k == "srcset" || k == "action" || k == "formaction" || k == "style" {
				t.Errorf("<%s %s=%q> in the page", n.Data, a.Key, a.Val)
			}
			if strings.Contains(a.Val, "//") {
				t.Errorf("a URL in an attribute: <%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "style" {
			if css := textOf(n); strings.Contains(css, "url(") || strings.Contains(css, "@import") || strings.Contains(css, "//") {
				t.Errorf("the style sheet refers to something outside the page")
			}
		}
	}
}

// checkHead checks what makes the page readable as an artifact: a charset, a title, a
// viewport and the policy that forbids fetching and scripts.
func checkHead(t *testing.T, doc *html.Node) {
	t.Helper()
	metas := map[string]string{}
	for _, m := range findAll(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		for _, a := range m.Attr {
			switch a.Key {
			case "charset":
				metas["charset"] = a.Val
			case "name", "http-equiv":
				metas[strings.ToLower(a.Val)] = attr(m, "content")
			}
		}
	}
	if metas["charset"] != "utf-8" || !strings.Contains(metas["viewport"], "width=device-width") ||
		!strings.HasPrefix(metas["content-security-policy"], "default-src 'none'; style-src 'unsafe-inline'") || strings.Contains(metas["content-security-policy"], "script-src") {
		t.Errorf("head metas: %q", metas)
	}
	if titles := findAll(doc, func(n *html.Node) bool { return n.Data == "title" }); len(titles) != 1 || textOf(titles[0]) == "" {
		t.Error("no title")
	}
}

func findAll(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && pred(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	ns := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id })
	if len(ns) != 1 {
		t.Fatalf("%d elements with id %q, want 1", len(ns), id)
	}
	return ns[0]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// textOf is the text of n and its descendants, as a browser's textContent.
func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}
