package conformancetest_test

import (
	"context"
	"fmt"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/conformancetest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// Check runs the suite against a handler and returns the report, for a team that wants the
// results as data (a dashboard, its own assertions) rather than as subtests (Run).
func ExampleCheck() {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		panic(err)
	}
	handler, err := server.New(store, nil)
	if err != nil {
		panic(err)
	}
	rep, err := conformancetest.Check(context.Background(), handler, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("failed:", rep.Failed())
	for _, r := range rep.Results {
		if r.Check == "response-schema" {
			fmt.Println(r.Name, r.Status)
		}
	}
	// Output:
	// failed: false
	// operation/search-my-operation-id/response-schema pass
	// probe/unknown-id-4xx/response-schema pass
	// probe/missing-api-version-4xx/response-schema pass
}
