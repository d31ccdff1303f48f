package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

const testKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

func referenceHandler(t testing.TB, key string) http.Handler {
	t.Helper()
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(store, &server.Options{AccessKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func runLive(t *testing.T, h http.Handler, opts conformance.LiveOptions) *conformance.Report {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	opts.Endpoint = ts.URL
	rep, err := v.RunLive(context.Background(), &opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReferenceServerConforms(t *testing.T) {
	tests := []struct {
		name string
		key  string
		opts conformance.LiveOptions
	}{
		{"open", "", conformance.LiveOptions{}},
		{"with access key", testKey, conformance.LiveOptions{AccessKey: testKey}},
		{"strict, polling every default operation", testKey, conformance.LiveOptions{AccessKey: testKey, Strict: true, Poll: true,
			PollInterval: time.Millisecond, PollTimeout: 10 * time.Second, OperationIDs: []string{
				"search-my-operation-id", "purchase_18c224b7-0000-4000-8000-000000000001",
				"purchase_18c224b7-0000-4000-8000-000000000002", "capabilities_bab5d3ea-0000-4000-8000-000000000003",
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runLive(t, referenceHandler(t, tt.key), tt.opts)
			if rep.Failed() || rep.Summary.Warnings > 0 {
				var b bytes.Buffer
				_ = rep.WriteText(&b, nil)
				t.Fatalf("the reference server does not conform:\n%s", b.String())
			}
			checks := map[string]bool{}
			for _, r := range rep.Results {
				checks[r.Check] = true
			}
			want := []string{"response-schema", "operation-exists", "valid-json", "id-matches", "location-header", "error-matches-status",
				"api-supported-versions", "unknown-id-4xx", "missing-api-version-4xx",
				"unsupported-api-version-4xx", "put-not-allowed", "post-not-allowed", "no-5xx"}
			if tt.key != "" {
				want = append(want, "unsigned-request-401", "tampered-signature-401")
			}
			for _, c := range want {
				if !checks[c] {
					t.Errorf("check %s did not run", c)
				}
			}
		})
	}
}

func TestUnreachableServer(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	v, _ := conformance.NewValidator()
	_, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: url})
	var ce *conformance.ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ConnectionError", err)
	}
	if _, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: "ftp://x"}); err == nil {
		t.Error("ftp endpoint accepted")
	}
}

// mutate wraps the reference server and rewrites its answers.
type mutate struct {
	next   http.Handler
	status func(r *http.Request, status int) int
	body   func(r *http.Request, body []byte) []byte
	header func(r *http.Request, h http.Header)
	before func(r *http.Request) // may rewrite the request before it reaches the server
}

func (m mutate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.before != nil {
		m.before(r)
	}
	rec := httptest.NewRecorder()
	m.next.ServeHTTP(rec, r)
	status, body, h := rec.Code, rec.Body.Bytes(), rec.Header()
	if m.body != nil {
		body = m.body(r, body)
	}
	if m.status != nil {
		status = m.status(r, status)
	}
	if m.header != nil {
		m.header(r, h)
	}
	for k, v := range h {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func isOp(r *http.Request, id string) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+id)
}

func replaceInSeed(old, repl string) func(*http.Request, []byte) []byte {
	return func(r *http.Request, b []byte) []byte {
		if isOp(r, types.ExampleOperationID) {
			return bytes.Replace(b, []byte(old), []byte(repl), 1)
		}
		return b
	}
}

func TestMutationsAreCaught(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		m         mutate
		wantCheck string
		wantPath  string // optional: the violation's pointer
	}{
		{"wrong enum case", "", mutate{body: replaceInSeed(`"succeeded"`, `"Succeeded"`)}, "response-schema", "/status"},
		{"unknown operation type", "", mutate{body: replaceInSeed(`"search"`, `"reservationPurchase"`)}, "response-schema", "/operationType"},
		{"missing required field", "", mutate{body: replaceInSeed(`"id":"search-my-operation-id",`, ``)}, "response-schema", ""},
		{"bad date-time", "", mutate{body: replaceInSeed(`2020-11-19T16:31:49.048+00:00`, `19/11/2020 16:31`)}, "response-schema", "/createdDateTime"},
		{"wrong content type", "", mutate{header: func(r *http.Request, h http.Header) {
			if isOp(r, types.ExampleOperationID) {
				h.Set("Content-Type", "text/plain")
			}
		}}, "response-schema", ""},
		{"not JSON", "", mutate{body: replaceInSeed(`{`, `{{`)}, "valid-json", ""},
		{"wrong id", "", mutate{body: replaceInSeed(`"search-my-operation-id"`, `"other-id"`)}, "id-matches", "/id"},
		{"error body of the wrong shape", "", mutate{body: func(r *http.Request, b []byte) []byte {
			if strings.Contains(r.URL.Path, "conformance-unknown-") {
				return []byte(`{"message":"not found"}`)
			}
			return b
		}}, "unknown-id-4xx", "/error"},
		{"500 on unknown ids", "", mutate{status: func(r *http.Request, s int) int {
			if strings.Contains(r.URL.Path, "conformance-unknown-") {
				return 500
			}
			return s
		}}, "unknown-id-4xx", ""},
		{"200 on unknown ids", "", mutate{before: func(r *http.Request) {
			if strings.Contains(r.URL.Path, "conformance-unknown-") {
				r.URL.Path = "/phoneNumbers/operations/" + types.ExampleOperationID
			}
		}}, "unknown-id-4xx", ""},
		{"ignored api-version", "", mutate{before: func(r *http.Request) {
			r.URL.RawQuery = "api-version=2022-12-01"
		}}, "missing-api-version-4xx", ""},
		{"ignored unsupported api-version", "", mutate{before: func(r *http.Request) {
			if r.URL.Query().Get("api-version") != "" {
				r.URL.RawQuery = "api-version=2022-12-01"
			}
		}}, "unsupported-api-version-4xx", ""},
		{"ignored auth", testKey, mutate{next: referenceHandler(t, ""), before: func(r *http.Request) {}}, "unsigned-request-401", ""},
		{"PUT accepted", "", mutate{before: func(r *http.Request) {
			if r.Method == http.MethodPut {
				r.Method = http.MethodGet
			}
		}}, "put-not-allowed", ""},
		{"Location missing", "", mutate{header: func(r *http.Request, h http.Header) { h.Del("Location") }}, "location-header", "header Location"},
		{"Location differs", "", mutate{header: func(r *http.Request, h http.Header) {
			if h.Get("Location") != "" {
				h.Set("Location", "/elsewhere")
			}
		}}, "location-header", "header Location"},
		{"no api-supported-versions", "", mutate{header: func(r *http.Request, h http.Header) { delete(h, "api-supported-versions") }}, "api-supported-versions", ""},
		{"succeeded with an error", "", mutate{body: replaceInSeed(`"status":"succeeded",`, `"status":"succeeded","error":{"code":"X","message":"y"},`)}, "error-matches-status", "/error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			if m.next == nil {
				m.next = referenceHandler(t, tt.key)
			}
			rep := runLive(t, m, conformance.LiveOptions{AccessKey: tt.key, Strict: true})
			found := false
			for _, r := range rep.Results {
				if r.Status == conformance.StatusFail && r.Check == tt.wantCheck {
					found = true
					if tt.wantPath != "" && (len(r.Violations) == 0 || r.Violations[0].Path != tt.wantPath) {
						t.Errorf("violations %+v, want one at %s", r.Violations, tt.wantPath)
					}
				}
			}
			if !found {
				b, _ := json.MarshalIndent(rep.Results, "", " ")
				t.Fatalf("check %s did not fail:\n%s", tt.wantCheck, b)
			}
		})
	}
}

func TestShouldRulesWarnUnlessStrict(t *testing.T) {
	h := mutate{next: referenceHandler(t, ""), header: func(r *http.Request, h http.Header) { delete(h, "api-supported-versions") }}
	rep := runLive(t, h, conformance.LiveOptions{})
	if rep.Failed() || rep.Summary.Warnings == 0 {
		t.Fatalf("summary %+v: a SHOULD rule must warn, not fail, without --strict", rep.Summary)
	}
}

// TestRedirectToAnotherOriginIsRefused: a server that redirects the probes elsewhere gets
// neither the signature nor a passing report from the other server's answers.
func TestRedirectToAnotherOriginIsRefused(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		referenceHandler(t, "").ServeHTTP(w, r)
	}))
	defer other.Close()
	redirector := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	ts := httptest.NewServer(redirector)
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, AccessKey: testKey})
	if err == nil && !rep.Failed() {
		t.Fatal("a redirecting server passed")
	}
	if err != nil && !strings.Contains(err.Error(), "another origin") {
		t.Errorf("err = %v, want it to name the refused redirect", err)
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("the other origin received %d requests", n)
	}
}

// TestCancelRules: DELETE is sent only when allowed; the reference server passes the
// cancel rules (an operation really cancelled, then gone), and a server that answers 200
// to a cancel or lets a cancel through without api-version fails them.
func TestCancelRules(t *testing.T) {
	var deletes atomic.Int32
	counting := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				deletes.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
	rep := runLive(t, counting(referenceHandler(t, testKey)), conformance.LiveOptions{AccessKey: testKey, Cases: 60, Seed: 3})
	if deletes.Load() != 0 || rep.Failed() {
		t.Fatalf("without AllowCancel: %d DELETEs sent, failed %v", deletes.Load(), rep.Failed())
	}
	rep = runLive(t, referenceHandler(t, testKey), conformance.LiveOptions{AccessKey: testKey, AllowCancel: true,
		CancelOperationID: "purchase_18c224b7-0000-4000-8000-000000000001"})
	checks := map[string]conformance.Status{}
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Check, "cancel-") {
			checks[r.Check] = r.Status
		}
	}
	for _, c := range []string{"cancel-unknown-id-404", "cancel-missing-api-version-4xx", "cancel-204"} {
		if checks[c] != conformance.StatusPass {
			t.Errorf("%s = %q against the reference server", c, checks[c])
		}
	}
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusOK) // "cancelled", whatever the id or version
			return
		}
		referenceHandler(t, "").ServeHTTP(w, r)
	})
	rep = runLive(t, broken, conformance.LiveOptions{AllowCancel: true, CancelOperationID: "search-my-operation-id"})
	failed := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status == conformance.StatusFail {
			failed[r.Check] = true
		}
	}
	for _, c := range []string{"cancel-unknown-id-404", "cancel-missing-api-version-4xx", "cancel-204"} {
		if !failed[c] {
			t.Errorf("%s passed against a server that answers 200 to every DELETE", c)
		}
	}
}

// TestOtherAPIVersion: the reference server passes at 2025-06-01, with its contract.
func TestOtherAPIVersion(t *testing.T) {
	rep := runLive(t, referenceHandler(t, testKey), conformance.LiveOptions{AccessKey: testKey, APIVersion: "2025-06-01", Cases: 40, Seed: 1})
	if rep.Failed() || rep.SpecVersion != "2025-06-01" {
		var b strings.Builder
		_ = rep.WriteText(&b, nil)
		t.Fatalf("at 2025-06-01:\n%s", b.String())
	}
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: "http://127.0.0.1:1", APIVersion: "2099-01-01"}); err == nil || !strings.Contains(err.Error(), "no known contract") {
		t.Fatalf("an unknown version: %v", err)
	}
}

// TestPreflightMismatches: a server that does not serve the version, or speaks HTTPS to an
// http:// endpoint, stops the run with what to do, instead of failing every check.
func TestPreflightMismatches(t *testing.T) {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	only2022, err := server.New(store, &server.Options{APIVersions: []string{"2022-12-01"}})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(only2022)
	defer plain.Close()
	tlsServer := httptest.NewUnstartedServer(referenceHandler(t, ""))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsServer.StartTLS()
	defer tlsServer.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts conformance.LiveOptions
		want string
	}{
		{"version not served", conformance.LiveOptions{Endpoint: plain.URL, APIVersion: "2025-06-01"}, "does not serve api-version 2025-06-01 (it lists: 2022-12-01)"},
		{"http to an HTTPS server", conformance.LiveOptions{Endpoint: strings.Replace(tlsServer.URL, "https://", "http://", 1)}, "speaks HTTPS: use an https:// endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.RunLive(context.Background(), &tt.opts)
			var me *conformance.MismatchError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a MismatchError saying %q", err, tt.want)
			}
		})
	}
}

// TestNamedOperationReadOnce: the preflight read is the operation's first checked read, not
// an extra poll (a scripted mock counts every read).
func TestNamedOperationReadOnce(t *testing.T) {
	var reads atomic.Int32
	h := referenceHandler(t, "")
	counting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/phoneNumbers/operations/search-my-operation-id" && r.URL.Query().Get("api-version") == "2022-12-01" {
			reads.Add(1)
		}
		h.ServeHTTP(w, r)
	})
	runLive(t, counting, conformance.LiveOptions{})
	// Without a key and without generated cases, only the operation rules read it.
	if n := reads.Load(); n != 1 {
		t.Fatalf("%d reads of the named operation, want 1", n)
	}
}

// TestNoOperationNamed: with no operation named and a server without the published
// example, a server with the mock's control API has its listed operations checked instead
// (and the report says so, --quiet or not), passing over those that misbehave on purpose
// (scripted faults, server-wide fault rules, allowUnknown); one without fails the
// example's read with what to do; a listed operation that fails says it was listed.
func TestNoOperationNamed(t *testing.T) {
	running := []mock.Step{{Status: types.PhoneNumberOperationStatusRunning}}
	ops := []mock.Operation{
		{ID: "purchase_a", OperationType: types.PhoneNumberOperationTypePurchase, Timeline: running},
		{ID: "search_b", OperationType: types.PhoneNumberOperationTypeSearch, Timeline: []mock.Step{{Status: types.PhoneNumberOperationStatusSucceeded}}},
	}
	newMock := func(t *testing.T, ops []mock.Operation, rules []mock.Fault) http.Handler {
		t.Helper()
		store, err := mock.NewMemoryStore(ops, &mock.MemoryStoreOptions{Faults: rules, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		h, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: testKey}})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	faulty := append(slices.Clone(ops),
		mock.Operation{ID: "a_faults", OperationType: types.PhoneNumberOperationTypeSearch, Timeline: running,
			Faults: []mock.Fault{{Requests: []int{1, 2, 3, 4, 5, 6}, Status: http.StatusServiceUnavailable}}},
		mock.Operation{ID: "a_rule", OperationType: types.PhoneNumberOperationTypeSearch, Timeline: running},
		mock.Operation{ID: "a_unknown", OperationType: "reservationPurchase", AllowUnknown: true, Timeline: running})
	every := []mock.Fault{{Rate: 1, Status: http.StatusInternalServerError}}
	fixtures, err := mock.LoadFixtureFile("../../examples/fixtures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	store, err := mock.NewMemoryStore(ops, nil)
	if err != nil {
		t.Fatal(err)
	}
	withoutControl, err := server.New(store, &server.Options{AccessKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	// A control API listing an operation the server does not serve.
	ghost := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mock/operations" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"operations":[{"operation":{"id":"ghost","operationType":"search","timeline":[{"status":"running"}]},"storedAt":"2023-07-14T19:48:16Z","polls":0,"current":{"id":"ghost","status":"running","operationType":"search","createdDateTime":"2023-07-14T19:48:16Z"}}]}`)
			return
		}
		withoutControl.ServeHTTP(w, r)
	})
	tests := []struct {
		name       string
		h          http.Handler
		wantFailed bool
		want       []string // in the text report, --quiet
		not        []string
	}{
		{"control API", newMock(t, ops, nil), false, []string{`SKIP operations-discovered`, `checking the first operations its control API lists instead: "purchase_a", "search_b"`}, []string{"passed over"}},
		{"faulty operations passed over", newMock(t, faulty, []mock.Fault{{Rate: 1, Status: http.StatusInternalServerError, Operations: []string{"a_rule"}}}), false,
			[]string{`lists instead: "purchase_a", "search_b"; passed over for their scripted faults: "a_faults", "a_rule"; passed over for allowing values outside the contract (allowUnknown): "a_unknown"`},
			[]string{"a_faults?", "a_rule?", "a_unknown?"}},
		{"examples/fixtures.yaml", newMock(t, fixtures.Operations, fixtures.Faults), false,
			[]string{`passed over for their scripted faults: "purchase_3a7c1e5b-0000-4000-8000-000000000015", "purchase_5a8bb1a0-0000-4000-8000-000000000010"`}, nil},
		{"every operation faulty", newMock(t, ops, every), true,
			[]string{"its control API lists no operation to check instead", `the published example "search-my-operation-id" was tried`}, nil},
		{"no control API", withoutControl, true, []string{`the published example "search-my-operation-id" was tried`, "name an operation the server serves with --operation-id"}, []string{"operations-discovered"}},
		{"listed operation fails", ghost, true, []string{`no operation was named, so "ghost", listed by the server's control API (GET /mock/operations), was checked, and it answered 404`}, []string{"published example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runLive(t, tt.h, conformance.LiveOptions{AccessKey: testKey, Cases: 20, Seed: 7})
			var b strings.Builder
			_ = rep.WriteText(&b, &conformance.TextOptions{Quiet: true})
			if rep.Failed() != tt.wantFailed {
				t.Fatalf("failed %v, want %v:\n%s", rep.Failed(), tt.wantFailed, b.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tt.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("report has %q:\n%s", w, b.String())
				}
			}
		})
	}
}

// hostileAfter serves the reference server's first n answers, then answers every request
// with misbehave (which has hijacked the connection).
func hostileAfter(t *testing.T, n int64, misbehave func(conn net.Conn)) http.Handler {
	ref := referenceHandler(t, "")
	var seen atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			ref.ServeHTTP(w, r)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		misbehave(conn)
	})
}

// hugeHead is the head of an answer with ~8.4 MB of headers: 600,000 Location lines.
var hugeHead = []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + strings.Repeat("Location: /x\r\n", 600_000) + "Content-Length: 2\r\n\r\n{}")

// resetConn closes conn with a TCP reset.
func resetConn(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
}

// TestLiveLosesTheServerMidway: a server that answers, then resets connections or sends
// headers past the bound (whatever client the caller gave, when its transport is an
// *http.Transport), ends the run with the report so far, a failed server-reachable last,
// and a midway *ConnectionError.
func TestLiveLosesTheServerMidway(t *testing.T) {
	writeHuge := func(conn net.Conn) { _, _ = conn.Write(hugeHead) }
	tests := []struct {
		name      string
		misbehave func(conn net.Conn)
		client    *http.Client
		want      string // in the error and the reason
	}{
		{"reset", resetConn, nil, "lost the server midway"},
		{"huge headers, default client", writeHuge, nil, "headers exceeded"},
		{"huge headers, client without a transport", writeHuge, &http.Client{Timeout: 10 * time.Second}, "headers exceeded"},
		{"huge headers, transport with net/http's default bound", writeHuge, &http.Client{Transport: &http.Transport{}}, "headers exceeded"},
		{"huge headers, transport with a 1 MiB bound", writeHuge, &http.Client{Transport: &http.Transport{MaxResponseHeaderBytes: 1 << 20}}, "headers exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(hostileAfter(t, 1, tt.misbehave))
			t.Cleanup(ts.Close)
			v, err := conformance.NewValidator()
			if err != nil {
				t.Fatal(err)
			}
			rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, HTTPClient: tt.client, Cases: 120, Seed: 1})
			var ce *conformance.ConnectionError
			if !errors.As(err, &ce) || !ce.Midway || !strings.Contains(err.Error(), tt.want) || rep == nil {
				t.Fatalf("err %v (%T), report %v: want a midway ConnectionError and the report", err, err, rep != nil)
			}
			last := rep.Results[len(rep.Results)-1]
			if last.Check != "server-reachable" || last.Status != conformance.StatusFail || !strings.Contains(last.Reason, "lost the server midway") || !rep.Failed() {
				t.Errorf("last result %+v", last)
			}
			passed := false
			for _, r := range rep.Results {
				passed = passed || (r.Check == "operation-exists" && r.Status == conformance.StatusPass)
			}
			if !passed {
				t.Errorf("the results before the loss are not kept: %+v", rep.Results)
			}
			if tt.client != nil && tt.client.Transport != nil {
				if tr := tt.client.Transport.(*http.Transport); tr.MaxResponseHeaderBytes > 1<<20 || (tr.MaxResponseHeaderBytes != 0 && tr.MaxResponseHeaderBytes != 1<<20) {
					t.Errorf("the caller's transport was changed: %d", tr.MaxResponseHeaderBytes)
				}
			}
		})
	}
}
