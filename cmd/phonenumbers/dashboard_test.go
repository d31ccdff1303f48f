package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
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
