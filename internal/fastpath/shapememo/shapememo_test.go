package shapememo

import (
	"errors"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func plain(in, name string) *openapi3.Parameter {
	return &openapi3.Parameter{In: in, Name: name, Schema: openapi3.NewStringSchema().NewRef()}
}

func TestNewRefusesWhatIsNotAShape(t *testing.T) {
	constrained := plain(openapi3.ParameterInQuery, "v")
	constrained.Schema.Value.Pattern = "^x$"
	tests := []struct {
		name    string
		params  []*openapi3.Parameter
		hasBody bool
		on      bool
	}{
		{"plain", []*openapi3.Parameter{plain("path", "id"), plain("query", "v")}, false, true},
		{"a pattern", []*openapi3.Parameter{plain("path", "id"), constrained}, false, false},
		{"a body", []*openapi3.Parameter{plain("path", "id")}, true, false},
		{"seven parameters", []*openapi3.Parameter{plain("query", "a"), plain("query", "b"), plain("query", "c"),
			plain("query", "d"), plain("query", "e"), plain("query", "f"), plain("query", "g")}, false, false},
	}
	for _, tt := range tests {
		if got := New(tt.params, tt.hasBody) != nil; got != tt.on {
			t.Errorf("%s: memo on = %v, want %v", tt.name, got, tt.on)
		}
	}
}

func TestShapesAreDistinctAndRemembered(t *testing.T) {
	m := New([]*openapi3.Parameter{plain("path", "id"), plain("query", "v")}, false)
	shapes := map[Shape]string{}
	for _, tc := range []struct {
		id, query string
	}{{"", ""}, {"x", ""}, {"x", "v="}, {"x", "v=1"}, {"", "v=1"}} {
		q, _ := url.ParseQuery(tc.query)
		s := m.ShapeOf(tc.id, q)
		if prev, dup := shapes[s]; dup {
			t.Errorf("%q %q and %s share shape %d", tc.id, tc.query, prev, s)
		}
		shapes[s] = tc.id + "?" + tc.query
	}
	q, _ := url.ParseQuery("v=1")
	s := m.ShapeOf("a", q)
	if ok, _ := m.Lookup(s); ok {
		t.Fatal("a verdict before any was stored")
	}
	want := errors.New("bad")
	m.Store(s, want)
	if other, _ := url.ParseQuery("v=2"); m.ShapeOf("b", other) != s {
		t.Fatal("same shape, other values: a different shape")
	}
	if ok, err := m.Lookup(s); !ok || err != want {
		t.Errorf("Lookup = %v, %v; want the stored verdict", ok, err)
	}
}

// TestShapeCount: the memo has one slot per shape, and none past its bound (the
// validator then asks kin-openapi every time).
func TestShapeCount(t *testing.T) {
	for _, tt := range []struct{ params, want int }{{0, 1}, {1, 3}, {2, 9}, {6, 729}, {7, 0}, {40, 0}} {
		if got := shapeCount(tt.params); got != tt.want {
			t.Errorf("shapeCount(%d) = %d, want %d", tt.params, got, tt.want)
		}
	}
}
