package mock_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// flaky is an operation running -> succeeded after 2 polls, with faults.
func flaky(id string, faults ...mock.Fault) mock.Operation {
	return mock.Operation{ID: id, OperationType: types.PhoneNumberOperationTypePurchase, Faults: faults,
		Timeline: []mock.Step{{Status: types.PhoneNumberOperationStatusRunning}, {Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 2}}}
}

// TestFaultStatuses (issue 23): a fault status answers instead of the operation, with the
// service's error code (or the fault's own error) and Retry-After in whole seconds, and is
// not a poll; the journal marks it; mock get's state counts it.
func TestFaultStatuses(t *testing.T) {
	custom := types.CommunicationError{Code: "Throttled", Message: "Slow down."}
	f := servertest.New(t, servertest.Opts{Ops: []mock.Operation{flaky("p",
		mock.Fault{Requests: []int{1, 2}, Status: 503, RetryAfter: mock.Duration(1500 * time.Millisecond)},
		mock.Fault{Requests: []int{3}, Status: 429, Error: &custom},
	)}})
	tests := []struct {
		status     int
		code       string
		retryAfter string
		opStatus   types.PhoneNumberOperationStatus
	}{
		{503, "ServiceUnavailable", "2", ""},
		{503, "ServiceUnavailable", "2", ""},
		{429, "Throttled", "", ""},
		{200, "", "", types.PhoneNumberOperationStatusRunning}, // the first poll: faults did not advance the timeline
		{200, "", "", types.PhoneNumberOperationStatusRunning},
		{200, "", "", types.PhoneNumberOperationStatusSucceeded},
	}
	for i, tt := range tests {
		r := f.Get("p")
		if r.Status != tt.status || r.Header.Get("Retry-After") != tt.retryAfter {
			t.Fatalf("request %d: %d Retry-After %q, want %d %q: %s", i+1, r.Status, r.Header.Get("Retry-After"), tt.status, tt.retryAfter, r.Body)
		}
		if tt.code != "" {
			if e := r.ErrorBody(t); e.Code != tt.code {
				t.Errorf("request %d: code %q, want %q", i+1, e.Code, tt.code)
			}
			continue
		}
		if op := servertest.DecodeOp(t, r); op.Status != tt.opStatus {
			t.Errorf("request %d: status %q, want %q", i+1, op.Status, tt.opStatus)
		}
	}
	st, _ := f.Store.Lookup("p")
	if st.Polls != 3 || len(st.Faults) != 2 || st.Faults[0].Fired != 2 || *st.Faults[0].Remaining != 0 || st.Faults[1].Fired != 1 {
		t.Errorf("state: %d polls, faults %+v", st.Polls, st.Faults)
	}
	var faults []string
	for _, e := range f.Srv.Journal().Entries() {
		faults = append(faults, e.Fault)
	}
	if strings.Join(faults, "|") != "status 503|status 503|status 429|||" {
		t.Errorf("journal faults %q", faults)
	}
	// The control API reads without counting: no fault fires on /mock.
	for range 3 {
		f.Control(http.MethodGet, "/mock/operations/p", nil)
	}
	if st, _ := f.Store.Lookup("p"); st.Faults[0].Fired != 2 {
		t.Errorf("a control read fired a fault: %+v", st.Faults)
	}
}

// TestFaultDrops (issue 23): reset, close and truncate over a real connection.
func TestFaultDrops(t *testing.T) {
	srv, _ := startMock(t, []mock.Operation{flaky("d",
		mock.Fault{Requests: []int{1}, Drop: "reset"},
		mock.Fault{Requests: []int{2}, Drop: "close"},
		mock.Fault{Requests: []int{3}, Drop: "truncate"},
	)}, nil, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	get := func() (string, error) {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(conn, "GET /phoneNumbers/operations/d?api-version=2022-12-01 HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	tests := []struct {
		name  string
		check func(body string, err error) bool
	}{
		{"reset", func(_ string, err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"close", func(_ string, err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) }},
		{"truncate", func(body string, err error) bool {
			return errors.Is(err, io.ErrUnexpectedEOF) && strings.HasPrefix(body, `{"operationType":"purchase"`) && !strings.HasSuffix(body, "}\n")
		}},
		{"then answered", func(body string, err error) bool { return err == nil && strings.Contains(body, `"status":"running"`) }},
	}
	for _, tt := range tests {
		body, err := get()
		if !tt.check(body, err) {
			t.Errorf("%s: body %q, err %v", tt.name, body, err)
		}
	}
	// The journal records a request once its handler returns, which may be just after the
	// client has read the answer: wait for the fourth entry.
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Journal().Entries()) < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	// Entries are journaled as their handlers return: a truncated answer's handler can
	// return after the next request's (seen in CI). Their arrival times order them.
	entries := srv.Journal().Entries()
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Time.Before(entries[j].Time) })
	var statuses []int
	for _, e := range entries {
		statuses = append(statuses, e.Status)
	}
	if len(statuses) != 4 || statuses[0] != 0 || statuses[2] != 0 || statuses[3] != 200 {
		t.Errorf("journal statuses %v: a dropped request is 0", statuses)
	}
}

// TestFaultDelays (issue 23): a delayed answer is a poll, answered later; a client that
// goes away releases it at once.
func TestFaultDelays(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Ops: []mock.Operation{flaky("slow",
		mock.Fault{Requests: []int{1}, Delay: control.Delay{Min: mock.Duration(30 * time.Millisecond), Max: mock.Duration(30 * time.Millisecond)}},
		mock.Fault{Requests: []int{2}, Delay: control.Delay{Min: mock.Duration(time.Minute), Max: mock.Duration(time.Minute)}},
	)}})
	start := time.Now()
	r := f.Get("slow")
	if ms, _ := strconv.Atoi(strings.TrimSuffix(r.Header.Get("X-Processing-Time"), "ms")); r.Status != 200 || time.Since(start) < 30*time.Millisecond || ms < 30 {
		t.Fatalf("%d after %v, X-Processing-Time %q", r.Status, time.Since(start), r.Header.Get("X-Processing-Time"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, servertest.OpURL("slow"), nil).WithContext(ctx)
	done := make(chan servertest.Response, 1)
	go func() { done <- f.Do(req) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a minute's delay held the request after its client went away")
	}
	if st, _ := f.Store.Lookup("slow"); st.Faults[0].Fired != 1 || st.Faults[1].Fired != 1 {
		t.Errorf("faults %+v", st.Faults)
	}
}

// TestFaultRatesAreReproducible (issue 23): the same seed and the same requests give the
// same answers; a server-wide rule names its operations.
func TestFaultRatesAreReproducible(t *testing.T) {
	run := func(seed uint64) string {
		store, err := mock.NewMemoryStore([]mock.Operation{flaky("a"), flaky("b")}, &mock.MemoryStoreOptions{Seed: seed,
			Faults: []mock.Fault{{Rate: 0.5, Status: 500, Operations: []string{"a"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for range 40 {
			for _, id := range []string{"a", "b"} {
				_, err := store.GetEncodedOperation(context.Background(), id)
				enc, _ := store.GetEncodedOperation(context.Background(), id)
				if err != nil || enc.Fault != nil {
					out.WriteString("F")
				} else {
					out.WriteString(".")
				}
			}
		}
		return out.String()
	}
	first, again, other := run(7), run(7), run(8)
	if first != again {
		t.Errorf("seed 7 gave %s then %s", first, again)
	}
	if first == other {
		t.Errorf("seeds 7 and 8 gave the same draws: %s", first)
	}
	if n := strings.Count(first, "F"); n < 10 || n > 70 {
		t.Errorf("%d faults in 160 requests at rate 0.5 on half of them", n)
	}
}

// TestFaultSpecErrors (issue 23): bad faults get the fixtures' error quality.
func TestFaultSpecErrors(t *testing.T) {
	head := "operations:\n  - id: a\n    operationType: search\n    timeline: [{status: running}]\n    faults:\n"
	tests := []struct {
		name, doc, want string
	}{
		{"no trigger", head + "      - status: 503\n", `line 6: operation "a": faults[0].requests: is required (or rate)`},
		{"both effects", head + "      - requests: [1]\n        status: 503\n        drop: reset\n", "faults[0].drop: set status or drop, not both"},
		{"unknown drop", head + "      - requests: [1]\n        drop: rst\n", `"rst" is not one of reset, close, truncate; did you mean "reset"?`},
		{"misspelt key", head + "      - requests: [1]\n        retry_after: 1s\n        status: 429\n", "retry_after: unknown field"},
		{"too long", head + "      - requests: [1]\n        delay: 2m\n", "faults[0].delay: is at most 1m0s"},
		{"status out of range", head + "      - requests: [1]\n        status: 200\n", "faults[0].status"},
		{"operations in an operation", head + "      - requests: [1]\n        status: 500\n        operations: [a]\n", "only a fixtures file's top-level faults name operations"},
		{"top-level rule", "operations: [{id: a, operationType: search, timeline: [{status: running}]}]\nfaults:\n  - rate: 2\n    status: 503\n", "faults[0].rate"},
		{"misspelt status", head + "      - requests: [1]\n        staus: 503\n", `did you mean "status"?`},
		{"a rule naming no operation", "operations: [{id: abc, operationType: search, timeline: [{status: running}]}]\nfaults:\n  - rate: 0.5\n    status: 503\n    operations: [abd]\n",
			`faults[0].operations: names "abd", which the file does not hold; did you mean "abc"?`},
		{"top-level misspelt", "operations: [{id: a, operationType: search, timeline: [{status: running}]}]\nfault: []\n", `did you mean "faults"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mock.ParseFixtureFile("f.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	file, err := mock.ParseFixtureFile("f.yaml", []byte("operations: [{id: a, operationType: search, timeline: [{status: running}]}]\nfaults:\n  - rate: 0.1\n    delay: {min: 10ms, max: 1s}\n    operations: [a]\n"))
	if err != nil || len(file.Faults) != 1 || file.Faults[0].Delay.Max != mock.Duration(time.Second) {
		t.Fatalf("%v %+v", err, file)
	}
}

// TestServerFaultsListed: the control API says how many server-wide fault rules apply to
// each operation (serverFaults), so that a client choosing operations to check (conformance
// with none named) can pass over those answered with faults on purpose.
func TestServerFaultsListed(t *testing.T) {
	tests := []struct {
		name  string
		rules []mock.Fault
		want  map[string]int // operation -> serverFaults
	}{
		{"none", nil, map[string]int{"a": 0, "b": 0}},
		{"one operation", []mock.Fault{{Rate: 0.1, Status: 500, Operations: []string{"b"}}}, map[string]int{"a": 0, "b": 1}},
		{"every operation, and one", []mock.Fault{{Rate: 0.1, Status: 500}, {Rate: 0.5, Status: 503, Operations: []string{"a"}}}, map[string]int{"a": 2, "b": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := startMock(t, []mock.Operation{flaky("a"), flaky("b")}, &mock.MemoryStoreOptions{Faults: tt.rules}, "")
			ts := httptest.NewServer(srv)
			defer ts.Close()
			res, err := http.Get(ts.URL + "/mock/operations")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var page control.OperationStateList
			if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, op := range page.Operations {
				if op.ServerFaults != nil {
					if *op.ServerFaults == 0 {
						t.Errorf("%s: serverFaults 0 is sent, want absent", op.Operation.ID)
					}
					got[op.Operation.ID] = *op.ServerFaults
				} else {
					got[op.Operation.ID] = 0
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("serverFaults %v, want %v", got, tt.want)
			}
		})
	}
}
