package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

var _ journalFeed = (*RedisStore)(nil)

// journalSince implements journalFeed: one script counts and reads (journalSinceScript).
func (s *RedisStore) journalSince(ctx context.Context, cur journalCursor, max int) ([]JournalEntry, journalCursor, bool, error) {
	var res []any
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		res, err = journalSinceScript.Run(ctx, s.rdb, s.journalKeys(), strconv.FormatUint(cur.gen, 10), strconv.FormatUint(cur.seq, 10), max).Slice()
		return err
	})
	if err != nil {
		return nil, journalCursor{}, false, err
	}
	w, err := readSinceReply(res)
	if err != nil {
		return nil, journalCursor{}, false, fmt.Errorf("mock: the journal's follow script answered %w", err)
	}
	out := make([]JournalEntry, 0, len(w.items))
	for i := len(w.items) - 1; i >= 0; i-- { // the list is newest first
		var e JournalEntry
		if raw, ok := w.items[i].(string); ok && json.Unmarshal([]byte(raw), &e) == nil {
			out = append(out, e)
		}
	}
	// The cursor counts what was appended up to the last entry returned. A list older than
	// its count (kept from before the count existed) starts the count at 0.
	next := journalCursor{gen: w.gen}
	if after := uint64(w.kept - w.first - w.n); after <= w.seq {
		next.seq = w.seq - after
	}
	return out, next, w.fresh, nil
}

// journalChanged implements journalFeed: a shared journal is polled.
func (s *RedisStore) journalChanged() <-chan struct{} { return nil }

// sinceReply is journalSinceScript's answer.
type sinceReply struct {
	gen, seq       uint64
	kept, first, n int64
	fresh          bool
	items          []any
}

// readSinceReply checks and reads the script's answer.
func readSinceReply(res []any) (sinceReply, error) {
	var w sinceReply
	if len(res) != 7 {
		return w, fmt.Errorf("%d values, want 7", len(res))
	}
	g, _ := res[0].(string)
	q, _ := res[1].(string)
	var err1, err2 error
	w.gen, err1 = strconv.ParseUint(g, 10, 64)
	w.seq, err2 = strconv.ParseUint(q, 10, 64)
	var ok [4]bool
	w.kept, ok[0] = res[2].(int64)
	w.first, ok[1] = res[3].(int64)
	w.n, ok[2] = res[4].(int64)
	fresh, ok3 := res[5].(int64)
	w.fresh = fresh == 1
	w.items, ok[3] = res[6].([]any)
	if err1 != nil || err2 != nil || !ok[0] || !ok[1] || !ok[2] || !ok3 || !ok[3] ||
		w.first < 0 || w.n < 0 || w.first+w.n > w.kept {
		return w, fmt.Errorf("values of the wrong kind or range")
	}
	return w, nil
}
