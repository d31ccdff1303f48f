package main

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"os"
	"path/filepath"
	"strings"
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
