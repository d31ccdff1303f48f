package conformance

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// maxDiffHead bounds a response head [Validator.Diff] reads: status line and header block.
// The transport refuses a longer one; the capture keeps a little more than that, so that
// every head the transport accepts is captured whole.
const maxDiffHead = MaxUpstreamHeaderBytes // 64 KiB, as the proxy's and RunLive's clients

// headCapture records the bytes a connection reads up to the end of the response head
// (past any 1xx interim heads), at most maxDiffHead+4096 of them. One capture serves one
// request; it reaches the dialer through the request's context, whose values the
// transport keeps for the dial.
type headCapture struct {
	mu   sync.Mutex
	buf  []byte
	done bool
}

// headCaptureKey is the context key of a request's *headCapture.
type headCaptureKey struct{}

// write appends what was read, until the final head is complete or the bound reached.
func (c *headCapture) write(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	room := maxDiffHead + 4096 - len(c.buf)
	if len(p) > room {
		p = p[:room]
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= maxDiffHead+4096 {
		c.done = true
		return
	}
	if bytes.IndexByte(p, '\n') >= 0 {
		if _, ok := finalHead(c.buf); ok {
			c.done = true
		}
	}
}

// names returns the header names of the final head as the server spelled them, in order,
// with repetitions; ok is false when no complete head was captured.
func (c *headCapture) names() (names []string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	head, ok := finalHead(c.buf)
	if !ok {
		return nil, false
	}
	lines := bytes.Split(head, []byte("\n"))
	for _, line := range lines[1:] { // the status line first
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' { // the end, or an obsolete folded continuation
			continue
		}
		if i := bytes.IndexByte(line, ':'); i > 0 {
			names = append(names, string(line[:i]))
		}
	}
	return names, true
}

// finalHead returns the last complete head in buf that is not an interim (1xx other
// than 101) answer, without its blank line; ok is false until there is one. Lines end
// with CRLF or, as Go's reader also accepts, a bare LF.
func finalHead(buf []byte) (head []byte, ok bool) {
	for start := 0; start < len(buf); {
		end := headEnd(buf[start:])
		if end < 0 {
			return nil, false
		}
		head = buf[start : start+end]
		start += end
		if buf[start] == '\r' { // past the blank line: headEnd saw CRLF or LF there
			start += 2
		} else {
			start++
		}
		if !isInterim(head) {
			return head, true
		}
	}
	return nil, false
}

// headEnd returns the length of the head at the start of b up to and including the line
// break that ends its last header line (the blank line after it not included), or -1 when
// the blank line has not been read yet.
func headEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		rest := b[i+1:]
		if bytes.HasPrefix(rest, []byte("\r\n")) || bytes.HasPrefix(rest, []byte("\n")) {
			return i + 1
		}
	}
	return -1
}

// isInterim reports a 1xx head other than 101 Switching Protocols, which a client reads
// past to the final answer.
func isInterim(head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 2 {
		return false
	}
	code, err := strconv.Atoi(string(f[1]))
	return err == nil && code >= 100 && code < 200 && code != http.StatusSwitchingProtocols
}

// capturingConn is a connection whose reads are copied to a headCapture.
type capturingConn struct {
	net.Conn
	capture *headCapture
}

// Read reads from the connection and records what it read.
func (c *capturingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.capture.write(p[:n])
	}
	return n, err
}

// newDiffTransport returns the HTTP/1.1 transport Diff sends with: a connection per
// request (no keep-alive, so that each connection carries exactly one answer to capture),
// no proxy (a proxy's bytes are not the server's), heads bounded at maxDiffHead, and each
// connection's plaintext captured: for https above TLS (dial, handshake, then wrap), since
// below it the bytes are ciphertext. tlsConfig (nil: the defaults) verifies https
// endpoints.
func newDiffTransport(tlsConfig *tls.Config) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	capture := func(ctx context.Context, conn net.Conn) net.Conn {
		if c, ok := ctx.Value(headCaptureKey{}).(*headCapture); ok {
			return &capturingConn{Conn: conn, capture: c}
		}
		return conn
	}
	base := &tls.Config{MinVersion: tls.VersionTLS12}
	if tlsConfig != nil {
		base = tlsConfig.Clone()
	}
	base.NextProtos = []string{"http/1.1"}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return capture(ctx, conn), nil
		},
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			cfg := base.Clone()
			if cfg.ServerName == "" {
				host, _, err := net.SplitHostPort(addr)
				if err != nil {
					host = addr
				}
				cfg.ServerName = host
			}
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, err
			}
			return capture(ctx, tc), nil
		},
		DisableKeepAlives:      true,
		DisableCompression:     true,
		ForceAttemptHTTP2:      false,
		TLSNextProto:           map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxResponseHeaderBytes: maxDiffHead,
		TLSHandshakeTimeout:    10 * time.Second,
	}
}
