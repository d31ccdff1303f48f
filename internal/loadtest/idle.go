package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// maxBusyBeforeRun is how busy, at most, either measurement CPU may be before a run: a
// build, a test suite or a browser on one of them takes the time the servers or wrk need,
// and the run would end INVALID after minutes.
const maxBusyBeforeRun = 0.15

// checkIdle samples /proc/stat over window and fails, saying what to do, when the server's
// or the load generator's CPU was busier than maxBusyBeforeRun.
func checkIdle(cpus []int, window time.Duration, sleep func(time.Duration)) error {
	before, err := cpuTimes()
	if err != nil {
		return nil // not Linux /proc: the per-pair validity check still guards the results
	}
	sleep(window)
	after, err := cpuTimes()
	if err != nil {
		return nil
	}
	busy := busyCPUs(before, after, cpus)
	if len(busy) == 0 {
		return nil
	}
	return fmt.Errorf("the machine is busy before the run (%s busy over %s; at most %.0f%% each is needed): the comparison needs two idle cores, "+
		"one for the servers and one for wrk, or it ends INVALID after minutes. Stop other work (builds, tests, browsers; see `top`) and run again, "+
		"or pick other CPUs with -server-cpu and -load-cpu; -skip-idle-check runs anyway",
		strings.Join(busy, ", "), window, 100*maxBusyBeforeRun)
}

// busyCPUs names the CPUs of cpus busier than maxBusyBeforeRun between two samples.
func busyCPUs(before, after map[int]cpuTime, cpus []int) []string {
	var busy []string
	for _, c := range cpus {
		b, a := before[c], after[c]
		total := a.total - b.total
		if total == 0 || a.total < b.total {
			continue
		}
		if frac := float64((a.total-a.idle)-(b.total-b.idle)) / float64(total); frac > maxBusyBeforeRun {
			busy = append(busy, fmt.Sprintf("CPU %d %.0f%%", c, 100*frac))
		}
	}
	return busy
}

// cpuTime is one CPU's counters from /proc/stat, in USER_HZ ticks.
type cpuTime struct{ total, idle uint64 }

// cpuTimes reads every "cpuN" line of /proc/stat.
func cpuTimes() (map[int]cpuTime, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[int]cpuTime{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 5 || !strings.HasPrefix(fields[0], "cpu") || fields[0] == "cpu" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(fields[0], "cpu"))
		if err != nil {
			continue
		}
		var t cpuTime
		for i, v := range fields[1:] {
			x, _ := strconv.ParseUint(v, 10, 64)
			t.total += x
			if i == 3 || i == 4 { // idle, iowait
				t.idle += x
			}
		}
		out[n] = t
	}
	return out, s.Err()
}
