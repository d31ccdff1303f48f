package mock_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// TestSlowBodiesAreBoundedInBytes (issue 21 review): on an open server, slow control-API
// bodies were each buffered in full (200 of 1 MiB held 460 MB). Bodies held at once are
// bounded in bytes; a request that finds no room is answered 503 at once, unread.
func TestSlowBodiesAreBoundedInBytes(t *testing.T) {
	srv, _ := startMock(t, mock.DefaultOperations(), nil, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	const n, size = 40, 1 << 20
	per := server.MaxBufferedBodyBytes / size
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /mock/operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", size)
		_, _ = io.WriteString(c, strings.Repeat(" ", size-9)) // almost all of it, then stall
		conns[i] = c
	}
	// Which requests got room depends on the order the server read them in: count the
	// 503s among all (those holding room answer nothing until their body arrives).
	answers := make(chan bool, n)
	for _, c := range conns {
		go func() {
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			answers <- err == nil && res.StatusCode == http.StatusServiceUnavailable
		}()
	}
	busy := 0
	for range n {
		if <-answers {
			busy++
		}
	}
	runtime.ReadMemStats(&after)
	if busy != n-per {
		t.Errorf("%d of the %d requests beyond the room were answered 503", busy, n-per)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 2*server.MaxBufferedBodyBytes {
		t.Errorf("the heap grew %d MB holding %d slow bodies", grown>>20, n)
	}
}

// TestJournalAnswerStaysSmall (issue 21 review): bytes JSON spells as six (an invalid
// byte, a control character) made 1,000 journal entries a 23 MB answer; the journal keeps
// them as '?', so its answer stays within a page's 8 MiB.
func TestJournalAnswerStaysSmall(t *testing.T) {
	srv, _ := startMock(t, mock.DefaultOperations(), nil, "")
	hostile := strings.Repeat("\xff", 300)
	for range mock.DefaultJournalSize {
		req := httptest.NewRequest(http.MethodGet, "/phoneNumbers/operations/x?api-version=2022-12-01", nil)
		req.URL.Path = "/phoneNumbers/operations/" + strings.Repeat("\xff\x1b", 550)
		req.URL.RawQuery = strings.Repeat("\xff", 1100)
		for _, h := range []string{"Accept", "Content-Type", "User-Agent", "X-Ms-Date", "X-Ms-Content-Sha256", "X-Ms-Client-Request-Id"} {
			req.Header.Set(h, hostile)
		}
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/mock/journal", nil))
	if rec.Code != 200 || rec.Body.Len() > mock.MaxListPageBytes {
		t.Fatalf("%d, %d bytes", rec.Code, rec.Body.Len())
	}
}
