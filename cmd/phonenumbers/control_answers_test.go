package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestThirdAttackReviewControlAnswerValues: the mock commands decoded successful control
// answers of up to 32 MiB without counting their values: `mock journal`/`mock verify`
// against {"entries":[{},{},… 10 million]} (31 MB) ran out of memory at 1.7 GB; `mock
// list` with one operation whose "current" is a list of 10 million {} used 554 MB. Every
// control answer is counted now before anything parses it (500,000 values, 64 levels),
// and each operation of a page before it is printed (60,000 values, 66 levels); beyond,
// the command fails naming the endpoint and the bound.
func TestThirdAttackReviewControlAnswerValues(t *testing.T) {
	const n = 10_000_000
	empties := strings.TrimSuffix(strings.Repeat("{},", n), ",")
	deep := strings.Repeat("[", 9900) + strings.TrimSuffix(strings.Repeat("0,", 85_000), ",") + strings.Repeat("]", 9900)
	journal := `{"entries":[` + empties + `]}`
	state := func(current string) string {
		return `{"operation":{"id":"p","operationType":"search","timeline":[{"status":"running"}]},"storedAt":"2023-07-14T19:48:16Z","polls":0,"current":` + current + `}`
	}
	page := func(op string) string { return `{"operations":[` + op + `]}` }
	serve := func(body string) string {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	tests := []struct {
		name  string
		body  string
		args  []string
		want  string
		alloc uint64 // the most the command may allocate
	}{
		{"journal of 10 million {}", journal, []string{"mock", "journal"}, "GET /mock/journal holds more than 500000 values", 150 << 20},
		{"verify against a journal of 10 million {}", journal, []string{"mock", "verify", "--status", "0"}, "GET /mock/journal holds more than 500000 values", 150 << 20},
		{"get, a current of 10 million {}", state("[" + empties + "]"), []string{"mock", "get", "p"}, "GET /mock/operations/p holds more than 500000 values", 150 << 20},
		{"list, a current of 10 million {}", page(state("[" + empties + "]")), []string{"mock", "list"}, "operation 1 of the page holds more than 60000 values", 150 << 20},
		{"journal 9,900 levels deep", `{"entries":` + deep + `}`, []string{"mock", "journal"}, "nests deeper than 64 levels", 20 << 20},
		{"list, an operation 9,900 levels deep", page(state(deep)), []string{"mock", "list"}, "nests deeper than 66 levels", 20 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			endpoint := serve(tt.body)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			code, stdout, stderr := runCLI(t, append(tt.args, "--endpoint", endpoint)...)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if code != exitFailure || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, endpoint) {
				t.Errorf("exit %d, stderr:\n%.1000s\nwant exit %d, %q and the endpoint", code, stderr, exitFailure, tt.want)
			}
			if len(stdout) > 64<<10 {
				t.Errorf("%d bytes on stdout", len(stdout))
			}
			if limit := raceSlowdown(2 * time.Second); elapsed > limit {
				t.Errorf("took %s, want < %s", elapsed, limit)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > tt.alloc {
				t.Errorf("allocated %d MB, want < %d MB", alloc>>20, tt.alloc>>20)
			}
			t.Logf("%s, %d MB allocated", elapsed.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// TestWriteJSONStaysLinear: writeJSON indents only when the indented text stays within a
// few times the input's size: indenting costs the depth of every line, and a 1 MB list of
// zeros 32 levels deep would grow 30-fold.
func TestWriteJSONStaysLinear(t *testing.T) {
	zeros := func(depth, n int) string {
		return strings.Repeat("[", depth) + strings.TrimSuffix(strings.Repeat("0,", n), ",") + strings.Repeat("]", depth)
	}
	entries := `{"entries":[` + strings.TrimSuffix(strings.Repeat(`{"method":"GET","path":"/phoneNumbers/operations/purchase_1","status":200},`, 20_000), ",") + `]}`
	tests := []struct {
		name     string
		in       string
		indented bool
	}{
		{"a journal of 20,000 entries", entries, true},
		{"500,000 zeros 3 deep", zeros(3, 500_000), false},
		{"500,000 zeros 32 deep", zeros(32, 500_000), false},
		{"a small list 32 deep", zeros(32, 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if err := writeJSON(&out, []byte(tt.in)); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			if got := strings.Contains(out.String(), "\n  "); got != tt.indented {
				t.Errorf("indented %v, want %v", got, tt.indented)
			}
			if out.Len() > 9*len(tt.in)+64<<10 {
				t.Errorf("%d bytes out for %d in", out.Len(), len(tt.in))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(40*len(tt.in)+1<<20) {
				t.Errorf("allocated %d KB for %d KB in", alloc>>10, len(tt.in)>>10)
			}
		})
	}
}

// raceSlowdown is d, or ten times d under the race detector, which slows JSON scanning
// about tenfold.
func raceSlowdown(d time.Duration) time.Duration {
	if raceEnabled {
		return 10 * d
	}
	return d
}
