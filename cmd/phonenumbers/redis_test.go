package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/redistest"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// replicaFixtures: an operation going running -> notStarted after 3 polls -> succeeded
// after 7.
const replicaFixtures = `operations:
  - id: purchase_replicas
    operationType: purchase
    timeline:
      - status: running
      - status: notStarted
        afterPolls: 3
      - status: succeeded
        afterPolls: 7
`

func writeReplicaFixtures(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(p, []byte(replicaFixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pollStatus GETs an operation and returns the HTTP status and the operation's status.
func pollStatus(t *testing.T, base, id string) (int, string) {
	t.Helper()
	res, err := http.Get(base + "/phoneNumbers/operations/" + id + "?api-version=" + types.DefaultAPIVersion)
	if err != nil {
		t.Fatalf("GET %s: %v", id, err)
	}
	defer res.Body.Close()
	var op types.PhoneNumberOperation
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &op)
	return res.StatusCode, string(op.Status)
}

// TestServeReplicasOnRedis: two serve processes on one Redis are one mock. Polls
// alternate between them and the timeline's afterPolls steps are reached at exactly the
// right count; the journal, control changes and resources are shared; the default
// resource and a named one are kept apart.
func TestServeReplicasOnRedis(t *testing.T) {
	rs := redistest.Start(t)
	fixtures := writeReplicaFixtures(t)
	cmd := serveCmd{Store: rs.URL, Fixtures: fixtures, JournalSize: 100, Resources: []string{"alpha"}}
	a, _ := startServe(t, cmd)
	b, _ := startServe(t, cmd)
	want := []string{"running", "running", "running", "notStarted", "notStarted", "notStarted", "notStarted", "succeeded", "succeeded", "succeeded"}
	for i, w := range want {
		base := []string{a, b}[i%2]
		if code, got := pollStatus(t, base, "purchase_replicas"); code != 200 || got != w {
			t.Errorf("poll %d (replica %c): %d %q, want %q", i+1, "ab"[i%2], code, got, w)
		}
	}
	// The named resource has its own state: its first poll is the timeline's first.
	if _, got := pollStatus(t, b+"/alpha", "purchase_replicas"); got != "running" {
		t.Errorf("resource alpha: %q, want running (its own polls)", got)
	}
	// The journal is one: replica b lists a's requests too.
	res, err := http.Get(b + "/mock/journal?operation=purchase_replicas")
	if err != nil {
		t.Fatal(err)
	}
	var journal struct{ Entries []json.RawMessage }
	_ = json.NewDecoder(res.Body).Decode(&journal)
	res.Body.Close()
	if len(journal.Entries) != len(want) {
		t.Errorf("b's journal holds %d of the %d polls", len(journal.Entries), len(want))
	}
	// A control change through a is seen through b at once.
	body := `{"id":"purchase_new","operationType":"purchase","timeline":[{"status":"running"},{"status":"succeeded","afterPolls":1}]}`
	res, err = http.Post(a+"/mock/operations", "application/json", strings.NewReader(body))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create through a: %v %v", res, err)
	}
	res.Body.Close()
	for i, w := range []string{"running", "succeeded"} {
		if _, got := pollStatus(t, []string{b, a}[i], "purchase_new"); got != w {
			t.Errorf("purchase_new poll %d: %q, want %q", i+1, got, w)
		}
	}
}

// TestServeSurvivesRedisRestart: while Redis is down, requests are answered 503 (within
// the store's timeout) and serve keeps running; once it is back, every request succeeds
// again and the state Redis persisted (here with appendonly) is served on.
func TestServeSurvivesRedisRestart(t *testing.T) {
	rs := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	base, logs := startServe(t, serveCmd{Store: rs.URL, Fixtures: writeReplicaFixtures(t)})
	for range 3 {
		if code, got := pollStatus(t, base, "purchase_replicas"); code != 200 || got != "running" {
			t.Fatalf("before the outage: %d %q", code, got)
		}
	}
	rs.Stop()
	for i := range 3 {
		began := time.Now()
		if code, _ := pollStatus(t, base, "purchase_replicas"); code != 503 {
			t.Errorf("during the outage, request %d: %d, want 503", i+1, code)
		}
		if took := time.Since(began); took > 3*time.Second {
			t.Errorf("a request during the outage took %s", took)
		}
	}
	rs.Restart()
	// Polls 4..7 (3 before the outage; the faulted-by-outage requests counted nothing).
	for i, w := range []string{"notStarted", "notStarted", "notStarted", "notStarted", "succeeded"} {
		if code, got := pollStatus(t, base, "purchase_replicas"); code != 200 || got != w {
			t.Errorf("after the outage, poll %d: %d %q, want 200 %q", i+4, code, got, w)
		}
	}
	deadline := time.Now().Add(5 * time.Second) // the log is written in the background
	for !strings.Contains(logs.String(), "reachable again") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if l := logs.String(); strings.Count(l, "unreachable") != 1 || !strings.Contains(l, "reachable again") {
		t.Errorf("the log does not say once that Redis was lost, and that it was found again:\n%s", l)
	}
}

// TestRedisPasswordNeverPrinted: a password in --store's URL or in
// PHONENUMBERS_REDIS_PASSWORD reaches Redis and no log line or error.
func TestRedisPasswordNeverPrinted(t *testing.T) {
	const secret = "s3cret-redis-pw"
	rs := redistest.Start(t, "--requirepass", secret)
	for name, cmd := range map[string]serveCmd{
		"in the URL":         {Store: fmt.Sprintf("redis://:%s@%s/0", secret, rs.Addr)},
		"in the environment": {Store: rs.URL, RedisPassword: secret},
	} {
		t.Run(name, func(t *testing.T) {
			base, logs := startServe(t, cmd)
			if code, _ := pollStatus(t, base, types.ExampleOperationID); code != 200 {
				t.Errorf("GET with the password: %d", code)
			}
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the log shows the password:\n%s", logs)
			}
			if !strings.Contains(logs.String(), "store=redis://") {
				t.Errorf("the log does not name the store:\n%s", logs)
			}
		})
	}
	for _, spec := range []string{"redis://:" + secret + "@127.0.0.1:1/notadb", "redis://:" + secret + "@[::1/0", "http://:" + secret + "@host/0"} {
		_, err := openStore(spec, "")
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("openStore(%q) = %v; want an error without the password", spec, err)
		}
	}
	// The flag check moved from serve to checkFlags (run before serve, exit 2): calling
	// serve here, as this test did, served for ever with a background context.
	cmd := serveCmd{Addr: "127.0.0.1:0", LogFormat: "text", LogLevel: "info", LastAction: "live"}
	cmd.Store = "memory"
	cmd.OperationTTL = time.Minute
	if err := cmd.checkFlags(); err == nil || !strings.Contains(err.Error(), "--operation-ttl needs --store") {
		t.Errorf("--operation-ttl with the memory store: %v", err)
	}
	if code, _, stderr := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--operation-ttl", "1m"); code != exitUsage || !strings.Contains(stderr, "--operation-ttl needs --store") {
		t.Errorf("serve --operation-ttl with the memory store: exit %d: %s", code, stderr)
	}
}

// TestStoreURLRedacted: whatever a --store URL carries besides the scheme, host, port and
// database (a user name, a password given as the user, a query holding one) is never
// printed: not in the start-up log, not in an error.
func TestStoreURLRedacted(t *testing.T) {
	const secret = "S3cr3tXYZ"
	for _, tc := range []struct{ spec, want string }{
		{"redis://:" + secret + "@127.0.0.1:1/0?foo=" + secret, "redis://127.0.0.1:1/0"},
		{"redis://" + secret + "@127.0.0.1:1/0", "redis://127.0.0.1:1/0"},
		{"redis://127.0.0.1:1/0?password=" + secret, "redis://127.0.0.1:1/0"},
		{"redis://" + secret + ":" + secret + "@127.0.0.1:1/2", "redis://127.0.0.1:1/2"},
		{"rediss://u:" + secret + "@[::1]:6380/3?dial_timeout=" + secret, "rediss://[::1]:6380/3"},
	} {
		b, err := openStore(tc.spec, "")
		if err != nil {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("openStore(%q): the error shows the secret: %v", tc.spec, err)
			}
			continue
		}
		if got := b.describe(); got != tc.want {
			t.Errorf("openStore(%q).describe() = %q, want %q", tc.spec, got, tc.want)
		}
		b.close()
	}
	for _, spec := range []string{
		"redis://u:" + secret + "@127.0.0.1:1/notadb?x=" + secret,
		"redis://127.0.0.1:1/0?dial_timeout=" + secret,
		"redis://" + secret + "@127.0.0.1:1/x" + secret,
		"ftp://" + secret + "@h/0?p=" + secret,
	} {
		if _, err := openStore(spec, ""); err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("openStore(%q) = %v; want an error without the secret", spec, err)
		}
	}
	// The start-up log, with a Redis that cannot be reached: INFO and WARN lines. (go-redis
	// refuses ?password= and other unknown options: the errors above.)
	for _, spec := range []string{
		"redis://" + secret + "@127.0.0.1:1/0",
		"redis://u:" + secret + "@127.0.0.1:1/0",
	} {
		_, logs := startServe(t, serveCmd{Store: spec})
		if l := logs.String(); strings.Contains(l, secret) || !strings.Contains(l, "store=redis://127.0.0.1:1/0") {
			t.Errorf("--store %q: the log shows the secret or not the store:\n%s", spec, l)
		}
	}
}

// TestServeRefusesAWrongRedisPassword (issue 24 trial): a missing or wrong password looked
// like an outage (503 for ever); it is a usage error at start-up, saying what to check.
func TestServeRefusesAWrongRedisPassword(t *testing.T) {
	rs := redistest.Start(t, "--requirepass", "right-pw")
	for name, env := range map[string]string{"no password": "", "a wrong one": "wrong-pw"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("PHONENUMBERS_REDIS_PASSWORD", env)
			code, _, stderr := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--store", rs.URL)
			if code != exitUsage || !strings.Contains(stderr, "Redis refused the credentials") || (env != "" && strings.Contains(stderr, env)) {
				t.Fatalf("exit %d: %s", code, stderr)
			}
		})
	}
}
