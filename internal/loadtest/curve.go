package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runCurve measures how serve (open) scales with what it holds and with how many clients
// it has: throughput and p99 at 1, 10, 1,000 and 10,000 stored operations (requests spread
// over all of them at random), and at 1, 32 and 256 connections. Every point has its own
// server; the points are measured in turn, -curve-rounds times over, and each reports the
// median of its runs, so that a slow moment of the machine does not land on one point.
func runCurve(c config) error {
	tmp, logs, err := prepare(c)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer logs.Close()
	var points []*curvePoint
	defer func() {
		for _, p := range points {
			p.srv.stop()
		}
	}()
	for _, pc := range [][2]int{{1, c.connections}, {10, c.connections}, {1000, c.connections}, {10000, c.connections}, {1, 1}, {1, 256}} {
		p, err := c.startCurvePoint(tmp, logs, pc[0], pc[1])
		if err != nil {
			return err
		}
		points = append(points, p)
	}
	fmt.Printf("curve: serve on CPU %d (GOMAXPROCS=1, access log at info to a file), wrk -t1 on CPU %d, %d rounds of %s per point, medians\n",
		c.serverCPU, c.loadCPU, c.curveRounds, c.duration)
	for range c.curveRounds {
		for _, p := range points {
			if err := p.measure(c.duration); err != nil {
				return err
			}
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-40s %12s %9s %9s %10s %10s\n", "point", "req/s", "p50", "p99", "server CPU", "wrk CPU")
	var unsaturated []string
	var rows []curveRow
	for _, p := range points {
		s := series{results: p.results}
		busy := median(s.busy(func(r result) float64 { return r.serverBusy }))
		row := curveRow{Label: p.label, Operations: p.ops, Connections: p.conns, ReqPerSec: median(s.throughputs()),
			P50Ms: ms(s.medianP(func(r result) time.Duration { return r.p50 })), P99Ms: ms(s.medianP(func(r result) time.Duration { return r.p99 })),
			ServerBusy: busy, WrkBusy: median(s.busy(func(r result) float64 { return r.wrkBusy }))}
		mark := ""
		if p.conns > 1 && busy < c.minBusy { // one connection is latency-bound by nature
			mark = " *"
			row.Unsaturated = true
			unsaturated = append(unsaturated, p.label)
		}
		rows = append(rows, row)
		fmt.Fprintf(&table, "%-40s %12.0f %9s %9s %10s %10s%s\n", p.label, row.ReqPerSec, s.medianP(func(r result) time.Duration { return r.p50 }),
			s.medianP(func(r result) time.Duration { return r.p99 }), fmtBusy([]float64{busy}),
			fmtBusy(s.busy(func(r result) float64 { return r.wrkBusy })), mark)
	}
	var why error
	if len(unsaturated) > 0 {
		why = fmt.Errorf("* the server's core was under %.0f%% busy at %s: the host or wrk, not the server, set the pace; run again on a quiet machine",
			100*c.minBusy, strings.Join(unsaturated, "; "))
		fmt.Fprintf(&table, "%s\n", why)
	}
	fmt.Printf("\n%s", table.String())
	// The files are written even when the run did not count: the figure shows which
	// points to distrust (hollow), and a run on a busy machine is still worth a look.
	if c.curveOut != "" {
		written, err := writeCurveFiles(c.curveOut, newCurveRun(c, table.String(), rows), c.connections)
		if err != nil {
			return fmt.Errorf("-curve-out: %w", err)
		}
		fmt.Printf("wrote %s\n", strings.Join(written, ", "))
	}
	return why
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// curvePoint is one point of the curve: a server holding n operations, driven at conns
// connections.
type curvePoint struct {
	label   string
	ops     int
	conns   int
	srv     *server
	run     wrkRun
	results []result
}

// startCurvePoint starts serve with n operations and warms it up at conns connections.
func (c config) startCurvePoint(tmp string, logs *os.File, n, conns int) (*curvePoint, error) {
	fixtures, script, err := writeStore(tmp, n)
	if err != nil {
		return nil, err
	}
	s, err := startServe(c, fmt.Sprintf("serve (%d ops)", n), filepath.Join(tmp, "curve.log"), logs, []string{"--fixtures", fixtures})
	if err != nil {
		return nil, err
	}
	p := &curvePoint{label: plural(n, "stored operation") + ", " + plural(conns, "connection"), ops: n, conns: conns, srv: s,
		run: wrkRun{url: s.url, connections: conns, duration: time.Second, script: script}}
	if _, err := p.run.run(s); err != nil { // warm-up
		s.stop()
		return nil, err
	}
	return p, nil
}

// measure runs the point's load for d.
func (p *curvePoint) measure(d time.Duration) error {
	run := p.run
	run.duration = d
	r, err := run.run(p.srv)
	if err != nil {
		return err
	}
	if r.non2xx+r.errors > 0 {
		return fmt.Errorf("%s: %d failed requests", p.label, r.non2xx+r.errors)
	}
	p.results = append(p.results, r)
	return nil
}

// writeStore writes a fixtures file of n succeeded operations and a wrk script that asks
// for one of them at random per request.
func writeStore(tmp string, n int) (fixtures, script string, err error) {
	var b strings.Builder
	b.WriteString("operations:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: op-%d\n    operationType: search\n    createdDateTime: 2026-11-26T07:00:00Z\n    timeline: [{status: succeeded}]\n", i)
	}
	fixtures = filepath.Join(tmp, fmt.Sprintf("store-%d.yaml", n))
	if err := os.WriteFile(fixtures, []byte(b.String()), 0o600); err != nil {
		return "", "", err
	}
	lua := fmt.Sprintf(`math.randomseed(1)
request = function()
  return wrk.format("GET", "/phoneNumbers/operations/op-" .. math.random(0, %d) .. "?api-version=2022-12-01")
end
`, n-1)
	script = filepath.Join(tmp, fmt.Sprintf("store-%d.lua", n))
	return fixtures, script, os.WriteFile(script, []byte(lua), 0o600)
}

// plural is n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
