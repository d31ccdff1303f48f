package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// checkLatency sends a fixed rate to each server with vegeta (wrk cannot hold a rate)
// from the harness's CPU and returns what missed the p99 target. The baseline's row is for
// reference only.
func (c config) checkLatency(srv *servers, signed http.Header) (problems []string) {
	fmt.Printf("\nlatency at a fixed %d req/s for %s (vegeta, %d connections)\n", c.fixedRate, c.latencyDuration, c.connections)
	for _, t := range []struct {
		srv    *server
		header http.Header
	}{{srv.bare, nil}, {srv.open, nil}, {srv.keyed, signed}} {
		r := fixedRate(t.srv, t.header, c.fixedRate, c.latencyDuration, c.connections)
		verdict := "PASS"
		if t.srv != srv.bare && (r.p99 >= c.p99Target || r.non2xx > 0) {
			verdict = "FAIL"
			problems = append(problems, fmt.Sprintf("%s: p99 %s at %d req/s (target < %s), %d failed", t.srv.name, r.p99, c.fixedRate, c.p99Target, r.non2xx))
		}
		fmt.Printf("%-20s %8.0f req/s  p50 %9s  p99 %9s  failed %d  %s\n", t.srv.name, r.throughput, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.non2xx, verdict)
	}
	return problems
}

// fixedRate attacks s at rate requests/s for d over keep-alive connections.
func fixedRate(s *server, header http.Header, rate int, d time.Duration, connections int) result {
	atk := vegeta.NewAttacker(vegeta.KeepAlive(true), vegeta.Connections(connections), vegeta.Workers(uint64(connections)), vegeta.Timeout(10*time.Second))
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: s.url + seedPath, Header: header})
	var m vegeta.Metrics
	for res := range atk.Attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, d, s.name) {
		m.Add(res)
	}
	m.Close()
	failed := 0
	for code, n := range m.StatusCodes {
		if !strings.HasPrefix(code, "2") {
			failed += n
		}
	}
	return result{throughput: m.Throughput, p50: m.Latencies.P50, p99: m.Latencies.P99, non2xx: failed}
}
