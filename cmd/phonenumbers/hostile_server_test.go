package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOperationCommandsAgainstHostileServers: whatever a server does, the CLI ends with a
// bounded, clean failure that names the endpoint, and prints no terminal escape sequence.
func TestOperationCommandsAgainstHostileServers(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })

	handlers := map[string]http.HandlerFunc{
		"endless": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(strings.Repeat(" ", 32<<10))
			for i := 0; i < 4096; i++ { // 128 MiB, far past the limit
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"huge-length": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10737418240")
			w.WriteHeader(http.StatusOK)
		},
		"stall": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select { // drip nothing until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
		},
		"escapes": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"operationType":"purchase","status":"failed","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16Z","id":"op\u001b[2J","error":{"code":"X\u001b]0;pwned\u0007","message":"\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\"}}`)
		},
		"deep-chain": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, deepChainBody(9500))
		},
		"chain-at-the-bound": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, deepChainBody(62))
		},
		// azcore indents an error answer into its ResponseError at a cost of depth × lines:
		// 190 KB ran out of memory.
		"deep-404": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, strings.Repeat("[", 9900)+strings.TrimSuffix(strings.Repeat("0,", 85_000), ",")+strings.Repeat("]", 9900))
		},
		"deep-400": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"code":"E","message":"m","innererror":`+strings.Repeat(`{"code":"c","innererror":`, 9000)+"null"+strings.Repeat("}", 9002))
		},
		"escape-status": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"operationType":"purchase","status":"run\u001b[2Jning","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16Z","id":"op"}`)
		},
	}
	servers := map[string]string{}
	for name, h := range handlers {
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		servers[name] = ts.URL
	}
	tests := []struct {
		name   string
		server string
		args   []string
		want   string
	}{
		{"get, endless body", "endless", []string{"operation", "get", "op"}, "exceeds the limit"},
		{"get, 10 GiB announced", "huge-length", []string{"operation", "get", "op"}, "exceeds the limit"},
		{"get, stalled", "stall", []string{"operation", "get", "op", "--timeout", "300ms"}, "timed out after 300ms"},
		{"wait, stalled", "stall", []string{"operation", "wait", "op", "--timeout", "300ms"}, "timed out after 300ms"},
		{"wait, escapes in the error", "escapes", []string{"operation", "wait", "op"}, `\x1b]0;pwned`},
		// Issue 21, item 8: the message grew by a copy per level (8.4 s, 1.49 GB). The
		// client now refuses bodies deeper than 64 levels; a chain within them is shown 8
		// levels deep and the rest counted.
		{"wait, a 9,500-deep innererror chain", "deep-chain", []string{"operation", "wait", "op", "--timeout", "1s"}, "nests deeper than 64 levels"},
		{"wait, a 62-deep innererror chain", "chain-at-the-bound", []string{"operation", "wait", "op", "--timeout", "1s"}, "… and 54 more inner errors"},
		// Ran out of memory in azcore's NewResponseError (json.Indent of the body).
		{"get, a 190 KB 404 of 9,900 lists over 85,000 zeros", "deep-404", []string{"operation", "get", "op", "--timeout", "5s"}, "HTTP 404"},
		{"wait, a 190 KB 404 of 9,900 lists over 85,000 zeros", "deep-404", []string{"operation", "wait", "op", "--timeout", "5s"}, "HTTP 404"},
		{"get, a 234 KB 400 with a 9,000-deep innererror chain", "deep-400", []string{"operation", "get", "op", "--timeout", "5s"}, "HTTP 400"},
		{"wait, a 234 KB 400 with a 9,000-deep innererror chain", "deep-400", []string{"operation", "wait", "op", "--timeout", "5s"}, "HTTP 400"},
		{"wait, escapes in the status", "escape-status", []string{"operation", "wait", "op", "--timeout", "300ms"}, `run\x1b[2Jning`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			code, _, stderr := runCLI(t, append(tt.args, "--endpoint", servers[tt.server])...)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if code != exitFailure {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr)
			}
			if !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, servers[tt.server]) {
				t.Errorf("stderr lacks %q or the endpoint:\n%s", tt.want, stderr)
			}
			if strings.ContainsAny(stderr, "\x1b\x07") {
				t.Errorf("stderr carries raw control characters: %q", stderr)
			}
			if elapsed > time.Second {
				t.Errorf("took %s", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			if len(stderr) > 16<<10 {
				t.Errorf("stderr is %d bytes", len(stderr))
			}
		})
	}
}

// deepChainBody is a failed operation whose error has depth inner errors under it.
func deepChainBody(depth int) string {
	var b strings.Builder
	b.WriteString(`{"id":"op","operationType":"purchase","status":"failed","createdDateTime":"2023-07-14T19:48:16Z","resourceLocation":null,"error":`)
	for i := 0; i <= depth; i++ {
		b.WriteString(`{"code":"Nested","message":"level","innererror":`)
	}
	b.WriteString("null" + strings.Repeat("}", depth+2))
	return b.String()
}

// TestUsageErrorsExit2: mistakes on the command line exit 2 with a message saying what to do.
func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"operation", "get", "op", "--endpoint", "http://127.0.0.1:1", "--access-key", "not base64!"}, "--access-key"},
		{[]string{"operation", "get", "", "--endpoint", "http://127.0.0.1:1"}, "operation id is empty"},
		{[]string{"operation", "wait", " ", "--endpoint", "http://127.0.0.1:1"}, "operation is empty"},
		{[]string{"operation", "get", "op", "--endpoint", "ftp://x"}, "not an http(s) URL"},
		{[]string{"operation", "get", "op", "--endpoint", "http://127.0.0.1:1", "--auth", "entra"}, "only goes over HTTPS"},
		{[]string{"operation", "get", "op", "--endpoint", "http://127.0.0.1:1", "--timeout", "0s"}, "--timeout"},
		{[]string{"conformance", "--endpoint", "http://127.0.0.1:1", "--access-key", "%%%"}, "--access-key"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}

// TestOperationGetStdoutIsTerminalSafe: the JSON printed on stdout carries no raw C1
// control or bidirectional override (encoding/json leaves them raw).
func TestOperationGetStdoutIsTerminalSafe(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{\"operationType\":\"search\",\"status\":\"succeeded\u009b2J\",\"resourceLocation\":null,\"createdDateTime\":\"2023-07-14T19:48:16Z\",\"id\":\"op\u202e\"}")
	}))
	defer ts.Close()
	code, stdout, stderr := runCLI(t, "operation", "get", "op", "--endpoint", ts.URL)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.ContainsRune(stdout, 0x9b) || strings.ContainsRune(stdout, 0x202e) || !strings.Contains(stdout, `\u009b2J`) {
		t.Fatalf("stdout: %q", stdout)
	}
}

// TestMockCommandsAgainstHostileServers: the control-API commands read bounded answers and
// stop following a server that never stops paging.
func TestMockCommandsAgainstHostileServers(t *testing.T) {
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"entries":[`)
		chunk := []byte(strings.Repeat(" ", 32<<10))
		for i := 0; i < 4096; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	var pages atomic.Int32
	paging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"operations":[],"nextLink":"/mock/operations?after=p%d"}`, n)
	}))
	defer paging.Close()
	repeating := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"operations":[],"nextLink":"/mock/operations?after=same"}`)
	}))
	defer repeating.Close()
	big := strings.Repeat("x", 3<<20) // 3 MiB pages of one operation each
	heavy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"operations":[{"operation":{"id":"p%d","operationType":"search","timeline":[{"status":"running","error":{"code":"X","message":"%s"}}]},"storedAt":"2023-07-14T19:48:16Z","polls":0,"current":{"id":"p","status":"running","operationType":"search","createdDateTime":"2023-07-14T19:48:16Z"}}],"nextLink":"/mock/operations?after=p%d"}`, n, big, n)
	}))
	defer heavy.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"endless journal", []string{"mock", "journal", "--endpoint", endless.URL}, "exceeds the limit"},
		{"endless paging", []string{"mock", "list", "--endpoint", paging.URL}, "more than 200 pages"},
		{"paging that goes round", []string{"mock", "list", "--endpoint", repeating.URL}, "paging goes round"},
		{"pages too large to hold", []string{"mock", "list", "--endpoint", heavy.URL}, "add up to more than 64 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitFailure || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", code, stderr, tt.want)
			}
		})
	}
}

// TestWaitAgainstHostileRetryAfter (issue 21, item 7): `operation wait` against a server
// that stays running and asks for an overflowing or tiny delay (88,860 polls in 10 s) polls
// a bounded number of times and ends at --timeout.
func TestWaitAgainstHostileRetryAfter(t *testing.T) {
	tests := []struct{ header, value string }{
		{"retry-after-ms", "76480200929599801"},
		{"x-ms-retry-after-ms", "76480200929599801"},
		{"retry-after-ms", "1"},
		{"Retry-After", "2147483647"},
	}
	for _, tt := range tests {
		t.Run(tt.header+"="+tt.value, func(t *testing.T) {
			var polls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				polls.Add(1)
				w.Header().Set(tt.header, tt.value)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"operationType":"purchase","status":"running","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16Z","id":"op"}`)
			}))
			defer ts.Close()
			start := time.Now()
			code, _, stderr := runCLI(t, "operation", "wait", "op", "--endpoint", ts.URL, "--interval", "100ms", "--timeout", "500ms")
			if code != exitFailure || !strings.Contains(stderr, "timed out after 500ms") {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			if n := polls.Load(); n > 6 {
				t.Errorf("%d polls in 500 ms", n)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// TestDotIDsRefusedByTheCLI (issue 21, item 20): operation get, cancel and wait refuse the
// ids "." and ".." (and a location ending in %2e%2e) as usage errors, sending nothing: a
// URL resolves them as path segments (GET or DELETE /phoneNumbers/).
func TestDotIDsRefusedByTheCLI(t *testing.T) {
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	defer ts.Close()
	for _, args := range [][]string{
		{"operation", "get", ".."}, {"operation", "get", "."}, {"operation", "cancel", ".."},
		{"operation", "wait", ".."}, {"operation", "wait", "/phoneNumbers/operations/%2e%2e?api-version=2022-12-01"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, append(args, "--endpoint", ts.URL)...)
			if code != exitUsage || !strings.Contains(stderr, "is a path segment, not an id") {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}
