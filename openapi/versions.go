package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// versionDelta is how an api-version's Get and Cancel Operation contract differs from
// 2022-12-01's, the one phonenumbers.yaml describes. Only additions to extensible enums
// (x-ms-enum modelAsString) are allowed here, documented or observed live: a version that
// differs in any other way is not listed, and is not served or checked as if it were this
// contract.
type versionDelta struct {
	ga             bool     // a stable (GA) version
	live           bool     // listed in the live service's api-supported-versions
	inferred       bool     // no public description: the contract of the nearest published one
	operationTypes []string // values PhoneNumberOperationType gains
	statuses       []string // values PhoneNumberOperationStatus gains
}

// reservationPurchase is the operation type the service added in 2023 (previews) and
// 2025-04-01 (stable).
var reservationPurchase = []string{"reservationPurchase"}

// versions are the api-versions compared with 2022-12-01 in Microsoft's descriptions
// (azure-rest-api-specs, specification/communication/data-plane/PhoneNumbers); the table
// with the evidence is in openapi/README.md.
var versions = map[string]versionDelta{
	// The description lists the same camelCase values as 2022-12-01, but the live service
	// answered this version in PascalCase (recorded traffic: testdata/recordings
	// python-repo-yaml__*__2021-03-07*.json): observed values of the extensible enums.
	"2021-03-07": {ga: true, live: true,
		operationTypes: []string{"Purchase", "ReleasePhoneNumber", "Search", "UpdatePhoneNumberCapabilities"},
		statuses:       []string{"NotStarted", "Running", "Succeeded", "Failed"}},
	"2021-10-25-preview":  {},
	"2021-10-25-preview1": {},
	"2022-01-11-preview2": {live: true},
	"2022-03-31":          {ga: true},
	"2022-06-01-preview":  {live: true},
	"2022-07-31-preview3": {},
	"2022-11-15-preview":  {live: true, inferred: true},
	"2022-11-30":          {ga: true},
	"2022-12-01":          {ga: true, live: true},
	"2022-12-02-preview2": {live: true},
	"2023-04-30-preview":  {live: true, inferred: true},
	"2023-05-01-preview":  {live: true},
	"2023-10-01-preview":  {live: true, operationTypes: reservationPurchase},
	"2023-10-01-preview2": {live: true, inferred: true, operationTypes: reservationPurchase},
	"2024-01-31-preview":  {operationTypes: reservationPurchase},
	"2024-03-01":          {ga: true},
	"2024-03-01-preview":  {live: true},
	"2024-04-30-preview":  {live: true, inferred: true},
	"2024-05-01-preview":  {live: true},
	"2024-08-31-preview":  {live: true, operationTypes: reservationPurchase},
	"2025-02-11":          {ga: true, live: true},
	"2025-04-01":          {ga: true, live: true, operationTypes: reservationPurchase},
	"2025-04-01-preview":  {live: true, inferred: true, operationTypes: reservationPurchase},
	"2025-04-15-preview":  {live: true, operationTypes: reservationPurchase},
	"2025-06-01":          {ga: true, operationTypes: reservationPurchase},
}

// liveSupportedVersions is the live service's api-supported-versions on this endpoint, as
// last recorded (2025-04, testdata/recordings/python-assets__test_purchase_reservation__2025-06-01.json),
// in its order (a preview before the stable version of the same date).
var liveSupportedVersions = []string{
	"2021-03-07", "2022-01-11-preview2", "2022-06-01-preview", "2022-11-15-preview", "2022-12-01",
	"2022-12-02-preview2", "2023-04-30-preview", "2023-05-01-preview", "2023-10-01-preview",
	"2023-10-01-preview2", "2024-03-01-preview", "2024-04-30-preview", "2024-05-01-preview",
	"2024-08-31-preview", "2025-02-11", "2025-04-01-preview", "2025-04-01", "2025-04-15-preview",
}

// GAVersions returns the stable api-versions whose contract is 2022-12-01's or only adds
// enum values, oldest first.
func GAVersions() []string { return versionsWhere(func(d versionDelta) bool { return d.ga }) }

// DefaultVersions returns the api-versions `serve` answers by default, oldest first: every
// version the live service answers on this endpoint (those it lists in
// api-supported-versions, previews included, and 2025-06-01, which it answers without
// listing it) and every stable version with a known contract.
func DefaultVersions() []string {
	return versionsWhere(func(d versionDelta) bool { return d.ga || d.live })
}

// LiveSupportedVersions returns the api-supported-versions header's value as the live
// service sends it: what `serve` sends with its default versions.
func LiveSupportedVersions() string { return strings.Join(liveSupportedVersions, ", ") }

// InferredVersion reports whether version's contract is inferred: the live service lists
// it, but no public description exists; it is given the nearest published one's.
func InferredVersion(version string) bool { return versions[version].inferred }

// versionsWhere returns the known versions for which keep holds, oldest first.
func versionsWhere(keep func(versionDelta) bool) []string {
	var out []string
	for v, d := range versions {
		if keep(d) {
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
