package client_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// rawServer accepts connections and hands each to handle, which speaks raw HTTP/1.1 so it
// can misbehave in ways net/http servers cannot. A handler that stalls should wait on
// stop, which is closed when the test ends.
func rawServer(t *testing.T, handle func(c net.Conn, stop <-chan struct{})) string {
	t.Helper()
	stop := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				// Read the request head, then misbehave.
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				handle(c, stop)
			}()
		}
	}()
	t.Cleanup(func() {
		close(stop)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

func TestFaults(t *testing.T) {
	const headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	tests := []struct {
		name    string
		handle  func(c net.Conn, stall <-chan struct{})
		timeout time.Duration
		want    func(error) bool
		wantMsg string
	}{
		{"connection reset mid-body", func(c net.Conn, _ <-chan struct{}) {
			_, _ = c.Write([]byte(headers + "Content-Length: 500\r\n\r\n{\"operationType\":\"search\",\"sta"))
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST
			}
		}, 5 * time.Second, func(err error) bool { return err != nil }, "reset"},
		{"truncated JSON", func(c net.Conn, _ <-chan struct{}) {
			body := `{"operationType":"search","status":"runn`
			_, _ = c.Write([]byte(headers + "Content-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body))
		}, 5 * time.Second, func(err error) bool { return errors.Is(err, client.ErrUnexpectedResponse) }, "not a PhoneNumberOperation"},
		{"headers then stall", func(c net.Conn, stall <-chan struct{}) {
			_, _ = c.Write([]byte(headers + "Content-Length: 100\r\n\r\n{"))
			<-stall
		}, 300 * time.Millisecond, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, "deadline"},
		{"no answer at all", func(c net.Conn, stall <-chan struct{}) { <-stall }, 300 * time.Millisecond,
			func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, "deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := rawServer(t, tt.handle)
			c := keyClient(t, url, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: fastRetries()}})
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			start := time.Now()
			_, err := c.GetOperation(ctx, "x", nil)
			if !tt.want(err) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want one naming %q", err, tt.wantMsg)
			}
			if elapsed := time.Since(start); elapsed > tt.timeout+2*time.Second {
				t.Errorf("took %s, deadline %s", elapsed, tt.timeout)
			}
		})
	}
}

// TestCancellationDuringStalledResponse: cancelling the context ends a call whose server
// sent headers and stalled, within 100 ms.
func TestCancellationDuringStalledResponse(t *testing.T) {
	sent := make(chan struct{}, 1)
	url := rawServer(t, func(c net.Conn, stall <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"))
		sent <- struct{}{}
		<-stall
	})
	c := keyClient(t, url, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.GetOperation(ctx, "x", nil); done <- err }()
	<-sent
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(100 * time.Millisecond):
		t.Fatal("not cancelled within 100 ms")
	}
}

func TestRetryBurstThenSuccess(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{
		respond(429, http.Header{"Retry-After-Ms": {"1"}}, ""), respond(503, http.Header{"X-Ms-Retry-After-Ms": {"1"}}, ""),
		respond(429, http.Header{"Retry-After": {"0"}}, ""), respond(200, nil, seedBody),
	}}
	c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft, Retry: fastRetries()}})
	if _, err := c.GetOperation(context.Background(), "search-my-operation-id", nil); err != nil {
		t.Fatalf("burst of 3 throttles within a budget of 3 retries: %v", err)
	}
}

// TestPollerSurvivesServerRestart restarts the server (same address, same data) between polls.
func TestPollerSurvivesServerRestart(t *testing.T) {
	store, err := mock.NewMemoryStore([]mock.Operation{{ID: "p", OperationType: "purchase", Timeline: timeline("running", "notStarted", "succeeded")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, &server.Options{AccessKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	first := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	first.Start()
	var second *httptest.Server
	t.Cleanup(func() {
		if second != nil {
			second.Close()
		}
	})
	restarted := false
	c := keyClient(t, "http://"+addr, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: fastRetries()}})
	p, err := c.NewOperationPoller("p", &client.OperationPollerOptions{Frequency: fast, OnPoll: func(types.PhoneNumberOperation) {
		if restarted {
			return
		}
		restarted = true
		first.Close()
		ln2, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("re-listen on %s: %v", addr, err)
			return
		}
		second = &httptest.Server{Listener: ln2, Config: &http.Server{Handler: h}}
		second.Start()
	}})
	if err != nil {
		t.Fatal(err)
	}
	op, err := p.PollUntilDone(context.Background(), nil)
	if err != nil || !op.Status.IsSucceeded() {
		t.Fatalf("PollUntilDone across a restart = %+v, %v", op, err)
	}
}

func TestUnresolvableHost(t *testing.T) {
	// A resolver that fails stands in for DNS, so the test stays off the network.
	resolver := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("DNS unavailable in this test")
	}}
	transport := &http.Transport{DialContext: (&net.Dialer{Resolver: resolver}).DialContext}
	defer transport.CloseIdleConnections()
	c := keyClient(t, "https://phonenumbers-does-not-exist.invalid", &client.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: &http.Client{Transport: transport}, Retry: fastRetries(),
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GetOperation(ctx, "x", nil)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !strings.Contains(err.Error(), "phonenumbers-does-not-exist.invalid") {
		t.Fatalf("err = %v, want a DNS error naming the host", err)
	}
}

// TestTLSHandshakeFailure: an untrusted certificate ends the call at once, with an error
// that names it; retrying cannot fix it.
func TestTLSHandshakeFailure(t *testing.T) {
	var handshakes atomic.Int32
	ts := httptest.NewUnstartedServer(http.NotFoundHandler()) // its certificate is not trusted here
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	defer ts.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	c := keyClient(t, ts.URL, &client.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: &http.Client{Transport: transport},
		Retry:     policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond},
	}})
	_, err := c.GetOperation(context.Background(), "x", nil)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if n := handshakes.Load(); n != 1 {
		t.Fatalf("%d connections, want 1: a certificate error must not be retried", n)
	}
}
