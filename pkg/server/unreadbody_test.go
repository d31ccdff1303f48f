package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// countingListener counts the bytes the server reads from its connections.
type countingListener struct {
	net.Listener
	read *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: c, read: l.read}, nil
}

type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// TestThirdAttackReview_RefusedBodiesAreNotDrained (item 15): a keyed server answered 401
// to an unsigned request, then net/http read up to 256 KiB of its chunked body to reuse
// the connection, or waited 30 s (the read timeout) for a body announced and never sent
// before even writing the 401. Now the 401 is sent at once with Connection: close, and
// the connection is closed without reading the body.
func TestThirdAttackReview_RefusedBodiesAreNotDrained(t *testing.T) {
	const head = "POST /mock/operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	tests := []struct {
		name    string
		headers string
		body    bool // send a 1 MiB chunked body
	}{
		{"chunked 1 MiB body", "Transfer-Encoding: chunked\r\n", true},
		{"chunked body announced, none sent", "Transfer-Encoding: chunked\r\n", false},
		{"Content-Length 1000, no body sent", "Content-Length: 1000\r\n", false},
		{"Content-Length 200000, no body sent", "Content-Length: 200000\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
			var read atomic.Int64
			ts := httptest.NewUnstartedServer(f.Srv)
			ts.Config.ReadTimeout = 30 * time.Second // as serve's
			ts.Listener = countingListener{Listener: ts.Listener, read: &read}
			ts.Start()
			defer ts.Close()
			c, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte(head + tt.headers + "\r\n")); err != nil {
				t.Fatal(err)
			}
			if tt.body {
				go func() { // until the server closes the connection
					chunk := "1000\r\n" + strings.Repeat("{", 0x1000) + "\r\n"
					for range 256 {
						if _, err := io.WriteString(c, chunk); err != nil {
							return
						}
					}
				}()
			}
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(c)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer within 5 s: %v", err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized || !res.Close {
				t.Errorf("status %d, Connection: close %v; want 401 and close", res.StatusCode, res.Close)
			}
			if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !isReset(err) {
				t.Errorf("after the 401 the connection was not closed: %v", err)
			}
			if n := read.Load(); n > 16<<10 {
				t.Errorf("the server read %d bytes of an unauthenticated request", n)
			}
		})
	}
}

// isReset reports a connection reset: the server closed with unread bytes pending.
func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && strings.Contains(err.Error(), "reset")
}

// waitingService gives up as a handler waiting for a bounded resource does when its
// request ends.
type waitingService struct{ fixedService }

func (waitingService) PhoneNumbersGetOperation(ctx context.Context, _ server.PhoneNumbersGetOperationRequestObject) (server.PhoneNumbersGetOperationResponseObject, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestThirdAttackReview_EndedWaitIs503 (item 16): a handler that returns its request's
// context error was answered and logged as 500 InternalError; it is 503
// ServiceUnavailable, and no error is logged.
func TestThirdAttackReview_EndedWaitIs503(t *testing.T) {
	var logs bytes.Buffer
	srv, err := server.New(nil, &server.Options{Service: waitingService{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ctx    func() context.Context
		status int
	}{
		{"cancelled", func() context.Context { c, cancel := context.WithCancel(context.Background()); cancel(); return c }, http.StatusServiceUnavailable},
		{"deadline", func() context.Context {
			c, cancel := context.WithTimeout(context.Background(), 0)
			_ = cancel
			return c
		}, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequestWithContext(tt.ctx(), http.MethodGet, servertest.OpURL("x"), nil))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), `"ServiceUnavailable"`) {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
			if strings.Contains(logs.String(), "request failed") || strings.Contains(logs.String(), "status=500") {
				t.Errorf("logged as a failure:\n%s", logs.String())
			}
		})
	}
}
