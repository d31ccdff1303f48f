// Package openapi holds the OpenAPI 3.0.3 description of the Phone Numbers Get Operation API,
// exactly as written in phonenumbers.yaml, and loads it for validation with kin-openapi.
//
// It lives apart from pkg/types on purpose: parsing the spec needs kin-openapi and a YAML
// parser, which the server and the conformance engine use but a client must not inherit.
// The bytes are embedded verbatim (rather than through oapi-codegen's embedded-spec, which
// rewrites operationIds into Go identifiers) so that validation, reports and the served
// document use the spec's own names.
package openapi

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// PhoneNumbersYAML is the content of phonenumbers.yaml, the single source of truth.
//
//go:embed phonenumbers.yaml
var PhoneNumbersYAML []byte

// Load parses the embedded description with kin-openapi and validates it. Every call
// returns a fresh document, so callers may modify it (for example, clear Servers before
// building a router) without affecting each other.
func Load() (*openapi3.T, error) {
	spec, err := openapi3.NewLoader().LoadFromData(PhoneNumbersYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse embedded spec: %w", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: embedded spec is invalid: %w", err)
	}
	return spec, nil
}
