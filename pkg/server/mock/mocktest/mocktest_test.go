package mocktest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/mocktest"
)

// recordingT records what a helper reports, for testing the helpers' failures.
type recordingT struct {
	testing.TB
	errors []string
}

func (r *recordingT) Helper() {}
func (r *recordingT) Errorf(f string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(f, args...))
}

func TestMockAndVerify(t *testing.T) {
	m := mocktest.New(t, &mocktest.Options{AccessKey: mocktest.TestKey})
	ctx := context.Background()
	if _, err := m.Client.GetOperation(ctx, "search-my-operation-id", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Client.GetOperation(ctx, "nope", nil); err == nil {
		t.Fatal("an unknown id answered")
	}
	// Unsigned: the mock refuses it, and the journal keeps the 401.
	res, err := http.Get(m.Endpoint + "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	tests := []struct {
		q    mocktest.Query
		want int
	}{
		{mocktest.Query{}, 3},
		{mocktest.Query{Operation: "search-my-operation-id"}, 2},
		{mocktest.Query{Operation: "search-my-operation-id", Status: 200}, 1},
		{mocktest.Query{Status: 401}, 1},
		{mocktest.Query{Method: "delete"}, 0},
		{mocktest.Query{Operation: "nope", Status: 404}, 1},
	}
	for _, tt := range tests {
		m.AssertRequests(t, tt.q, tt.want)
	}
	m.AssertAtLeast(t, mocktest.Query{Method: "get"}, 3)

	// A failing assertion names the query and lists the journal.
	rec := &recordingT{TB: t}
	m.AssertRequests(rec, mocktest.Query{Operation: "search-my-operation-id"}, 5)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "the journal") {
		t.Errorf("failure report: %q", rec.errors)
	}
	if cs, err := m.Control.ListOperationsWithResponse(ctx, nil); err != nil || cs.JSON200 == nil || len(cs.JSON200.Operations) != 5 {
		t.Errorf("control client: %v %v", err, cs)
	}
}

// TestFailureListingIsEscaped: a client's path cannot forge journal lines or send escape
// sequences into the test log.
func TestFailureListingIsEscaped(t *testing.T) {
	m := mocktest.New(t, nil)
	res, err := http.Get(m.Endpoint + "/phoneNumbers/operations/x%0A%09FORGED%1b%5B31m?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	rec := &recordingT{TB: t}
	m.AssertRequests(rec, mocktest.Query{Operation: "nope"}, 1)
	// The journal keeps control characters as '?' (they would be six bytes each in JSON),
	// and the listing escapes what is left.
	if len(rec.errors) != 1 || strings.Contains(rec.errors[0], "\x1b") || strings.Contains(rec.errors[0], "\n\tFORGED") || !strings.Contains(rec.errors[0], `x??FORGED?[31m`) {
		t.Fatalf("errors %q", rec.errors)
	}
}

// TestCleanupCutsAnOpenStream: a test that follows the journal and never closes the
// stream still ends (httptest.Server.Close alone waits for every request).
func TestCleanupCutsAnOpenStream(t *testing.T) {
	done := make(chan struct{})
	outer := t
	go func() {
		defer close(done)
		t.Run("stream left open", func(t *testing.T) {
			m := mocktest.New(t, nil)
			resp, err := http.Get(m.Endpoint + "/mock/journal/events")
			if err != nil {
				t.Fatal(err)
			}
			outer.Cleanup(func() { resp.Body.Close() }) // only once the subtest, and the mock's cleanup, are done
		})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("the mock's cleanup waited for the open stream")
	}
}
