package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// recordingsDir is the recorded live traffic the fidelity floors are measured on.
const recordingsDir = "../../testdata/recordings"

// TestFidelityFloor is `make test`'s fidelity gate: `conformance diff` replays every
// recorded operation exchange against `serve --recordings testdata/recordings` and the
// answers must reproduce the live service's, every status and at least the floors of the
// items (docs/fidelity.md has the figures). With --recorded-states-only, over TLS, the
// server's own headers are measured instead of the replayed ones.
func TestFidelityFloor(t *testing.T) {
	tests := []struct {
		name               string
		statesOnly         bool
		minScore, minExact string
	}{
		{"replayed answers", false, "0.97", "0.82"},
		{"the server's own headers", true, "0.90", "0.60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := serveCmd{Recordings: recordingsDir, RecordedStatesOnly: tt.statesOnly, APIVersions: openapi.DefaultVersions()}
			args := []string{"conformance", "diff", "--recordings", recordingsDir}
			if tt.statesOnly {
				cmd.TLSSelfSigned = filepath.Join(dir, "tls")
				args = append(args, "--ca-cert", filepath.Join(dir, "tls", "cert.pem"))
			}
			base, _ := startServe(t, cmd)
			report := filepath.Join(dir, "diff.json")
			args = append(args, "--endpoint", base, "--json", report, "--min-score", tt.minScore, "--min-exact", tt.minExact)
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("conformance diff exited %d\n%s\n%s", code, stdout, stderr)
			}
			var rep conformance.DiffReport
			b, err := os.ReadFile(report)
			if err != nil || json.Unmarshal(b, &rep) != nil {
				t.Fatalf("report: %v", err)
			}
			if rep.Exchanges.Answered != 151 {
				t.Errorf("%d exchanges answered, want the 151 recorded polls", rep.Exchanges.Answered)
			}
			for _, st := range rep.Statuses {
				if st.Reproduced != st.Recorded {
					t.Errorf("status %d: %d of %d reproduced", st.Status, st.Reproduced, st.Recorded)
				}
			}
			t.Log(rep.TotalsLine())
		})
	}
}
