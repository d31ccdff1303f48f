package openapi

import (
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// versionDelta is how an api-version's Get and Cancel Operation contract differs from
// 2022-12-01's, the one phonenumbers.yaml describes. Only additions to extensible enums
// (x-ms-enum modelAsString) are allowed here, documented or observed live: a version that
// differs in any other way is not listed, and is not served or checked as if it were this
// contract.
type versionDelta struct {
	ga             bool     // a stable (GA) version, served by default
	operationTypes []string // values PhoneNumberOperationType gains
	statuses       []string // values PhoneNumberOperationStatus gains
}

// versions are the api-versions compared with 2022-12-01 in Microsoft's descriptions
// (azure-rest-api-specs, specification/communication/data-plane/PhoneNumbers); the table
// with the evidence is in openapi/README.md.
var versions = map[string]versionDelta{
	// The description lists the same camelCase values as 2022-12-01, but the live service
	// answered this version in PascalCase (recorded traffic: testdata/recordings
	// python-repo-yaml__*__2021-03-07*.json): observed values of the extensible enums.
	"2021-03-07": {ga: true,
		operationTypes: []string{"Purchase", "ReleasePhoneNumber", "Search", "UpdatePhoneNumberCapabilities"},
		statuses:       []string{"NotStarted", "Running", "Succeeded", "Failed"}},
	"2022-01-11-preview2": {},
	"2022-03-31":          {ga: true},
	"2022-06-01-preview":  {},
	"2022-11-30":          {ga: true},
	"2022-12-01":          {ga: true},
	"2024-03-01":          {ga: true},
	"2025-02-11":          {ga: true},
	"2025-04-01":          {ga: true, operationTypes: []string{"reservationPurchase"}},
	"2025-06-01":          {ga: true, operationTypes: []string{"reservationPurchase"}},
}

// GAVersions returns the stable api-versions whose contract is 2022-12-01's or only adds
// enum values, oldest first: what `serve` answers by default.
func GAVersions() []string {
	var out []string
	for v, d := range versions {
		if d.ga {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// KnownVersions returns every api-version with a known contract (GA and preview), oldest
// first.
func KnownVersions() []string {
	out := make([]string, 0, len(versions))
	for v := range versions {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// LoadVersion returns the contract of api-version v: the embedded description with v's
// enum additions and v as info.version. Unknown versions are an error.
func LoadVersion(v string) (*openapi3.T, error) {
	d, ok := versions[v]
	if !ok {
		return nil, fmt.Errorf("openapi: no known contract for api-version %q (known: %v)", v, KnownVersions())
	}
	spec, err := Load()
	if err != nil {
		return nil, err
	}
	spec.Info.Version = v
	for schema, values := range map[string][]string{"PhoneNumberOperationType": d.operationTypes, "PhoneNumberOperationStatus": d.statuses} {
		if len(values) == 0 {
			continue
		}
		ref := spec.Components.Schemas[schema]
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("openapi: the spec has no %s", schema)
		}
		for _, value := range values {
			ref.Value.Enum = append(ref.Value.Enum, value)
		}
	}
	return spec, nil
}
