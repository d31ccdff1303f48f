// Package shapememo remembers a request validator's verdict per parameter shape.
//
// When every parameter of an operation is a plain string (no format, pattern, enum, length,
// default), kin-openapi's verdict on a request depends only on which parameters are
// absent, empty or set, not on their values. A Memo then asks the validator once per such
// shape (3^n of them, a handful) and answers from memory afterwards. kin-openapi's
// ValidateRequest was about a quarter of the server's handler time
// (BenchmarkHandler/server 5,147 → 4,656 ns and 38 → 25 allocations when this was added;
// docs/performance.md). New returns nil when a parameter is not plain, so that a constraint
// added to the spec is validated in full; pkg/server's TestMemoIsOnForTheSpec fails then,
// so that the loss is a decision, not an accident.
package shapememo

import (
	"net/url"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxShapes bounds a memo: 3^6 shapes, six parameters.
const maxShapes = 729

// Memo holds one verdict per shape. It is safe for concurrent use.
type Memo struct {
	params   []*openapi3.Parameter
	verdicts []atomic.Pointer[verdict] // indexed by shape: no hashing per request
}

// verdict is the validator's answer for one shape; err is nil for valid requests.
type verdict struct{ err error }

// New returns a memo for an operation with these parameters (path and query), or nil when
// memoizing is unsafe: a parameter is not a plain string, hasBody is set (a body's
// validity is not a shape), or there are more than six parameters.
func New(params []*openapi3.Parameter, hasBody bool) *Memo {
	if hasBody {
		return nil
	}
	for _, p := range params {
		if !IsPlainString(p) {
			return nil
		}
	}
	n := shapeCount(len(params))
	if n == 0 {
		return nil
	}
	return &Memo{params: params, verdicts: make([]atomic.Pointer[verdict], n)}
}

// IsPlainString reports whether any non-empty value of p is valid: a path or query string
// parameter without a constraint.
func IsPlainString(p *openapi3.Parameter) bool {
	if p == nil || p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.AllowEmptyValue {
		return false
	}
	s := p.Schema.Value
	return s.Type != nil && s.Type.Is(openapi3.TypeString) && len(*s.Type) == 1 &&
		s.Format == "" && s.Pattern == "" && len(s.Enum) == 0 && s.MinLength == 0 && s.MaxLength == nil &&
		s.Default == nil && !s.Nullable && s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
		(p.In == openapi3.ParameterInPath || p.In == openapi3.ParameterInQuery)
}

// Shape is a request's shape: which parameters are absent, empty or set.
type Shape uint32

// Lookup reports whether a verdict for shape is remembered, and returns it.
func (m *Memo) Lookup(shape Shape) (ok bool, err error) {
	if known := m.verdicts[shape].Load(); known != nil {
		return true, known.err
	}
	return false, nil
}

// Store remembers the validator's verdict for shape. The error must keep no reference to
// the request it was made for.
func (m *Memo) Store(shape Shape, err error) { m.verdicts[shape].Store(&verdict{err: err}) }

// shapeCount is the number of shapes of n parameters, 0 when above maxShapes.
func shapeCount(n int) int {
	count := 1
	for range n {
		if count *= 3; count > maxShapes {
			return 0
		}
	}
	return count
}

// ShapeOf encodes, for each parameter, whether it is absent (0), empty (1) or set (2). The
// path parameter's value is pathValue (an operation has at most one here).
func (m *Memo) ShapeOf(pathValue string, query url.Values) Shape {
	var shape Shape
	for _, p := range m.params {
		var value string
		present := false
		switch p.In {
		case openapi3.ParameterInPath:
			value, present = pathValue, true
		case openapi3.ParameterInQuery:
			if vs, ok := query[p.Name]; ok && len(vs) > 0 {
				value, present = vs[0], true
			}
		}
		state := Shape(0)
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
