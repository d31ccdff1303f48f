package mock_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func statuses(t *testing.T, f *servertest.Fixture, id string, n int, advance time.Duration) string {
	t.Helper()
	var seq []string
	for range n {
		seq = append(seq, string(servertest.DecodeOp(t, f.Get(id)).Status))
		f.Clock.Advance(advance)
	}
	return strings.Join(seq, ">")
}

func TestLifecycles(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		polls   int
		advance time.Duration
		want    string
	}{
		{"purchase by polls, non-monotonic", "purchase_18c224b7-0000-4000-8000-000000000001", 7, 0,
			"running>running>notStarted>notStarted>notStarted>succeeded>succeeded"},
		{"failed purchase", "purchase_18c224b7-0000-4000-8000-000000000002", 4, 0, "running>running>failed>failed"},
		{"capabilities", "capabilities_bab5d3ea-0000-4000-8000-000000000003", 3, 0, "running>running>succeeded"},
		{"release by time", "release_6d1c9e0a-0000-4000-8000-000000000004", 5, 900 * time.Millisecond,
			"notStarted>notStarted>running>running>succeeded"},
		{"seed", types.ExampleOperationID, 2, time.Hour, "succeeded>succeeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := servertest.New(t, servertest.Opts{})
			if got := statuses(t, f, tt.id, tt.polls, tt.advance); got != tt.want {
				t.Errorf("sequence = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFailedStepCarriesError(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	id := "purchase_18c224b7-0000-4000-8000-000000000002"
	if op := servertest.DecodeOp(t, f.Get(id)); op.Error != nil {
		t.Fatalf("running step carries an error: %+v", op.Error)
	}
	f.Get(id)
	op := servertest.DecodeOp(t, f.Get(id))
	if !op.Status.IsFailed() || op.Error == nil || op.Error.Code != "InternalError" ||
		op.Error.Innererror == nil || op.Error.Innererror.Code != "PurchaseFailed" {
		t.Fatalf("failed op = %+v, error %+v", op, op.Error)
	}
}

func TestLastActionModes(t *testing.T) {
	ops := []mock.Operation{{ID: "op", OperationType: types.PhoneNumberOperationTypeSearch, Timeline: []mock.Step{
		{Status: types.PhoneNumberOperationStatusRunning},
		{Status: types.PhoneNumberOperationStatusSucceeded, After: mock.Duration(2 * time.Second)},
		{Status: types.PhoneNumberOperationStatusFailed, AfterPolls: 5, Error: &types.CommunicationError{Code: "InternalError", Message: "failed"}},
	}}}
	f := servertest.New(t, servertest.Opts{Ops: ops, LastMode: mock.LastActionStep})
	start := f.Clock.Now()
	op := servertest.DecodeOp(t, f.Get("op"))
	if !op.LastActionDateTime.Equal(start) {
		t.Errorf("first step: lastActionDateTime = %v, want %v", op.LastActionDateTime, start)
	}
	if !op.CreatedDateTime.Equal(start) {
		t.Errorf("createdDateTime defaults to the store time: %v", op.CreatedDateTime)
	}
	f.Clock.Advance(3 * time.Second)
	op = servertest.DecodeOp(t, f.Get("op"))
	if !op.Status.IsSucceeded() || !op.LastActionDateTime.Equal(start.Add(2*time.Second)) {
		t.Errorf("time step: %s at %v, want succeeded at %v", op.Status, op.LastActionDateTime, start.Add(2*time.Second))
	}
	f.Get("op")
	f.Get("op")
	f.Clock.Advance(time.Second)
	reached := f.Clock.Now()
	op = servertest.DecodeOp(t, f.Get("op")) // four earlier reads: the afterPolls: 5 step is not reached yet
	if op.Status.IsFailed() {
		t.Fatalf("failed too early")
	}
	op = servertest.DecodeOp(t, f.Get("op"))
	if !op.Status.IsFailed() || !op.LastActionDateTime.Equal(reached) {
		t.Errorf("poll step: %s at %v, want failed at %v", op.Status, op.LastActionDateTime, reached)
	}

	live := servertest.New(t, servertest.Opts{Ops: ops})
	if op := servertest.DecodeOp(t, live.Get("op")); op.LastActionDateTime.Year() != 1 {
		t.Errorf("live mode: lastActionDateTime = %v", op.LastActionDateTime)
	}
}

func TestMemoryStoreBoundedAndEvictsOldest(t *testing.T) {
	store, err := mock.NewMemoryStore(nil, &mock.MemoryStoreOptions{MaxOperations: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := store.Put(scripted(fmt.Sprintf("op%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if store.Len() != 3 {
		t.Fatalf("Len = %d, want 3", store.Len())
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := store.Lookup(fmt.Sprintf("op%d", i)); ok != want {
			t.Errorf("op%d present = %v, want %v", i, ok, want)
		}
	}
	// Replacing keeps the count and moves the operation to the young end.
	_, _ = store.Put(scripted("op2"))
	_, _ = store.Put(scripted("op5"))
	if _, ok := store.Lookup("op2"); !ok {
		t.Errorf("replaced op2 was evicted")
	}
	if _, ok := store.Lookup("op3"); ok {
		t.Errorf("op3 should be the oldest and evicted")
	}
}

func scripted(id string) mock.Operation {
	return mock.Operation{ID: id, OperationType: types.PhoneNumberOperationTypeSearch,
		Timeline: []mock.Step{{Status: types.PhoneNumberOperationStatusSucceeded}}}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	f := servertest.New(t, servertest.Opts{MaxOps: 1000})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := f.Store.Put(scripted(fmt.Sprintf("w%d-%d", w, i%10))); err != nil {
					t.Error(err)
					return
				}
				f.Store.Delete(fmt.Sprintf("w%d-%d", w, (i+5)%10))
				f.Store.List()
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				r := f.Get("purchase_18c224b7-0000-4000-8000-000000000001")
				if r.Status != 200 {
					t.Errorf("status %d", r.Status)
					return
				}
			}
		}()
	}
	wg.Wait()
	st, ok := f.Store.Lookup("purchase_18c224b7-0000-4000-8000-000000000001")
	if !ok || st.Polls != 8*50 {
		t.Fatalf("polls = %d, want %d (every read counted exactly once)", st.Polls, 8*50)
	}
	if n := f.Store.Len(); n < 5 || n > 5+8*10 {
		t.Fatalf("store holds %d operations, want between 5 and 85", n)
	}
}
