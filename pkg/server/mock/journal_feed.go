package mock

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// journalCursor is a follower's place in a journal: the journal's generation (it changes
// when the journal is cleared or its process or store starts afresh) and how many entries
// had been recorded in that generation. Its text form, "GEN.SEQ", is the event id of
// GET /mock/journal/events.
type journalCursor struct {
	gen, seq uint64
}

// String is the cursor as an event id.
func (c journalCursor) String() string {
	return strconv.FormatUint(c.gen, 10) + "." + strconv.FormatUint(c.seq, 10)
}

// errBadCursor is returned by parseJournalCursor.
var errBadCursor = errors.New("not an event id of this stream (GEN.SEQ, two decimal numbers)")

// parseJournalCursor reads an event id.
func parseJournalCursor(s string) (journalCursor, error) {
	g, q, ok := strings.Cut(s, ".")
	gen, err1 := strconv.ParseUint(g, 10, 64)
	seq, err2 := strconv.ParseUint(q, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return journalCursor{}, errBadCursor
	}
	return journalCursor{gen: gen, seq: seq}, nil
}

// journalFeed is implemented by the journals that can be followed (the in-process
// [Journal] and [RedisStore]): GET /mock/journal/events reads through it.
type journalFeed interface {
	// journalSince returns at most max entries recorded after cur, oldest first, and the
	// cursor after them. fresh reports that cur is not of the journal's current generation
	// (a clear, a restart, or the zero cursor of a new follower): the entries then start at
	// the oldest kept. Entries pushed out of the bounded journal before they were read are
	// skipped.
	journalSince(ctx context.Context, cur journalCursor, max int) (entries []JournalEntry, next journalCursor, fresh bool, err error)
	// journalChanged returns a channel closed at the next append or clear, nil when the
	// journal can only be polled (it is shared with other processes).
	journalChanged() <-chan struct{}
}

// journalPollInterval is how often a follower of a journal without change notices (a
// shared one, in Redis) looks for new entries: a request shows within it.
const journalPollInterval = 250 * time.Millisecond

// sinceWindow returns which of the kept entries follow cur: the index, among the kept
// (oldest first), of the first one to return, how many to return (at most max), and
// whether the follower starts afresh. gen and seq are the journal's, kept how many
// entries it holds.
func sinceWindow(cur journalCursor, gen, seq uint64, kept, max int) (first, n int, fresh bool) {
	behind := uint64(kept) // entries after cur: all kept, unless cur is of this generation
	if cur.gen == gen && cur.seq <= seq {
		behind = min(seq-cur.seq, uint64(kept)) // older ones were pushed out
	} else {
		fresh = true
	}
	first = kept - int(behind)
	n = min(int(behind), max)
	return first, n, fresh
}
