package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
)

// curveRow is one measured point of the growth curve, as load-curve.json keeps it.
type curveRow struct {
	Label       string  `json:"label"`
	Operations  int     `json:"operations"`  // operations the server held
	Connections int     `json:"connections"` // wrk connections
	ReqPerSec   float64 `json:"reqPerSec"`   // median throughput of the runs
	P50Ms       float64 `json:"p50Ms"`       // median of the runs' p50 latency, milliseconds
	P99Ms       float64 `json:"p99Ms"`       // median of the runs' p99 latency, milliseconds
	ServerBusy  float64 `json:"serverBusy"`  // median share of the server's core in use (1: saturated)
	WrkBusy     float64 `json:"wrkBusy"`     // the same for wrk's core
	// Unsaturated marks a point driven by several connections whose server core was
	// under -min-busy: the host or wrk, not the server, set its pace.
	Unsaturated bool `json:"unsaturated,omitempty"`
}

// curveRun is a whole growth-curve run: where and how it was measured, and its points.
type curveRun struct {
	CPU       string     `json:"cpu"`  // /proc/cpuinfo's model name
	CPUs      int        `json:"cpus"` // the machine's processors, not the harness's pinned one
	GoVersion string     `json:"goVersion"`
	Date      string     `json:"date"` // when the run ended, UTC, RFC 3339
	Rounds    int        `json:"rounds"`
	Duration  string     `json:"runDuration"` // of each run of each point
	MinBusy   float64    `json:"minBusy"`
	Table     string     `json:"-"` // the table printed, kept as load-curve.txt
	Points    []curveRow `json:"points"`
}

// writeCurveFiles writes the run into dir: load-curve.txt (the printed table),
// load-curve.json (the numbers), load-curve-operations.svg (throughput and p99 against
// stored operations, at the default connections) and load-curve-connections.svg
// (against connections, one stored operation). Each file is written beside its path and
// renamed, so that an interrupted run leaves the previous figure whole.
func writeCurveFiles(dir string, run curveRun, conns int) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var byOps, byConns []curveRow
	for _, p := range run.Points {
		if p.Connections == conns {
			byOps = append(byOps, p)
		}
		if p.Operations == 1 {
			byConns = append(byConns, p)
		}
	}
	sortRows(byConns, func(r curveRow) int { return r.Connections })
	sortRows(byOps, func(r curveRow) int { return r.Operations })
	title := fmt.Sprintf("phonenumbers serve, %s (%d CPUs), %s", run.CPU, run.CPUs, run.Date[:min(len(run.Date), 10)])
	how := fmt.Sprintf("median of %d runs of %s a point; serve on one pinned core (GOMAXPROCS=1), wrk -t1 on the other; %s", run.Rounds, run.Duration, run.GoVersion)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"load-curve.txt", func(w io.Writer) error { _, err := io.WriteString(w, run.Table); return err }},
		{"load-curve.json", func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(run)
		}},
		{"load-curve-operations.svg", func(w io.Writer) error {
			return writeSVG(w, curvePlot(title, how, fmt.Sprintf("stored operations (log scale), %d connections", conns), byOps, func(r curveRow) int { return r.Operations }))
		}},
		{"load-curve-connections.svg", func(w io.Writer) error {
			return writeSVG(w, curvePlot(title, how, "wrk connections (log scale), 1 stored operation", byConns, func(r curveRow) int { return r.Connections }))
		}},
	}
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := safefile.WriteAtomic(path, f.write); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// curvePlot is the figure of rows against x: a throughput panel and a p99 panel.
func curvePlot(title, how, xLabel string, rows []curveRow, x func(curveRow) int) plot {
	p := plot{Title: title, Subtitle: how, XLabel: xLabel, LogX: true,
		MarkNote: "hollow point: the server's core was not saturated (the host or wrk set the pace)",
		Panels:   []panel{{Label: "throughput (req/s)", Color: "#1f77b4"}, {Label: "p99 latency (ms)", Color: "#d62728"}}}
	for _, r := range rows {
		p.X = append(p.X, float64(x(r)))
		p.Marked = append(p.Marked, r.Unsaturated)
		p.Panels[0].Y = append(p.Panels[0].Y, r.ReqPerSec)
		p.Panels[1].Y = append(p.Panels[1].Y, r.P99Ms)
	}
	return p
}

// sortRows sorts rows by key, ascending: a line joins the points left to right.
func sortRows(rows []curveRow, key func(curveRow) int) {
	slices.SortStableFunc(rows, func(a, b curveRow) int { return cmp.Compare(key(a), key(b)) })
}

// machine returns the CPU's model name and the machine's processor count, from
// /proc/cpuinfo (runtime.NumCPU would count only the harness's pinned CPU).
func machine() (model string, cpus int) {
	model = runtime.GOARCH
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return model, runtime.NumCPU()
	}
	defer f.Close()
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "processor":
			cpus++
		case "model name":
			if !found {
				model, found = strings.TrimSpace(v), true
			}
		}
	}
	if cpus == 0 {
		cpus = runtime.NumCPU()
	}
	return model, cpus
}

// newCurveRun describes a run that ends now.
func newCurveRun(c config, table string, rows []curveRow) curveRun {
	model, cpus := machine()
	return curveRun{CPU: model, CPUs: cpus, GoVersion: runtime.Version(), Date: time.Now().UTC().Format(time.RFC3339),
		Rounds: c.curveRounds, Duration: c.duration.String(), MinBusy: c.minBusy, Table: table, Points: rows}
}
