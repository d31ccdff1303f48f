package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Bounds of GET /mock/journal/events: what a follower (a dashboard left open, a stalled
// browser, curl -N) can hold of the server is one event of at most followBatch entries,
// for at most the write timeout, in one of maxFollowers slots of its mock and of
// maxFollowersInProcess of the process; a new follower ends the oldest when all are taken.
const (
	// maxFollowers bounds the streams a mock serves at once.
	maxFollowers = 8
	// followBatch bounds the entries of one event.
	followBatch = 100
	// maxKeptEventBytes is the most of an event's buffer a stream keeps between events.
	maxKeptEventBytes = 64 << 10
)

// followTimings are the durations of a stream; tests shorten them.
type followTimings struct {
	write     time.Duration // a client that has not taken an event within it is left
	heartbeat time.Duration // a comment line keeps proxies and the client's idle timers content
	lifetime  time.Duration // then the stream ends: the client reconnects (and signs again)
	poll      time.Duration // how often a journal without notices is read
}

var defaultFollowTimings = followTimings{
	write:     10 * time.Second,
	heartbeat: 15 * time.Second,
	lifetime:  10 * time.Minute,
	poll:      journalPollInterval,
}

// FollowJournal streams the journal as Server-Sent Events (see openapi/control.yaml).
func (cs *controlService) FollowJournal(ctx context.Context, req control.FollowJournalRequestObject) (control.FollowJournalResponseObject, error) {
	feed, ok := cs.journal.(journalFeed)
	if !ok {
		e := server.NewAPIError(http.StatusNotImplemented, server.CodeBadRequest,
			"This mock's journal cannot be followed (its store does not number its entries); read GET /mock/journal instead.", "")
		return control.FollowJournaldefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	cur, e := followCursor(req.Params)
	if e != nil {
		return control.FollowJournaldefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	ctx, end := context.WithCancel(ctx)
	f := &follower{end: end, owner: cs.followers}
	cs.followers.take(f)
	allFollowers.take(f)
	release := func() {
		cs.followers.leave(f)
		allFollowers.leave(f)
		end()
	}
	return &journalStream{ctx: ctx, feed: feed, cur: cur, timings: cs.follow, release: release}, nil
}

// followCursor reads the cursor a follower resumes from: after, else Last-Event-ID, else
// none (the zero cursor, which no journal's generation matches: every entry kept).
func followCursor(p control.FollowJournalParams) (journalCursor, *server.APIError) {
	name, v := "after", p.After
	if v == nil {
		name, v = "Last-Event-ID", p.LastEventID
	}
	if v == nil || (*v == "" && name == "Last-Event-ID") {
		return journalCursor{}, nil
	}
	cur, err := parseJournalCursor(*v)
	if err != nil {
		return journalCursor{}, server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter,
			"The "+name+" value is "+err.Error()+"; send the id of the last event received, or nothing to start over.", name)
	}
	return cur, nil
}

// journalStream is the answer of FollowJournal: it writes the events until the client
// leaves or stops reading, the server drains, the store fails, or its lifetime is over.
type journalStream struct {
	ctx     context.Context
	feed    journalFeed
	cur     journalCursor
	timings followTimings
	release func()
	buf     bytes.Buffer // one event
}

// VisitFollowJournalResponse writes the stream.
func (s *journalStream) VisitFollowJournalResponse(w http.ResponseWriter) error {
	defer s.release()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx and the like would hold events back
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	defer cutWritesWhenDone(s.ctx, rc)()
	if err := s.send(w, rc, ": the journal of this mock; events: entries, clear, error\n\n"); err != nil {
		return nil
	}
	lifetime := time.NewTimer(s.timings.lifetime)
	defer lifetime.Stop()
	heartbeat := time.NewTicker(s.timings.heartbeat)
	defer heartbeat.Stop()
	var poll <-chan time.Time
	for {
		changed := s.feed.journalChanged() // before reading: a change after the read wakes us
		more, err := s.sendNew(w, rc)
		if err != nil {
			return nil // the client is gone or stalled: nothing to answer
		}
		if more && s.ctx.Err() == nil {
			continue
		}
		if changed == nil && poll == nil {
			t := time.NewTicker(s.timings.poll)
			defer t.Stop()
			poll = t.C
		}
		select {
		case <-s.ctx.Done(): // the client left, or the server drains
			return nil
		case <-lifetime.C:
			return nil
		case <-heartbeat.C:
			if s.send(w, rc, ": ping\n\n") != nil {
				return nil
			}
		case <-changed:
		case <-poll:
		}
	}
}

// cutWritesWhenDone makes a write blocked on a client that does not read end when ctx
// does (the drain, a newer follower taking the slot), not only at its deadline; call the
// func it returns before the handler returns. The writer is echo's, pooled: it is not
// touched afterwards (context.AfterFunc's stop does not wait for a func already started;
// the flag does).
func cutWritesWhenDone(ctx context.Context, rc *http.ResponseController) (release func()) {
	var mu sync.Mutex
	done := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			_ = rc.SetWriteDeadline(time.Now())
		}
	})
	return func() {
		stop()
		mu.Lock()
		done = true
		mu.Unlock()
	}
}

// errStreamEnded ends a stream after an error event.
var errStreamEnded = errors.New("mock: the journal stream ended")

// sendNew sends what the journal recorded after the cursor: a clear event when the
// follower starts afresh, then one entries event of at most followBatch; more reports
// that entries remain.
func (s *journalStream) sendNew(w io.Writer, rc *http.ResponseController) (more bool, err error) {
	entries, next, fresh, err := s.feed.journalSince(s.ctx, s.cur, followBatch)
	if err != nil {
		if s.ctx.Err() == nil {
			s.sendError(w, rc, err)
		}
		return false, errStreamEnded
	}
	s.cur = next
	if fresh {
		// The clear's id is the cursor before the entries that follow it: a client that
		// loses the connection between the two events resumes with none of them lost.
		start := journalCursor{gen: next.gen, seq: next.seq - min(next.seq, uint64(len(entries)))}
		if err := s.send(w, rc, "id: "+start.String()+"\nevent: clear\ndata: {}\n\n"); err != nil {
			return false, err
		}
	}
	if len(entries) == 0 {
		return false, nil
	}
	s.buf.Reset()
	s.buf.WriteString("id: " + next.String() + "\nevent: entries\ndata: ")
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false) // as GET /mock/journal: six bytes for a < would grow the event
	out := control.Journal{Entries: make([]control.JournalEntry, len(entries))}
	for i, e := range entries {
		out.Entries[i] = toControlEntry(e)
	}
	if err := enc.Encode(out); err != nil { // one line: JSON escapes every newline
		return false, err
	}
	s.buf.WriteString("\n")
	err = s.write(w, rc, s.buf.Bytes())
	if s.buf.Cap() > maxKeptEventBytes {
		s.buf = bytes.Buffer{} // a large event's memory is not kept for the stream's life
	}
	if err != nil {
		return false, err
	}
	return len(entries) == followBatch, nil
}

// sendError sends the store's failure as an error event.
func (s *journalStream) sendError(w io.Writer, rc *http.ResponseController, err error) {
	e := server.NewAPIError(http.StatusInternalServerError, server.CodeInternalError, "The journal could not be read.", "")
	var ae *server.APIError
	if errors.As(err, &ae) {
		e = ae
	}
	body, _ := json.Marshal(types.CommunicationErrorResponse{Error: e.Body})
	_ = s.send(w, rc, "event: error\ndata: "+string(body)+"\n\n")
}

func (s *journalStream) send(w io.Writer, rc *http.ResponseController, text string) error {
	return s.write(w, rc, []byte(text))
}

// write writes one event and flushes it, within the write timeout: a client that does
// not read is left rather than held.
func (s *journalStream) write(w io.Writer, rc *http.ResponseController, b []byte) error {
	// Without deadlines (a writer that cannot set them), the server's own write timeout
	// ends the stream: the client reconnects.
	_ = rc.SetWriteDeadline(time.Now().Add(s.timings.write))
	if _, err := w.Write(b); err != nil {
		return err
	}
	return rc.Flush()
}

// toControlEntry is a journal entry as the control API answers it.
func toControlEntry(e JournalEntry) control.JournalEntry {
	ce := control.JournalEntry{Time: e.Time, Method: e.Method, Path: e.Path, Status: e.Status}
	if e.Query != "" {
		ce.Query = &e.Query
	}
	if e.AuthScheme != "" {
		ce.AuthScheme = &e.AuthScheme
	}
	if e.Fault != "" {
		ce.Fault = &e.Fault
	}
	if len(e.Headers) > 0 {
		ce.Headers = &e.Headers
	}
	return ce
}
