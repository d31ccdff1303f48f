package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// startServe runs `serve` on a free loopback port and returns its base URL; the server is
// stopped (and its exit checked) when the test ends.
func startServe(t *testing.T, cmd serveCmd) (string, *servertest.SyncBuffer) {
	t.Helper()
	return startServeWith(t, cmd, serveHooks{})
}

// startServeWith is startServe with test hooks.
func startServeWith(t *testing.T, cmd serveCmd, hooks serveHooks) (string, *servertest.SyncBuffer) {
	t.Helper()
	if cmd.Addr == "" {
		cmd.Addr = "127.0.0.1:0"
	}
	for k, v := range map[string]*string{"live": &cmd.LastAction, "text": &cmd.LogFormat, "info": &cmd.LogLevel} {
		if *v == "" {
			*v = k
		}
	}
	if len(cmd.APIVersions) == 0 {
		cmd.APIVersions = []string{types.DefaultAPIVersion}
	}
	ready := make(chan string, 1)
	hooks.ready = func(u string) { ready <- u }
	ctx, cancel := context.WithCancel(context.Background())
	logs := &servertest.SyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- cmd.serve(ctx, logs, hooks) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve exited early: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return base, logs
}

// TestServeSeedThroughClient is the end-to-end slice: `serve` on a loopback port, the seed
// operation fetched over plain HTTP and validated against the spec, then with the client.
func TestServeSeedThroughClient(t *testing.T) {
	base, logs := startServe(t, serveCmd{})
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/phoneNumbers/operations/search-my-operation-id?api-version="+types.DefaultAPIVersion, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body, err := v.ValidateHTTPResponse(ctx, res)
	if err != nil {
		t.Fatalf("response does not conform to the spec: %v\n%s", err, body)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	const wantLocation = "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
	if got := res.Header.Get("Location"); got != wantLocation {
		t.Errorf("Location = %q, want %q", got, wantLocation)
	}
	want := map[string]any{
		"status": "succeeded", "resourceLocation": wantLocation, "createdDateTime": "2020-11-19T16:31:49.048+00:00",
		"id": "search-my-operation-id", "operationType": "search", "lastActionDateTime": "2020-11-19T22:31:49.048+00:00",
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Errorf("body = %s, want the seed example %s", gotJSON, wantJSON)
	}

	// The client's typed view agrees.
	c, err := client.NewClientWithNoCredential(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	typed, err := c.GetOperation(ctx, "search-my-operation-id", nil)
	if err != nil {
		t.Fatal(err)
	}
	if typed.ID != "search-my-operation-id" || !typed.Status.IsSucceeded() {
		t.Fatalf("typed response = %+v", typed.PhoneNumberOperation)
	}
	if !bytes.Contains([]byte(logs.String()), []byte("phonenumbers server listening")) {
		t.Errorf("startup log missing:\n%s", logs)
	}
}

func TestServeDrainsInFlightRequestsOnShutdown(t *testing.T) {
	inHandler := make(chan struct{})
	release := make(chan struct{})
	cmd := serveCmd{Addr: "127.0.0.1:0", LastAction: "live", LogFormat: "json", LogLevel: "info", APIVersions: []string{types.DefaultAPIVersion}}
	var hooks serveHooks
	hooks.wrap = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("hold") == "1" {
				close(inHandler)
				<-release
			}
			h.ServeHTTP(w, r)
		})
	}
	ready := make(chan string, 1)
	hooks.ready = func(u string) { ready <- u }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.serve(ctx, &servertest.SyncBuffer{}, hooks) }()
	base := <-ready

	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get(base + "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01&hold=1")
		if err != nil {
			got <- result{err: err}
			return
		}
		res.Body.Close()
		got <- result{status: res.StatusCode}
	}()
	<-inHandler
	cancel() // SIGTERM arrives while the request is in flight

	// New connections are refused once shutdown has begun.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections still accepted during shutdown")
		}
		runtime.Gosched()
	}
	close(release)
	if r := <-got; r.err != nil || r.status != http.StatusOK {
		t.Fatalf("in-flight request: status %d, err %v", r.status, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v, want a clean exit", err)
	}
}

func TestServeRefusesInvalidFixtures(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(p, []byte("operations:\n  - id: op-1\n    operationType: search\n    timeline: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--fixtures", p}, &bytes.Buffer{}, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"broken.yaml", "op-1", "timeline"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not mention %q", stderr.String(), want)
		}
	}
}

func TestServeUsageErrors(t *testing.T) {
	tests := [][]string{
		{"serve", "--log-format", "xml"},
		{"serve", "--no-such-flag"},
		{"serve", "--gc-floor-mib", "-1"},
		{"serve", "--gc-floor-mib", "4097"},
		{"nope"},
	}
	for _, args := range tests {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}

func TestServeTLSSelfSignedWithAccessKey(t *testing.T) {
	dir := t.TempDir()
	const key = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"
	base, logs := startServe(t, serveCmd{TLSSelfSigned: dir, AccessKey: key})
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("base URL %s", base)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	res, err := hc.Get(base + "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned request over TLS: %d, want 401", res.StatusCode)
	}
	// TLS 1.1 is refused.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if res, err := old.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Error("TLS 1.1 handshake succeeded")
	}
	if strings.Contains(logs.String(), key) {
		t.Error("the access key appears in the log")
	}
	if !strings.Contains(logs.String(), "HMAC-SHA256 access key required") {
		t.Errorf("startup log does not say auth is on:\n%s", logs)
	}
}
