package conformance_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestReferenceServerPassesGeneratedCases: the generated rules hold for the reference
// server, open and keyed, whatever the seed (a rule it breaks would be a rule too strict).
func TestReferenceServerPassesGeneratedCases(t *testing.T) {
	for _, key := range []string{"", testKey} {
		for _, seed := range []uint64{1, 2, 3, 42, 1 << 40} {
			rep := runLive(t, referenceHandler(t, key), conformance.LiveOptions{AccessKey: key, Cases: 150, Seed: seed})
			if rep.Failed() || rep.Summary.Blocked > 0 {
				var b bytes.Buffer
				_ = rep.WriteText(&b, nil)
				t.Fatalf("key %t, seed %d:\n%s", key != "", seed, b.String())
			}
			if rep.Seed == nil || *rep.Seed != seed || rep.Cases != 150 {
				t.Errorf("report seed %v cases %d", rep.Seed, rep.Cases)
			}
		}
	}
}

// brokenOnGenerated wraps the reference server with a 500 for one kind of input that
// none of the fixed probes sends.
func brokenOnGenerated(t *testing.T, when func(r *http.Request) bool) http.Handler {
	return mutate{next: referenceHandler(t, ""), status: func(r *http.Request, s int) int {
		if when(r) {
			return http.StatusInternalServerError
		}
		return s
	}}
}

// TestGeneratedCasesCatchWhatProbesMiss: each server here passes the fixed probes
// (Cases 0) and fails once the default number of cases runs with a fixed seed.
func TestGeneratedCasesCatchWhatProbesMiss(t *testing.T) {
	const defaultCases, seed = 40, 7
	segment := func(r *http.Request) string { return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] }
	tests := []struct {
		name string
		when func(*http.Request) bool
	}{
		{"500 for non-ASCII ids", func(r *http.Request) bool {
			return strings.ContainsFunc(r.URL.Path, func(c rune) bool { return c > 127 })
		}},
		{"500 for long ids", func(r *http.Request) bool { return len(segment(r)) > 200 }},
		{"500 for encoded reserved characters", func(r *http.Request) bool {
			u := strings.ToUpper(r.URL.EscapedPath())
			return strings.Contains(u, "%2F") || strings.Contains(u, "%3F") || strings.Contains(u, "%23") || strings.Contains(u, "%20") || strings.Contains(u, "%25")
		}},
		{"500 for HEAD", func(r *http.Request) bool { return r.Method == http.MethodHead }},
		{"500 for an extra query parameter", func(r *http.Request) bool {
			for k := range r.URL.Query() {
				if k != "api-version" {
					return true
				}
			}
			return false
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rep := runLive(t, brokenOnGenerated(t, tt.when), conformance.LiveOptions{Strict: true}); rep.Failed() {
				t.Fatalf("the fixed probes already catch this server (summary %+v): the test would not show the generated cases' worth", rep.Summary)
			}
			rep := runLive(t, brokenOnGenerated(t, tt.when), conformance.LiveOptions{Cases: defaultCases, Seed: seed})
			var got *conformance.Result
			for i, r := range rep.Results {
				if r.Check == "generated-no-5xx" && r.Status == conformance.StatusFail {
					got = &rep.Results[i]
				}
			}
			if got == nil {
				var b bytes.Buffer
				_ = rep.WriteText(&b, nil)
				t.Fatalf("generated-no-5xx did not fail:\n%s", b.String())
			}
			first := got.Violations[0].Message
			if !strings.Contains(first, "curl -i") || !strings.Contains(first, "seed 7") || !strings.Contains(got.Reason, "seed 7") {
				t.Errorf("no reproduction with the seed: %s / %s", got.Reason, first)
			}
		})
	}
}

// TestShrinkFindsAMinimalInput: for a server that fails on any non-ASCII character, the
// reproduction is cut down to the character, without extra parameters or headers.
func TestShrinkFindsAMinimalInput(t *testing.T) {
	h := brokenOnGenerated(t, func(r *http.Request) bool {
		return strings.ContainsFunc(r.URL.Path, func(c rune) bool { return c > 127 })
	})
	for _, seed := range []uint64{1, 2, 3} {
		rep := runLive(t, h, conformance.LiveOptions{Cases: 40, Seed: seed})
		for _, r := range rep.Results {
			if r.Check != "generated-no-5xx" {
				continue
			}
			if r.Status != conformance.StatusFail {
				t.Fatalf("seed %d: %+v", seed, r)
			}
			msg := r.Violations[0].Message
			_, repro, _ := strings.Cut(msg, "curl ")
			u := repro[strings.Index(repro, "'")+1:]
			u = u[:strings.Index(u, "'")]
			seg := u[strings.LastIndex(u, "/")+1:]
			seg, query, _ := strings.Cut(seg, "?")
			if len(seg) > 12 || query != "api-version=2022-12-01" || strings.Count(repro, " -H ") > 1 {
				t.Errorf("seed %d: reproduction not minimal: %s", seed, msg)
			}
		}
	}
}

func TestGenerateCasesIsDeterministicAndSafe(t *testing.T) {
	a, b := conformance.GenerateCases(200, 99, &conformance.CaseOptions{KnownID: "known"}), conformance.GenerateCases(200, 99, &conformance.CaseOptions{KnownID: "known"})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different cases")
	}
	if reflect.DeepEqual(a, conformance.GenerateCases(200, 100, &conformance.CaseOptions{KnownID: "known"})) {
		t.Fatal("different seeds gave the same cases")
	}
	kinds := map[string]bool{}
	for seed := range uint64(300) {
		for _, c := range conformance.GenerateCases(40, seed, &conformance.CaseOptions{KnownID: "known"}) {
			if c.Method == http.MethodDelete {
				t.Fatalf("seed %d generated DELETE: %+v", seed, c)
			}
			if seed == 0 {
				kinds[strings.SplitN(c.Kind, "/", 2)[0]+"/"+c.Method] = true
			}
		}
	}
	for _, k := range []string{"id/GET", "api-version/GET", "query/GET", "header/GET", "method/HEAD", "method/OPTIONS", "method/PATCH", "method/PUT", "method/POST"} {
		if !kinds[k] {
			t.Errorf("40 cases with seed 0 do not cover %s (got %v)", k, kinds)
		}
	}
	if n := len(conformance.GenerateCases(0, 1, &conformance.CaseOptions{KnownID: "x"})); n != 0 {
		t.Errorf("0 cases gave %d", n)
	}
}

// TestGeneratedVersionCasesAcceptUnlistedRealVersions: a server answering a real
// api-version it does not list in api-supported-versions (the live service and `serve`
// answer 2025-06-01 so) passes every seed; only versions that were never real must be
// refused. Seed 8294345173728300813 drew api-version=2025-06-01 as "unsupported".
func TestGeneratedVersionCasesAcceptUnlistedRealVersions(t *testing.T) {
	ts := httptest.NewServer(referenceHandler(t, ""))
	t.Cleanup(ts.Close)
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{8294345173728300813}
	for s := range uint64(200) {
		seeds = append(seeds, s*0x9e3779b97f4a7c15+1)
	}
	for _, seed := range seeds {
		rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, Cases: 40, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed() {
			var b bytes.Buffer
			_ = rep.WriteText(&b, nil)
			t.Fatalf("seed %d:\n%s", seed, b.String())
		}
	}
}

// TestGeneratedVersionRule: which api-versions the generated cases require a 4xx for.
func TestGeneratedVersionRule(t *testing.T) {
	tests := []struct {
		name    string
		version string // answered 200 by the server, not listed
		listed  string // the server's api-supported-versions
		fails   bool
	}{
		{"real version, not listed (2025-06-01 live)", "2025-06-01", "2022-12-01", false},
		{"real preview, not listed", "2023-05-01-preview", "2022-12-01", false},
		{"never a version, listed", "2099-12-31", "2022-12-01, 2099-12-31", false},
		{"never a version, not listed", "1999-01-01", "2022-12-01", true},
		{"never a version, not listed (future)", "2099-12-31", "2022-12-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := referenceHandler(t, "")
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("api-version") == tt.version && r.Method == http.MethodGet {
					q := r.URL.Query()
					q.Set("api-version", "2022-12-01")
					r.URL.RawQuery = q.Encode()
				}
				rw := &listedWriter{ResponseWriter: w, listed: tt.listed}
				ref.ServeHTTP(rw, r)
			})
			failed := false
			for seed := range uint64(60) {
				rep := runLive(t, h, conformance.LiveOptions{Cases: 40, Seed: seed})
				for _, r := range rep.Results {
					if r.Check == "generated-api-version-4xx" && r.Status == conformance.StatusFail {
						failed = true
						if !strings.Contains(r.Reason+fmt.Sprint(r.Violations), tt.version) {
							t.Errorf("failure does not name %s: %+v", tt.version, r)
						}
					}
				}
				if failed {
					break
				}
			}
			if failed != tt.fails {
				t.Errorf("generated-api-version-4xx failed %t, want %t", failed, tt.fails)
			}
		})
	}
}

// listedWriter replaces the api-supported-versions header.
type listedWriter struct {
	http.ResponseWriter
	listed string
}

func (w *listedWriter) WriteHeader(code int) {
	w.Header().Set("Api-Supported-Versions", w.listed)
	w.ResponseWriter.WriteHeader(code)
}
