package main

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func TestConformanceCommand(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")

	code, stdout, stderr := runCLI(t, "conformance", "--endpoint", base, "--access-key", testKey, "--strict",
		"--operation-id", "search-my-operation-id", "--operation-id", "capabilities_bab5d3ea-0000-4000-8000-000000000003",
		"--poll", "--poll-interval", "5ms", "--json", jsonPath, "--junit", junitPath)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, " passed, 0 failed, 0 warnings, 0 skipped") || strings.Contains(stdout, testKey) {
		t.Errorf("report:\n%s", stdout)
	}
	var rep struct {
		Target      string `json:"target"`
		SpecVersion string `json:"specVersion"`
		Summary     struct{ Passed, Failed, Warnings, Skipped int }
		Results     []struct {
			Check          string `json:"check"`
			Status         string `json:"status"`
			ResponseStatus int    `json:"responseStatus"`
			Request        struct{ Method, URL string }
		} `json:"results"`
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil || rep.SpecVersion != "2022-12-01" || rep.Summary.Passed == 0 || len(rep.Results) != rep.Summary.Passed {
		t.Fatalf("JSON report %v: %s", err, raw)
	}
	if strings.Contains(string(raw), testKey) {
		t.Error("JSON report leaks the key")
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	raw, err = os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(raw, &junit); err != nil || junit.Tests != len(rep.Results) || junit.Failures != 0 || len(junit.Suites[0].Cases) != junit.Tests {
		t.Fatalf("JUnit report %v: %s", err, raw)
	}
}

func TestConformanceCommandExitCodes(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"recordings pass", []string{"conformance", "--recordings", filepath.Join("..", "..", "testdata", "recordings")}, 0, "0 failed"},
		{"wrong key fails", []string{"conformance", "--endpoint", base, "--access-key", "d3Jvbmcta2V5"}, 1, "FAIL"},
		{"unknown operation fails", []string{"conformance", "--endpoint", base, "--access-key", testKey, "--operation-id", "nope"}, 1, "operation-exists"},
		{"no target", []string{"conformance"}, 2, ""},
		{"both modes", []string{"conformance", "--endpoint", base, "--recordings", "."}, 2, ""},
		{"unreachable", []string{"conformance", "--endpoint", "http://127.0.0.1:1"}, 2, ""},
		{"missing recordings", []string{"conformance", "--recordings", filepath.Join(t.TempDir(), "none.json")}, 2, ""},
		{"bad connection string", []string{"conformance", "--connection-string", "endpoint=x"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.want || !strings.Contains(stdout, tt.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, testKey) {
				t.Error("output leaks the key")
			}
		})
	}
}

// TestConformanceUnreachableWritesReports: a server that cannot be reached still gets
// report files saying so (a JUnit publisher then shows the failure, not nothing or a stale
// file), exit 2; --wait gives up after its duration, and returns at once for a server
// that is up.
func TestConformanceUnreachableWritesReports(t *testing.T) {
	closed := closedPort(t)
	up, _ := startServe(t, serveCmd{})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unreachable", []string{"--endpoint", closed}, 2, "cannot reach"},
		{"wait runs out", []string{"--endpoint", closed, "--wait", "300ms"}, 2, "did not answer within --wait 300ms"},
		{"wait for a server that is up", []string{"--endpoint", up, "--wait", "5s", "--cases", "0"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
			code, stdout, stderr := runCLI(t, append([]string{"conformance", "--json", jsonPath, "--junit", junitPath}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d (want %d), stderr lacks %q:\n%s\n%s", code, tt.wantCode, tt.wantErr, stdout, stderr)
			}
			raw, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatalf("no JSON report: %v", err)
			}
			junit, err := os.ReadFile(junitPath)
			if err != nil {
				t.Fatalf("no JUnit report: %v", err)
			}
			if tt.wantCode == 2 && (!strings.Contains(string(raw), `"check": "server-reachable"`) || !strings.Contains(string(junit), "<failure")) {
				t.Errorf("reports do not say the server was unreachable:\n%s\n%s", raw, junit)
			}
		})
	}
}

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestConformanceLosesTheServerMidway: a server that answers and then resets connections,
// or sends ~8.4 MB of headers per answer (600,000 Location lines), ends the run with exit
// 2 and every report file written, holding the results so far and the failure; the
// headers are bounded (64 KiB), so the run stays far below 500 MB.
func TestConformanceLosesTheServerMidway(t *testing.T) {
	up, _ := startServe(t, serveCmd{})
	target, err := url.Parse(up)
	if err != nil {
		t.Fatal(err)
	}
	huge := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + strings.Repeat("Location: /x\r\n", 600_000) + "Content-Length: 2\r\n\r\n{}")
	reset := func(conn net.Conn) {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	}
	tests := []struct {
		name      string
		answered  int64 // requests answered before misbehaving
		misbehave func(conn net.Conn)
		wantErr   string
		wantPass  bool // operation-exists passed before
	}{
		{"reset midway", 1, reset, "lost the server midway", true},
		{"huge headers midway", 1, func(conn net.Conn) { _, _ = conn.Write(huge) }, "headers exceeded", true},
		{"huge headers from the first answer", 0, func(conn net.Conn) { _, _ = conn.Write(huge) }, "headers exceeded", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := httputil.NewSingleHostReverseProxy(target)
			var seen atomic.Int64
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if seen.Add(1) <= tt.answered {
					proxy.ServeHTTP(w, r)
					return
				}
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer conn.Close()
				tt.misbehave(conn)
			}))
			defer ts.Close()
			dir := t.TempDir()
			paths := []string{filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.md")}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			code, stdout, stderr := runCLI(t, "conformance", "--endpoint", ts.URL, "--cases", "120",
				"--json", paths[0], "--junit", paths[1], "--summary", paths[2])
			runtime.ReadMemStats(&after)
			if code != 2 || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d (want 2), stderr lacks %q:\n%s\n%s", code, tt.wantErr, stdout, stderr)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 500<<20 {
				t.Errorf("the run allocated %d MB", alloc>>20)
			}
			for _, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatalf("no report file: %v", err)
				}
				if !strings.Contains(string(b), "server-reachable") {
					t.Errorf("%s does not record the failure:\n%s", p, b)
				}
			}
			raw, _ := os.ReadFile(paths[0])
			var rep struct {
				Results []struct{ Check, Status string }
			}
			if err := json.Unmarshal(raw, &rep); err != nil {
				t.Fatal(err)
			}
			passed := false
			for _, r := range rep.Results {
				passed = passed || (r.Check == "operation-exists" && r.Status == "pass")
			}
			if passed != tt.wantPass || !strings.Contains(stdout, "FAIL server-reachable") {
				t.Errorf("operation-exists passed %t, want %t; stdout:\n%s", passed, tt.wantPass, stdout)
			}
		})
	}
}
