package mock_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// newMock is a mock of the default operations, keyed when key is set.
func newMock(t *testing.T, key string) *mock.Server {
	t.Helper()
	srv, _ := startMock(t, mock.DefaultOperations(), nil, key)
	return srv
}

// startMock is a mock of ops with store options opts (nil: the defaults), keyed when key
// is set, and its store.
func startMock(t *testing.T, ops []mock.Operation, opts *mock.MemoryStoreOptions, key string) (*mock.Server, *mock.MemoryStore) {
	t.Helper()
	store, err := mock.NewMemoryStore(ops, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, store
}

// TestResources (issue 24): named resources path-style, each with its own operations,
// journal and key; the root stays; unknown names are 404 naming them; auto resources are
// created on first use, within their bound.
func TestResources(t *testing.T) {
	root, alpha, beta := newMock(t, ""), newMock(t, ""), newMock(t, servertest.TestKey)
	created := 0
	res, err := mock.NewResources(&mock.ResourcesOptions{Default: root, Named: map[string]http.Handler{"alpha": alpha, "beta": beta},
		MaxAuto: 2, New: func(string) (http.Handler, error) { created++; return newMock(t, ""), nil }})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, target string, sign bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, nil)
		if sign {
			key, _ := hmacauth.DecodeKey(servertest.TestKey)
			hash := hmacauth.ContentHash(nil)
			date, auth := hmacauth.NewSigner(key).SignRequest(method, req.URL.RequestURI(), req.Host, hash, time.Now())
			hmacauth.SetHeaders(req.Header, date, hash, auth)
		}
		rec := httptest.NewRecorder()
		res.ServeHTTP(rec, req)
		return rec
	}
	const op = "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
	tests := []struct {
		name, method, target string
		sign                 bool
		want                 int
		body                 string
	}{
		{"root", "GET", op, false, 200, ""},
		{"alpha", "GET", "/alpha" + op, false, 200, ""},
		{"beta unsigned", "GET", "/beta" + op, false, 401, ""},
		{"beta signed over the prefixed path", "GET", "/beta" + op, true, 200, ""},
		{"alpha's reset", "POST", "/alpha/mock/reset", false, 204, ""},
		{"alpha's health", "GET", "/alpha/healthz", false, 200, ""},
		{"auto", "GET", "/job-1" + op, false, 200, ""},
		{"auto again", "GET", "/job-1" + op, false, 200, ""},
		{"second auto", "GET", "/job-2" + op, false, 200, ""},
		{"beyond the bound", "GET", "/job-3" + op, false, 404, "it may (--max-resources)"},
		{"a bad name", "GET", "/a_b" + op, false, 404, "letters, digits and hyphens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(tt.method, tt.target, tt.sign)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
	if created != 2 {
		t.Errorf("%d auto resources created, want 2", created)
	}
	// Each resource has its own journal and operations: alpha's requests are not root's.
	// alpha's one API request was cleared by its reset; control and health requests are
	// not journaled (this test counted alpha's /healthz as its one entry before).
	if n := len(alpha.Journal().Entries()); n != 0 {
		t.Errorf("alpha's journal holds %d entries, want none (its reset cleared it)", n)
	}
	if n := len(root.Journal().Entries()); n != 1 {
		t.Errorf("root's journal holds %d entries, want 1", n)
	}
	rec := do("DELETE", "/alpha/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01", false)
	if rec.Code != 204 || do("GET", op, false).Code != 200 || do("GET", "/alpha"+op, false).Code != 404 {
		t.Errorf("a cancel on alpha reached another resource")
	}
	// The control API's links carry the resource's path.
	var page struct{ NextLink string }
	_ = json.Unmarshal(do("GET", "/alpha/mock/operations?limit=1", false).Body.Bytes(), &page)
	if !strings.HasPrefix(page.NextLink, "http://example.com/alpha/mock/operations?") {
		t.Errorf("nextLink %q lacks the resource", page.NextLink)
	}
}

// TestResourceNames: what a resource may be called.
func TestResourceNames(t *testing.T) {
	for name, ok := range map[string]bool{"alpha": true, "job-42": true, "A1": true, "mock": false, "phoneNumbers": false,
		"healthz": false, "": false, "-x": false, "a_b": false, strings.Repeat("a", 64): false} {
		if err := mock.CheckResourceName(name); (err == nil) != ok {
			t.Errorf("%q: %v", name, err)
		}
	}
	if _, err := mock.NewResources(&mock.ResourcesOptions{Default: http.NotFoundHandler(), Named: map[string]http.Handler{"mock": http.NotFoundHandler()}}); err == nil {
		t.Error("a resource named mock was accepted")
	}
}

// TestRootSignatureDoesNotVerifyAtAResource (issue 24 review): an absolute-form target
// (POST http://host/a/mock/reset) was verified over the path the router had stripped, so a
// request signed for the root's /mock/reset reset resource a sharing the key.
func TestRootSignatureDoesNotVerifyAtAResource(t *testing.T) {
	root, a := newMock(t, servertest.TestKey), newMock(t, servertest.TestKey)
	res, err := mock.NewResources(&mock.ResourcesOptions{Default: root, Named: map[string]http.Handler{"a": a}})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := hmacauth.DecodeKey(servertest.TestKey)
	tests := []struct {
		name, target, signed string
		want                 int
	}{
		{"signed for the root, sent to a, absolute form", "http://example.com/a/mock/reset", "/mock/reset", http.StatusUnauthorized},
		{"signed for the root, sent to a", "/a/mock/reset", "/mock/reset", http.StatusUnauthorized},
		{"signed for a, absolute form", "http://example.com/a/mock/reset", "/a/mock/reset", http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.target, nil)
			hash := hmacauth.ContentHash(nil)
			date, auth := hmacauth.NewSigner(key).SignRequest(http.MethodPost, tt.signed, req.Host, hash, time.Now())
			hmacauth.SetHeaders(req.Header, date, hash, auth)
			rec := httptest.NewRecorder()
			res.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}
