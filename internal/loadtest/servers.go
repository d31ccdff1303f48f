package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// server is a process under test, pinned to the server CPU with GOMAXPROCS=1.
type server struct {
	name string
	url  string
	cmd  *exec.Cmd
}

// freeAddr returns a loopback address with a port nobody listens on (closed again, so
// there is a small race with other processes; acceptable for a benchmark harness).
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs bin on cpu, with the arguments args returns for a free loopback address, and
// waits until it accepts connections.
func start(name string, cpu int, logFile io.Writer, bin string, args func(addr string) []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("taskset", append([]string{"-c", strconv.Itoa(cpu), bin}, args(addr)...)...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
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

// servers are the targets of a comparison: `serve` without and with an access key, and
// the bare net/http baseline they are measured against.
type servers struct {
	open, keyed, bare *server
}

// startServers starts `serve` twice, logging at info level to a file as an operator runs
// it, and then the baseline, which can only start once it has the response to replay,
// recorded from the open server. Servers already started are stopped when a later one
// fails.
func startServers(c config, tmp string, logs io.Writer) (*servers, error) {
	logTo := func(name string) string { return filepath.Join(tmp, name) }
	open, err := startServe(c, "serve", logTo("serve.log"), logs, nil)
	if err != nil {
		return nil, err
	}
	keyed, err := startServe(c, "serve --access-key", logTo("serve-keyed.log"), logs, []string{"--access-key", testKey})
	if err != nil {
		open.stop()
		return nil, err
	}
	bare, err := startBaseline(c, open.url, tmp, logs)
	if err != nil {
		keyed.stop()
		open.stop()
		return nil, err
	}
	return &servers{open: open, keyed: keyed, bare: bare}, nil
}

// startServe starts `phonenumbers serve` with its log in logFile (the info-level access
// log included) and extra arguments.
func startServe(c config, name, logFile string, logs io.Writer, extra []string) (*server, error) {
	return start(name, c.serverCPU, logs, "/bin/sh", func(a string) []string {
		args := append([]string{"-c", `exec "$0" "$@" 2>>"` + logFile + `"`, c.bin, "serve", "--addr", a, "--log-level", "info"}, extra...)
		return args
	})
}

// stop stops the servers in the reverse order of their start.
func (s *servers) stop() {
	s.bare.stop()
	s.keyed.stop()
	s.open.stop()
}

// startBaseline records the seed operation's response from the server at url and starts
// this program again as the bare baseline replaying it.
func startBaseline(c config, url, tmp string, logs io.Writer) (*server, error) {
	bodyFile := filepath.Join(tmp, "response.txt")
	if err := recordSeedResponse(url, bodyFile); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return start("bare net/http", c.serverCPU, logs, self, func(a string) []string { return []string{"-body", bodyFile, "-baseline", a} })
}
