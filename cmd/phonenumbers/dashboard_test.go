package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
)

// streamLines reads a journal stream's lines onto a channel, closed at its end.
func streamLines(body io.Reader) <-chan string {
	out := make(chan string, 256)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

// TestJournalStreamOutlivesTheWriteTimeout: serve's write timeout bounds an answer; a
// journal stream extends its deadline event by event, so that it is not cut when the
// timeout passes while it is quietly followed.
func TestJournalStreamOutlivesTheWriteTimeout(t *testing.T) {
	base, _ := startServeWith(t, serveCmd{}, serveHooks{writeTimeout: 300 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/mock/journal/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := streamLines(resp.Body)
	// Well past the write timeout (a channel wait, not a sleep: the stream must stay open).
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for waiting := true; waiting; {
		select {
		case _, ok := <-lines:
			if !ok {
				t.Fatal("the stream was cut before a second had passed")
			}
		case <-timer.C:
			waiting = false
		}
	}
	poll, err := http.Get(base + "/phoneNumbers/operations/after-the-timeout?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	poll.Body.Close()
	defer http.DefaultClient.CloseIdleConnections()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended before the request showed")
			}
			if strings.Contains(l, "after-the-timeout") {
				return
			}
		case <-time.After(10 * time.Second): // a hang guard
			t.Fatal("the request never showed on the stream")
		}
	}
}

// TestDrainEndsJournalStreams: a dashboard left open does not hold serve's drain.
func TestDrainEndsJournalStreams(t *testing.T) {
	cmd := serveCmd{Addr: "127.0.0.1:0", LastAction: "live", LogFormat: "text", LogLevel: "info", APIVersions: []string{"2022-12-01"}}
	ready := make(chan string, 1)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- cmd.serve(ctx, &servertest.SyncBuffer{}, serveHooks{ready: func(u string) { ready <- u }, drainTimeout: 30 * time.Second})
	}()
	base := <-ready
	resp, err := http.Get(base + "/mock/journal/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := streamLines(resp.Body)
	<-lines // being served
	started := time.Now()
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second): // a hang guard, under the drain timeout
		t.Fatal("serve is still draining: the open stream holds it")
	}
	for range lines { // the stream has ended
	}
	t.Logf("drained in %s with a stream open", time.Since(started).Round(time.Millisecond))
}

// lineWriter passes each line written to it to a channel.
type lineWriter struct {
	mu    sync.Mutex
	buf   []byte
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.lines <- string(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
}

// TestMockJournalFollow: `mock journal --follow` prints each request as it is recorded, one
// JSON object a line, signed on a keyed server, until interrupted (exit 0); a wrong key is
// exit 1 with the server's answer.
func TestMockJournalFollow(t *testing.T) {
	base, _ := startServe(t, serveCmd{AccessKey: testKey})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lineWriter{lines: make(chan string, 64)}
	errOut := &servertest.SyncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- runIO(ctx, []string{"mock", "journal", "--follow", "--endpoint", base, "--access-key", testKey}, strings.NewReader(""), out, errOut)
	}()
	// Requests until one shows (the stream may not be open yet when the first is answered:
	// it then comes with the journal's backlog, which is fine too).
	if code, _, stderr := runCLI(t, "operation", "get", "search-my-operation-id", "--endpoint", base, "--access-key", testKey); code != exitOK {
		t.Fatalf("operation get: exit %d: %s", code, stderr)
	}
	select {
	case line := <-out.lines:
		var entry struct {
			Path, AuthScheme string
			Status           int
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil || entry.Path != "/phoneNumbers/operations/search-my-operation-id" || entry.Status != 200 || entry.AuthScheme != "HMAC-SHA256" {
			t.Fatalf("line %q (%v)", line, err)
		}
	case code := <-done:
		t.Fatalf("follow ended, exit %d: %s", code, errOut.String())
	case <-time.After(10 * time.Second): // a hang guard
		t.Fatal("no line within 10 s")
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("interrupted follow: exit %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not end when interrupted")
	}

	code, _, stderr := runCLI(t, "mock", "journal", "--follow", "--endpoint", base, "--access-key", "bm90IHRoZSBrZXk=")
	if code != exitFailure || !strings.Contains(stderr, "HTTP 401") {
		t.Fatalf("a wrong key: exit %d: %s", code, stderr)
	}
}
