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
// over all of them at random), and at 1, 32 and 256 connections.
func runCurve(c config) error {
	tmp, logs, err := prepare(c)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer logs.Close()
	fmt.Printf("curve: serve on CPU %d (GOMAXPROCS=1, access log at info to a file), wrk -t1 on CPU %d, %s per point\n", c.serverCPU, c.loadCPU, c.duration)
	fmt.Printf("\n%-40s %12s %9s %9s %10s %10s\n", "point", "req/s", "p50", "p99", "server CPU", "wrk CPU")
	for _, n := range []int{1, 10, 1000, 10000} {
		if err := c.curvePoint(tmp, logs, n, c.connections); err != nil {
			return err
		}
	}
	for _, conns := range []int{1, 32, 256} {
		if err := c.curvePoint(tmp, logs, 1, conns); err != nil {
			return err
		}
	}
	return nil
}

// curvePoint starts serve with n operations and measures it at conns connections.
func (c config) curvePoint(tmp string, logs *os.File, n, conns int) error {
	fixtures, script, err := writeStore(tmp, n)
	if err != nil {
		return err
	}
	s, err := startServe(c, fmt.Sprintf("serve (%d ops)", n), filepath.Join(tmp, "curve.log"), logs, []string{"--fixtures", fixtures})
	if err != nil {
		return err
	}
	defer s.stop()
	run := wrkRun{url: s.url, connections: conns, duration: time.Second, script: script}
	if _, err := run.run(s); err != nil { // warm-up
		return err
	}
	run.duration = c.duration
	r, err := run.run(s)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("%d stored operations, %d connections", n, conns)
	fmt.Printf("%-40s %12.0f %9s %9s %9.0f%% %9.0f%%\n", label, r.throughput, r.p50, r.p99, 100*r.serverBusy, 100*r.wrkBusy)
	if r.non2xx+r.errors > 0 {
		return fmt.Errorf("%s: %d failed requests", label, r.non2xx+r.errors)
	}
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
