package querycache

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// TestCacheEqualsParseQuery: every prepared query's shared form is exactly what
// url.ParseQuery returns for it, and anything else is left to echo.
func TestCacheEqualsParseQuery(t *testing.T) {
	q := New(append(openapi.KnownVersions(), "odd version&x=1"))
	for _, raw := range []string{
		"api-version=2022-12-01", "api-version=2021-03-07", "api-version=2025-06-01",
		"api-version=odd+version%26x%3D1",
	} {
		got, ok := q.Lookup(raw)
		want, _ := url.ParseQuery(raw)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("lookup(%q) = %v, %v; want %v (url.ParseQuery)", raw, got, ok, want)
		}
	}
	for _, raw := range []string{
		"", "api-version=", "api-version=2022-12-01&x=1", "api-version=2022%2D12%2D01",
		"API-VERSION=2022-12-01", "api-version=2022-12-01&api-version=2022-12-01", "api-version=2019-01-01",
	} {
		if got, ok := q.Lookup(raw); ok {
			t.Errorf("lookup(%q) = %v: not a prepared query", raw, got)
		}
	}
}
