package server

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// checkAPIVersion answers requests without a supported api-version query parameter the
// way the live service does, before any other validation.
func checkAPIVersion(c echo.Context, supported []string) error {
	values, ok := c.QueryParams()["api-version"] // parsed once per request by echo
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
