// Command loadtest is the load harness behind `make load`. It measures `phonenumbers serve`
// (open, and with an access key) against a bare net/http server that answers the same
// bytes (headers and body) and receives the same request bytes (signed ones too), so that
// the ratio is what the server's own work costs.
//
// The run is set up so that the server, not the load generator, is the bottleneck: every
// server runs with GOMAXPROCS=1 pinned to one CPU (-server-cpu, default 0), the harness and
// its generator, wrk, are pinned to another (-load-cpu, default 1), and a comparison
// counts only if, while the bare server was measured, its core was busy at least
// -min-busy of the time (proof that wrk had headroom). Servers are measured one at a time,
// in alternating pairs (bare, serve, serve, bare, ...), and the ratio reported is the
// median of the pairs' ratios. The default is many short pairs (30 of 1 s): this machine's
// throughput moves by ±15% over seconds, and the median of many adjacent pairs is steadier
// than that of a few long ones.
//
//	go run ./internal/loadtest -bin bin/phonenumbers -duration 1s -rounds 30
//	go run ./internal/loadtest -bin bin/phonenumbers -curve   # throughput and p99 vs store size and connections, plotted to docs/perf/*.svg
//	go run ./internal/loadtest -bin bin/phonenumbers -ab /tmp/before.bin   # two builds side by side
//
// It then checks p99 latency at a fixed 5,000 requests/s (vegeta, on the load CPU). It
// exits 1 when a target is missed or the run is invalid.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

const (
	seedPath = "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
	testKey  = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"
)

// config is the command line.
type config struct {
	bin      string
	duration time.Duration
	rounds   int
	// latencyDuration is the length of each fixed-rate latency run: long enough for a
	// p99 of tens of thousands of requests, whatever -duration is.
	latencyDuration time.Duration
	connections     int
	fixedRate       int
	serverCPU       int
	loadCPU         int
	minBusy         float64
	curve           bool
	curveRounds     int
	// curveOut is the directory the curve's table, numbers and SVG figures go to ("": none).
	curveOut   string
	openTarget float64
	hmacTarget float64
	p99Target  time.Duration
	// ab, when set, is a reference build of phonenumbers to measure -bin against.
	ab string
	// skipIdleCheck runs even when the CPUs are busy before the run.
	skipIdleCheck bool
}

func main() {
	baseline := flag.String("baseline", "", "internal: serve the bare baseline on this address with the response in -body")
	bodyFile := flag.String("body", "", "internal: the baseline's response file (headers, blank line, body)")
	printSigned := flag.String("print-signed", "", "print the signed request headers of the seed request for this host:port, one per line, and exit (for wrk -H by hand; valid 15 minutes)")
	signKey := flag.String("key", testKey, "with -print-signed: the base64 access key to sign with (default: the key the harness gives `serve --access-key`)")
	var c config
	flag.StringVar(&c.bin, "bin", "bin/phonenumbers", "the phonenumbers binary to start")
	flag.DurationVar(&c.duration, "duration", time.Second, "length of one throughput run")
	flag.IntVar(&c.rounds, "rounds", 30, "alternating pairs per comparison")
	flag.IntVar(&c.connections, "connections", 32, "wrk connections")
	flag.IntVar(&c.fixedRate, "rate", 5000, "requests/s for the latency run")
	flag.DurationVar(&c.latencyDuration, "latency-duration", 5*time.Second, "length of each latency run at -rate")
	flag.IntVar(&c.serverCPU, "server-cpu", 0, "CPU the servers are pinned to (GOMAXPROCS=1)")
	flag.IntVar(&c.loadCPU, "load-cpu", 1, "CPU the harness and wrk are pinned to")
	flag.Float64Var(&c.minBusy, "min-busy", 0.95, "least busy fraction of the server CPU during bare runs for the run to count")
	flag.BoolVar(&c.curve, "curve", false, "measure throughput and p99 against store size and connections instead")
	flag.IntVar(&c.curveRounds, "curve-rounds", 3, "runs of each curve point (the median is reported)")
	flag.StringVar(&c.curveOut, "curve-out", "docs/perf", "with -curve: the directory to write load-curve.txt, load-curve.json and the SVG figures load-curve-operations.svg and load-curve-connections.svg to (\"\": none)")
	flag.Float64Var(&c.openTarget, "open-target", 0.85, "least serve/bare ratio, unsigned requests")
	flag.Float64Var(&c.hmacTarget, "hmac-target", 0.80, "least serve/bare ratio, HMAC-signed requests")
	flag.DurationVar(&c.p99Target, "p99-target", 2*time.Millisecond, "p99 latency target at -rate")
	flag.BoolVar(&c.skipIdleCheck, "skip-idle-check", false, "run even when -server-cpu or -load-cpu is busy before the run")
	flag.StringVar(&c.ab, "ab", "", "measure -bin against this reference build of phonenumbers (before/after a change, in one run) instead of the bare server")
	flag.Parse()
	if *baseline != "" {
		serveBaseline(*baseline, *bodyFile)
		return
	}
	if *printSigned != "" {
		h, err := signedHeader(*printSigned, *signKey)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: -key:", err)
			os.Exit(2)
		}
		for k, vs := range h {
			fmt.Printf("%s: %s\n", k, vs[0])
		}
		return
	}
	if !c.skipIdleCheck && os.Getenv(reexecMarker) == "" {
		if err := checkIdle([]int{c.serverCPU, c.loadCPU}, time.Second, time.Sleep); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
	}
	if err := pinSelf(c.loadCPU); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	run := runComparison
	switch {
	case c.curve:
		run = runCurve
	case c.ab != "":
		run = runAB
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
