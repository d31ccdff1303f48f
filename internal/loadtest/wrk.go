package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// result is what one wrk run measured.
type result struct {
	throughput float64       // requests/s
	p50, p99   time.Duration // latency percentiles
	non2xx     int           // answers other than 2xx/3xx
	errors     int           // socket errors (connect, read, write, timeout)
	serverBusy float64       // CPU time of the server / wall time: 1 means its core was saturated
	wrkBusy    float64       // the same for wrk
}

// wrkRun is one throughput measurement of s.
type wrkRun struct {
	url         string
	header      http.Header
	connections int
	duration    time.Duration
	script      string // a wrk Lua script, or ""
}

// run drives s with wrk (one thread, on the harness's CPU) and measures how busy the
// server's and wrk's CPUs were.
func (w wrkRun) run(s *server) (result, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(w.connections), "-d" + w.duration.String(), "--latency", "--timeout", "5s"}
	for k, vs := range w.header {
		for _, v := range vs {
			args = append(args, "-H", k+": "+v)
		}
	}
	if w.script != "" {
		args = append(args, "-s", w.script)
	}
	args = append(args, w.url)
	cmd := exec.Command("wrk", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	before, err := cpuSeconds(s.cmd.Process.Pid)
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out.String())
	}
	wall := time.Since(start).Seconds()
	after, err := cpuSeconds(s.cmd.Process.Pid)
	if err != nil {
		return result{}, err
	}
	r, err := parseWrk(out.String())
	if err != nil {
		return result{}, err
	}
	// Both over the wall time wrk ran (start-up and teardown included, a little over
	// -d): the server's CPU time was counted over that span too.
	r.serverBusy = (after - before) / wall
	r.wrkBusy = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() / wall
	return r, nil
}

// parseWrk reads wrk's report: Requests/sec, the --latency distribution, non-2xx/3xx
// answers and socket errors.
func parseWrk(out string) (result, error) {
	var r result
	found := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk: %q", sc.Text())
			}
			r.throughput, found = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := parseWrkDuration(f[1])
			if err != nil {
				return r, err
			}
			if f[0] == "50%" {
				r.p50 = d
			} else {
				r.p99 = d
			}
		case len(f) == 5 && f[0] == "Non-2xx":
			r.non2xx, _ = strconv.Atoi(f[4])
		case len(f) > 2 && f[0] == "Socket" && f[1] == "errors:":
			for i := 2; i+1 < len(f); i += 2 { // connect 0, read 0, write 0, timeout 0
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i+1], ","))
				r.errors += n
			}
		}
	}
	if !found {
		return r, errors.New("wrk printed no Requests/sec:\n" + out)
	}
	return r, nil
}

// parseWrkDuration reads wrk's "250.00us", "1.20ms", "2.00s".
func parseWrkDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.Replace(s, "us", "µs", 1))
	if err != nil {
		return 0, fmt.Errorf("wrk latency %q: %w", s, err)
	}
	return d, nil
}
