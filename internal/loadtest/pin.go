package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// reexecMarker tells a re-executed harness that it already runs pinned.
const reexecMarker = "PHONENUMBERS_LOADTEST_PINNED"

// pinSelf makes sure the harness (and every wrk it starts, which inherits the affinity)
// runs on loadCPU only: if it does not yet, it runs itself again under taskset and exits
// with that run's status.
func pinSelf(loadCPU int) error {
	if os.Getenv(reexecMarker) != "" {
		allowed, err := allowedCPUs()
		if err != nil {
			return err
		}
		if allowed != strconv.Itoa(loadCPU) {
			return fmt.Errorf("the harness runs on CPUs %s, want only %d", allowed, loadCPU)
		}
		return nil
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return errors.New("taskset not found: install util-linux")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command("taskset", append([]string{"-c", strconv.Itoa(loadCPU), self}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), reexecMarker+"=1")
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

// allowedCPUs reads this process's CPU affinity list, e.g. "1" or "0-1".
func allowedCPUs() (string, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", errors.New("no Cpus_allowed_list in /proc/self/status")
}

// cpuSeconds returns the CPU time (user + system) process pid has used so far, from
// /proc/<pid>/stat, in seconds.
func cpuSeconds(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces: fields start after the last ')'.
	i := strings.LastIndexByte(string(raw), ')')
	fields := strings.Fields(string(raw)[i+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux ABI Go
// supports.
const clockTicks = 100
