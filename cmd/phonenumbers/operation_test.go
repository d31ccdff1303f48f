package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

const testKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestOperationCommands(t *testing.T) {
	base, logs := startServe(t, serveCmd{AccessKey: testKey})
	conn := []string{"--endpoint", base, "--access-key", testKey}

	tests := []struct {
		name        string
		args        []string
		wantCode    int
		wantStatus  types.PhoneNumberOperationStatus // final JSON on stdout, when set
		wantStderr  []string
		wantNoInOut string
	}{
		{"get seed", append([]string{"operation", "get", "search-my-operation-id"}, conn...), 0, "succeeded",
			[]string{"Location: /availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"}, ""},
		{"get unknown", append([]string{"operation", "get", "nope"}, conn...), 1, "",
			[]string{"HTTP 404 NotFound", `Input operationId nope cannot be found`, "target operationid"}, ""},
		{"get with wrong key", []string{"operation", "get", "search-my-operation-id", "--endpoint", base, "--access-key", "d3Jvbmcta2V5"}, 1, "",
			[]string{"HTTP 401 Unauthorized", "signature does not match", "x-ms-date); the server requires a valid credential"}, "d3Jvbmcta2V5"},
		{"get via connection string", []string{"operation", "get", "search-my-operation-id", "--connection-string", "endpoint=" + base + "/;accesskey=" + testKey}, 0, "succeeded", nil, ""},
		{"wait purchase", append([]string{"operation", "wait", "purchase_18c224b7-0000-4000-8000-000000000001", "--interval", "5ms"}, conn...), 0, "succeeded",
			[]string{"purchase_18c224b7-0000-4000-8000-000000000001: running\n", ": notStarted\n", ": succeeded\n"}, ""},
		{"wait by relative location", append([]string{"operation", "wait", "/phoneNumbers/operations/capabilities_bab5d3ea-0000-4000-8000-000000000003?api-version=2022-12-01", "--interval", "5ms"}, conn...), 0, "succeeded", nil, ""},
		{"wait failed purchase", append([]string{"operation", "wait", "purchase_18c224b7-0000-4000-8000-000000000002", "--interval", "5ms"}, conn...), 1, "failed",
			[]string{"failed: InternalError: The server encountered an internal error.", "inner error PurchaseFailed"}, ""},
		{"wait timeout", append([]string{"operation", "wait", "release_6d1c9e0a-0000-4000-8000-000000000004", "--interval", "5ms", "--timeout", "30ms"}, conn...), 1, "",
			[]string{"timed out after 30ms", "last status: notStarted"}, ""},
		{"wait unknown", append([]string{"operation", "wait", "nope", "--interval", "5ms"}, conn...), 1, "", []string{"404"}, ""},
		{"no endpoint", []string{"operation", "get", "x", "--connection-string", ""}, 2, "", []string{"no server given"}, ""},
		{"bad connection string", []string{"operation", "get", "x", "--connection-string", "endpoint=ftp://x;accesskey=c2VjcmV0"}, 2, "", []string{"http or https"}, "c2VjcmV0"},
		{"interval too short", append([]string{"operation", "wait", "x", "--interval", "0s"}, conn...), 2, "", []string{"--interval"}, ""},
		{"missing argument", []string{"operation", "get"}, 2, "", nil, ""},
		{"foreign location", append([]string{"operation", "wait", "https://evil.example.com/phoneNumbers/operations/x"}, conn...), 2, "", []string{"not on the client's endpoint"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout, stderr)
			}
			if tt.wantStatus != "" {
				var op types.PhoneNumberOperation
				if err := json.Unmarshal([]byte(stdout), &op); err != nil || op.Status != tt.wantStatus {
					t.Errorf("stdout = %s (%v), want an operation with status %s", stdout, err, tt.wantStatus)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, secret := range []string{testKey, tt.wantNoInOut} {
				if secret != "" && (strings.Contains(stdout, secret) || strings.Contains(stderr, secret)) {
					t.Errorf("output leaks a secret")
				}
			}
		})
	}
	if strings.Contains(logs.String(), testKey) {
		t.Error("server log leaks the key")
	}
}

func TestOperationEnvironmentFallbacks(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	t.Setenv("COMMUNICATION_SERVICES_CONNECTION_STRING", "endpoint="+base+"/;accesskey="+testKey)
	if code, _, stderr := runCLI(t, "operation", "get", "search-my-operation-id"); code != 0 {
		t.Fatalf("connection string from env: exit %d: %s", code, stderr)
	}
	t.Setenv("COMMUNICATION_SERVICES_CONNECTION_STRING", "")
	t.Setenv("PHONENUMBERS_ENDPOINT", base)
	t.Setenv("PHONENUMBERS_ACCESS_KEY", testKey)
	if code, _, stderr := runCLI(t, "operation", "get", "search-my-operation-id"); code != 0 {
		t.Fatalf("endpoint and key from env: exit %d: %s", code, stderr)
	}
}

// TestWaitIntervalUnderASecond: a sub-second --interval polls a loopback mock (scripted
// lifecycles finish quickly) and is refused, saying why, for any other endpoint.
func TestWaitIntervalUnderASecond(t *testing.T) {
	base, _ := startServe(t, serveCmd{})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"loopback", []string{"operation", "wait", "capabilities_bab5d3ea-0000-4000-8000-000000000003", "--interval", "100ms", "--endpoint", base}, 0, ""},
		{"service", []string{"operation", "wait", "x", "--interval", "100ms", "--endpoint", "https://contoso.communication.azure.com", "--auth", "none"}, 2, "allowed only against a loopback endpoint"},
		{"zero", []string{"operation", "wait", "x", "--interval", "0s", "--endpoint", base}, 2, "--interval must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d (want %d); stderr lacks %q:\n%s\n%s", code, tt.wantCode, tt.wantErr, stdout, stderr)
			}
		})
	}
}

// TestTriesSayWhatFollows: each failed try says whether another follows; a loopback port
// nothing listens on is tried once, and says it is not retried.
func TestTriesSayWhatFollows(t *testing.T) {
	closed := closedPort(t)
	code, _, stderr := runCLI(t, "operation", "get", "x", "--endpoint", closed)
	if code != 1 || strings.Count(stderr, "connection refused (") != 1 || !strings.Contains(stderr, "(not retried: retrying cannot help)") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	r := &tryReporter{}
	req := httptest.NewRequest(http.MethodGet, "http://x/", nil)
	req.Header.Set("x-ms-client-request-id", "id-1")
	var got []string
	for range cliMaxRetries + 1 {
		got = append(got, r.next(req, errors.New("timeout")))
	}
	want := []string{"try 1 of 4; retrying", "try 2 of 4; retrying", "try 3 of 4; retrying", "try 4 of 4; giving up"}
	if strings.Join(got, "|") != strings.Join(want, "|") || len(r.seen) != 0 {
		t.Errorf("got %q (kept %d), want %q", got, len(r.seen), want)
	}
}

// TestMessagesSayWhereToLook: a wrong flag names the --help to read; a mock command against
// a server without the control API says so.
func TestMessagesSayWhereToLook(t *testing.T) {
	noControl, _ := startServe(t, serveCmd{NoControlAPI: true})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"operation", "get", "x", "--nope"}, "(see phonenumbers operation get --help)"},
		{[]string{"frobnicate"}, "(see phonenumbers --help)"},
		{[]string{"mock", "list", "--endpoint", noControl}, "are off on this server (serve --no-control-api); start serve without --no-control-api"},
	}
	for _, tt := range tests {
		_, _, stderr := runCLI(t, tt.args...)
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tt.args, tt.want, stderr)
		}
	}
}

func TestCheckOneOperation(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"id":"a","operationType":"search","timeline":[{"status":"running"}]}`, ""},
		{`{"id":"a",`, "is not JSON (unexpected end of JSON input"},
		{`{"id": "a" x}`, "at byte"},
		{"operations:\n  - id: a\n", "a YAML fixtures file of many operations is for mock load (or serve --fixtures)"},
		{`[{"id":"a"}]`, "is a list; mock create takes one operation"},
		{`{"operations":[]}`, "is a fixtures file"},
		// 1 MiB of {}: counted, not decoded into a third of a million maps (issue 21).
		{`{"id":"a","timeline":[` + strings.Repeat(`{},`, 300_000) + `{}]}`, "holds more than 1000 objects and lists, the limit; the server refuses it too"},
		{`"x"`, "is not an operation"},
	}
	for _, tt := range tests {
		err := checkOneOperation("-", []byte(tt.in))
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: err %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestMockVerify: mock verify exits 0 when the journal holds what was asked for and 1 with
// the count otherwise, printing the matching requests.
func TestMockVerify(t *testing.T) {
	base, _ := startServe(t, serveCmd{})
	for range 2 {
		if code, _, stderr := runCLI(t, "operation", "get", "search-my-operation-id", "--endpoint", base); code != 0 {
			t.Fatalf("get: %s", stderr)
		}
	}
	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"--operation", "search-my-operation-id", "--count", "2"}, 0, `2 recorded requests match operation "search-my-operation-id" (exactly 2)`},
		{[]string{"--operation", "search-my-operation-id", "--method", "get", "--status", "200"}, 0, "match method GET, operation"},
		{[]string{"--operation", "search-my-operation-id", "--at-least", "3"}, 1, "2 recorded requests match operation \"search-my-operation-id\", want at least 3"},
		{[]string{"--operation", "other"}, 1, "0 recorded requests match operation \"other\", want at least 1"},
		{[]string{"--method", "DELETE", "--count", "0"}, 0, "0 recorded requests match method DELETE (exactly 0)"},
		{[]string{"--since", "2999-01-01T00:00:00Z", "--count", "0"}, 0, "since 2999-01-01T00:00:00Z (exactly 0)"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, append([]string{"mock", "verify", "--endpoint", base}, tt.args...)...)
		if code != tt.wantCode || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d (want %d):\n%s%s", tt.args, code, tt.wantCode, stdout, stderr)
		}
		if tt.wantCode == 0 && strings.Contains(tt.want, "exactly 2") && strings.Count(stdout, "GET /phoneNumbers/operations/search-my-operation-id?") != 2 {
			t.Errorf("matching requests not printed:\n%s", stdout)
		}
	}
}
