package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// requestValidator validates requests against the embedded spec with kin-openapi and turns
// failures into CommunicationErrorResponses naming the offending parameter.
func requestValidator() (echo.MiddlewareFunc, error) {
	spec, err := types.GetSpec()
	if err != nil {
		return nil, err
	}
	// The {endpoint} server URL makes kin-openapi's router match on the host; the server
	// may be reached under any host, so match on the path only.
	spec.Servers = nil
	return echomiddleware.OapiRequestValidatorWithOptions(spec, &echomiddleware.Options{
		SilenceServersWarning: true,
		Options: openapi3filter.Options{
			// Authentication is the hmacAuth middleware's job; the spec's security
			// requirement only documents it.
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
		ErrorHandler: func(_ echo.Context, herr *echo.HTTPError) error {
			return validationError(herr)
		},
	}), nil
}

// validationError maps a validator failure to an *APIError.
func validationError(herr *echo.HTTPError) error {
	var reqErr *openapi3filter.RequestError
	if errors.As(herr.Internal, &reqErr) {
		target := ""
		what := "the request"
		if reqErr.Parameter != nil {
			target = reqErr.Parameter.Name
			what = fmt.Sprintf("%s parameter %q", reqErr.Parameter.In, reqErr.Parameter.Name)
		}
		reason := reqErr.Reason
		var se *openapi3.SchemaError
		if errors.As(reqErr.Err, &se) {
			reason = se.Reason
		} else if reason == "" && reqErr.Err != nil {
			reason = firstLine(reqErr.Err.Error())
		}
		return NewAPIError(http.StatusBadRequest, CodeInvalidParameter, fmt.Sprintf("Invalid %s: %s.", what, reason), target)
	}
	switch herr.Code {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return herr
	}
	return NewAPIError(http.StatusBadRequest, CodeBadRequest, "The request is invalid: "+firstLine(fmt.Sprint(herr.Message))+".", "")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimRight(s, ".")
}
