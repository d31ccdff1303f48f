package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// encodedStaticStore implements the optional EncodedOperationStore and counts which path
// the service took.
type encodedStaticStore struct {
	staticStore
	encodedReads, plainReads atomic.Int64
}

func (s *encodedStaticStore) GetOperation(ctx context.Context, id string) (types.PhoneNumberOperation, error) {
	s.plainReads.Add(1)
	return s.staticStore.GetOperation(ctx, id)
}

func (s *encodedStaticStore) GetEncodedOperation(ctx context.Context, id string) (server.EncodedOperation, error) {
	s.encodedReads.Add(1)
	op, err := s.staticStore.GetOperation(ctx, id)
	if err != nil {
		return server.EncodedOperation{}, err
	}
	body, err := server.EncodeOperation(op)
	return server.EncodedOperation{Body: body, Location: op.ResourceLocation}, err
}

func storeOperations() staticStore {
	loc := "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
	last := time.Date(2020, 11, 19, 22, 31, 49, 48_000_000, time.UTC)
	return staticStore{
		"with-location": {ID: "with-location", OperationType: types.PhoneNumberOperationTypeSearch,
			Status: types.PhoneNumberOperationStatusSucceeded, ResourceLocation: &loc,
			CreatedDateTime: time.Date(2020, 11, 19, 16, 31, 49, 48_000_000, time.UTC), LastActionDateTime: &last},
		"failed": {ID: "failed", OperationType: types.PhoneNumberOperationTypePurchase,
			Status:          types.PhoneNumberOperationStatusFailed,
			CreatedDateTime: time.Date(2023, 7, 14, 19, 48, 16, 0, time.UTC),
			Error:           &types.CommunicationError{Code: "InternalError", Message: "boom"}},
	}
}

// TestEncodedStoreTakesTheSamePath serves the same operations through a plain store and
// through one implementing EncodedOperationStore, and requires identical answers: the
// optional interface is a shortcut, never a different behaviour.
func TestEncodedStoreTakesTheSamePath(t *testing.T) {
	plain := storeOperations()
	encoded := &encodedStaticStore{staticStore: storeOperations()}
	serve := func(store server.OperationStore, id string) servertest.Response {
		srv, err := server.New(store, nil)
		if err != nil {
			t.Fatal(err)
		}
		return servertest.Do(t, srv, httptest.NewRequest(http.MethodGet, servertest.OpURL(id), nil))
	}
	for _, id := range []string{"with-location", "failed", "unknown"} {
		t.Run(id, func(t *testing.T) {
			want, got := serve(plain, id), serve(encoded, id)
			if want.Status != got.Status || !bytes.Equal(want.Body, got.Body) {
				t.Fatalf("plain store: %d %s\nencoded store: %d %s", want.Status, want.Body, got.Status, got.Body)
			}
			for _, h := range []string{"Content-Type", "Location"} {
				if want.Header.Get(h) != got.Header.Get(h) {
					t.Errorf("%s: plain %q, encoded %q", h, want.Header.Get(h), got.Header.Get(h))
				}
			}
			if op, ok := plain[id]; ok && (op.ResourceLocation != nil) != (got.Header.Get("Location") != "") {
				t.Errorf("Location header %q with resourceLocation %v", got.Header.Get("Location"), op.ResourceLocation)
			}
		})
	}
	if encoded.encodedReads.Load() != 3 || encoded.plainReads.Load() != 0 {
		t.Errorf("encoded store: %d encoded reads, %d plain reads; want 3 and 0", encoded.encodedReads.Load(), encoded.plainReads.Load())
	}
}

func TestEncodeOperationShape(t *testing.T) {
	body, err := server.EncodeOperation(storeOperations()["failed"])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"operationType":"purchase","status":"failed","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16+00:00","id":"failed","lastActionDateTime":"0001-01-01T00:00:00+00:00","error":{"code":"InternalError","message":"boom"}}` + "\n"
	if string(body) != want {
		t.Errorf("EncodeOperation = %s, want %s", body, want)
	}
}
