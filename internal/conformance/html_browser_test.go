package conformance_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phonenumbers-go/phonenumbers/internal/browsertest"
	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// patchFails wraps the reference server so that PATCH answers 500 with hostile markup in
// a header and in the error body: the generated rules then fail with a minimised curl
// command.
func patchFails(t *testing.T) http.Handler {
	ref := referenceHandler(t, "")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			ref.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Evil", hostileScript)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"code":"`+strings.ReplaceAll(hostileImg, `"`, `\"`)+`","message":"`+hostileScript+`"}}`)
	})
}

// evaluate runs a JavaScript expression in the page and fails the test on an error.
func evaluate[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatal(browsertest.Errorf(ctx, "%s: %v", expr, err))
	}
	return v
}

// openFile writes a page with write and opens it from disk, as a CI artifact is opened.
func openFile(t *testing.T, ctx context.Context, name string, write func(io.Writer) error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(browsertest.Errorf(ctx, "%v", err))
	}
}

// checkInertInBrowser asserts, in the rendered page, that nothing ran, nothing was
// fetched and no active element was made from the report's text; and that at a phone's
// width the page does not scroll sideways.
func checkInertInBrowser(t *testing.T, ctx context.Context, hostile []string) {
	t.Helper()
	if got := evaluate[string](t, ctx, `typeof window.__pwned`); got != "undefined" {
		t.Errorf("window.__pwned is %s: hostile text ran", got)
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll("script, img, iframe, object, embed, link, a, svg, [onerror], [onload], [src], [href]").length`); n != 0 {
		t.Errorf("%d active or linking elements in the rendered page", n)
	}
	if n := evaluate[int](t, ctx, `performance.getEntriesByType("resource").length`); n != 0 {
		t.Errorf("the page fetched %d resources", n)
	}
	text := evaluate[string](t, ctx, `document.body.innerText`)
	for _, h := range hostile {
		if !strings.Contains(text, h) {
			t.Errorf("the hostile text %q is not shown as text", h)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)); err != nil {
		t.Fatal(err)
	}
	if w := evaluate[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("at 375 px wide the page is %d px wide: it scrolls sideways", w)
	}
}

// TestHTMLReportInABrowser opens the HTML reports in headless Chromium and checks what a
// reader sees: a row per check, a failed check's violation pointer and reproduction, the
// status filter working without a script, and hostile text shown, not run.
func TestHTMLReportInABrowser(t *testing.T) {
	live := runLive(t, patchFails(t), conformance.LiveOptions{Cases: 40, Seed: 3})
	ctx := browsertest.New(t)
	for _, tc := range []struct {
		name    string
		rep     *conformance.Report
		hostile []string
	}{
		{"hostile report", hostileReport(), []string{hostileScript, hostileImg, hostileLink}},
		{"live run with failures", live, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			openFile(t, ctx, "report.html", tc.rep.WriteHTML)
			visibleRows := `[...document.querySelectorAll("#results tr.result")].filter(r => r.getClientRects().length > 0).length`
			if n := evaluate[int](t, ctx, visibleRows); n != len(tc.rep.Results) {
				t.Errorf("%d check rows shown, want %d", n, len(tc.rep.Results))
			}
			failedWithPointer, curl := 0, ""
			for i, res := range tc.rep.Results {
				if res.Status == conformance.StatusFail && len(res.Violations) > 0 && res.Violations[0].Path != "" && failedWithPointer == 0 {
					failedWithPointer = i + 1
				}
				for _, v := range res.Violations {
					if curl == "" && v.Reproduction != "" {
						curl = v.Reproduction
					}
				}
			}
			if failedWithPointer == 0 || curl == "" {
				t.Fatal("the report has no failed check with a violation pointer and a reproduction")
			}
			res := tc.rep.Results[failedWithPointer-1]
			sel := `document.querySelector("#result-` + strconv.Itoa(failedWithPointer) + ` code.pointer")`
			if got := evaluate[string](t, ctx, sel+`.innerText`); got != res.Violations[0].Path {
				t.Errorf("the failed check %s shows pointer %q, want %q", res.Name, got, res.Violations[0].Path)
			}
			if h := evaluate[float64](t, ctx, sel+`.getBoundingClientRect().height`); h <= 0 {
				t.Errorf("the pointer of %s is not visible", res.Name)
			}
			if got := evaluate[string](t, ctx, `[...document.querySelectorAll("pre.curl")].map(e => e.innerText).join("\n")`); !strings.Contains(got, curl) {
				t.Errorf("the reproduction %q is not shown; commands shown: %q", curl, got)
			}
			if got := evaluate[string](t, ctx, `getComputedStyle(document.querySelector("tr.st-fail .badge")).backgroundColor`); got == evaluate[string](t, ctx, `getComputedStyle(document.querySelector("tr.st-pass .badge, tr.st-skip .badge")).backgroundColor`) {
				t.Errorf("a failed badge has the colour of a passed one: %s", got)
			}

			// The filter is CSS: it works under the page's policy, which allows no script.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label[for="show-fail"]`))); err != nil {
				t.Fatal(browsertest.Errorf(ctx, "%v", err))
			}
			if n := evaluate[int](t, ctx, visibleRows); n != tc.rep.Summary.Failed {
				t.Errorf("the failed filter shows %d rows, want %d", n, tc.rep.Summary.Failed)
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label[for="show-all"]`))); err != nil {
				t.Fatal(browsertest.Errorf(ctx, "%v", err))
			}
			if n := evaluate[int](t, ctx, visibleRows); n != len(tc.rep.Results) {
				t.Errorf("back to all: %d rows shown, want %d", n, len(tc.rep.Results))
			}
			checkInertInBrowser(t, ctx, tc.hostile)
		})
	}
}

// TestHTMLDiffReportInABrowser opens the HTML diff report of a hostile server and of
// hostile lists: every table row is rendered and the server's markup is text.
func TestHTMLDiffReportInABrowser(t *testing.T) {
	served := diffAgainst(t, hostileDiffServer(t))
	ctx := browsertest.New(t)
	for _, tc := range []struct {
		name    string
		rep     *conformance.DiffReport
		hostile []string
	}{
		{"hostile server", served, []string{"X-Evil", hostileScript}},
		{"hostile lists", hostileDiffReport(), []string{hostileScript, hostileImg, hostileLink}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			openFile(t, ctx, "diff.html", tc.rep.WriteHTML)
			headers := len(tc.rep.Headers)
			if tc.rep.OtherHeaders != nil {
				headers++
			}
			for sel, want := range map[string]int{
				"#statuses tbody tr": len(tc.rep.Statuses), "#headers tbody tr": headers,
				"#mismatches tbody tr": len(tc.rep.Mismatches), "#inexact tbody tr": len(tc.rep.Inexact),
			} {
				if n := evaluate[int](t, ctx, `document.querySelectorAll("`+sel+`").length`); n != want {
					t.Errorf("%s: %d rows, want %d", sel, n, want)
				}
			}
			want := strconv.FormatFloat(tc.rep.Totals.ReproducedShare*100, 'f', 1, 64) + "%"
			if got := evaluate[string](t, ctx, `document.querySelector("#reproduced-share").innerText`); got != want {
				t.Errorf("the headline says %q reproduced, want %q", got, want)
			}
			checkInertInBrowser(t, ctx, tc.hostile)
		})
	}
}
