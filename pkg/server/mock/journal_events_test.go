package mock

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/redistest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
)

// sseEvent is one event of GET /mock/journal/events.
type sseEvent struct {
	id, name, data string
}

// readEvents reads events from r and sends them on a channel, closed at the end.
func readEvents(r io.Reader) <-chan sseEvent {
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return out
}

// next returns the next event, failing the test when none comes in time.
func next(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}

func entriesOf(t *testing.T, ev sseEvent) []control.JournalEntry {
	t.Helper()
	if ev.name != "entries" {
		t.Fatalf("event %q (%s), want entries", ev.name, ev.data)
	}
	var j control.Journal
	if err := json.Unmarshal([]byte(ev.data), &j); err != nil {
		t.Fatalf("entries event: %v", err)
	}
	return j.Entries
}

// follow opens the stream at base (query q) and returns its events; it ends with ctx.
func follow(t *testing.T, ctx context.Context, base, q string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/mock/journal/events"+q, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		return nil, resp
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	return readEvents(resp.Body), resp
}

// journalStores are the journals a mock can follow: in the process and in Redis.
func journalStores(t *testing.T) map[string]func(t *testing.T) (Store, *Options) {
	return map[string]func(t *testing.T) (Store, *Options){
		"memory": func(t *testing.T) (Store, *Options) {
			s, err := NewMemoryStore(DefaultOperations(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return s, &Options{JournalSize: 1000}
		},
		"redis": func(t *testing.T) (Store, *Options) {
			srv := redistest.Start(t)
			s, err := NewRedisStore(context.Background(), srv.Client(t), DefaultOperations(), &RedisStoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return s, &Options{}
		},
	}
}

func TestFollowJournalResumesWithoutLossOrRepeat(t *testing.T) {
	for name, newStore := range journalStores(t) {
		t.Run(name, func(t *testing.T) {
			store, opts := newStore(t)
			m, err := New(store, opts)
			if err != nil {
				t.Fatal(err)
			}
			srv := followServer(t, m)
			for i := range 250 {
				get(t, srv.URL+fmt.Sprintf("/phoneNumbers/operations/op-%03d?api-version=2022-12-01", i))
			}
			ctx, cancel := context.WithCancel(context.Background())
			events, _ := follow(t, ctx, srv.URL, "")
			clearEv := next(t, events)
			if clearEv.name != "clear" {
				t.Fatalf("a new follower's first event is %q, want clear", clearEv.name)
			}
			first := next(t, events)
			got := entriesOf(t, first)
			if len(got) != followBatch || got[0].Path != "/phoneNumbers/operations/op-000" {
				t.Fatalf("first event: %d entries from %s, want %d from op-000", len(got), got[0].Path, followBatch)
			}
			cancel() // the follower leaves after one event, and comes back with its id

			// Resuming from the clear's id (a connection lost between the two events) loses
			// nothing: the first entries come again.
			rctx, rcancel := context.WithCancel(context.Background())
			again, _ := follow(t, rctx, srv.URL, "?after="+clearEv.id)
			if e := entriesOf(t, next(t, again)); e[0].Path != "/phoneNumbers/operations/op-000" {
				t.Fatalf("resumed from the clear's id %s, the first entry is %s, want op-000", clearEv.id, e[0].Path)
			}
			rcancel()

			for i := 250; i < 260; i++ {
				get(t, srv.URL+fmt.Sprintf("/phoneNumbers/operations/op-%03d?api-version=2022-12-01", i))
			}
			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			events, _ = follow(t, ctx, srv.URL, "?after="+first.id)
			var paths []string
			for len(paths) < 160 {
				ev := next(t, events)
				for _, e := range entriesOf(t, ev) {
					paths = append(paths, e.Path)
				}
			}
			for i, p := range paths {
				if want := fmt.Sprintf("/phoneNumbers/operations/op-%03d", followBatch+i); p != want {
					t.Fatalf("resumed entry %d is %s, want %s (lost or repeated)", i, p, want)
				}
			}
			// Live: a request after the backlog arrives as its own event.
			get(t, srv.URL+"/phoneNumbers/operations/live?api-version=2022-12-01")
			if e := entriesOf(t, next(t, events)); len(e) != 1 || e[0].Path != "/phoneNumbers/operations/live" {
				t.Fatalf("live event %+v", e)
			}
			// A reset clears the journal: the follower is told, then sees new entries.
			post(t, srv.URL+"/mock/reset")
			if ev := next(t, events); ev.name != "clear" {
				t.Fatalf("after a reset: event %q, want clear", ev.name)
			}
			get(t, srv.URL+"/phoneNumbers/operations/after-reset?api-version=2022-12-01")
			if e := entriesOf(t, next(t, events)); len(e) != 1 || e[0].Path != "/phoneNumbers/operations/after-reset" {
				t.Fatalf("after the reset, event %+v", e)
			}
		})
	}
}

func TestFollowJournalRefusals(t *testing.T) {
	store, _ := NewMemoryStore(DefaultOperations(), nil)
	m, err := New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := followServer(t, m)
	tests := []struct {
		name, q string
		header  string
		want    int
		target  string
	}{
		{"not a cursor", "?after=abc", "", http.StatusBadRequest, "after"},
		{"too many digits", "?after=1.123456789012345678901234", "", http.StatusBadRequest, "after"},
		{"bad Last-Event-ID", "", "x", http.StatusBadRequest, "Last-Event-ID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/mock/journal/events"+tc.q, nil)
			if tc.header != "" {
				req.Header.Set("Last-Event-ID", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Error struct{ Message, Target string }
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.want || body.Error.Target != tc.target {
				t.Errorf("HTTP %d target %q (%s), want %d %q", resp.StatusCode, body.Error.Target, body.Error.Message, tc.want, tc.target)
			}
		})
	}
}

// TestFollowersAreBounded: a mock serves maxFollowers streams; one more takes the oldest
// one's slot, whose stream ends (a dashboard reconnects by itself), so that clients that
// never read cannot keep a dashboard out; the process's slots are bounded too.
func TestFollowersAreBounded(t *testing.T) {
	store, _ := NewMemoryStore(DefaultOperations(), nil)
	m, err := New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := followServer(t, m)
	var streams []<-chan sseEvent
	for range maxFollowers {
		events, resp := follow(t, context.Background(), srv.URL, "")
		if events == nil {
			t.Fatalf("follower refused: HTTP %d", resp.StatusCode)
		}
		next(t, events) // the stream is being served
		streams = append(streams, events)
	}
	events, resp := follow(t, context.Background(), srv.URL, "")
	if events == nil {
		t.Fatalf("follower %d: HTTP %d, want it served", maxFollowers+1, resp.StatusCode)
	}
	next(t, events)
	for range streams[0] { // the oldest stream ends (a hang guard: next's 10 s per event)
	}
	get(t, srv.URL+"/phoneNumbers/operations/after?api-version=2022-12-01")
	for i, s := range append(streams[1:], events) {
		if e := entriesOf(t, next(t, s)); e[0].Path != "/phoneNumbers/operations/after" {
			t.Fatalf("stream %d: %+v", i+1, e)
		}
	}
	if n := allFollowers.len(); n != maxFollowers {
		t.Errorf("the process counts %d followers, want %d", n, maxFollowers)
	}
	if maxFollowersInProcess > 64 {
		t.Errorf("the process serves %d streams at once", maxFollowersInProcess)
	}
}

// TestStalledFollowerIsLeft (attack review): a client that asks for the stream and never
// reads holds a slot for the write timeout at most, and one event of memory; a newer
// follower ends it at once, even while its write is blocked.
func TestStalledFollowerIsLeft(t *testing.T) {
	store, _ := NewMemoryStore(DefaultOperations(), nil)
	timings := defaultFollowTimings
	timings.write = 300 * time.Millisecond
	m, err := New(store, &Options{JournalSize: 20_000, follow: &timings})
	if err != nil {
		t.Fatal(err)
	}
	// Fill the journal with long entries: megabytes of events, more than loopback buffers hold.
	long := "/phoneNumbers/operations/" + strings.Repeat("x", 900)
	for range 20_000 {
		_ = m.records.AppendJournal(context.Background(), JournalEntry{Time: time.Now(), Method: "GET", Path: long, Status: 404,
			Headers: map[string]string{"user-agent": strings.Repeat("u", 200)}})
	}
	srv := followServer(t, m)
	stall := func() net.Conn {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "GET /mock/journal/events HTTP/1.1\r\nHost: %s\r\n\r\n", srv.Listener.Addr())
		return c // never read
	}
	waitFollowers := func(what string, ok func(n int) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second) // a hang guard
		for !ok(allFollowers.len()) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d followers", what, allFollowers.len())
			}
			time.Sleep(5 * time.Millisecond) // the server reads and leaves them on its own goroutines
		}
	}
	for range maxFollowers {
		stall()
	}
	waitFollowers("the stalled clients take every slot", func(n int) bool { return n == maxFollowers })
	// Their writes block on full buffers: they are left at the write timeout.
	waitFollowers("stalled clients left at the write timeout", func(n int) bool { return n == 0 })

	// A newer follower ends a stalled one at once, though its write is blocked.
	for range maxFollowers {
		stall()
	}
	waitFollowers("stalled again", func(n int) bool { return n == maxFollowers })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, resp := follow(t, ctx, srv.URL, "")
	if events == nil {
		t.Fatalf("a follower after stalled ones: HTTP %d", resp.StatusCode)
	}
	if e := entriesOf(t, next(t, func() <-chan sseEvent { next(t, events); return events }())); len(e) == 0 {
		t.Fatal("no entries for the newer follower")
	}
}

// followServer serves m on loopback until the test's cleanup, after the followers' own
// cleanups have closed their streams: httptest.Server.Close waits for every request,
// and a stream lasts as long as its client stays.
func followServer(t *testing.T, m http.Handler) *httptest.Server {
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func post(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Post(url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: HTTP %d", url, resp.StatusCode)
	}
}
