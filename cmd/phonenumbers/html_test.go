package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformanceHTMLFlag: check and diff write --html like their other report files,
// also when the run could not check anything, and name the flag when the file cannot be
// written.
func TestConformanceHTMLFlag(t *testing.T) {
	t.Setenv("PHONENUMBERS_ENDPOINT", "")
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	t.Setenv("COMMUNICATION_SERVICES_CONNECTION_STRING", "")
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	diffBase := diffTestServer(t)
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.json")
	if err := os.WriteFile(rec, []byte(diffTestRecording), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name     string
		args     []string // --html FILE and --json FILE are added for the check command
		json     bool     // compare the HTML's rows with the JSON report's results
		wantCode int
		want     []string // in the HTML
		stderr   string
	}{
		{"check", []string{"conformance", "--endpoint", base, "--access-key", testKey, "--cases", "10", "--seed", "7"}, true, 0,
			[]string{"Phone Numbers conformance: <span class=\"verdict-pass\">passed", "operation/search-my-operation-id/response-schema", "--seed 7"}, ""},
		{"check, server unreachable", []string{"conformance", "--endpoint", closed}, true, 2,
			[]string{"run/server-reachable", "verdict-fail"}, "cannot reach"},
		{"diff, server unreachable (new-user trial: no page was written)", []string{"conformance", "diff", "--recordings", rec, "--endpoint", closed, "--timeout", "2s"}, false, 2,
			[]string{`id="run-error"`, "The replay did not run:"}, ""},
		{"diff", []string{"conformance", "diff", "--recordings", rec, "--endpoint", diffBase, "--access-key", testKey}, false, 0,
			[]string{"reproduced 10/12 items (83.3%), byte for byte 10/12 (83.3%)", "id=\"headers\""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			htmlPath, jsonPath := filepath.Join(t.TempDir(), "r.html"), filepath.Join(t.TempDir(), "r.json")
			args := append(tt.args, "--html", htmlPath)
			if tt.json {
				args = append(args, "--json", jsonPath)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			raw, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			page := string(raw)
			if !strings.HasPrefix(page, "<!doctype html>") || !strings.Contains(page, `<meta http-equiv="Content-Security-Policy"`) {
				t.Errorf("not a page with its policy:\n%.300s", page)
			}
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			if strings.Contains(page, testKey) || strings.Contains(page, "Signature=") {
				t.Error("the page holds the key or a signature")
			}
			if tt.json {
				var rep struct{ Results []struct{ Name string } }
				raw, err := os.ReadFile(jsonPath)
				if err == nil {
					err = json.Unmarshal(raw, &rep)
				}
				if err != nil {
					t.Fatal(err)
				}
				if rows := strings.Count(page, `<tr class="result `); rows != len(rep.Results) || rows == 0 {
					t.Errorf("%d rows in the page, %d results in the JSON report", rows, len(rep.Results))
				}
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(htmlPath), ".*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}

	for _, args := range [][]string{
		{"conformance", "--endpoint", base, "--access-key", testKey, "--cases", "0"},
		{"conformance", "diff", "--recordings", rec, "--endpoint", diffBase, "--access-key", testKey},
	} {
		code, _, stderr := runCLI(t, append(args, "--html", filepath.Join(dir, "no-such-dir", "r.html"))...)
		if code != 2 || !strings.Contains(stderr, "--html: ") {
			t.Errorf("%s to a missing directory: exit %d, stderr %s", strings.Join(args[:2], " "), code, stderr)
		}
	}
}
