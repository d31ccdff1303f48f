package mock_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// TestDashboardFiles: a keyed server answers the dashboard's files unsigned (a browser
// loads a page by address) and nothing else; the files come with a policy that lets
// them load nothing from elsewhere.
func TestDashboardFiles(t *testing.T) {
	key := base64.StdEncoding.EncodeToString([]byte("dashboard files key"))
	store, _ := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	keyed, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	off, err := mock.New(store, &mock.Options{DisableControlAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		h           http.Handler
		method, uri string
		want        int
		contentType string
		location    string
	}{
		{"the page", keyed, "GET", "/mock/ui/", http.StatusOK, "text/html; charset=utf-8", ""},
		{"its script", keyed, "GET", "/mock/ui/app.js", http.StatusOK, "text/javascript; charset=utf-8", ""},
		{"its style", keyed, "GET", "/mock/ui/app.css", http.StatusOK, "text/css; charset=utf-8", ""},
		{"without the slash", keyed, "GET", "/mock/ui", http.StatusMovedPermanently, "", "ui/"},
		{"no other file", keyed, "GET", "/mock/ui/secrets.txt", http.StatusNotFound, "application/json", ""},
		{"no way out of it", keyed, "GET", "/mock/ui/../operations", http.StatusNotFound, "application/json", ""},
		{"the control API still signed", keyed, "GET", "/mock/operations", http.StatusUnauthorized, "application/json", ""},
		{"the stream still signed", keyed, "GET", "/mock/journal/events", http.StatusUnauthorized, "application/json", ""},
		{"off with the control API", off, "GET", "/mock/ui/", http.StatusNotFound, "application/json", ""},
		{"the control API off too", off, "POST", "/mock/reset", http.StatusNotFound, "application/json", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.uri, nil)
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); tc.contentType != "" && !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if tc.h == off && !strings.Contains(rec.Body.String(), "--no-control-api") {
				t.Errorf("the 404 does not say the control API is off: %s", rec.Body)
			}
			if tc.location != "" && rec.Header().Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", rec.Header().Get("Location"), tc.location)
			}
			if tc.want == http.StatusOK {
				csp := rec.Header().Get("Content-Security-Policy")
				for _, part := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
					if !strings.Contains(csp, part) {
						t.Errorf("Content-Security-Policy %q lacks %q", csp, part)
					}
				}
				if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
					t.Error("no X-Content-Type-Options: nosniff")
				}
			}
		})
	}
}

// TestDashboardLoadsNothingFromElsewhere: the files name no other origin (the page must
// work offline, and load nothing a network could change).
func TestDashboardLoadsNothingFromElsewhere(t *testing.T) {
	store, _ := mock.NewMemoryStore(nil, nil)
	m, _ := mock.New(store, nil)
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, f := range []string{"", "app.js", "app.css"} {
		resp, err := http.Get(srv.URL + mock.UIPath + f)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, s := range []string{"http://", "https://", "//cdn", "@import", "innerHTML", "insertAdjacentHTML", "eval(", "localStorage.set", "sessionStorage.set"} {
			if strings.Contains(string(body), s) {
				t.Errorf("%s%s contains %q", mock.UIPath, f, s)
			}
		}
	}
}

// TestControlAPIRefusesOtherSites: a page of another site cannot drive an open mock
// through the visitor's browser (a reset needs no CORS preflight); the dashboard itself
// (same origin), tools without browser headers, and the address bar are served.
func TestControlAPIRefusesOtherSites(t *testing.T) {
	store, _ := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	m, err := mock.New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		method  string
		uri     string
		headers map[string]string
		want    int
	}{
		{"another site resets", "POST", "/mock/reset", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"a sibling site resets", "POST", "/mock/reset", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"an older browser, another origin", "POST", "/mock/reset", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"another site reads the stream", "GET", "/mock/journal/events", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"the dashboard resets", "POST", "/mock/reset", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, http.StatusNoContent},
		{"an older browser, same origin", "POST", "/mock/reset", map[string]string{"Origin": "http://example.com"}, http.StatusNoContent},
		{"curl", "POST", "/mock/reset", nil, http.StatusNoContent},
		{"the address bar", "GET", "/mock/operations", map[string]string{"Sec-Fetch-Site": "none"}, http.StatusOK},
		{"the API itself is not concerned", "GET", "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.uri, nil) // Host: example.com
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
		})
	}
}

// TestCrossSiteRequestsCreateNoResource (review): a refused cross-site request still
// created its auto resource: 70 <img> tags on a visited page used up --max-resources.
func TestCrossSiteRequestsCreateNoResource(t *testing.T) {
	created := 0
	r, err := mock.NewResources(&mock.ResourcesOptions{
		Default: http.NotFoundHandler(),
		New: func(string) (http.Handler, error) {
			created++
			store, _ := mock.NewMemoryStore(nil, nil)
			return mock.New(store, nil)
		},
		MaxAuto: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		req := httptest.NewRequest("GET", fmt.Sprintf("/job%d/mock/journal", i), nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "another site") {
			t.Fatalf("cross-site request %d: HTTP %d %s", i, rec.Code, rec.Body)
		}
	}
	if created != 0 {
		t.Fatalf("%d resources created by cross-site requests", created)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/legit/mock/journal", nil))
	if rec.Code != http.StatusOK || created != 1 {
		t.Fatalf("a tool's request: HTTP %d, %d created", rec.Code, created)
	}
}
