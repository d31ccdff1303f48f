package mock_test

import (
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// TestThirdAttackReviewControlScalars (issue 21, item 1): 1 MiB of scalars in a list under
// an unknown field passed the container count and the YAML parse built ~524k nodes (~100 MB
// a request; 48 at once reached 4.9 GB). Values of every kind are counted first now.
func TestThirdAttackReviewControlScalars(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	body := []byte(`{"id":"a","operationType":"search","timeline":[{"status":"running"}],"zz":[` +
		strings.TrimSuffix(strings.Repeat("0,", 524_000), ",") + `]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	statuses := make([]int, 48)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = f.Control(http.MethodPost, "/mock/operations", body).Status
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	// Each is refused without decoding: 413 once counted, or 503 when the bodies held at
	// once already fill their room (server.MaxBufferedBodyBytes).
	counted := 0
	for i, st := range statuses {
		switch st {
		case http.StatusRequestEntityTooLarge:
			counted++
		case http.StatusServiceUnavailable:
		default:
			t.Fatalf("request %d: %d, want 413 (or 503)", i, st)
		}
	}
	if counted == 0 {
		t.Error("no request was counted and refused 413")
	}
	// Each body is still read and buffered (1 MiB, copied a few times by the test client,
	// net/http and the server; more under -race); decoding it cost ~100 MB.
	if alloc := (after.TotalAlloc - before.TotalAlloc) / 48; alloc > 16<<20 {
		t.Errorf("a request allocated %d MB", alloc>>20)
	}
}

// TestThirdAttackReviewFixtures (item 11): 64 MiB of [{},{},…] ran out of memory (7.6 GB);
// block style took 8 GB and 18.8 s; a second top-level operations key dropped the first
// list silently.
func TestThirdAttackReviewFixtures(t *testing.T) {
	const size = 64<<20 - 1024
	flow := "operations: [" + strings.Repeat("{},", size/3) + "{}]\n"
	block := "operations:\n" + strings.Repeat("- {}\n", size/5)
	tests := []struct {
		name, doc, want string
	}{
		{"64 MiB flow", flow, "more than 1000000 values"},
		{"64 MiB block", block, "more than 1000000 values"},
		{"two operations keys", "operations:\n  - {id: a, operationType: search, timeline: [{status: running}]}\noperations:\n  - {id: b, operationType: search, timeline: [{status: running}]}\n",
			`line 3: a second "operations" field; put every entry in one list (the first is on line 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := []byte(tt.doc)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ops, err := mock.ParseFixtures("f.yaml", doc)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) || ops != nil {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("refusing allocated %d MB", alloc>>20)
			}
			if d := time.Since(start); d > time.Minute { // a hang guard: the race detector and a busy machine slow it; allocation is the bound
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

// TestAliasBudgetIsNotBoughtWithPadding (issue 21 review): the alias budget grew with the
// file's bytes, so a 30 MB comment let 10,000 operations reuse a 2,200-entry anchor
// (98.9 s, then out of memory at 2.25 GB). It counts values now, not bytes. (2,000
// operations here, to keep the test short under the race detector.)
func TestAliasBudgetIsNotBoughtWithPadding(t *testing.T) {
	var b strings.Builder
	b.WriteString("#" + strings.Repeat("x", 30<<20) + "\noperations:\n")
	b.WriteString("  - {id: op0, operationType: search, timeline: [{status: failed, error: {code: X, message: m, details: &d [")
	b.WriteString(strings.TrimSuffix(strings.Repeat("{code: a, message: b},", 2200), ","))
	b.WriteString("]}}]}\n")
	for i := 1; i < 2_000; i++ { // budgeted by bytes, 2,000 reuses of 2,200 entries took minutes
		b.WriteString("  - {id: op" + strconv.Itoa(i) + ", operationType: search, timeline: [{status: failed, error: {code: X, message: m, details: *d}}]}\n")
	}
	doc := []byte(b.String())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := mock.ParseFixtures("padded.yaml", doc)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "aliases expand the document") {
		t.Fatalf("err = %v", err)
	}
	t.Logf("refusing allocated %d MB", (after.TotalAlloc-before.TotalAlloc)>>20)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("refusing allocated %d MB", alloc>>20)
	}
	if d := time.Since(start); d > 2*time.Minute { // a hang guard; allocation is the bound
		t.Errorf("refusing took %v", d)
	}
}

// TestStepHeadersCountInMemory (issue 24 review): the byte bounds counted an operation's
// JSON, but 205 steps of 32 empty headers hold 8 times that in memory (a 64 MiB store held
// 1.5 GB; 64 auto resources ran a server out of memory). What steps and headers hold is
// counted now: such an operation is refused.
func TestStepHeadersCountInMemory(t *testing.T) {
	headers := map[string]string{}
	for i := range 32 {
		headers["A"+strconv.Itoa(i)] = ""
	}
	op := mock.Operation{ID: "h", OperationType: "purchase"}
	for range 205 {
		op.Timeline = append(op.Timeline, mock.Step{Status: "running", Headers: headers})
	}
	store, err := mock.NewMemoryStore(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(op); !errors.Is(err, mock.ErrOperationTooLarge) {
		t.Fatalf("Put = %v, want ErrOperationTooLarge", err)
	}
}
