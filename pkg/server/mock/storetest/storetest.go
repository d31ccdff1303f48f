// Package storetest checks a [mock.Store] against the contract the mock relies on, as
// testing/fstest checks an fs.FS: timelines by polls and by time, exact poll counting
// under concurrency, the count and byte bounds, reset, cancel, faults (requests counted,
// a faulted request not a poll, fired and remaining) and isolation between namespaces.
// Anyone writing a store runs it from a test:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, ops []mock.Operation, opts *storetest.Options) mock.Store {
//			return newMyStore(t, ops, opts)
//		})
//	}
//
// A store whose instances share state (replicas on one backend) also runs [RunShared].
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Options are what the suite asks of a new store.
type Options struct {
	// MemoryStoreOptions are the bounds, clock (Now: the suite's clock, which it steps),
	// server-wide fault rules and seed, with MemoryStore's meaning.
	mock.MemoryStoreOptions
	// Namespace names the store's state. Stores made in one test with different
	// namespaces must not see each other's state; for RunShared, stores made with the same
	// namespace must share it. A new test starts from nothing: no state of another test
	// may be seen.
	Namespace string
}

// NewStore returns a new store holding ops, configured by opts; it fails the test when
// it cannot, and releases the store at the test's cleanup.
type NewStore func(t *testing.T, ops []mock.Operation, opts *Options) mock.Store

// Run runs the suite against the stores newStore returns, each check a subtest.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		run  func(*testing.T, NewStore)
	}{
		{"TimelineByPolls", testTimelineByPolls},
		{"TimelineByTime", testTimelineByTime},
		{"ConcurrentPollsCountExactly", testConcurrentPolls},
		{"CountBound", testCountBound},
		{"ByteBounds", testByteBounds},
		{"Reset", testReset},
		{"Cancel", testCancel},
		{"PutDeleteLookupList", testPutDeleteList},
		{"Faults", testFaults},
		{"ServerWideFaults", testServerWideFaults},
		{"ReproducibleDraws", testReproducibleDraws},
		{"NamespacesIsolated", testIsolation},
		{"Journal", testJournal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore) })
	}
}

// RunShared checks stores whose instances share a namespace's state, as replicas of one
// mock do: polls spread over two instances count exactly once each, and a change through
// one is seen at once through the other.
func RunShared(t *testing.T, newStore NewStore) {
	t.Run("PollsAcrossInstancesCountExactly", func(t *testing.T) { testSharedPolls(t, newStore) })
	t.Run("ChangesSeenByEveryInstance", func(t *testing.T) { testSharedChanges(t, newStore) })
}

// Clock is a clock tests step by hand; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at a fixed time.
func NewClock() *Clock { return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func ctx() context.Context { return context.Background() }

// op returns an operation with the given id and timeline.
func op(id string, steps ...mock.Step) mock.Operation {
	return mock.Operation{ID: id, OperationType: types.PhoneNumberOperationTypePurchase, Timeline: steps}
}

func step(status types.PhoneNumberOperationStatus, afterPolls int, after time.Duration) mock.Step {
	return mock.Step{Status: status, AfterPolls: afterPolls, After: mock.Duration(after)}
}

// pollsTimeline: running, notStarted after 2 polls, succeeded after 5.
func pollsTimeline(id string) mock.Operation {
	return op(id, step("running", 0, 0), step("notStarted", 2, 0), step("succeeded", 5, 0))
}

// get reads id once through GetEncodedOperation, as the server does; the status served,
// or the fault.
func get(t *testing.T, s mock.Store, id string) (types.PhoneNumberOperationStatus, *server.Fault) {
	t.Helper()
	enc, err := s.GetEncodedOperation(ctx(), id)
	if err != nil {
		t.Fatalf("GetEncodedOperation(%q): %v", id, err)
	}
	if enc.Fault != nil {
		return "", enc.Fault
	}
	var got types.PhoneNumberOperation
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatalf("GetEncodedOperation(%q) body %q: %v", id, enc.Body, err)
	}
	if got.ID != id {
		t.Fatalf("GetEncodedOperation(%q) served id %q", id, got.ID)
	}
	return got.Status, nil
}

func lookup(t *testing.T, s mock.Store, id string) mock.OperationState {
	t.Helper()
	st, ok, err := s.LookupContext(ctx(), id)
	if err != nil || !ok {
		t.Fatalf("LookupContext(%q) = %v, %v", id, ok, err)
	}
	return st
}

func length(t *testing.T, s mock.Store) int {
	t.Helper()
	n, err := s.LenContext(ctx())
	if err != nil {
		t.Fatalf("LenContext: %v", err)
	}
	return n
}

func put(t *testing.T, s mock.Store, o mock.Operation) mock.OperationState {
	t.Helper()
	st, err := s.PutContext(ctx(), o)
	if err != nil {
		t.Fatalf("PutContext(%q): %v", o.ID, err)
	}
	return st
}

func testTimelineByPolls(t *testing.T, newStore NewStore) {
	s := newStore(t, []mock.Operation{pollsTimeline("p")}, &Options{})
	want := []types.PhoneNumberOperationStatus{"running", "running", "notStarted", "notStarted", "notStarted", "succeeded", "succeeded"}
	for i, w := range want {
		if got, f := get(t, s, "p"); got != w || f != nil {
			t.Errorf("read %d: %q (fault %v), want %q", i+1, got, f, w)
		}
	}
	if st := lookup(t, s, "p"); st.Polls != len(want) || st.Current.Status != "succeeded" {
		t.Errorf("state: polls %d, current %q; want %d, succeeded", st.Polls, st.Current.Status, len(want))
	}
	// GetOperation counts a poll as GetEncodedOperation does.
	o, err := s.GetOperation(ctx(), "p")
	if err != nil || o.Status != "succeeded" {
		t.Errorf("GetOperation = %q, %v", o.Status, err)
	}
	if st := lookup(t, s, "p"); st.Polls != len(want)+1 {
		t.Errorf("polls after GetOperation: %d, want %d", st.Polls, len(want)+1)
	}
}

func testTimelineByTime(t *testing.T, newStore NewStore) {
	clock := NewClock()
	o := op("timed", step("notStarted", 0, 0), step("running", 0, time.Second), step("succeeded", 0, 3*time.Second))
	s := newStore(t, []mock.Operation{o}, &Options{MemoryStoreOptions: mock.MemoryStoreOptions{Now: clock.Now, LastAction: mock.LastActionStep}})
	for _, tc := range []struct {
		advance time.Duration
		want    types.PhoneNumberOperationStatus
	}{{0, "notStarted"}, {999 * time.Millisecond, "notStarted"}, {time.Millisecond, "running"}, {time.Second, "running"}, {time.Second, "succeeded"}, {time.Hour, "succeeded"}} {
		clock.Advance(tc.advance)
		if got, _ := get(t, s, "timed"); got != tc.want {
			t.Errorf("at +%s: %q, want %q", tc.advance, got, tc.want)
		}
	}
	st := lookup(t, s, "timed")
	if want := st.StoredAt.Add(3 * time.Second).UTC(); st.Current.LastActionDateTime == nil || !st.Current.LastActionDateTime.Equal(want) {
		t.Errorf("lastActionDateTime %v, want %v (the time-based step's time)", st.Current.LastActionDateTime, want)
	}
	if !st.StoredAt.Equal(clock.Now().Add(-3*time.Second - time.Hour)) {
		t.Errorf("StoredAt %v, want the clock's time at start-up", st.StoredAt)
	}
}

// testConcurrentPolls: 64 goroutines poll at once; each poll counts exactly once, and the
// step reached after N polls is served exactly N times before.
func testConcurrentPolls(t *testing.T, newStore NewStore) {
	const workers, each, switchAt = 64, 10, 300
	s := newStore(t, []mock.Operation{op("busy", step("running", 0, 0), step("succeeded", switchAt, 0))}, &Options{})
	counts := pollConcurrently(t, []mock.Store{s}, "busy", workers, each)
	if counts["running"] != switchAt || counts["succeeded"] != workers*each-switchAt {
		t.Errorf("served %v; want running exactly %d times, succeeded %d", counts, switchAt, workers*each-switchAt)
	}
	if st := lookup(t, s, "busy"); st.Polls != workers*each {
		t.Errorf("polls = %d, want exactly %d", st.Polls, workers*each)
	}
}

// pollConcurrently polls id from workers goroutines, each times, spread over stores in
// turn, and counts the statuses served.
func pollConcurrently(t *testing.T, stores []mock.Store, id string, workers, each int) map[types.PhoneNumberOperationStatus]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[types.PhoneNumberOperationStatus]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s := stores[(w+i)%len(stores)]
				o, err := s.GetOperation(ctx(), id)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				counts[o.Status]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent poll: %v", err)
	}
	return counts
}

func testCountBound(t *testing.T, newStore NewStore) {
	s := newStore(t, nil, &Options{MemoryStoreOptions: mock.MemoryStoreOptions{MaxOperations: 3}})
	for i := range 4 {
		put(t, s, pollsTimeline(fmt.Sprintf("op%d", i)))
	}
	if n := length(t, s); n != 3 {
		t.Fatalf("len = %d, want 3", n)
	}
	if _, ok, _ := s.LookupContext(ctx(), "op0"); ok {
		t.Error("op0, the oldest, was not evicted")
	}
	put(t, s, pollsTimeline("op1")) // a replacement is the newest, and evicts nothing
	put(t, s, pollsTimeline("op4"))
	if _, ok, _ := s.LookupContext(ctx(), "op1"); !ok {
		t.Error("op1, replaced, was evicted as if it were the oldest")
	}
	if _, ok, _ := s.LookupContext(ctx(), "op2"); ok {
		t.Error("op2 was kept; it was the oldest")
	}
}

// withMessage is a failed operation whose error message is n bytes.
func withMessage(id string, n int) mock.Operation {
	msg := make([]byte, n)
	for i := range msg {
		msg[i] = 'x'
	}
	return op(id, mock.Step{Status: "failed", Error: &types.CommunicationError{Code: "InternalError", Message: string(msg)}})
}

func testByteBounds(t *testing.T, newStore NewStore) {
	s := newStore(t, nil, &Options{MemoryStoreOptions: mock.MemoryStoreOptions{MaxOperationBytes: 4000, MaxTotalBytes: 10_000}})
	if _, err := s.PutContext(ctx(), withMessage("big", 5000)); !errors.Is(err, mock.ErrOperationTooLarge) {
		t.Fatalf("an operation over MaxOperationBytes: %v, want ErrOperationTooLarge", err)
	}
	if n := length(t, s); n != 0 {
		t.Fatalf("len after a refused put = %d", n)
	}
	for i := range 4 { // ~3.1 KB each: the fourth evicts the first
		put(t, s, withMessage(fmt.Sprintf("op%d", i), 3000))
	}
	if n := length(t, s); n != 3 {
		t.Errorf("len = %d, want 3 (10 KB hold three)", n)
	}
	if _, ok, _ := s.LookupContext(ctx(), "op0"); ok {
		t.Error("op0 kept beyond MaxTotalBytes")
	}
}

func testReset(t *testing.T, newStore NewStore) {
	s := newStore(t, []mock.Operation{pollsTimeline("seed")}, &Options{})
	get(t, s, "seed")
	get(t, s, "seed")
	put(t, s, pollsTimeline("extra"))
	if ok, err := s.DeleteContext(ctx(), "seed"); !ok || err != nil {
		t.Fatalf("DeleteContext(seed) = %v, %v", ok, err)
	}
	if err := s.ResetContext(ctx()); err != nil {
		t.Fatal(err)
	}
	if n := length(t, s); n != 1 {
		t.Errorf("len after reset = %d, want 1", n)
	}
	if st := lookup(t, s, "seed"); st.Polls != 0 || st.Current.Status != "running" {
		t.Errorf("after reset: polls %d, status %q; want 0, running", st.Polls, st.Current.Status)
	}
	if _, ok, _ := s.LookupContext(ctx(), "extra"); ok {
		t.Error("an operation put after start-up survived the reset")
	}
}

func testCancel(t *testing.T, newStore NewStore) {
	s := newStore(t, []mock.Operation{pollsTimeline("c")}, &Options{})
	if err := s.CancelOperation(ctx(), "c"); err != nil {
		t.Fatalf("CancelOperation: %v", err)
	}
	if _, err := s.GetEncodedOperation(ctx(), "c"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("read after cancel: %v, want ErrNotFound", err)
	}
	if err := s.CancelOperation(ctx(), "c"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("second cancel: %v, want ErrNotFound", err)
	}
	if _, err := s.GetOperation(ctx(), "never"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
}

func testPutDeleteList(t *testing.T, newStore NewStore) {
	s := newStore(t, nil, &Options{})
	if _, err := s.PutContext(ctx(), op("bad", step("runing", 0, 0))); err == nil {
		t.Error("an invalid operation was stored")
	}
	for _, id := range []string{"c", "a", "e", "b", "d"} {
		st := put(t, s, pollsTimeline(id))
		if st.Operation.ID != id || st.Polls != 0 || st.Current.Status != "running" || st.Operation.CreatedDateTime.IsZero() {
			t.Errorf("PutContext(%q) state: %+v", id, st)
		}
	}
	get(t, s, "b")
	put(t, s, pollsTimeline("b")) // a replacement restarts the timeline
	if st := lookup(t, s, "b"); st.Polls != 0 {
		t.Errorf("replaced operation kept %d polls", st.Polls)
	}
	var ids []string
	after := ""
	for {
		page, more, err := s.ListPageContext(ctx(), after, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page {
			ids = append(ids, st.Operation.ID)
		}
		if !more {
			break
		}
		after = page[len(page)-1].Operation.ID
	}
	if fmt.Sprint(ids) != "[a b c d e]" {
		t.Errorf("listed %v, want [a b c d e] in pages of 2", ids)
	}
	if page, more, _ := s.ListPageContext(ctx(), "", 0, 1); len(page) != 1 || !more {
		t.Errorf("a page bounded to 1 byte holds %d operations (more %v); want 1 and more", len(page), more)
	}
	if ok, _ := s.DeleteContext(ctx(), "c"); !ok {
		t.Error("DeleteContext(c) = false")
	}
	if ok, _ := s.DeleteContext(ctx(), "c"); ok {
		t.Error("deleting twice: true")
	}
	if n := length(t, s); n != 4 {
		t.Errorf("len = %d, want 4", n)
	}
}

func testFaults(t *testing.T, newStore NewStore) {
	o := pollsTimeline("f")
	o.Faults = []mock.Fault{{Requests: []int{1, 3}, Status: 503, RetryAfter: mock.Duration(time.Second)}}
	s := newStore(t, []mock.Operation{o}, &Options{})
	if !s.MayFault() {
		t.Error("MayFault = false with an operation with faults")
	}
	// Requests 1 and 3 answer 503 and are not polls: polls go 0, 1, 2 for requests 2, 4, 5.
	want := []string{"503", "running", "503", "running", "notStarted"}
	for i, w := range want {
		status, f := get(t, s, "f")
		got := string(status)
		if f != nil {
			got = fmt.Sprint(f.Status)
			if f.RetryAfter != time.Second {
				t.Errorf("request %d: Retry-After %s", i+1, f.RetryAfter)
			}
		}
		if got != w {
			t.Errorf("request %d: %s, want %s", i+1, got, w)
		}
	}
	st := lookup(t, s, "f")
	if st.Polls != 3 || len(st.Faults) != 1 || st.Faults[0].Fired != 2 || st.Faults[0].Remaining == nil || *st.Faults[0].Remaining != 0 {
		t.Errorf("state: polls %d, faults %+v; want 3 polls, fired 2, remaining 0", st.Polls, st.Faults)
	}
}

func testServerWideFaults(t *testing.T, newStore NewStore) {
	rules := []mock.Fault{{Requests: []int{2}, Status: 429, Operations: []string{"ruled"}}}
	s := newStore(t, []mock.Operation{pollsTimeline("ruled"), pollsTimeline("free")}, &Options{MemoryStoreOptions: mock.MemoryStoreOptions{Faults: rules}})
	for i := range 3 {
		_, f := get(t, s, "ruled")
		if (f != nil) != (i == 1) {
			t.Errorf("request %d: fault %v", i+1, f)
		}
		if _, f := get(t, s, "free"); f != nil {
			t.Errorf("an operation the rule does not name faulted: %v", f)
		}
	}
	if st := lookup(t, s, "ruled"); st.Polls != 2 || st.ServerFaults != 1 {
		t.Errorf("ruled: polls %d, server faults %d; want 2, 1", st.Polls, st.ServerFaults)
	}
}

func testReproducibleDraws(t *testing.T, newStore NewStore) {
	o := pollsTimeline("r")
	o.Faults = []mock.Fault{{Rate: 0.5, Status: 500}}
	answers := func(ns string) string {
		s := newStore(t, []mock.Operation{o}, &Options{MemoryStoreOptions: mock.MemoryStoreOptions{Seed: 42}, Namespace: ns})
		out := ""
		for range 40 {
			if _, f := get(t, s, "r"); f != nil {
				out += "F"
			} else {
				out += "."
			}
		}
		return out
	}
	a, b := answers("draws1"), answers("draws2")
	if a != b {
		t.Errorf("the same seed drew differently:\n%s\n%s", a, b)
	}
	if n := len(a) - len(replaceAll(a, "F")); n < 8 || n > 32 {
		t.Errorf("rate 0.5 faulted %d of 40: %s", n, a)
	}
}

func replaceAll(s, sub string) string {
	out := ""
	for _, c := range s {
		if string(c) != sub {
			out += string(c)
		}
	}
	return out
}

func testIsolation(t *testing.T, newStore NewStore) {
	alpha := newStore(t, []mock.Operation{pollsTimeline("shared-id")}, &Options{Namespace: "alpha"})
	beta := newStore(t, []mock.Operation{pollsTimeline("shared-id")}, &Options{Namespace: "beta"})
	get(t, alpha, "shared-id")
	get(t, alpha, "shared-id")
	put(t, alpha, pollsTimeline("only-alpha"))
	if st := lookup(t, beta, "shared-id"); st.Polls != 0 {
		t.Errorf("beta sees alpha's polls: %d", st.Polls)
	}
	if _, ok, _ := beta.LookupContext(ctx(), "only-alpha"); ok {
		t.Error("beta sees alpha's operation")
	}
	if err := beta.ResetContext(ctx()); err != nil {
		t.Fatal(err)
	}
	if st := lookup(t, alpha, "shared-id"); st.Polls != 2 {
		t.Errorf("beta's reset changed alpha: polls %d", st.Polls)
	}
	if n := length(t, alpha); n != 2 {
		t.Errorf("alpha holds %d operations, want 2", n)
	}
}

func testJournal(t *testing.T, newStore NewStore) {
	s := newStore(t, nil, &Options{})
	j, ok := s.(mock.JournalStore)
	if !ok {
		t.Skip("the store keeps no journal (the mock keeps one in the process)")
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		e := mock.JournalEntry{Time: base.Add(time.Duration(i) * time.Second), Method: "GET", Path: fmt.Sprintf("/phoneNumbers/operations/op%d", i),
			Status: 200, AuthScheme: "HMAC-SHA256", Headers: map[string]string{"user-agent": "storetest"}}
		if err := j.AppendJournal(ctx(), e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := j.JournalEntries(ctx())
	if err != nil || len(got) != 3 {
		t.Fatalf("JournalEntries = %d entries, %v", len(got), err)
	}
	if got[0].Path != "/phoneNumbers/operations/op0" || got[2].Path != "/phoneNumbers/operations/op2" || !got[1].Time.Equal(base.Add(time.Second)) ||
		got[1].AuthScheme != "HMAC-SHA256" || got[1].Headers["user-agent"] != "storetest" {
		t.Errorf("entries, oldest first: %+v", got)
	}
	if err := j.ClearJournal(ctx()); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.JournalEntries(ctx()); len(got) != 0 {
		t.Errorf("%d entries after ClearJournal", len(got))
	}
}

func testSharedPolls(t *testing.T, newStore NewStore) {
	const workers, each, switchAt = 64, 10, 250
	o := op("spread", step("running", 0, 0), step("notStarted", 100, 0), step("succeeded", switchAt, 0))
	a := newStore(t, []mock.Operation{o}, &Options{Namespace: "replicas"})
	b := newStore(t, []mock.Operation{o}, &Options{Namespace: "replicas"})
	counts := pollConcurrently(t, []mock.Store{a, b}, "spread", workers, each)
	if counts["running"] != 100 || counts["notStarted"] != switchAt-100 || counts["succeeded"] != workers*each-switchAt {
		t.Errorf("served %v over two instances; want running 100, notStarted %d, succeeded %d", counts, switchAt-100, workers*each-switchAt)
	}
	if st := lookup(t, b, "spread"); st.Polls != workers*each {
		t.Errorf("polls = %d, want exactly %d", st.Polls, workers*each)
	}
}

func testSharedChanges(t *testing.T, newStore NewStore) {
	a := newStore(t, []mock.Operation{pollsTimeline("seed")}, &Options{Namespace: "replicas"})
	b := newStore(t, []mock.Operation{pollsTimeline("seed")}, &Options{Namespace: "replicas"})
	get(t, a, "seed")
	if st := lookup(t, b, "seed"); st.Polls != 1 {
		t.Errorf("b sees %d polls, want 1 (the second instance must not re-seed)", st.Polls)
	}
	put(t, a, pollsTimeline("new"))
	if got, _ := get(t, b, "new"); got != "running" {
		t.Errorf("b reads a's new operation as %q", got)
	}
	put(t, b, op("new", step("succeeded", 0, 0))) // replaced through b: a serves the new one
	if got, _ := get(t, a, "new"); got != "succeeded" {
		t.Errorf("a serves %q after b replaced the operation", got)
	}
	if err := b.CancelOperation(ctx(), "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetOperation(ctx(), "new"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("a after b's cancel: %v, want ErrNotFound", err)
	}
	if err := a.ResetContext(ctx()); err != nil {
		t.Fatal(err)
	}
	if st := lookup(t, b, "seed"); st.Polls != 0 {
		t.Errorf("b after a's reset: %d polls", st.Polls)
	}
}
