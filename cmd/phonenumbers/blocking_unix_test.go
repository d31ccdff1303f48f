//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostileFilesAreRefused (issue 21, items 12, 13, 22): --ca-cert, PHONENUMBERS_CA_CERT,
// conformance proxy --ca-cert and mock create naming /dev/zero (which ran out of memory in
// 0.7 s) or a FIFO (which blocked, SIGTERM ignored) are refused at once, naming the file
// and what it is.
func TestHostileFilesAreRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 64<<20); err != nil { // sparse
		t.Fatal(err)
	}
	ep := []string{"--endpoint", "http://127.0.0.1:1"}
	tests := []struct {
		name string
		env  string // PHONENUMBERS_CA_CERT
		args []string
		want string
	}{
		{"operation get --ca-cert /dev/zero", "", append([]string{"operation", "get", "op", "--ca-cert", "/dev/zero"}, ep...), "/dev/zero is a device"},
		{"operation get --ca-cert FIFO", "", append([]string{"operation", "get", "op", "--ca-cert", fifo}, ep...), "is a named pipe (FIFO)"},
		{"operation wait, PHONENUMBERS_CA_CERT FIFO", fifo, append([]string{"operation", "wait", "op"}, ep...), "is a named pipe (FIFO)"},
		{"mock list --ca-cert 64 MiB", "", append([]string{"mock", "list", "--ca-cert", big}, ep...), "larger than the limit of 1048576 bytes"},
		{"conformance --ca-cert FIFO", "", append([]string{"conformance", "--ca-cert", fifo}, ep...), "is a named pipe (FIFO)"},
		{"conformance proxy --ca-cert /dev/zero", "", []string{"conformance", "proxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--ca-cert", "/dev/zero"}, "/dev/zero is a device"},
		{"mock create FIFO", "", append([]string{"mock", "create", fifo}, ep...), "is a named pipe (FIFO)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PHONENUMBERS_CA_CERT", tt.env)
			if tt.env == "" {
				os.Unsetenv("PHONENUMBERS_CA_CERT") // kong reads an empty one as the working directory
			}
			start := time.Now()
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// blockingReader blocks its first Read until released, saying on started that it is
// blocked: standard input that nobody writes to.
type blockingReader struct {
	started chan struct{}
	release chan struct{}
}

func (r *blockingReader) Read([]byte) (int, error) {
	close(r.started)
	<-r.release
	return 0, os.ErrClosed
}

// TestMockCreateStdinEndsWithTheContext (issue 21, item 22): `mock create -` waiting on a
// standard input nobody writes to returns as soon as the context ends (SIGINT/SIGTERM in
// main); it used to wait for the input forever.
func TestMockCreateStdinEndsWithTheContext(t *testing.T) {
	in := &blockingReader{started: make(chan struct{}), release: make(chan struct{})}
	defer close(in.release) // the reading goroutine ends with the test
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- runIO(ctx, []string{"mock", "create", "-", "--endpoint", "http://127.0.0.1:1"}, in, &stdout, &stderr)
	}()
	<-in.started
	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case code := <-done:
		if code != exitUsage || !strings.Contains(stderr.String(), "interrupted while reading standard input") {
			t.Fatalf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("mock create - ignores the end of its context")
	}
}
