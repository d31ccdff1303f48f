package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func TestSlowClientsCannotHoldConnections(t *testing.T) {
	base, _ := startServeWith(t, serveCmd{}, serveHooks{headerTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")); err != nil { // never finishes the headers
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a connection with unfinished headers open for 5 s")
	}
}

func TestRequestSizeLimits(t *testing.T) {
	base, _ := startServe(t, serveCmd{})
	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		errorBody  bool
	}{
		{"huge headers", func() *http.Request {
			r, _ := http.NewRequest("GET", base+"/healthz", nil)
			r.Header.Set("X-Big", strings.Repeat("a", 100<<10))
			return r
		}, http.StatusRequestHeaderFieldsTooLarge, false},
		{"headers over 16 KiB", func() *http.Request {
			r, _ := http.NewRequest("GET", base+"/healthz", nil)
			r.Header.Set("X-Big", strings.Repeat("a", 20<<10))
			return r
		}, http.StatusRequestHeaderFieldsTooLarge, false},
		{"long path", func() *http.Request {
			r, _ := http.NewRequest("GET", base+"/phoneNumbers/operations/"+strings.Repeat("a", 9000)+"?api-version=2022-12-01", nil)
			return r
		}, http.StatusRequestURITooLong, true},
		{"long query", func() *http.Request {
			r, _ := http.NewRequest("GET", base+"/phoneNumbers/operations/x?api-version=2022-12-01&pad="+strings.Repeat("b", 9000), nil)
			return r
		}, http.StatusRequestURITooLong, true},
		{"control body over the cap", func() *http.Request {
			r, _ := http.NewRequest("POST", base+"/mock/operations", bytes.NewReader(bytes.Repeat([]byte("x"), 2<<20)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusRequestEntityTooLarge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.DefaultClient.Do(tt.req())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.200s", res.StatusCode, tt.wantStatus, body)
			}
			if tt.errorBody {
				var e types.CommunicationErrorResponse
				if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
					t.Errorf("body is not a CommunicationErrorResponse: %.200s", body)
				}
			}
		})
	}
}

// TestSIGTERMExitsZero runs the real command as a process and stops it with SIGTERM.
func TestSIGTERMExitsZero(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("server did not become ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	http.DefaultClient.CloseIdleConnections()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Every line is read before Wait, which closes the pipe once the process has exited:
	// waiting concurrently lost the last lines now and then.
	collected := make(chan []string, 1)
	go func() {
		var log []string
		for l := range lines {
			log = append(log, l)
		}
		collected <- log
	}()
	var log []string
	select {
	case log = <-collected:
	case <-time.After(12 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("did not exit within the drain limit")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, strings.Join(log, "\n"))
	}
	if !strings.Contains(strings.Join(log, "\n"), "stopped") {
		t.Errorf("log lacks the shutdown lines:\n%s", strings.Join(log, "\n"))
	}
}
