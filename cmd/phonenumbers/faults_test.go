package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWaitThroughScriptedFaults (issue 23): operation wait gets an operation through a
// scripted 503 and 429 with Retry-After, waiting as asked, and prints each retried answer
// as it happens.
func TestWaitThroughScriptedFaults(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "faults.yaml")
	doc := `operations:
  - id: purchase_flaky
    operationType: purchase
    timeline:
      - status: running
      - status: succeeded
        afterPolls: 1
    faults:
      - requests: [1]
        status: 503
        retryAfter: 1s
      - requests: [3]
        status: 429
        retryAfter: 1s
`
	if err := os.WriteFile(fixtures, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	base, logs := startServe(t, serveCmd{Fixtures: fixtures})
	start := time.Now()
	code, stdout, stderr := runCLI(t, "operation", "wait", "purchase_flaky", "--endpoint", base, "--interval", "100ms")
	if code != 0 || !strings.Contains(stdout, `"status": "succeeded"`) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"HTTP 503, Retry-After 1 s (try 1 of 4; retrying)", "HTTP 429, Retry-After 1 s (try 1 of 4; retrying)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if waited := time.Since(start); waited < 2*time.Second {
		t.Errorf("done after %v; the two Retry-After: 1 ask for 2 s", waited)
	}
	if !strings.Contains(logs.String(), "seed=") {
		t.Errorf("the start-up log does not give the seed:\n%s", logs)
	}
}
