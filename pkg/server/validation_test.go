package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestMemoizedValidationEqualsKinOpenAPI checks that remembering kin-openapi's verdict per
// parameter shape never changes an answer: every request gets the same verdict from the
// memoizing validator (asked twice, so the second answer comes from the memo) as from
// kin-openapi itself.
func TestMemoizedValidationEqualsKinOpenAPI(t *testing.T) {
	memo, err := newOperationValidator(http.MethodGet)
	if err != nil {
		t.Fatal(err)
	}
	if memo.memo == nil {
		t.Fatal("the spec's parameters are plain strings: memoizing should be on")
	}
	direct, err := newOperationValidator(http.MethodGet)
	if err != nil {
		t.Fatal(err)
	}
	direct.memo = nil

	e := echo.New()
	ctx := func(id, rawQuery string) echo.Context {
		req := httptest.NewRequest("GET", "/phoneNumbers/operations/x", nil)
		req.URL.RawQuery = rawQuery
		c := e.NewContext(req, httptest.NewRecorder())
		c.SetParamNames("operationId")
		c.SetParamValues(id)
		return c
	}
	ids := []string{"search-my-operation-id", "", "a%2Fb", "%zz", "ünïcödé", "x y"}
	queries := []string{"api-version=2022-12-01", "", "api-version=", "api-version", "api-version=1999-01-01",
		"api-version=a&api-version=b", "api-version=&api-version=2022-12-01", "foo=bar", "foo=bar&api-version=x", "api-version=%zz"}
	for _, id := range ids {
		for _, q := range queries {
			name := fmt.Sprintf("%s?%s", url.PathEscape(id), q)
			c := ctx(id, q)
			want := direct.validate(c, c.QueryParams())
			for round := range 2 {
				c := ctx(id, q)
				got := memo.validate(c, c.QueryParams())
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s (round %d): memoized %v, kin-openapi %v", name, round, got, want)
				}
			}
		}
	}
}

// TestMemoIsOnForTheSpec: the validation memo (internal/fastpath/shapememo) switches
// itself off when a parameter gains a constraint; this test turns that into a decision. If
// it fails after a spec change, either keep the parameters plain strings or accept the
// cost (an A/B load run put it at ~8% of throughput, docs/performance.md) and delete it.
func TestMemoIsOnForTheSpec(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		v, err := newOperationValidator(method)
		if err != nil {
			t.Fatal(err)
		}
		if v.memo == nil {
			t.Errorf("%s: the validation memo is off: a parameter of the operation is no longer a plain string", method)
		}
	}
}
