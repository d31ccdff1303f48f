package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMockVerifyStatusZeroAndMethodCase: `mock verify --status 0` selects the requests a
// fault dropped (the journal records them with status 0): it used to be taken for an
// unset flag and matched every request. `--method get` is sent upper-case, as methods are
// on the wire: a server comparing methods exactly matched nothing.
func TestMockVerifyStatusZeroAndMethodCase(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "drop.yaml")
	doc := `operations:
  - id: purchase_dropped
    operationType: purchase
    timeline:
      - status: running
    faults:
      - requests: [1]
        drop: reset
`
	if err := os.WriteFile(fixtures, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, serveCmd{Fixtures: fixtures})
	// The first request is reset; the client's retry is answered 200.
	if code, _, stderr := runCLI(t, "operation", "get", "purchase_dropped", "--endpoint", base); code != 0 {
		t.Fatalf("get: exit %d: %s", code, stderr)
	}

	// A server comparing methods exactly, as a journal of requests on the wire may.
	var mu sync.Mutex
	var asked []string
	exact := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("method") == "GET" {
			_, _ = w.Write([]byte(`{"entries":[{"method":"GET","path":"/phoneNumbers/operations/a","status":200,"time":"2023-07-14T19:48:16Z"}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"entries":[]}`))
	}))
	t.Cleanup(exact.Close)

	tests := []struct {
		name     string
		endpoint string
		args     []string
		wantCode int
		want     string
	}{
		{"status 0: the dropped request", base, []string{"--status", "0", "--count", "1"}, 0, `1 recorded request match status 0 (dropped) (exactly 1)`},
		{"status 0 of the operation", base, []string{"--operation", "purchase_dropped", "--status", "0", "--count", "1"}, 0, "status 0 (dropped)"},
		{"status 200: the retry", base, []string{"--status", "200", "--count", "1"}, 0, "match status 200 (exactly 1)"},
		{"no status: both", base, []string{"--operation", "purchase_dropped", "--count", "2"}, 0, "(exactly 2)"},
		{"status 0 when nothing was dropped", base, []string{"--status", "0", "--method", "DELETE"}, 1, "0 recorded requests match method DELETE, status 0 (dropped), want at least 1"},
		{"status 50", base, []string{"--status", "50"}, exitUsage, "--status 50 is not an HTTP status"},
		{"status 600", base, []string{"--status", "600"}, exitUsage, "--status 600 is not an HTTP status"},
		{"method get, against the mock", base, []string{"--method", "get", "--count", "2"}, 0, "match method GET (exactly 2)"},
		{"method get, against a server comparing exactly", exact.URL, []string{"--method", "get", "--count", "1"}, 0, "match method GET (exactly 1)"},
		{"method Delete, against a server comparing exactly", exact.URL, []string{"--method", "Delete", "--count", "0"}, 0, "match method DELETE (exactly 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"mock", "verify", "--endpoint", tt.endpoint}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nstdout:\n%s\nwant %q", code, tt.wantCode, stderr, stdout, tt.want)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, q := range asked {
		if strings.Contains(q, "method=get") || strings.Contains(q, "method=Delete") {
			t.Errorf("the method was sent as given: %s", q)
		}
	}
}
