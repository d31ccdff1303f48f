package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// checkOperationRequest checks a request to the operations path, whose parsed query is
// query (read only), before the generated binder sees it: a supported api-version (answered the way the live service does), then
// the spec's parameter rules through kin-openapi (see operationValidator).
func checkOperationRequest(c echo.Context, query url.Values, supported []string, v *operationValidator) error {
	if err := checkAPIVersion(query, supported); err != nil {
		return err
	}
	return v.validate(c, query)
}

// operationValidator validates Get Operation requests against the embedded spec with
// kin-openapi and turns failures into CommunicationErrorResponses naming the offending
// parameter.
//
// Two things are done once instead of per request, because the profile showed them:
//   - echo has already matched the route, so the kin-openapi route is built here rather
//     than looked up by a router for every request (as echo-middleware does);
//   - when every parameter is a plain string (no format, pattern, enum, length, default),
//     kin-openapi's verdict depends only on which parameters are absent, empty or set. The
//     validator then asks kin-openapi once per such shape and remembers its answer. Any
//     constraint added to the spec turns this off and every request is validated in full.
type operationValidator struct {
	route  *routers.Route
	opts   *openapi3filter.Options
	params []*openapi3.Parameter
	// memo holds kin-openapi's verdict per parameter shape, indexed by the shape (nil
	// when memoizing is unsafe). An array rather than a sync.Map: there are 3^len(params)
	// shapes, a handful, and an index costs no hashing.
	memo []atomic.Pointer[verdict]
}

// verdict is kin-openapi's answer for one parameter shape; err is nil for valid requests.
type verdict struct{ err error }

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
	plain := op.RequestBody == nil
	for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
		v.params = append(v.params, ref.Value)
		plain = plain && isPlainStringParameter(ref.Value)
	}
	if shapes := shapeCount(len(v.params)); plain && shapes > 0 {
		v.memo = make([]atomic.Pointer[verdict], shapes)
	}
	return v, nil
}

// isPlainStringParameter reports whether any non-empty value of p is valid.
func isPlainStringParameter(p *openapi3.Parameter) bool {
	if p == nil || p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.AllowEmptyValue {
		return false
	}
	s := p.Schema.Value
	return s.Type != nil && s.Type.Is(openapi3.TypeString) && len(*s.Type) == 1 &&
		s.Format == "" && s.Pattern == "" && len(s.Enum) == 0 && s.MinLength == 0 && s.MaxLength == nil &&
		s.Default == nil && !s.Nullable && s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
		(p.In == openapi3.ParameterInPath || p.In == openapi3.ParameterInQuery)
}

func (v *operationValidator) validate(c echo.Context, query url.Values) error {
	id := c.Param("operationId")
	if unescaped, err := url.PathUnescape(id); err == nil {
		id = unescaped
	}
	var shape uint32
	if v.memo != nil {
		shape = v.shape(id, query)
		if known := v.memo[shape].Load(); known != nil {
			return known.err
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
		v.memo[shape].Store(&verdict{err: err})
	}
	return err
}

// maxMemoShapes bounds the memo: 3^6 shapes, six parameters.
const maxMemoShapes = 729

// shapeCount is the number of shapes of n parameters, 0 when above maxMemoShapes.
func shapeCount(n int) int {
	count := 1
	for range n {
		if count *= 3; count > maxMemoShapes {
			return 0
		}
	}
	return count
}

// shape encodes, for each parameter, whether it is absent (0), empty (1) or set (2).
func (v *operationValidator) shape(id string, query url.Values) uint32 {
	var shape uint32
	for _, p := range v.params {
		var value string
		present := false
		switch p.In {
		case openapi3.ParameterInPath:
			value, present = id, true
		case openapi3.ParameterInQuery:
			if vs, ok := query[p.Name]; ok && len(vs) > 0 {
				value, present = vs[0], true
			}
		}
		state := uint32(0)
		if present {
			state = 1
			if value != "" {
				state = 2
			}
		}
		shape = shape*3 + state
	}
	return shape
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
