// Package openapi embeds the OpenAPI 3.0.3 description of the Phone Numbers Get Operation API,
// exactly as written in phonenumbers.yaml.
//
// Most code should use [github.com/phonenumbers-go/phonenumbers/pkg/types.GetSpec], which
// parses it with kin-openapi. The bytes are embedded verbatim (rather than through
// oapi-codegen's embedded-spec, which rewrites operationIds into Go identifiers) so that
// validation, reports and the served document use the spec's own names.
package openapi

import _ "embed"

// PhoneNumbersYAML is the content of phonenumbers.yaml, the single source of truth.
//
//go:embed phonenumbers.yaml
var PhoneNumbersYAML []byte
