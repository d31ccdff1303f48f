package mock_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
)

// writeWatcher signals once the server has written enough to a connection that its
// answer is being written (past what a page's headers take).
type writeWatcher struct {
	net.Listener
	started chan struct{} // receives once per connection that wrote over 64 KiB
}

func (l writeWatcher) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c, started: l.started}, nil
}

type watchedConn struct {
	net.Conn
	started chan struct{}
	written atomic.Int64
	once    sync.Once
}

func (c *watchedConn) Write(p []byte) (int, error) {
	if c.written.Add(int64(len(p))) > 64<<10 {
		c.once.Do(func() { c.started <- struct{}{} })
	}
	return c.Conn.Write(p)
}

// TestThirdAttackReview_StalledReadersDoNotBlockTheList (item 16): two clients that ask
// for a full page and never read it held both page slots while their answers were
// written, so every other /mock/operations and /mock/journal waited for the write timeout
// (29 s under serve; forever without one). Now the slot is released once the page is
// built, and others are answered at once.
func TestThirdAttackReview_StalledReadersDoNotBlockTheList(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	for i := range 150 { // 9 MB: the page is cut at 8 MiB, more than the socket buffers take
		if _, err := f.Store.Put(withMessage(fmt.Sprintf("big-%03d", i), 60_000)); err != nil {
			t.Fatal(err)
		}
	}
	started := make(chan struct{}, 8)
	ts := httptest.NewUnstartedServer(f.Srv)
	ts.Listener = writeWatcher{Listener: ts.Listener, started: started}
	ts.Start()
	defer ts.Close()
	for range 2 {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.(*net.TCPConn).SetReadBuffer(4096)
		if _, err := io.WriteString(c, "GET /mock/operations?limit=1000 HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		<-started // its page is being written, and it reads nothing
	}
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer hc.CloseIdleConnections()
	for _, path := range []string{"/mock/operations?limit=1000", "/mock/journal", "/mock/operations?limit=1"} {
		res, err := hc.Get(ts.URL + path)
		if err != nil {
			t.Fatalf("%s with two stalled readers: %v", path, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
	}
	ts.CloseClientConnections() // ends the stalled writes
}
