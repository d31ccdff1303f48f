package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Validator validates exchanges against the embedded spec: each against the contract of
// its own api-version (openapi.LoadVersion), or 2022-12-01's when its version has no known
// contract.
type Validator struct {
	mu      sync.Mutex
	routers map[string]routers.Router // by api-version, built when first needed
}

// NewValidator loads the embedded spec and builds a router over its paths.
func NewValidator() (*Validator, error) {
	v := &Validator{routers: map[string]routers.Router{}}
	if _, err := v.router(types.DefaultAPIVersion); err != nil {
		return nil, err
	}
	return v, nil
}

// router returns the router of version's contract.
func (v *Validator) router(version string) (routers.Router, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if r, ok := v.routers[version]; ok {
		return r, nil
	}
	spec, err := openapi.LoadVersion(version)
	if err != nil {
		return nil, err
	}
	// Match on paths only: the {endpoint} server variable would make the router match hosts.
	spec.Servers = nil
	r, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("conformance: build router: %w", err)
	}
	v.routers[version] = r
	return r, nil
}

// HasContract reports whether api-version version has a known contract to check against.
func HasContract(version string) bool {
	return slices.Contains(openapi.KnownVersions(), version)
}

// route finds the operation for a request in the contract of its api-version.
func (v *Validator) route(req *http.Request) (*routers.Route, map[string]string, error) {
	version := types.DefaultAPIVersion
	if av := req.URL.Query().Get("api-version"); HasContract(av) {
		version = av
	}
	r, err := v.router(version)
	if err != nil {
		return nil, nil, err
	}
	return r.FindRoute(req)
}

// ValidateRequest checks a request against the operation it addresses.
func (v *Validator) ValidateRequest(ctx context.Context, req *http.Request) error {
	route, params, err := v.route(req)
	if err != nil {
		return fmt.Errorf("no operation in the spec matches %s %s: %w", req.Method, req.URL.Path, err)
	}
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	})
}

// ValidateResponse checks a response to req: the status is declared, the content type and
// declared headers match, and the body matches the schema, formats included. A JSON body
// beyond the checker's bounds (10,000 values, 64 levels) is reported as such, not
// validated: kin-openapi decodes every value and makes an error of each bad one.
func (v *Validator) ValidateResponse(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.route(req)
	if err != nil {
		return fmt.Errorf("no operation in the spec matches %s %s: %w", req.Method, req.URL.Path, err)
	}
	if isJSON(header) {
		if err := bounded.CheckJSON(ctx, "the response body", body, bodyLimits); err != nil {
			return err
		}
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	})
}

// isJSON reports whether a response says its body is JSON (or says nothing), which is
// what kin-openapi decodes value by value.
func isJSON(header http.Header) bool {
	ct := strings.ToLower(header.Get("Content-Type"))
	return ct == "" || strings.Contains(ct, "json")
}

// maxReadBytes bounds a body ValidateHTTPResponse reads, as the client bounds its own.
const maxReadBytes = 4 << 20

// ValidateHTTPResponse reads res's body, validates the exchange and returns the body.
func (v *Validator) ValidateHTTPResponse(ctx context.Context, res *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(res.Body, maxReadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	if len(body) > maxReadBytes {
		return nil, fmt.Errorf("read response body: longer than %d bytes, the limit", maxReadBytes)
	}
	return body, v.ValidateResponse(ctx, res.Request, res.StatusCode, res.Header, body)
}
