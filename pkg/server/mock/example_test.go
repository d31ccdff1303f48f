package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// A test double for code that polls purchases: the operation is running for two polls,
// goes back to notStarted as live purchases do, and succeeds on the fourth poll.
func ExampleNew() {
	store, err := mock.NewMemoryStore([]mock.Operation{{
		ID:            "purchase_1",
		OperationType: types.PhoneNumberOperationTypePurchase,
		Timeline: []mock.Step{
			{Status: types.PhoneNumberOperationStatusRunning},
			{Status: types.PhoneNumberOperationStatusNotStarted, AfterPolls: 2},
			{Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 3},
		},
	}}, nil)
	if err != nil {
		panic(err)
	}
	srv, err := mock.New(store, nil)
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for range 4 {
		res, err := http.Get(ts.URL + "/phoneNumbers/operations/purchase_1?api-version=2022-12-01")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var op types.PhoneNumberOperation
		_ = json.Unmarshal(body, &op)
		fmt.Println(res.StatusCode, op.Status)
	}
	// Output:
	// 200 running
	// 200 running
	// 200 notStarted
	// 200 succeeded
}

// Fixtures files describe operations in YAML or JSON; invalid ones are rejected whole,
// with an error naming the operation and the field.
func ExampleParseFixtures() {
	_, err := mock.ParseFixtures("fixtures.yaml", []byte(`
operations:
  - id: search_1
    operationType: search
    timeline:
      - status: running
      - status: succeeded
        after: 2s
        afterPolls: 3
`))
	fmt.Println(err)
	// Output:
	// fixtures fixtures.yaml: line 7: operation "search_1": timeline[1]: set after or afterPolls, not both
}
