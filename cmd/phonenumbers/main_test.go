package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// runMainEnv makes the test binary act as the phonenumbers command, so tests can run it
// as a real process (signals, exit codes).
const runMainEnv = "PHONENUMBERS_TEST_RUN_MAIN"

// TestMain fails the package when a test leaves goroutines behind.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	// Tests must not write into a CI system's real step summary.
	os.Unsetenv("GITHUB_STEP_SUMMARY")
	goleak.VerifyTestMain(m)
}
