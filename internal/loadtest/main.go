// Command loadtest is the load harness behind `make load`: it starts `phonenumbers serve`
// (open, and with an access key) and a bare net/http server that answers the identical
// response (headers and body), drives them alternately (A/B/A/B) with vegeta at full speed over loopback, and
// prints throughput, p50/p99 latency and the ratios against the bare server measured in
// the same run. It then checks p99 latency at a fixed 5,000 requests/s.
//
//	go run ./internal/loadtest -bin bin/phonenumbers -duration 2s -rounds 10
//
// It exits 1 when a target is missed (both ratios >= 0.8, p99 < 5 ms, no non-2xx).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

const (
	seedPath = "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
	testKey  = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"
)

func main() {
	baseline := flag.String("baseline", "", "internal: serve the bare baseline on this address with the response in -body")
	bodyFile := flag.String("body", "", "internal: the baseline's response file (headers, blank line, body)")
	bin := flag.String("bin", "bin/phonenumbers", "the phonenumbers binary to start")
	duration := flag.Duration("duration", 2*time.Second, "length of one throughput run")
	rounds := flag.Int("rounds", 10, "A/B rounds per comparison")
	workers := flag.Uint64("workers", 32, "concurrent vegeta workers (and connections)")
	fixedRate := flag.Int("rate", 5000, "requests/s for the latency run")
	flag.Parse()
	if *baseline != "" {
		serveBaseline(*baseline, *bodyFile)
		return
	}
	if err := run(*bin, *duration, *rounds, *workers, *fixedRate); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// serveBaseline answers every request with the recorded response (the same headers and
// body `serve` sent): the speed of light for this machine.
func serveBaseline(addr, responseFile string) {
	raw, err := os.ReadFile(responseFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	head, body, _ := strings.Cut(string(raw), "\n\n")
	header := http.Header{}
	for line := range strings.SplitSeq(head, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			header[k] = append(header[k], v)
		}
	}
	bodyBytes := []byte(body)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dst := w.Header()
		for k, v := range header {
			dst[k] = v
		}
		_, _ = w.Write(bodyBytes)
	})
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// server is a process under load: `serve` or the baseline.
type server struct {
	name string
	url  string
	cmd  *exec.Cmd
}

// freeAddr returns a loopback address with a port nobody listens on (closed again, so
// the process started on it can take it).
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs bin with the arguments args returns for a free loopback address.
func start(name string, logFile io.Writer, bin string, args func(addr string) []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args(addr)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{name: name, url: "http://" + addr, cmd: cmd}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s did not start", name)
}

// stop interrupts the process, as Ctrl-C would, so that it shuts down cleanly, and kills
// it if it has not exited after 15 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// signedHeader returns headers with a signature valid for the 15-minute skew window.
func signedHeader(host string) http.Header {
	key, _ := hmacauth.DecodeKey(testKey)
	date, auth := hmacauth.NewSigner(key).SignRequest("GET", seedPath, host, hmacauth.EmptyContentHash, time.Now())
	h := http.Header{}
	hmacauth.SetHeaders(h, date, hmacauth.EmptyContentHash, auth)
	return h
}

// result is what one attack measured.
type result struct {
	throughput float64
	p50, p99   time.Duration
	non2xx     int
	requests   uint64
}

// attack sends GET seedPath to s with header, at rate for d, over workers keep-alive
// connections. A zero rate means as fast as possible, with exactly workers workers so that
// the concurrency is the same for every server.
func attack(s *server, header http.Header, rate vegeta.Rate, d time.Duration, workers uint64) result {
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Connections(int(workers)), vegeta.Timeout(10 * time.Second)}
	if rate.Freq == 0 {
		opts = append(opts, vegeta.Workers(workers), vegeta.MaxWorkers(workers))
	} else {
		opts = append(opts, vegeta.Workers(workers))
	}
	atk := vegeta.NewAttacker(opts...)
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: s.url + seedPath, Header: header})
	var m vegeta.Metrics
	for res := range atk.Attack(tr, rate, d, s.name) {
		m.Add(res)
	}
	m.Close()
	non2xx := 0
	for code, n := range m.StatusCodes {
		if !strings.HasPrefix(code, "2") {
			non2xx += n
		}
	}
	return result{throughput: m.Throughput, p50: m.Latencies.P50, p99: m.Latencies.P99, non2xx: non2xx, requests: m.Requests}
}

// median returns the middle value of xs (the upper one for an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// run starts the servers, compares the throughput of `serve` with the bare baseline for
// unsigned and HMAC-signed requests, then checks latency at a fixed rate. It returns an
// error when a target is missed, after printing every result, so that one run shows all
// of them.
func run(bin string, d time.Duration, rounds int, workers uint64, fixedRate int) error {
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: %w (run `make build` first)", bin, err)
	}
	tmp, err := os.MkdirTemp("", "phonenumbers-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	logs, err := os.Create(filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	defer logs.Close()
	srv, err := startServers(bin, tmp, logs)
	if err != nil {
		return err
	}
	defer srv.stop()

	fmt.Printf("load: %d rounds of %s per server, %d workers/connections, GOMAXPROCS of the machine (%s)\n", rounds, d, workers, machine())
	keyedHost := strings.TrimPrefix(srv.keyed.url, "http://")
	keyedHeader := signedHeader(keyedHost)
	bareSignedHeader := signedHeader(keyedHost) // same request shape for the baseline

	p := plan{duration: d, rounds: rounds, workers: workers}
	failed := false
	b1, c1 := p.compare(srv.bare, srv.open, nil, nil)
	failed = reportThroughput("throughput, unsigned requests", b1, c1) || failed
	b2, c2 := p.compare(srv.bare, srv.keyed, bareSignedHeader, keyedHeader)
	failed = reportThroughput("throughput, HMAC-signed requests", b2, c2) || failed
	failed = p.checkLatency(fixedRate, srv, keyedHeader) || failed
	if failed {
		return fmt.Errorf("a target was missed")
	}
	fmt.Println("\nall load targets met")
	return nil
}

// servers are the three targets of a run: `serve` without and with an access key, and
// the bare net/http baseline they are measured against.
type servers struct {
	open, keyed, bare *server
}

// startServers starts `serve` twice and then the baseline, which can only start once it
// has the response to replay, recorded from the open server. Servers already started are
// stopped when a later one fails.
func startServers(bin, tmp string, logs io.Writer) (*servers, error) {
	open, err := start("serve", logs, bin, func(a string) []string { return []string{"serve", "--addr", a} })
	if err != nil {
		return nil, err
	}
	keyed, err := start("serve --access-key", logs, bin, func(a string) []string {
		return []string{"serve", "--addr", a, "--access-key", testKey}
	})
	if err != nil {
		open.stop()
		return nil, err
	}
	bare, err := startBaseline(open.url, tmp, logs)
	if err != nil {
		keyed.stop()
		open.stop()
		return nil, err
	}
	return &servers{open: open, keyed: keyed, bare: bare}, nil
}

// stop stops the servers in the reverse order of their start.
func (s *servers) stop() {
	s.bare.stop()
	s.keyed.stop()
	s.open.stop()
}

// startBaseline records the seed operation's response from the server at url and starts
// this program again as the bare baseline replaying it.
func startBaseline(url, tmp string, logs io.Writer) (*server, error) {
	bodyFile := filepath.Join(tmp, "response.txt")
	if err := recordSeedResponse(url, bodyFile); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return start("bare net/http", logs, self, func(a string) []string { return []string{"-body", bodyFile, "-baseline", a} })
}

// recordSeedResponse writes the response the server at url sends for the seed operation,
// in the format serveBaseline reads (headers, blank line, body). The baseline answers
// exactly that: the same body and the same headers, except Date and Content-Length, which
// net/http adds to both.
func recordSeedResponse(url, file string) error {
	res, err := http.Get(url + seedPath)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		return fmt.Errorf("seed operation: %d %v", res.StatusCode, err)
	}
	var recorded strings.Builder
	for k, vs := range res.Header {
		if k == "Date" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			recorded.WriteString(k + ": " + v + "\n")
		}
	}
	recorded.WriteString("\n")
	recorded.Write(body)
	return os.WriteFile(file, []byte(recorded.String()), 0o600)
}

// plan is how long and how hard each attack runs.
type plan struct {
	duration time.Duration
	rounds   int
	workers  uint64
}

// attack runs one attack on s at rate (zero: as fast as the workers go) for d.
func (p plan) attack(s *server, header http.Header, rate vegeta.Rate, d time.Duration) result {
	return attack(s, header, rate, d, p.workers)
}

// series is one server's results over the rounds of a comparison.
type series struct {
	name    string
	results []result
}

// compare measures the throughput of a and b, with request headers ha and hb, over the
// plan's rounds, after a one-second warm-up of each.
func (p plan) compare(a, b *server, ha, hb http.Header) (series, series) {
	sa, sb := series{name: a.name}, series{name: b.name}
	p.attack(a, ha, vegeta.Rate{}, time.Second) // warm-up
	p.attack(b, hb, vegeta.Rate{}, time.Second)
	for i := range p.rounds {
		// A/B then B/A, so that neither side always runs first.
		if i%2 == 0 {
			sa.results = append(sa.results, p.attack(a, ha, vegeta.Rate{}, p.duration))
			sb.results = append(sb.results, p.attack(b, hb, vegeta.Rate{}, p.duration))
		} else {
			sb.results = append(sb.results, p.attack(b, hb, vegeta.Rate{}, p.duration))
			sa.results = append(sa.results, p.attack(a, ha, vegeta.Rate{}, p.duration))
		}
	}
	return sa, sb
}

// throughputs returns the requests/s of each round.
func (s series) throughputs() []float64 {
	var xs []float64
	for _, r := range s.results {
		xs = append(xs, r.throughput)
	}
	return xs
}

// non2xx counts the answers other than 2xx over all rounds.
func (s series) non2xx() int {
	non := 0
	for _, r := range s.results {
		non += r.non2xx
	}
	return non
}

// reportThroughput prints a comparison of cand against base and reports whether it
// missed a target: a non-2xx answer, or a median paired ratio below 0.8.
func reportThroughput(label string, base, cand series) (failed bool) {
	fmt.Printf("\n%s\n%-22s %12s %10s %10s %8s   runs (req/s)\n", label, "server", "median req/s", "p50", "p99", "non-2xx")
	for _, s := range []series{base, cand} {
		last := s.results[len(s.results)-1]
		non := s.non2xx()
		fmt.Printf("%-22s %12.0f %10s %10s %8d   %v\n", s.name, median(s.throughputs()), last.p50.Round(time.Microsecond), last.p99.Round(time.Microsecond), non, fmtRuns(s.throughputs()))
		if non > 0 {
			failed = true
		}
	}
	ratios := pairedRatios(base, cand)
	ratio := median(ratios)
	verdict := "PASS"
	if ratio < 0.8 {
		verdict, failed = "FAIL", true
	}
	fmt.Printf("paired ratios %s / %s: %s; median %.2f (target >= 0.80) %s\n", cand.name, base.name, fmtRatios(ratios), ratio, verdict)
	return failed
}

// pairedRatios divides each round's candidate throughput by the baseline's. Each round's
// pair ran back to back, so its ratio is the least disturbed by other load on the
// machine; the verdict uses the median of these rather than the ratio of the medians.
func pairedRatios(base, cand series) []float64 {
	var ratios []float64
	for i := range base.results {
		ratios = append(ratios, cand.results[i].throughput/base.results[i].throughput)
	}
	return ratios
}

// checkLatency attacks each server at the fixed rate for the plan's duration, prints
// the latencies and reports whether `serve` missed a target (p99 >= 5 ms or a non-2xx
// answer). The baseline's row is for reference only.
func (p plan) checkLatency(fixedRate int, srv *servers, keyedHeader http.Header) (failed bool) {
	fmt.Printf("\nlatency at a fixed %d req/s for %s\n", fixedRate, p.duration)
	for _, s := range []struct {
		srv *server
		h   http.Header
	}{{srv.bare, nil}, {srv.open, nil}, {srv.keyed, keyedHeader}} {
		r := p.attack(s.srv, s.h, vegeta.Rate{Freq: fixedRate, Per: time.Second}, p.duration)
		verdict := "PASS"
		if s.srv != srv.bare && (r.p99 >= 5*time.Millisecond || r.non2xx > 0) {
			verdict, failed = "FAIL", true
		}
		fmt.Printf("%-22s %8d requests  p50 %10s  p99 %10s  non-2xx %d  %s\n", s.srv.name, r.requests, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.non2xx, verdict)
	}
	return failed
}

// fmtRatios formats ratios with two decimals, space-separated.
func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
}

// fmtRuns formats requests/s without decimals, space-separated.
func fmtRuns(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(parts, " ")
}

// machine describes the CPUs, so that results from different machines are not compared
// by mistake.
func machine() string {
	out, err := exec.CommandContext(context.Background(), "nproc").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out)) + " CPUs"
}
