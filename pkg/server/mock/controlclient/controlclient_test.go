package controlclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/controlclient"
)

const testKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSignedControlClient drives every control operation through the typed client with
// signatures, against a keyed mock; an unsigned client is refused.
func TestSignedControlClient(t *testing.T) {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: testKey}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	doer, err := controlclient.NewSigningDoer(testKey, ts.Client())
	if err != nil {
		t.Fatal(err)
	}
	c, err := controlclient.NewClientWithResponses(ts.URL, controlclient.WithHTTPClient(doer))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	put, err := c.CreateOrReplaceOperationWithResponse(ctx, control.ScriptedOperation{ID: "purchase_x", OperationType: "purchase",
		Timeline: []control.TimelineStep{{Status: "running"}, {Status: "succeeded", AfterPolls: 1}}})
	if err != nil || put.StatusCode() != http.StatusCreated || put.JSON201 == nil || put.JSON201.Operation.ID != "purchase_x" {
		t.Fatalf("put: %v %s", err, put.Body)
	}
	got, err := c.GetOperationStateWithResponse(ctx, "purchase_x")
	if err != nil || got.JSON200 == nil || got.JSON200.Current.Status != "running" {
		t.Fatalf("get: %v %s", err, got.Body)
	}
	list, err := c.ListOperationsWithResponse(ctx, &control.ListOperationsParams{Limit: ptr(2)})
	if err != nil || list.JSON200 == nil || len(list.JSON200.Operations) != 2 || list.JSON200.NextLink == nil {
		t.Fatalf("list: %v %s", err, list.Body)
	}
	del, err := c.DeleteOperationWithResponse(ctx, "purchase_x")
	if err != nil || del.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete: %v %d", err, del.StatusCode())
	}
	journal, err := c.GetJournalWithResponse(ctx, nil)
	if err != nil || journal.JSON200 == nil {
		t.Fatalf("journal: %v", err)
	}
	reset, err := c.ResetWithResponse(ctx)
	if err != nil || reset.StatusCode() != http.StatusNoContent {
		t.Fatalf("reset: %v %d", err, reset.StatusCode())
	}

	unsigned, err := controlclient.NewClientWithResponses(ts.URL, controlclient.WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}
	refused, err := unsigned.ListOperationsWithResponse(ctx, nil)
	if err != nil || refused.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("unsigned list: %v %d, want 401", err, refused.StatusCode())
	}
	if _, err := controlclient.NewSigningDoer("not base64!", nil); err == nil {
		t.Fatal("a bad key was accepted")
	}
}

func ptr[T any](v T) *T { return &v }
