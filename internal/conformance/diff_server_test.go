package conformance

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// rawServer is a loopback TCP server whose handler writes answers byte for byte, header
// names spelled as it likes (net/http would canonicalise them). Each connection carries
// one request; n counts the requests from 0.
type rawServer struct {
	URL   string
	ln    net.Listener
	done  chan struct{}
	wg    sync.WaitGroup
	count atomic.Int64
	mu    sync.Mutex
	conns map[net.Conn]bool
}

// rawHandler answers request n on conn (whose request was read with br).
type rawHandler func(n int, req *http.Request, conn net.Conn, done <-chan struct{})

// newRawServer starts a raw server; with tlsConfig it speaks HTTPS. It stops when the
// test ends: the listener and every connection are closed and the handlers waited for.
func newRawServer(t *testing.T, tlsConfig *tls.Config, h rawHandler) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	s := &rawServer{URL: scheme + "://" + ln.Addr().String(), ln: ln, done: make(chan struct{}), conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[conn] = true
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					s.mu.Lock()
					delete(s.conns, conn)
					s.mu.Unlock()
					conn.Close()
				}()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				h(int(s.count.Add(1)-1), req, conn, s.done)
			}()
		}
	}()
	t.Cleanup(func() {
		close(s.done)
		ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// answer is what a test server writes: header lines in order, names as given.
type answer struct {
	status int
	lines  [][2]string
	body   []byte
}

// write writes the answer with a Content-Length and Connection: close.
func (a answer) write(conn net.Conn) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", a.status, http.StatusText(a.status))
	for _, l := range a.lines {
		fmt.Fprintf(&b, "%s: %s\r\n", l[0], l[1])
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(a.body))
	_, _ = conn.Write(append([]byte(b.String()), a.body...))
}

// recordedAnswer is ex's recorded answer, headers spelled as recorded (in name order)
// but the framing ones, which write replaces.
func recordedAnswer(ex *Exchange) answer {
	a := answer{status: ex.Status, body: ex.Body}
	keys := make([]string, 0, len(ex.Header))
	for k := range ex.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if framingHeaders[k] {
			continue
		}
		name := ex.HeaderNames[k]
		if name == "" {
			name = k
		}
		for _, v := range ex.Header[k] {
			a.lines = append(a.lines, [2]string{name, v})
		}
	}
	return a
}

// replayServer answers request n with answerFor(exs[n]) (the last one past the end),
// as a server replaying recorded sequences does.
func replayServer(t *testing.T, exs []*Exchange, answerFor func(*Exchange) answer) *rawServer {
	return newRawServer(t, nil, func(n int, _ *http.Request, conn net.Conn, _ <-chan struct{}) {
		answerFor(exs[min(n, len(exs)-1)]).write(conn)
	})
}

// testTLS returns a server TLS config and a client one that trusts it, from httptest's
// certificate.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS()
	t.Cleanup(srv.Close)
	clientCfg := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	return srv.TLS.Clone(), clientCfg
}
