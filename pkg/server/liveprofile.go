package server

import (
	"strings"

	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// liveProfile is what the live service's answers looked like for one api-version, where
// the recordings show them differ (testdata/recordings; the table is in docs/fidelity.md).
// The differences follow the date of the recording more than the version; a version is
// given the profile of the period its recordings come from, and an unrecorded version that
// of the period it was published in.
type liveProfile struct {
	// hsts is the Strict-Transport-Security value sent over HTTPS; "" sends none.
	hsts string
	// requestContext sends "Request-Context: appId=".
	requestContext bool
	// azureRefName is the X-Azure-Ref header's spelling on the wire.
	azureRefName string
	// order2021 writes the body's properties in the order of 2021's answers.
	order2021 bool
}

// The periods of the recordings, oldest first.
var (
	profile2021 = liveProfile{requestContext: true, azureRefName: "X-Azure-Ref", order2021: true}
	profile2022 = liveProfile{hsts: "max-age=2592000", azureRefName: "X-Azure-Ref"}
	profile2024 = liveProfile{hsts: "max-age=31536000;includeSubDomains", azureRefName: "X-Azure-Ref"}
	profile2025 = liveProfile{hsts: "max-age=31536000; includeSubDomains", requestContext: true, azureRefName: "x-azure-ref"}
)

// profileFor returns the profile of api-version v (2022-12-01's for anything unknown, such
// as the version of a request answered UnsupportedApiVersion).
// 2022-01-11-preview2 was recorded in January 2022 (no HSTS, Request-Context) and in
// December 2022 (HSTS, none): it gets the later one, as the versions around it.
func profileFor(v string) liveProfile {
	if !knownVersion(v) {
		return profile2022
	}
	switch {
	case v == "2021-03-07" || strings.HasPrefix(v, "2021-"):
		return profile2021
	case v == "2024-01-31-preview":
		return profile2022
	case strings.HasPrefix(v, "2024-"):
		return profile2024
	case v >= "2025-":
		return profile2025
	}
	return profile2022
}

// knownVersion reports whether v is an api-version with a known contract.
func knownVersion(v string) bool {
	_, ok := knownVersions[v]
	return ok
}

// knownVersions is openapi.KnownVersions as a set.
var knownVersions = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, v := range openapi.KnownVersions() {
		m[v] = struct{}{}
	}
	return m
}()
