package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/shapememo"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// checkOperationRequest checks a request to the operations path, whose parsed query is
// query (read only), before the generated binder sees it: a supported api-version (answered the way the live service does), then
// the spec's parameter rules through kin-openapi (see operationValidator).
func checkOperationRequest(c echo.Context, query url.Values, supported []string, v *operationValidator) error {
	if err := checkAPIVersion(c.Request(), query, supported); err != nil {
		return err
	}
	return v.validate(c, query)
}

// operationValidator validates Get Operation requests against the embedded spec with
// kin-openapi and turns failures into CommunicationErrorResponses naming the offending
// parameter.
//
// echo has already matched the route, so the kin-openapi route is built here rather than
// looked up by a router for every request (as echo-middleware does); kin-openapi's verdict
// is remembered per parameter shape (internal/fastpath/shapememo) while the spec's
// parameters are plain strings.
type operationValidator struct {
	route *routers.Route
	opts  *openapi3filter.Options
	memo  *shapememo.Memo // nil: every request is validated in full
}

func newOperationValidator(method string) (*operationValidator, error) {
	spec, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	return newOperationValidatorFor(spec, method)
}

// newOperationValidatorFor builds the validator of method on spec, a private copy that it
// changes (security requirements dropped); the server shares one between its methods,
// since every loaded document is live heap the garbage collector scans on every cycle.
func newOperationValidatorFor(spec *openapi3.T, method string) (*operationValidator, error) {
	const path = "/phoneNumbers/operations/{operationId}"
	item := spec.Paths.Value(path)
	var op *openapi3.Operation
	if item != nil {
		op = item.GetOperation(method)
	}
	if op == nil {
		return nil, fmt.Errorf("server: the spec has no %s %s", method, path)
	}
	// Authentication is the authenticator's job: drop the security requirements from this
	// private copy so kin-openapi does not walk them for every request.
	spec.Security = nil
	op.Security = nil
	v := &operationValidator{
		route: &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op},
		opts: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	var params []*openapi3.Parameter
	for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
		params = append(params, ref.Value)
	}
	v.memo = shapememo.New(params, op.RequestBody != nil)
	return v, nil
}

func (v *operationValidator) validate(c echo.Context, query url.Values) error {
	id := c.Param("operationId")
	if unescaped, err := url.PathUnescape(id); err == nil {
		id = unescaped
	}
	var shape shapememo.Shape
	if v.memo != nil {
		shape = v.memo.ShapeOf(id, query)
		if ok, err := v.memo.Lookup(shape); ok {
			return err
		}
	}
	req := c.Request()
	err := openapi3filter.ValidateRequest(req.Context(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: map[string]string{"operationId": id}, QueryParams: query,
		Route: v.route, Options: v.opts,
	})
	if err != nil {
		err = validationError(err) // an *APIError: it keeps no reference to the request
	}
	if v.memo != nil {
		v.memo.Store(shape, err)
	}
	return err
}

// validationError maps a validator failure to an *APIError.
func validationError(err error) error {
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
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
			reason = strings.TrimRight(textutil.FirstLine(reqErr.Err.Error()), ".")
		}
		return NewAPIError(http.StatusBadRequest, CodeInvalidParameter, fmt.Sprintf("Invalid %s: %s.", what, reason), target)
	}
	return NewAPIError(http.StatusBadRequest, CodeBadRequest, "The request is invalid: "+strings.TrimRight(textutil.FirstLine(err.Error()), ".")+".", "")
}
