package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// Validator validates exchanges against the embedded spec.
type Validator struct {
	spec   *openapi3.T
	router routers.Router
}

// NewValidator loads the embedded spec and builds a router over its paths.
func NewValidator() (*Validator, error) {
	spec, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	// Match on paths only: the {endpoint} server variable would make the router match hosts.
	spec.Servers = nil
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("conformance: build router: %w", err)
	}
	return &Validator{spec: spec, router: router}, nil
}

// noAuth accepts every security requirement: authentication is checked by live probes,
// not by schema validation.
func noAuth(context.Context, *openapi3filter.AuthenticationInput) error { return nil }

// route finds the spec operation for a request.
func (v *Validator) route(req *http.Request) (*routers.Route, map[string]string, error) {
	return v.router.FindRoute(req)
}

// ValidateRequest checks a request against the operation it addresses.
func (v *Validator) ValidateRequest(ctx context.Context, req *http.Request) error {
	route, params, err := v.route(req)
	if err != nil {
		return fmt.Errorf("no operation in the spec matches %s %s: %w", req.Method, req.URL.Path, err)
	}
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: noAuth, MultiError: true},
	})
}

// ValidateResponse checks a response to req: the status is declared, the content type and
// declared headers match, and the body matches the schema, formats included.
func (v *Validator) ValidateResponse(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.route(req)
	if err != nil {
		return fmt.Errorf("no operation in the spec matches %s %s: %w", req.Method, req.URL.Path, err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: noAuth, IncludeResponseStatus: true, MultiError: true}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	})
}

// ValidateHTTPResponse reads res's body, validates the exchange and returns the body.
func (v *Validator) ValidateHTTPResponse(ctx context.Context, res *http.Response) ([]byte, error) {
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	return body, v.ValidateResponse(ctx, res.Request, res.StatusCode, res.Header, body)
}
