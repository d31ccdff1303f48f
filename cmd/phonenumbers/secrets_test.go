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

// TestEndpointSecretsNeverEchoed (issue 21, item 9): a connection string passed as
// --endpoint or PHONENUMBERS_ENDPOINT, or a URL with a password, is never printed: not by
// operation, mock or conformance (which printed "... is not an http(s) URL" with the
// access key), nor by the proxy (whose start-up line printed the upstream's password).
func TestEndpointSecretsNeverEchoed(t *testing.T) {
	const password = "Pa55w0rdXYZ"
	connStr := "endpoint=https://contoso.communication.azure.com/;accesskey=" + testKey
	withPassword := "http://user:" + password + "@127.0.0.1:1"
	tests := []struct {
		name string
		env  string // PHONENUMBERS_ENDPOINT
		args []string
		want string
	}{
		{"operation get, connection string as --endpoint", "", []string{"operation", "get", "op", "--endpoint", connStr}, "looks like a connection string"},
		{"operation wait, connection string in PHONENUMBERS_ENDPOINT", connStr, []string{"operation", "wait", "op"}, "looks like a connection string"},
		{"mock list, connection string", "", []string{"mock", "list", "--endpoint", connStr}, "--connection-string"},
		{"mock reset, connection string in PHONENUMBERS_ENDPOINT", connStr, []string{"mock", "reset"}, "looks like a connection string"},
		{"conformance, connection string", "", []string{"conformance", "--endpoint", connStr}, "looks like a connection string"},
		{"conformance, connection string in PHONENUMBERS_ENDPOINT", connStr, []string{"conformance"}, "looks like a connection string"},
		{"operation get, URL password", "", []string{"operation", "get", "op", "--endpoint", withPassword}, "user:xxxxx@127.0.0.1:1"},
		{"mock journal, URL password", "", []string{"mock", "journal", "--endpoint", withPassword}, "user:xxxxx@127.0.0.1:1"},
		{"mock create, URL password", "", []string{"mock", "create", "-", "--endpoint", withPassword}, "user:xxxxx@127.0.0.1:1"},
		{"conformance, URL password", "", []string{"conformance", "--endpoint", withPassword}, "user:xxxxx@127.0.0.1:1"},
		{"proxy, connection string as --upstream", "", []string{"conformance", "proxy", "--listen", "127.0.0.1:0", "--upstream", connStr}, "looks like a connection string"},
		{"proxy, URL password", "", []string{"conformance", "proxy", "--listen", "127.0.0.1:0", "--upstream", withPassword}, "user:xxxxx@127.0.0.1:1"},
		{"a key pasted as --endpoint", "", []string{"operation", "get", "op", "--endpoint", testKey}, "not a URL, not shown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PHONENUMBERS_ENDPOINT", tt.env)
			if tt.env == "" {
				os.Unsetenv("PHONENUMBERS_ENDPOINT")
			}
			var stdout, stderr bytes.Buffer
			code := runIO(context.Background(), tt.args, strings.NewReader(oneOperationExample), &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != exitUsage || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out, exitUsage, tt.want)
			}
			for _, secret := range []string{testKey, password} {
				if strings.Contains(out, secret) {
					t.Errorf("the output shows a secret (%.6s...): %q", secret, out)
				}
			}
		})
	}
}

// TestSignaturesNeverCrossPlainHTTP (issue 21, item 14): with an access key, operation,
// mock, conformance and the proxy refuse an http:// endpoint that is not loopback before
// sending anything (mock, conformance and the proxy used to send replayable signatures in
// clear), and say what to do.
func TestSignaturesNeverCrossPlainHTTP(t *testing.T) {
	remote := "http://phonenumbers.invalid:8080"
	key := []string{"--access-key", testKey}
	tests := []struct {
		name string
		args []string
	}{
		{"operation get", append([]string{"operation", "get", "op", "--endpoint", remote}, key...)},
		{"operation wait", append([]string{"operation", "wait", "op", "--endpoint", remote}, key...)},
		{"mock list", append([]string{"mock", "list", "--endpoint", remote}, key...)},
		{"mock reset", append([]string{"mock", "reset", "--endpoint", remote}, key...)},
		{"mock, connection string", []string{"mock", "reset", "--connection-string", "endpoint=" + remote + "/;accesskey=" + testKey}},
		{"conformance", append([]string{"conformance", "--endpoint", remote}, key...)},
		{"conformance proxy", append([]string{"conformance", "proxy", "--listen", "127.0.0.1:0", "--upstream", remote}, key...)},
		{"conformance diff", append([]string{"conformance", "diff", "--recordings", filepath.Join("..", "..", "testdata", "recordings"), "--endpoint", remote}, key...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, "refusing to send access-key signatures over plain HTTP") || !strings.Contains(stderr, "use an https:// endpoint") {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
		})
	}
}
