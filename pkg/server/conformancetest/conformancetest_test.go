package conformancetest_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/conformancetest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

const key = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

func reference(t *testing.T) http.Handler {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, &server.Options{AccessKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestReferenceServer(t *testing.T) {
	rep := conformancetest.Run(t, reference(t), &conformancetest.Options{
		AccessKey: key, Poll: true, Strict: true, Cases: 60, Seed: 11,
		OperationIDs: []string{"search-my-operation-id", "purchase_18c224b7-0000-4000-8000-000000000001"},
	})
	if rep == nil || rep.Summary.Passed < 20 {
		t.Fatalf("report %+v", rep)
	}
}

func TestCheckCatchesABrokenServer(t *testing.T) {
	ref := reference(t)
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(bytes.ReplaceAll(rec.Body.Bytes(), []byte(`"succeeded"`), []byte(`"Succeeded"`)))
	})
	rep, err := conformancetest.Check(context.Background(), broken, &conformancetest.Options{AccessKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() {
		t.Fatalf("a server answering status \"Succeeded\" passed: %+v", rep.Summary)
	}
}

// TestAdviceNamesTheOptions: a failure's advice names conformancetest.Options' fields, not
// the CLI's flags.
func TestAdviceNamesTheOptions(t *testing.T) {
	rep, err := conformancetest.Check(context.Background(), reference(t), nil) // keyed handler, no key
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status == conformancetest.StatusFail && strings.Contains(r.Reason, "give its access key") {
			if !strings.Contains(r.Reason, "Options.AccessKey") || strings.Contains(r.Reason, "--access-key") {
				t.Errorf("advice in CLI terms: %s", r.Reason)
			}
			return
		}
	}
	t.Fatalf("no failure asked for the key: %+v", rep.Summary)
}

// TestHangingHandlerFailsInTime: a handler that never answers ends the run after the
// request timeout, with an error, instead of hanging the test.
func TestHangingHandlerFailsInTime(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := conformancetest.Check(context.Background(), hang, &conformancetest.Options{RequestTimeout: 50 * time.Millisecond})
	if err == nil {
		t.Fatal("no error from a handler that never answers")
	}
}
