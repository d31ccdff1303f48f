package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestVersionMatchesUserAgent: --version and the User-Agent the CLI sends carry the same
// version.
func TestVersionMatchesUserAgent(t *testing.T) {
	code, stdout, _ := runCLI(t, "--version")
	version := strings.TrimSpace(stdout)
	if code != exitOK || version == "" {
		t.Fatalf("--version: exit %d, %q", code, stdout)
	}
	var ua atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		http.Error(w, `{"error":{"code":"NotFound","message":"x"}}`, http.StatusNotFound)
	}))
	defer ts.Close()
	if _, _, stderr := runCLI(t, "operation", "get", "op", "--endpoint", ts.URL); !strings.Contains(stderr, "404") {
		t.Fatalf("want a 404, got:\n%s", stderr)
	}
	got, _ := ua.Load().(string)
	if !strings.Contains(got, "azsdk-go-phonenumbers/"+version+" ") {
		t.Fatalf("User-Agent %q does not carry version %q", got, version)
	}
}

// TestHelpListsExitCodes: every command's --help says what its exit codes mean.
func TestHelpListsExitCodes(t *testing.T) {
	for _, cmd := range [][]string{{"serve"}, {"operation", "get"}, {"operation", "wait"}, {"conformance"}} {
		code, stdout, _ := runCLI(t, append(cmd, "--help")...)
		if code != exitOK || !strings.Contains(stdout, "Exit codes: 0") {
			t.Errorf("%v --help: exit %d, no exit codes in:\n%s", cmd, code, stdout)
		}
	}
}
