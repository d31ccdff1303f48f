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
	"net/url"
	"path"

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

// ControlYAML is the content of control.yaml, the mock's control API; its schemas refer to
// phonenumbers.yaml's.
//
//go:embed control.yaml
var ControlYAML []byte

// LoadControl parses the embedded control API description with kin-openapi, its references
// to phonenumbers.yaml resolved from the embedded copy, and validates it. Every call returns
// a fresh document.
func LoadControl() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if path.Base(u.Path) == "phonenumbers.yaml" {
			return PhoneNumbersYAML, nil
		}
		return nil, fmt.Errorf("openapi: control.yaml refers to %s, which is not embedded", u)
	}
	spec, err := loader.LoadFromDataWithPath(ControlYAML, &url.URL{Path: "control.yaml"})
	if err != nil {
		return nil, fmt.Errorf("openapi: parse embedded control spec: %w", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: embedded control spec is invalid: %w", err)
	}
	return spec, nil
}
