package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// staticStore serves operations from a map: the smallest useful OperationStore.
type staticStore map[string]types.PhoneNumberOperation

func (s staticStore) GetOperation(_ context.Context, id string) (types.PhoneNumberOperation, error) {
	op, ok := s[id]
	if !ok {
		return types.PhoneNumberOperation{}, fmt.Errorf("%w: %s", server.ErrNotFound, id)
	}
	return op, nil
}

// A compatible server over your own data: implement OperationStore and keep the chain
// (validation, HMAC, the live service's headers and error shapes).
func ExampleNew() {
	store := staticStore{"op-1": {
		ID:              "op-1",
		OperationType:   types.PhoneNumberOperationTypeSearch,
		Status:          types.PhoneNumberOperationStatusRunning,
		CreatedDateTime: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
	}}
	srv, err := server.New(store, nil)
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for _, id := range []string{"op-1", "op-2"} {
		res, err := http.Get(ts.URL + "/phoneNumbers/operations/" + id + "?api-version=2022-12-01")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Printf("%d %s", res.StatusCode, body)
	}
	// Output:
	// 200 {"operationType":"search","status":"running","resourceLocation":null,"createdDateTime":"2026-11-26T09:00:00+00:00","id":"op-1","lastActionDateTime":"0001-01-01T00:00:00+00:00"}
	// 404 {"error":{"code":"NotFound","message":"Input operationId op-2 cannot be found.","target":"operationid"}}
}
