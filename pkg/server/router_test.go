package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// fixedStore holds every id, as a running search.
type fixedStore struct{}

func (fixedStore) GetOperation(_ context.Context, id string) (types.PhoneNumberOperation, error) {
	return types.PhoneNumberOperation{ID: id, OperationType: types.PhoneNumberOperationTypeSearch,
		Status: types.PhoneNumberOperationStatusRunning}, nil
}

// TestOperationQueriesPreparedOrNot: the operations route answers the same whether the
// query is a prepared one (shared parsed form) or parsed per request, and requests do not
// change the shared form.
func TestOperationQueriesPreparedOrNot(t *testing.T) {
	srv, err := New(fixedStore{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const path = "/phoneNumbers/operations/op-1"
	tests := []struct {
		query      string
		wantStatus int
	}{
		{"api-version=2022-12-01", 200},               // prepared
		{"api-version=2022%2D12%2D01", 200},           // the same, escaped: parsed
		{"api-version=2022-12-01&extra=1", 200},       // parsed
		{"api-version=2022-12-01&api-version=x", 400}, // parsed: one value only
		{"api-version=2019-01-01", 400},               // parsed, unsupported
		{"api-version=", 400},                         // parsed, empty
		{"", 400},                                     // none
		{"api-version=2022-12-01;x", 400},             // semicolon: invalid query
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodDelete} {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(method, path+"?"+tt.query, nil))
			want := tt.wantStatus
			if method == http.MethodDelete && want == 200 {
				want = http.StatusMethodNotAllowed // fixedStore cannot cancel
			}
			if rec.Code != want {
				t.Errorf("%s ?%s: status %d, want %d: %s", method, tt.query, rec.Code, want, rec.Body)
			}
		}
	}
	for _, v := range openapi.GAVersions() {
		got, ok := srv.chain.queries.Lookup("api-version=" + v)
		if !ok || !reflect.DeepEqual(got, url.Values{"api-version": {v}}) {
			t.Errorf("shared form of %s changed: %v", v, got)
		}
	}
}

// TestRegisteredRoutesCannotChangeTheSharedQuery: a route an application registers, even
// on the operations path, reads its own parse of the query, so changing it changes nothing
// for later requests (the attack review poisoned the shared form this way).
func TestRegisteredRoutesCannotChangeTheSharedQuery(t *testing.T) {
	const path = "/phoneNumbers/operations/:operationId"
	srv, err := New(cancelingStore{}, &Options{Register: func(r EchoRouter) {
		r.GET(path, func(c echo.Context) error { // replaces the generated GET
			c.QueryParams().Set("api-version", "1999-01-01")
			return c.NoContent(http.StatusNoContent)
		})
	}})
	if err != nil {
		t.Fatal(err)
	}
	target := "/phoneNumbers/operations/op-1?api-version=2022-12-01"
	for range 3 {
		for _, tt := range []struct {
			method string
			want   int
		}{{http.MethodGet, http.StatusNoContent}, {http.MethodDelete, http.StatusNoContent}} {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(tt.method, target, nil))
			if rec.Code != tt.want {
				t.Fatalf("%s: status %d, want %d: %s", tt.method, rec.Code, tt.want, rec.Body)
			}
		}
	}
	if got, _ := srv.chain.queries.Lookup("api-version=2022-12-01"); got.Get("api-version") != "2022-12-01" {
		t.Fatalf("the shared form changed: %v", got)
	}
}

// cancelingStore is fixedStore that can cancel any operation.
type cancelingStore struct{ fixedStore }

func (cancelingStore) CancelOperation(context.Context, string) error { return nil }
