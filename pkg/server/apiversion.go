package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// checkAPIVersion answers requests without a supported api-version query parameter (in
// query, the request's parsed query) the way the live service does, before any other
// validation.
func checkAPIVersion(query url.Values, supported []string) error {
	values, ok := query["api-version"]
	if !ok || len(values) == 0 || values[0] == "" {
		return NewAPIError(http.StatusBadRequest, CodeMissingAPIVersionParameter,
			"The api-version query parameter (?api-version=) is required for all requests.", "api-version")
	}
	if !slices.Contains(supported, values[0]) {
		return NewAPIError(http.StatusBadRequest, CodeUnsupportedAPIVersion,
			fmt.Sprintf("The requested api-version %q is not supported; supported versions: %v.", textutil.Truncate(values[0], 64), supported), "api-version")
	}
	return nil
}
