package openapi_test

import (
	"fmt"

	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// Load returns the OpenAPI description the code was generated from.
func ExampleLoad() {
	spec, err := openapi.Load()
	if err != nil {
		panic(err)
	}
	op := spec.Paths.Value("/phoneNumbers/operations/{operationId}").Get
	fmt.Println(spec.Info.Version, op.OperationID)
	// Output: 2022-12-01 PhoneNumbers_GetOperation
}
