package types

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// APIVersion is the api-version this module implements and the spec describes.
const APIVersion = "2022-12-01"

// DefaultEndpoint is the example endpoint the spec uses as its server variable default.
const DefaultEndpoint = "https://resourcename.communication.azure.com"

// OperationIDGetOperation is the spec's operationId of the Get Operation endpoint.
const OperationIDGetOperation = "PhoneNumbers_GetOperation"

// SpecYAML returns the OpenAPI description this package was generated from, byte for byte.
// The returned slice is a copy; callers may modify it.
func SpecYAML() []byte {
	return append([]byte(nil), openapi.PhoneNumbersYAML...)
}

// GetSpec parses the embedded OpenAPI description with kin-openapi and validates it.
// Every call returns a fresh document, so callers may modify it (for example, clear
// Servers before building a router) without affecting each other.
func GetSpec() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(openapi.PhoneNumbersYAML)
	if err != nil {
		return nil, fmt.Errorf("types: parse embedded OpenAPI spec: %w", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("types: embedded OpenAPI spec is invalid: %w", err)
	}
	return spec, nil
}
