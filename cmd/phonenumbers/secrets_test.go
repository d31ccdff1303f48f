package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
)

// TestSecretsNeverLeak drives every path that handles a credential (signed and badly
// signed requests, the CLI, the client with azcore logging switched fully on, the control
// API and its journal, conformance reports) and searches everything that was written (server
// logs at debug level, client logs, stdout, stderr, report files) for the access key and
// for every Authorization value that was sent.
func TestSecretsNeverLeak(t *testing.T) {
	var (
		mu        sync.Mutex
		sentAuths []string
		clientLog bytes.Buffer
	)
	azlog.SetListener(func(ev azlog.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		clientLog.WriteString(string(ev) + ": " + msg + "\n")
	})
	t.Cleanup(func() { azlog.SetListener(nil) })

	record := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if a := r.Header.Get("Authorization"); a != "" {
				mu.Lock()
				sentAuths = append(sentAuths, a)
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	}
	base, serverLog := startServeWith(t, serveCmd{AccessKey: testKey, LogLevel: "debug", LogFormat: "json"}, serveHooks{wrap: record})

	var outputs []string
	cli := func(args ...string) {
		_, stdout, stderr := runCLI(t, args...)
		outputs = append(outputs, stdout, stderr)
	}
	conn := []string{"--endpoint", base, "--access-key", testKey}
	cli(append([]string{"operation", "get", "search-my-operation-id"}, conn...)...)
	cli(append([]string{"operation", "get", "nope"}, conn...)...)
	cli(append([]string{"operation", "wait", "purchase_18c224b7-0000-4000-8000-000000000002", "--interval", "1ms"}, conn...)...)
	cli("operation", "get", "search-my-operation-id", "--endpoint", base, "--access-key", "d3Jvbmcta2V5LXdyb25nLWtleQ==")
	cli("operation", "get", "x", "--connection-string", "endpoint="+base+"/;accesskey="+testKey+"!")
	dir := t.TempDir()
	cli(append([]string{"conformance", "--json", filepath.Join(dir, "r.json"), "--junit", filepath.Join(dir, "r.xml")}, conn...)...)
	cli("conformance", "--endpoint", base, "--access-key", "d3Jvbmcta2V5LXdyb25nLWtleQ==")
	for _, f := range []string{"r.json", "r.xml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(b))
	}
	// Requests with credentials that are wrong, and a bearer token.
	for _, auth := range []string{"Bearer eyJhbGciOiJub25lIn0.secret-token-value.sig", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ=="} {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", base+"/phoneNumbers/operations/x?api-version=2022-12-01", nil)
		req.Header.Set("Authorization", auth)
		if res, err := http.DefaultClient.Do(req); err == nil {
			b := new(bytes.Buffer)
			_, _ = b.ReadFrom(res.Body)
			res.Body.Close()
			outputs = append(outputs, b.String())
		}
	}
	_, journal, _ := runCLI(t, "operation", "get", "search-my-operation-id", "--endpoint", base, "--access-key", testKey)
	outputs = append(outputs, journal)
	http.DefaultClient.CloseIdleConnections()

	mu.Lock()
	secrets := append([]string{testKey, "secret-token-value", "c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ=="}, sentAuths...)
	all := map[string]string{"server log": serverLog.String(), "client log": clientLog.String(), "CLI output and reports": strings.Join(outputs, "\n")}
	mu.Unlock()
	if len(sentAuths) < 10 {
		t.Fatalf("only %d signed requests observed; the test did not exercise enough", len(sentAuths))
	}
	for where, text := range all {
		if text == "" {
			t.Errorf("%s is empty: nothing was captured", where)
		}
		for _, s := range secrets {
			sig := s
			if _, after, ok := strings.Cut(s, "Signature="); ok {
				sig = after
			}
			if strings.Contains(text, sig) {
				t.Errorf("%s contains a secret (%.12s...)", where, sig)
			}
		}
	}
}
