package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteCurveFiles writes a run's files and checks each: the table as printed, the
// numbers as JSON, and two figures with a point per row of their series.
func TestWriteCurveFiles(t *testing.T) {
	rows := []curveRow{
		{Label: "1 stored operations, 32 connections", Operations: 1, Connections: 32, ReqPerSec: 66700, P99Ms: 1.48, ServerBusy: 1},
		{Label: "10 stored operations, 32 connections", Operations: 10, Connections: 32, ReqPerSec: 70112, P99Ms: 1.5, ServerBusy: 0.99},
		{Label: "1000 stored operations, 32 connections", Operations: 1000, Connections: 32, ReqPerSec: 63421, P99Ms: 1.64, ServerBusy: 1},
		{Label: "10000 stored operations, 32 connections", Operations: 10000, Connections: 32, ReqPerSec: 54779, P99Ms: 2.12, ServerBusy: 1},
		{Label: "1 stored operations, 1 connections", Operations: 1, Connections: 1, ReqPerSec: 29578, P99Ms: 0.103, ServerBusy: 0.69},
		{Label: "1 stored operations, 256 connections", Operations: 1, Connections: 256, ReqPerSec: 58421, P99Ms: 8.39, ServerBusy: 0.8, Unsaturated: true},
	}
	dir := filepath.Join(t.TempDir(), "perf")
	run := curveRun{CPU: "AMD EPYC <test>", CPUs: 2, GoVersion: "go1.26", Date: "2026-12-07T10:00:00Z", Rounds: 3, Duration: "4s", Table: "point req/s\n", Points: rows}
	written, err := writeCurveFiles(dir, run, 32)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 4 {
		t.Fatalf("wrote %v, want 4 files", written)
	}
	for _, tc := range []struct {
		file       string
		wantPoints int // circles per panel
		wantText   []string
	}{
		{"load-curve-operations.svg", 4, []string{"AMD EPYC <test> (2 CPUs), 2026-12-07", "stored operations (log scale), 32 connections", "10,000", "throughput (req/s)", "p99 latency (ms)"}},
		{"load-curve-connections.svg", 3, []string{"wrk connections (log scale)", "256", "hollow point"}},
	} {
		raw, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		circles, text := checkSVG(t, string(raw))
		if circles != 2*tc.wantPoints {
			t.Errorf("%s: %d circles, want %d", tc.file, circles, 2*tc.wantPoints)
		}
		for _, w := range tc.wantText {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in its text", tc.file, w)
			}
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "load-curve.txt")); err != nil || string(raw) != run.Table {
		t.Errorf("load-curve.txt = %q, %v; want the table", raw, err)
	}
	var back curveRun
	raw, err := os.ReadFile(filepath.Join(dir, "load-curve.json"))
	if err == nil {
		err = json.Unmarshal(raw, &back)
	}
	if err != nil || len(back.Points) != len(rows) || back.CPU != run.CPU || !back.Points[5].Unsaturated {
		t.Errorf("load-curve.json: %v\n%s", err, raw)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestMachine(t *testing.T) {
	model, cpus := machine()
	if model == "" || cpus < 1 {
		t.Errorf("machine() = %q, %d", model, cpus)
	}
}
