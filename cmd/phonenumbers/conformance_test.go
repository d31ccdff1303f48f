package main

import (
	"encoding/json"
	"encoding/xml"
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
