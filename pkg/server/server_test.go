package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func TestErrors(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	long := strings.Repeat("a", types.MaxOperationIDLength+1)
	tests := []struct {
		name, method, target string
		wantStatus           int
		wantCode, wantTarget string
		wantInMessage        string
	}{
		{"unknown id", "GET", servertest.OpURL("nope"), 404, "NotFound", "operationid", "Input operationId nope cannot be found."},
		{"missing api-version", "GET", "/phoneNumbers/operations/search-my-operation-id", 400, "MissingApiVersionParameter", "", "An API version is required, but was not specified."},
		{"empty api-version", "GET", "/phoneNumbers/operations/search-my-operation-id?api-version=", 400, "MissingApiVersionParameter", "", ""},
		{"unsupported api-version", "GET", "/phoneNumbers/operations/search-my-operation-id?api-version=2019-01-01", 400, "UnsupportedApiVersion", "",
			"The HTTP resource that matches the request URI 'http://example.com/phoneNumbers/operations/search-my-operation-id' does not support the API version '2019-01-01'."},
		{"id too long", "GET", servertest.OpURL(long), 400, "InvalidParameter", "operationId", "256"},
		{"unknown route", "GET", "/phoneNumbers/nothing-here", 404, "NotFound", "", "/phoneNumbers/nothing-here"},
		{"root", "GET", "/", 404, "NotFound", "", ""},
		{"POST", "POST", servertest.OpURL("search-my-operation-id"), 405, "MethodNotAllowed", "", "POST"},
		{"PUT", "PUT", servertest.OpURL("search-my-operation-id"), 405, "MethodNotAllowed", "", "PUT"},
		{"PATCH", "PATCH", servertest.OpURL("search-my-operation-id"), 405, "MethodNotAllowed", "", "PATCH"},
		{"DELETE unknown id", "DELETE", servertest.OpURL("nope"), 404, "NotFound", "operationid", "nope"},
		{"DELETE without api-version", "DELETE", "/phoneNumbers/operations/search-my-operation-id", 400, "MissingApiVersionParameter", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Do(httptest.NewRequest(tt.method, tt.target, nil))
			if r.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			e := r.ErrorBody(t)
			if e.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", e.Code, tt.wantCode)
			}
			gotTarget := ""
			if e.Target != nil {
				gotTarget = *e.Target
			}
			if gotTarget != tt.wantTarget {
				t.Errorf("target = %q, want %q", gotTarget, tt.wantTarget)
			}
			if !strings.Contains(e.Message, tt.wantInMessage) {
				t.Errorf("message %q does not mention %q", e.Message, tt.wantInMessage)
			}
			if tt.wantStatus == 405 && !strings.Contains(r.Header.Get("Allow"), "GET") {
				t.Errorf("Allow = %q, want GET listed", r.Header.Get("Allow"))
			}
			if r.Header.Get("Api-Supported-Versions") == "" || r.Header.Get("Ms-Cv") == "" {
				t.Errorf("service headers missing on an error: %v", r.Header)
			}
		})
	}
}

// panicky is a StrictServerInterface that fails in the two ways a handler can.
type panicky struct{ panicWith any }

func (p panicky) PhoneNumbersGetOperation(context.Context, server.PhoneNumbersGetOperationRequestObject) (server.PhoneNumbersGetOperationResponseObject, error) {
	if p.panicWith != nil {
		panic(p.panicWith)
	}
	return nil, errors.New("database password=hunter2 unreachable")
}

func TestInternalErrorsLeakNothing(t *testing.T) {
	for _, tt := range []struct {
		name string
		svc  panicky
	}{
		{"panic", panicky{panicWith: "secret stack detail"}},
		{"handler error", panicky{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := servertest.New(t, servertest.Opts{Options: server.Options{Service: tt.svc}})
			r := f.Get("search-my-operation-id")
			if r.Status != 500 {
				t.Fatalf("status = %d, want 500", r.Status)
			}
			e := r.ErrorBody(t)
			if e.Code != "InternalError" {
				t.Errorf("code = %q", e.Code)
			}
			for _, leak := range []string{"secret", "hunter2", "goroutine", ".go:"} {
				if strings.Contains(string(r.Body), leak) {
					t.Errorf("body leaks %q: %s", leak, r.Body)
				}
			}
		})
	}
}

// failingStore is an OperationStore that cannot be reached.
type failingStore struct{}

func (failingStore) GetOperation(context.Context, string) (types.PhoneNumberOperation, error) {
	return types.PhoneNumberOperation{}, errors.New("connection refused")
}

func TestStoreFailureIs500(t *testing.T) {
	srv, err := server.New(failingStore{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", servertest.OpURL("x"), nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "refused") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestSeedOperationAndHeaders(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	req := httptest.NewRequest("GET", servertest.OpURL("search-my-operation-id"), nil)
	req.Header.Set("x-ms-client-request-id", "3f1c2a3b-0000-4000-8000-000000000001")
	req.Header.Set("x-ms-return-client-request-id", "true")
	r := f.Do(req)
	op := servertest.DecodeOp(t, r)
	if op.ID != "search-my-operation-id" || !op.Status.IsSucceeded() || op.OperationType != types.PhoneNumberOperationTypeSearch {
		t.Fatalf("op = %+v", op)
	}
	const loc = "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
	checks := map[string]string{
		"Content-Type":                  "application/json; charset=utf-8",
		"Location":                      loc,
		"Api-Supported-Versions":        openapi.LiveSupportedVersions(),
		"Access-Control-Expose-Headers": "Location",
		"X-Cache":                       "CONFIG_NOCACHE",
		"X-Ms-Client-Request-Id":        "", // the live service never echoes it
	}
	for h, want := range checks {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !regexp.MustCompile(`^[A-Za-z0-9+/]{22}\.0$`).MatchString(r.Header.Get("Ms-Cv")) {
		t.Errorf("MS-CV = %q, want 22 base64 characters and .0", r.Header.Get("Ms-Cv"))
	}
	if !regexp.MustCompile(`^0[A-Za-z0-9+/]+=*$`).MatchString(r.Header.Get("X-Azure-Ref")) || !regexp.MustCompile(`^\d+ms$`).MatchString(r.Header.Get("X-Processing-Time")) {
		t.Errorf("X-Azure-Ref %q, X-Processing-Time %q", r.Header.Get("X-Azure-Ref"), r.Header.Get("X-Processing-Time"))
	}
	for _, name := range []string{"api-supported-versions", "MS-CV", "X-Azure-Ref", "X-Processing-Time", "X-Cache"} {
		if _, ok := r.RawHeader[name]; !ok {
			t.Errorf("%s is not spelled as the live service spells it: %v", name, r.RawHeader)
		}
	}
	if r.Header.Get("Strict-Transport-Security") != "" || r.Header.Get("Request-Context") != "" {
		t.Errorf("HSTS over plain HTTP, or Request-Context at 2022-12-01: %v", r.Header)
	}
	if *op.ResourceLocation != loc {
		t.Errorf("resourceLocation = %q", *op.ResourceLocation)
	}
	// Without the opt-in header, the request id is not echoed.
	req = httptest.NewRequest("GET", servertest.OpURL("search-my-operation-id"), nil)
	req.Header.Set("x-ms-client-request-id", "abc")
	if got := f.Do(req).Header.Get("X-Ms-Client-Request-Id"); got != "" {
		t.Errorf("request id echoed without x-ms-return-client-request-id: %q", got)
	}
}

func TestLocationOnlyWithResourceLocation(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	r := f.Get("purchase_18c224b7-0000-4000-8000-000000000001")
	if r.Header.Get("Location") != "" {
		t.Errorf("Location sent for an operation without resourceLocation")
	}
	if !strings.Contains(string(r.Body), `"resourceLocation":null`) {
		t.Errorf("resourceLocation should be an explicit null as live: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"lastActionDateTime":"0001-01-01T00:00:00+00:00"`) {
		t.Errorf("lastActionDateTime should be the live service's minimum value: %s", r.Body)
	}
}

func TestSupportedVersionsConfigurable(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Options: server.Options{APIVersions: []string{"2022-12-01", "2025-06-01"}}})
	r := f.Do(httptest.NewRequest("GET", "/phoneNumbers/operations/search-my-operation-id?api-version=2025-06-01", nil))
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	if got := r.Header.Get("Api-Supported-Versions"); got != "2022-12-01, 2025-06-01" {
		t.Errorf("api-supported-versions = %q", got)
	}
}

func TestHealthz(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	r := f.Do(httptest.NewRequest("GET", server.HealthPath, nil)) // unsigned on purpose
	if r.Status != 200 || !strings.Contains(string(r.Body), "ok") {
		t.Fatalf("healthz = %d %s", r.Status, r.Body)
	}
}

// TestCustomStrictServer shows a team plugging in its own StrictServerInterface: the
// validation, headers and error mapping still apply.
func TestCustomStrictServer(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Options: server.Options{Service: fixedService{}}})
	op := servertest.DecodeOp(t, f.Get("anything"))
	if op.ID != "anything" || op.OperationType != types.PhoneNumberOperationTypeSearch {
		t.Fatalf("op = %+v", op)
	}
	if r := f.Do(httptest.NewRequest("GET", "/phoneNumbers/operations/x", nil)); r.Status != 400 {
		t.Fatalf("api-version check bypassed: %d", r.Status)
	}
}

type fixedService struct{}

func (fixedService) PhoneNumbersGetOperation(_ context.Context, req server.PhoneNumbersGetOperationRequestObject) (server.PhoneNumbersGetOperationResponseObject, error) {
	return server.OperationResponse{Operation: types.PhoneNumberOperation{
		ID: req.OperationID, OperationType: types.PhoneNumberOperationTypeSearch, Status: types.PhoneNumberOperationStatusRunning,
		CreatedDateTime: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC),
	}}, nil
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, err := server.New(nil, nil); err == nil {
		t.Error("New(nil, nil) succeeded")
	}
	store, _ := mock.NewMemoryStore(nil, nil)
	_, err := server.New(store, &server.Options{AccessKey: "not base64!"})
	if err == nil || strings.Contains(err.Error(), "not base64!") {
		t.Errorf("bad key: err = %v (must fail without echoing the key)", err)
	}
	if _, err := server.New(store, &server.Options{MaxClockSkew: -time.Minute}); err == nil {
		t.Error("a negative MaxClockSkew was accepted (it meant 15 minutes)")
	}
}

func (p panicky) PhoneNumbersCancelOperation(context.Context, server.PhoneNumbersCancelOperationRequestObject) (server.PhoneNumbersCancelOperationResponseObject, error) {
	panic(p.panicWith)
}

func (fixedService) PhoneNumbersCancelOperation(context.Context, server.PhoneNumbersCancelOperationRequestObject) (server.PhoneNumbersCancelOperationResponseObject, error) {
	return server.PhoneNumbersCancelOperation204Response{}, nil
}

// TestCancelOperation: DELETE answers 204 and removes the operation (a later GET is 404);
// a store that cannot cancel answers 405 and keeps the operation.
func TestCancelOperation(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	del := func(id string) servertest.Response {
		return f.Do(f.Sign(httptest.NewRequest(http.MethodDelete, servertest.OpURL(id), nil), nil))
	}
	if r := del("search-my-operation-id"); r.Status != http.StatusNoContent || len(r.Body) != 0 || r.Header.Get("Api-Supported-Versions") == "" {
		t.Fatalf("cancel: %d %q %v", r.Status, r.Body, r.Header)
	}
	if r := f.Get("search-my-operation-id"); r.Status != http.StatusNotFound {
		t.Fatalf("GET after cancel: %d, want 404", r.Status)
	}
	if r := del("search-my-operation-id"); r.Status != http.StatusNotFound {
		t.Fatalf("second cancel: %d, want 404", r.Status)
	}
	plain, err := server.New(storeOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := servertest.Do(t, plain, httptest.NewRequest(http.MethodDelete, servertest.OpURL("failed"), nil))
	if r.Status != http.StatusMethodNotAllowed || r.ErrorBody(t).Code != server.CodeMethodNotAllowed {
		t.Fatalf("cancel on a store without OperationCanceler: %d %s", r.Status, r.Body)
	}
}

// TestStrictMiddlewareStillApplies: the strict handlers call the implementation directly
// when no strict middleware is installed (openapi/templates/strict/strict-echo.tmpl); with
// middleware, every call still goes through it, and both paths answer the same.
func TestStrictMiddlewareStillApplies(t *testing.T) {
	var seen []string
	record := func(f server.StrictHandlerFunc, operationID string) server.StrictHandlerFunc {
		return func(ctx echo.Context, request any) (any, error) {
			seen = append(seen, operationID)
			return f(ctx, request)
		}
	}
	for _, tt := range []struct {
		name        string
		middlewares []server.StrictMiddlewareFunc
		wantSeen    int
	}{
		{"direct", nil, 0},
		{"with middleware", []server.StrictMiddlewareFunc{record}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			e := echo.New()
			server.RegisterHandlers(e, server.NewStrictHandler(fixedService{}, tt.middlewares))
			get := httptest.NewRecorder()
			e.ServeHTTP(get, httptest.NewRequest("GET", servertest.OpURL("op-1"), nil))
			del := httptest.NewRecorder()
			e.ServeHTTP(del, httptest.NewRequest("DELETE", servertest.OpURL("op-1"), nil))
			if get.Code != 200 || !strings.Contains(get.Body.String(), `"id":"op-1"`) || del.Code != 204 {
				t.Fatalf("GET %d %s, DELETE %d", get.Code, get.Body, del.Code)
			}
			if len(seen) != tt.wantSeen {
				t.Fatalf("middleware saw %v, want %d calls", seen, tt.wantSeen)
			}
		})
	}
}
