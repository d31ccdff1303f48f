package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// rawGet sends a GET for path on a new connection and reads the answer's status line and
// headers, leaving the connection open (kept alive).
func rawGet(t *testing.T, addr, path string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return c, br, res
}

// TestThirdAttackReview_IdleConnectionsCannotHoldEverySlot (item 10): one client holding
// every slot with idle keep-alive connections, or with connections that never send a
// byte, no longer locks others out: the idle one is closed to admit the newcomer. A busy
// connection is never closed.
func TestThirdAttackReview_IdleConnectionsCannotHoldEverySlot(t *testing.T) {
	const slots = 8
	tests := []struct {
		name string
		hold func(t *testing.T, addr string) net.Conn // takes one slot
	}{
		{"idle keep-alive connections", func(t *testing.T, addr string) net.Conn {
			c, _, res := rawGet(t, addr, "/healthz")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			return c
		}},
		{"connections that send nothing", func(t *testing.T, addr string) net.Conn {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A short grace: the silent connections outlive it while the newcomer connects.
			base, _ := startServeWith(t, serveCmd{MaxConnections: slots}, serveHooks{newConnGrace: time.Millisecond})
			addr := strings.TrimPrefix(base, "http://")
			held := make([]net.Conn, slots)
			for i := range held {
				held[i] = tt.hold(t, addr)
			}
			hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
			defer hc.CloseIdleConnections()
			res, err := hc.Get(base + "/phoneNumbers/operations/search-my-operation-id?api-version=" + types.DefaultAPIVersion)
			if err != nil {
				t.Fatalf("a legitimate request with every slot held idle: %v", err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			closed := 0
			for _, c := range held {
				_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
				if _, err := c.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
					closed++
				}
			}
			if closed == 0 {
				t.Error("no held connection was closed, yet the newcomer was served")
			}
		})
	}
}

// TestThirdAttackReview_BusyConnectionsKeepTheirSlot (item 10): a connection in the middle
// of a request is not closed to admit another; the newcomer waits for a slot.
func TestThirdAttackReview_BusyConnectionsKeepTheirSlot(t *testing.T) {
	inHandler, release := make(chan struct{}), make(chan struct{})
	hooks := serveHooks{wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("hold") == "1" {
				close(inHandler)
				<-release
			}
			h.ServeHTTP(w, r)
		})
	}}
	base, _ := startServeWith(t, serveCmd{MaxConnections: 1}, hooks)
	busy := make(chan error, 1)
	go func() {
		res, err := http.Get(base + "/healthz?hold=1")
		if err == nil {
			res.Body.Close()
		}
		busy <- err
	}()
	<-inHandler
	second := &http.Client{Transport: &http.Transport{}, Timeout: 300 * time.Millisecond}
	if res, err := second.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Fatal("a second connection was served while the only slot was busy")
	}
	close(release)
	if err := <-busy; err != nil {
		t.Fatalf("the busy request was cut: %v", err)
	}
	second.Timeout = 10 * time.Second
	res, err := second.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("after the slot freed: %v", err)
	}
	res.Body.Close()
	second.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
}

// TestThirdAttackReview_ClockSkewMustBePositive (item 18): 0s or a negative
// --max-clock-skew is a usage error naming the range, not a silent 15 minutes.
func TestThirdAttackReview_ClockSkewMustBePositive(t *testing.T) {
	tests := []struct {
		value    string
		wantCode int
	}{
		{"0s", exitUsage},
		{"-1m", exitUsage},
		{"-1ns", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--max-clock-skew=" + tt.value}, &bytes.Buffer{}, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), "--max-clock-skew must be positive") {
				t.Errorf("stderr does not name the range: %s", stderr.String())
			}
		})
	}
	if err := checkClockSkew(time.Nanosecond); err != nil {
		t.Errorf("1ns refused: %v", err)
	}
}

// TestThirdAttackReview_DrainTimeoutExitsZero (item 19): a request still in flight when
// the drain time runs out is cut, the log says so, and serve returns no error (exit 0).
func TestThirdAttackReview_DrainTimeoutExitsZero(t *testing.T) {
	inHandler, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	hooks := serveHooks{drainTimeout: 50 * time.Millisecond, wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(inHandler)
			<-release // never answers within the drain
			h.ServeHTTP(w, r)
		})
	}}
	ready := make(chan string, 1)
	hooks.ready = func(u string) { ready <- u }
	cmd := serveCmd{Addr: "127.0.0.1:0", LastAction: "live", LogFormat: "text", LogLevel: "info", APIVersions: []string{types.DefaultAPIVersion}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &servertest.SyncBuffer{}
	done := make(chan error, 1)
	go func() { done <- cmd.serve(ctx, logs, hooks) }()
	base := <-ready
	hc := &http.Client{Transport: &http.Transport{}}
	go func() {
		if res, err := hc.Get(base + "/healthz"); err == nil {
			res.Body.Close()
		}
	}()
	<-inHandler
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after a drain timeout, want nil (exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after the drain timed out")
	}
	if !strings.Contains(logs.String(), "the drain timed out") {
		t.Errorf("the log does not say the drain timed out:\n%s", logs)
	}
}

// TestThirdAttackReview_DocumentedHeaderBoundAndOptionsStar (item 23): the request line
// and headers are refused with 431 beyond 16 KiB (net/http's 4 KiB slack is taken off),
// and OPTIONS * goes through authentication like every other request.
func TestThirdAttackReview_DocumentedHeaderBoundAndOptionsStar(t *testing.T) {
	const key = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"
	base, _ := startServe(t, serveCmd{AccessKey: key})
	addr := strings.TrimPrefix(base, "http://")
	head := func(total int) string { // a request of exactly total bytes up to the blank line
		start := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: "
		return start + strings.Repeat("a", total-len(start)-4) + "\r\n\r\n"
	}
	tests := []struct {
		name       string
		request    string
		wantStatus int
	}{
		{"request head of 16 KiB", head(maxRequestHeadBytes), http.StatusOK},
		{"request head of 16 KiB + 1", head(maxRequestHeadBytes + 1), http.StatusRequestHeaderFieldsTooLarge},
		{"request head of 20 KiB", head(20 << 10), http.StatusRequestHeaderFieldsTooLarge},
		{"OPTIONS * unsigned", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte(tt.request)); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
		})
	}
}
