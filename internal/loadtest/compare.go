package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

// runComparison measures serve against the bare server for unsigned and signed requests,
// then latency at a fixed rate. It prints every result before it reports a miss, so that
// one run shows all of them.
func runComparison(c config) error {
	tmp, logs, err := prepare(c)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer logs.Close()
	srv, err := startServers(c, tmp, logs)
	if err != nil {
		return err
	}
	defer srv.stop()

	fmt.Printf("load: servers on CPU %d (GOMAXPROCS=1, access log at info to a file), wrk -t1 -c%d on CPU %d; %d alternating pairs of %s\n",
		c.serverCPU, c.connections, c.loadCPU, c.rounds, c.duration)
	if gogc := os.Getenv("GOGC"); gogc != "" {
		fmt.Printf("GOGC=%s for every server (serve's --gc-floor-mib is then off)\n", gogc)
	} else {
		fmt.Println("GOGC unset: serve keeps its default 16 MiB heap-goal floor (--gc-floor-mib), the bare server Go's default")
	}
	signed, err := signedHeader(strings.TrimPrefix(srv.keyed.url, "http://"), testKey)
	if err != nil {
		return err
	}
	var problems []string
	for _, cmp := range []struct {
		label  string
		cand   *server
		header http.Header
		target float64
	}{
		{"unsigned requests", srv.open, nil, c.openTarget},
		{"HMAC-signed requests (the bare server receives the same signed bytes)", srv.keyed, signed, c.hmacTarget},
	} {
		base, cand, err := c.alternate(srv.bare, cmp.cand, cmp.header)
		if err != nil {
			return err
		}
		problems = append(problems, report(cmp.label, base, cand, cmp.target, c.minBusy)...)
	}
	problems = append(problems, c.checkLatency(srv, signed)...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Println("\nall load targets met")
	return nil
}

// prepare checks the tools and makes the scratch directory and the process log.
func prepare(c config) (string, *os.File, error) {
	if _, err := os.Stat(c.bin); err != nil {
		return "", nil, fmt.Errorf("%s: %w (run `make build` first)", c.bin, err)
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return "", nil, errors.New("wrk not found: `make load` installs it from Debian (apt-get install wrk)")
	}
	tmp, err := os.MkdirTemp("", "phonenumbers-load")
	if err != nil {
		return "", nil, err
	}
	logs, err := os.Create(filepath.Join(tmp, "processes.log"))
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	return tmp, logs, nil
}

// signedHeader returns headers signed with the base64 key for the seed request to host,
// valid for the 15-minute skew window.
func signedHeader(host, key64 string) (http.Header, error) {
	key, err := hmacauth.DecodeKey(key64)
	if err != nil {
		return nil, err
	}
	date, auth := hmacauth.NewSigner(key).SignRequest("GET", seedPath, host, hmacauth.EmptyContentHash, time.Now())
	h := http.Header{}
	hmacauth.SetHeaders(h, date, hmacauth.EmptyContentHash, auth)
	return h, nil
}

// series is one server's results over the rounds of a comparison.
type series struct {
	name    string
	results []result
}

// alternate measures base and cand in pairs, base first in even rounds and second in odd
// ones, so that neither side always runs first, after a one-second warm-up of each.
func (c config) alternate(base, cand *server, header http.Header) (series, series, error) {
	return c.alternateWith(base, cand, func(*server) http.Header { return header })
}

// alternateWith is alternate with each server's own request headers (signed requests for
// two servers on two ports carry two signatures: the host is signed).
func (c config) alternateWith(base, cand *server, headerFor func(*server) http.Header) (series, series, error) {
	sb, sc := series{name: base.name}, series{name: cand.name}
	measure := func(s *server, into *series, d time.Duration) error {
		r, err := wrkRun{url: s.url + seedPath, header: headerFor(s), connections: c.connections, duration: d}.run(s)
		if err == nil && into != nil {
			into.results = append(into.results, r)
		}
		return err
	}
	for _, s := range []*server{base, cand} {
		if err := measure(s, nil, time.Second); err != nil {
			return sb, sc, err
		}
	}
	for i := range c.rounds {
		first, second := base, cand
		fs, ss := &sb, &sc
		if i%2 == 1 {
			first, second, fs, ss = cand, base, &sc, &sb
		}
		if err := measure(first, fs, c.duration); err != nil {
			return sb, sc, err
		}
		if err := measure(second, ss, c.duration); err != nil {
			return sb, sc, err
		}
	}
	return sb, sc, nil
}

// report prints a comparison and returns what is wrong with it: the generator lacked
// headroom (the run does not count), an error answer, or a ratio under target.
func report(label string, base, cand series, target, minBusy float64) (problems []string) {
	counted := countedPairs(base, minBusy)
	dropped := 0
	for _, ok := range counted {
		if !ok {
			dropped++
		}
	}
	fmt.Printf("\n%s\n%-20s %12s %9s %9s %10s %10s   runs (req/s)\n", label, "server", "median req/s", "p50", "p99", "server CPU", "wrk CPU")
	for _, s := range []series{base, cand} {
		kept := s.only(counted)
		fmt.Printf("%-20s %12.0f %9s %9s %10s %10s   %s\n", s.name, median(kept.throughputs()), kept.medianP(func(r result) time.Duration { return r.p50 }),
			kept.medianP(func(r result) time.Duration { return r.p99 }), fmtBusy(kept.busy(func(r result) float64 { return r.serverBusy })),
			fmtBusy(kept.busy(func(r result) float64 { return r.wrkBusy })), fmtRuns(s.throughputs(), counted))
		if n := s.failures(); n > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d failed requests (%s)", s.name, n, label))
		}
	}
	if dropped > 0 {
		fmt.Printf("* %d of %d pairs not counted (not in the medians above either): %s's core was under %.0f%% busy in them\n",
			dropped, len(counted), base.name, 100*minBusy)
	}
	if len(counted)-dropped < 3 || dropped*4 > len(counted) {
		msg := fmt.Sprintf("INVALID: %s's core was under %.0f%% busy in %d of %d pairs: wrk, or the host, not the server, set the pace",
			base.name, 100*minBusy, dropped, len(counted))
		fmt.Println(msg)
		return append(problems, msg)
	}
	ratios := pairedRatios(base, cand, counted)
	ratio := median(ratios)
	verdict := "PASS"
	if ratio < target {
		verdict = "FAIL"
		problems = append(problems, fmt.Sprintf("%s: ratio %.2f < %.2f", label, ratio, target))
	}
	if target <= 0 { // a comparison without a target (A/B): the numbers only
		fmt.Printf("paired ratios %s / %s: %s\nmedian %.2f, middle half %.2f-%.2f\n", cand.name, base.name, fmtRatios(ratios),
			ratio, quantile(ratios, 0.25), quantile(ratios, 0.75))
		return problems
	}
	fmt.Printf("paired ratios %s / %s: %s\nmedian %.2f, middle half %.2f-%.2f (target >= %.2f) %s\n", cand.name, base.name, fmtRatios(ratios),
		ratio, quantile(ratios, 0.25), quantile(ratios, 0.75), target, verdict)
	return problems
}

// countedPairs says, per pair, whether it counts: whether the bare server's core was at
// least minBusy busy during its run, the proof that wrk had headroom. (A run where the
// host took the CPU from the bare server fails it too; its ratio would flatter serve.)
func countedPairs(base series, minBusy float64) []bool {
	counted := make([]bool, len(base.results))
	for i, r := range base.results {
		counted[i] = r.serverBusy >= minBusy
	}
	return counted
}

// only returns the series' runs of the counted pairs.
func (s series) only(counted []bool) series {
	kept := series{name: s.name}
	for i, r := range s.results {
		if counted[i] {
			kept.results = append(kept.results, r)
		}
	}
	return kept
}

func (s series) throughputs() []float64 {
	var xs []float64
	for _, r := range s.results {
		xs = append(xs, r.throughput)
	}
	return xs
}

func (s series) busy(f func(result) float64) []float64 {
	var xs []float64
	for _, r := range s.results {
		xs = append(xs, f(r))
	}
	return xs
}

func (s series) medianP(f func(result) time.Duration) time.Duration {
	var xs []float64
	for _, r := range s.results {
		xs = append(xs, float64(f(r)))
	}
	return time.Duration(median(xs)).Round(time.Microsecond)
}

// failures counts non-2xx answers and socket errors over all rounds.
func (s series) failures() int {
	n := 0
	for _, r := range s.results {
		n += r.non2xx + r.errors
	}
	return n
}

// pairedRatios divides each counted round's candidate throughput by the baseline's. Each
// pair ran back to back, so its ratio is the least disturbed by drift on the machine; the
// verdict uses the median of these rather than the ratio of the medians.
func pairedRatios(base, cand series, counted []bool) []float64 {
	var ratios []float64
	for i := range base.results {
		if counted[i] {
			ratios = append(ratios, cand.results[i].throughput/base.results[i].throughput)
		}
	}
	return ratios
}

// median returns the middle value of xs (the upper one for an even count).
func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the value of xs at fraction q of the sorted values (nearest rank).
func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
}

// fmtRuns lists the runs in order, those of pairs not counted marked with *.
func fmtRuns(xs []float64, counted []bool) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
		if !counted[i] {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " ")
}

func fmtBusy(xs []float64) string { return fmt.Sprintf("%.0f%%", 100*median(xs)) }
