package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// stuckWriter blocks every Write until released, as a pipe nobody reads does; then it
// keeps what is written.
type stuckWriter struct {
	release chan struct{}
	entered chan struct{} // closed at the first Write
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func newStuckWriter() *stuckWriter {
	return &stuckWriter{release: make(chan struct{}), entered: make(chan struct{})}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.entered) })
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *stuckWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestThirdAttackReview_LogNeverBlocksServing (item 17): with a log output that never
// takes a byte, every Write returns at once, lines beyond the buffer are dropped and
// counted, the count is reported once the output moves again, and Close returns.
func TestThirdAttackReview_LogNeverBlocksServing(t *testing.T) {
	tests := []struct {
		name        string
		lines       int
		lineBytes   int
		wantDropped bool
	}{
		{"within the buffer", 100, 100, false},
		{"four times the buffer", 4 * maxLogPendingBytes / 1000, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newStuckWriter()
			b := newBufferedLog(w)
			reported := make(chan uint64, 16)
			b.setOnDrop(func(n uint64) { reported <- n })
			line := []byte(strings.Repeat("x", tt.lineBytes-1) + "\n")
			b.Write(line)
			<-w.entered // the writer goroutine is now stuck in the output
			for range tt.lines - 1 {
				if n, err := b.Write(line); n != len(line) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if got := b.Dropped() > 0; got != tt.wantDropped {
				t.Fatalf("dropped %d lines, want some: %v", b.Dropped(), tt.wantDropped)
			}
			close(w.release)
			if tt.wantDropped {
				if n := <-reported; n != b.Dropped() {
					t.Errorf("reported %d dropped, counted %d", n, b.Dropped())
				}
			}
			b.Close()
			if got, max := len(w.String()), maxLogPendingBytes+2*tt.lineBytes; got > max {
				t.Errorf("%d bytes written, more than the buffer holds (%d)", got, max)
			}
		})
	}
}

// TestThirdAttackReview_LogCloseDoesNotHang (item 17): a shutdown whose log output is
// stuck ends after the close timeout.
func TestThirdAttackReview_LogCloseDoesNotHang(t *testing.T) {
	w := newStuckWriter()
	defer close(w.release)
	b := newBufferedLog(w)
	b.closeTimeout = 10 * time.Millisecond
	b.Write([]byte("line\n"))
	b.flush() // returns after the timeout though the output is stuck
	done := make(chan struct{})
	go func() { b.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on a stuck log output")
	}
}

// TestThirdAttackReview_ServeWithAStuckStderr (item 17): serve with a stderr nobody reads
// answered 911 requests, then hung every one, /healthz included. Now 3,000 are answered.
func TestThirdAttackReview_ServeWithAStuckStderr(t *testing.T) {
	w := newStuckWriter()
	ready := make(chan string, 1)
	hooks := serveHooks{ready: func(u string) { ready <- u }, logPendingBytes: 64 << 10}
	cmd := serveCmd{Addr: "127.0.0.1:0", LastAction: "live", LogFormat: "text", LogLevel: "info", APIVersions: []string{types.DefaultAPIVersion}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.serve(ctx, w, hooks) }()
	base := <-ready
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	for i := range 3000 {
		path := "/healthz"
		if i%2 == 1 {
			path = "/phoneNumbers/operations/search-my-operation-id?api-version=" + types.DefaultAPIVersion
		}
		res, err := hc.Get(base + path)
		if err != nil {
			t.Fatalf("request %d with a stuck log output: %v", i, err)
		}
		res.Body.Close()
	}
	hc.CloseIdleConnections()
	close(w.release)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.String(), "lines dropped") && !strings.Contains(w.String(), "log_lines_dropped") {
		t.Errorf("the log does not report the dropped lines:\n%.2000s", w.String())
	}
}
