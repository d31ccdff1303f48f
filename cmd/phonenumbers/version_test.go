package main

import (
	"context"
	"io"
	"net"
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

// TestMockCommands scripts a keyed serve from the CLI: every request is signed, answers
// are JSON, refusals exit 1 with the server's message, bad input exits 2.
func TestMockCommands(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	conn := []string{"--endpoint", base, "--access-key", testKey}
	op := `{"id":"purchase_cli","operationType":"purchase","timeline":[{"status":"running"},{"status":"succeeded","afterPolls":1}]}`
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"create from stdin", []string{"mock", "create", "-"}, op, exitOK, `"id": "purchase_cli"`},
		{"get", []string{"mock", "get", "purchase_cli"}, "", exitOK, `"status": "running"`},
		{"list, all pages", []string{"mock", "list"}, "", exitOK, `"search-my-operation-id"`},
		{"journal", []string{"mock", "journal"}, "", exitOK, `"entries"`},
		{"create refused", []string{"mock", "create", "-"}, `{"id":"x","operationType":"purchase","timeline":[{"status":"runing"}]}`, exitFailure, "did you mean"},
		{"create, not JSON", []string{"mock", "create", "-"}, "id: x", exitUsage, "is not JSON"},
		{"load a fixtures file", []string{"mock", "load", "-"}, "operations:\n  - id: loaded_1\n    operationType: search\n    timeline:\n      - status: succeeded\n", exitOK, `"id": "loaded_1"`},
		{"load refused, with the line", []string{"mock", "load", "-"}, "operations:\n  - id: loaded_2\n    operationType: search\n    timeline:\n      - status: succeded\n", exitFailure, "line 5"},
		{"load refused, a problem a line", []string{"mock", "load", "-"}, "operations:\n  - id: loaded_3\n    operationType: serch\n    timeline:\n      - status: succeded\n", exitFailure, "2 problems:\n  line 3"},
		{"get, loaded", []string{"mock", "get", "loaded_1"}, "", exitOK, `"status": "succeeded"`},
		{"delete", []string{"mock", "delete", "purchase_cli"}, "", exitOK, ""},
		{"get, gone", []string{"mock", "get", "purchase_cli"}, "", exitFailure, "HTTP 404 NotFound"},
		{"reset", []string{"mock", "reset"}, "", exitOK, ""},
		{"unsigned", []string{"mock", "list", "--auth", "none"}, "", exitFailure, "HTTP 401 Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			code := runWithStdin(append(tt.args, conn...), tt.stdin, &out, &errOut)
			if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.want) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant %q", code, tt.code, out.String(), errOut.String(), tt.want)
			}
		})
	}
}

func runWithStdin(args []string, stdin string, stdout, stderr io.Writer) int {
	return runIO(context.Background(), args, strings.NewReader(stdin), stdout, stderr)
}

// TestOperationCancel: cancel answers exit 0, then the operation is gone (exit 1, 404).
func TestOperationCancel(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	conn := []string{"--endpoint", base, "--access-key", testKey}
	if code, _, stderr := runCLI(t, append([]string{"operation", "cancel", "search-my-operation-id"}, conn...)...); code != exitOK || !strings.Contains(stderr, "cancelled") {
		t.Fatalf("cancel: exit %d\n%s", code, stderr)
	}
	for _, cmd := range [][]string{{"operation", "get", "search-my-operation-id"}, {"operation", "cancel", "search-my-operation-id"}} {
		if code, _, stderr := runCLI(t, append(cmd, conn...)...); code != exitFailure || !strings.Contains(stderr, "HTTP 404 NotFound") {
			t.Fatalf("%v after cancel: exit %d\n%s", cmd, code, stderr)
		}
	}
}

// TestFailureHints: the usual first mistakes end with what to do.
func TestFailureHints(t *testing.T) {
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	keyed, _ := startServe(t, serveCmd{AccessKey: testKey})
	tlsBase, _ := startServe(t, serveCmd{TLSSelfSigned: t.TempDir()})
	plain := strings.Replace(tlsBase, "https://", "http://", 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	busy := ln.Addr().String()
	defer ln.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nothing listens", []string{"operation", "get", "x", "--endpoint", "http://" + closedAddr(t), "--timeout", "2s"}, "is the server running"},
		{"a key is needed", []string{"operation", "get", "search-my-operation-id", "--endpoint", keyed}, "pass its access key with --access-key"},
		{"port in use", []string{"serve", "--addr", busy}, "another process listens there: pass another --addr"},
		{"http:// to HTTPS, operation", []string{"operation", "get", "x", "--endpoint", plain}, "the server speaks HTTPS: use an https:// endpoint"},
		{"http:// to HTTPS, mock", []string{"mock", "list", "--endpoint", plain}, "the server speaks HTTPS: use an https:// endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code == exitOK || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", code, stderr, tt.want)
			}
		})
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
