package mock_test

import (
	"context"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// FuzzFixtures parses arbitrary documents as fixtures: either a loaded, valid set or a
// clear error naming the file, never both and never a panic.
func FuzzFixtures(f *testing.F) {
	f.Add([]byte("operations:\n  - id: a\n    operationType: search\n    timeline:\n      - status: running\n      - status: succeeded\n        after: 1s\n"))
	f.Add([]byte(`{"operations":[{"id":"a","operationType":"purchase","timeline":[{"status":"failed","error":{"code":"X","message":"y"}}]}]}`))
	f.Add([]byte("operations: [{id: a, operationType: search, timeline: [{status: running, afterPolls: -1}]}]"))
	f.Add([]byte("- not a map"))
	// Issue 21: a second operations key, and flow lists of empty objects.
	f.Add([]byte("operations:\n  - {id: a, operationType: search, timeline: [{status: running}]}\noperations: []\n"))
	f.Add([]byte("operations: [{}, {}, {}, [[[]]]]"))
	f.Add([]byte("operations:\n  - &a {id: x}\n  - *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := mock.ParseFixtures("fuzz.yaml", data)
		if err != nil {
			if ops != nil {
				t.Fatalf("error %v with %d operations: a partial load", err, len(ops))
			}
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(ops) == 0 {
			t.Fatal("no error and no operations")
		}
		if err := mock.ValidateOperations(ops); err != nil {
			t.Fatalf("loaded operations are invalid: %v", err)
		}
		store, err := mock.NewMemoryStore(ops, nil)
		if err != nil {
			t.Fatalf("loaded operations rejected by the store: %v", err)
		}
		for _, op := range ops {
			if _, err := store.GetOperation(context.Background(), op.ID); err != nil {
				t.Fatalf("loaded operation %q not served: %v", op.ID, err)
			}
		}
	})
}
