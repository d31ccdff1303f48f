package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProxyCommand runs `conformance proxy` in front of a server, sends traffic through
// it, stops it as SIGINT would (the context is cancelled) and checks the exit code, the
// files and that `conformance --recordings` re-checks the recording.
func TestProxyCommand(t *testing.T) {
	keyed, _ := startServe(t, serveCmd{AccessKey: testKey})
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"search-my-operation-id","status":"Succeeded"}`))
	}))
	defer broken.Close()
	tests := []struct {
		name     string
		upstream string
		key      []string
		want     int
		wantOut  string
	}{
		{"conforming upstream, re-signed", keyed, []string{"--access-key", testKey}, exitOK, " 0 failed"},
		{"broken upstream", broken.URL, nil, exitFailure, "FAIL response-schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rec, junit, summary := filepath.Join(dir, "rec.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "summary.md")
			ready := make(chan string, 1)
			proxyReady = func(addr string) { ready <- addr }
			t.Cleanup(func() { proxyReady = nil })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr bytes.Buffer
			done := make(chan int, 1)
			args := append([]string{"conformance", "proxy", "--listen", "127.0.0.1:0", "--upstream", tt.upstream,
				"--record", rec, "--junit", junit, "--summary", summary}, tt.key...)
			go func() { done <- run(ctx, args, &stdout, &stderr) }()
			var addr string
			select {
			case addr = <-ready:
			case code := <-done:
				t.Fatalf("exit %d before listening: %s", code, stderr.String())
			}
			for _, path := range []string{"search-my-operation-id", "nope"} {
				res, err := http.Get("http://" + addr + "/phoneNumbers/operations/" + path + "?api-version=2022-12-01")
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			cancel()
			if code := <-done; code != tt.want || !strings.Contains(stdout.String(), tt.wantOut) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.want, stdout.String(), stderr.String())
			}
			for _, f := range []string{rec, junit, summary} {
				b, err := os.ReadFile(f)
				if err != nil || strings.Contains(string(b), testKey) || strings.Contains(string(b), "Signature=") {
					t.Fatalf("%s: %v, or it leaks a secret:\n%s", f, err, b)
				}
			}
			if strings.Contains(stdout.String()+stderr.String(), testKey) {
				t.Error("output leaks the key")
			}
			code, out, errOut := runCLI(t, "conformance", "--recordings", rec)
			if code != tt.want {
				t.Errorf("re-check of the recording: exit %d, want %d\n%s%s", code, tt.want, out, errOut)
			}
		})
	}
}

func TestConformanceSummaryAndQuiet(t *testing.T) {
	base, _ := startServe(t, serveCmd{})
	dir := t.TempDir()
	step := filepath.Join(dir, "step.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	code, stdout, stderr := runCLI(t, "conformance", "--endpoint", base, "--quiet", "--cases", "20", "--seed", "9", "--summary", filepath.Join(dir, "s.md"))
	if code != 0 || strings.Contains(stdout, "SKIP ") || !strings.Contains(stdout, "20 generated cases, seed 9") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, _ := os.ReadFile(step)
	if !strings.HasPrefix(string(b), "earlier step\n### Phone Numbers conformance: passed") {
		t.Errorf("GITHUB_STEP_SUMMARY was not appended to:\n%s", b)
	}
	if s, _ := os.ReadFile(filepath.Join(dir, "s.md")); !strings.Contains(string(s), "| passed | failed |") {
		t.Errorf("--summary:\n%s", s)
	}
	if code, _, _ := runCLI(t, "conformance", "--endpoint", base, "--cases", "-1"); code != exitUsage {
		t.Errorf("--cases -1: exit %d", code)
	}
}

// TestProxyBadKeyWordedAsCheck: conformance proxy refuses a key that is not base64 in the
// words conformance check uses.
func TestProxyBadKeyWordedAsCheck(t *testing.T) {
	var msgs []string
	for _, args := range [][]string{
		{"conformance", "proxy", "--upstream", "http://127.0.0.1:1", "--access-key", "not base64!"},
		{"conformance", "--endpoint", "http://127.0.0.1:1", "--access-key", "not base64!"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		msgs = append(msgs, strings.TrimSpace(stderr))
	}
	if msgs[0] != msgs[1] || !strings.Contains(msgs[0], "--access-key: the access key is not valid base64") {
		t.Errorf("proxy %q, check %q", msgs[0], msgs[1])
	}
}
