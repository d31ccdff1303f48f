package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// FuzzHandler sends arbitrary requests through the whole server (with an access key, so
// authentication is exercised too; a request can carry a valid signature when sign is
// set). Properties: never a panic, never a 5xx, every non-2xx body is a
// CommunicationErrorResponse, every 2xx on the API path validates against the spec.
func FuzzHandler(f *testing.F) {
	f.Add("GET", "/phoneNumbers/operations/search-my-operation-id", "api-version=2022-12-01", "Accept", "application/json", []byte(nil), true)
	f.Add("GET", "/phoneNumbers/operations/purchase_18c224b7-0000-4000-8000-000000000001", "api-version=2022-12-01", "x-ms-return-client-request-id", "true", []byte(nil), true)
	f.Add("POST", "/mock/operations", "", "Content-Type", "application/json", []byte(`{"id":"x","operationType":"search","timeline":[{"status":"running"}]}`), true)
	f.Add("GET", "/phoneNumbers/operations/%zz", "api-version=%", "Authorization", "HMAC-SHA256 SignedHeaders=x&Signature=y", []byte("x"), false)
	f.Add("DELETE", "/mock/operations/search-my-operation-id", "", "X-Ms-Date", "yesterday", []byte(nil), true)
	f.Add("PUT", "/", "a=b&a=c", "Host", "[::1]:80", []byte("{}"), false)

	clock := servertest.NewClock()
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), &mock.MemoryStoreOptions{Now: clock.Now, MaxOperations: 100})
	if err != nil {
		f.Fatal(err)
	}
	srv, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: servertest.TestKey, Now: clock.Now, MaxBodyBytes: 4096}})
	if err != nil {
		f.Fatal(err)
	}
	v := servertest.SpecValidator(f)

	f.Fuzz(func(t *testing.T, method, path, rawQuery, hName, hValue string, body []byte, sign bool) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || !strings.HasPrefix(path, "/") {
			return // not something net/http would hand to a handler
		}
		u := &url.URL{Path: path, RawQuery: rawQuery}
		if p, err := url.PathUnescape(path); err == nil && strings.HasPrefix(path, "/") {
			u = &url.URL{Path: p, RawPath: path, RawQuery: rawQuery}
		}
		req := &http.Request{Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "127.0.0.1:8080", RequestURI: u.RequestURI(), Body: io.NopCloser(bytes.NewReader(body))}
		req = req.WithContext(context.Background())
		if hName != "" && !strings.ContainsAny(hName, " :\r\n\x00") {
			req.Header.Set(hName, hValue)
		}
		if sign {
			servertest.SignWith(t, req, servertest.TestKey, body, clock.Now())
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); srv.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %q ?%q %q=%q body %q sign=%v: no answer within 5 s", method, path, rawQuery, hName, hValue, body, sign)
		}
		res := rec.Result()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s?%s -> %d: %s", method, path, rawQuery, res.StatusCode, out)
		}
		if res.StatusCode >= 300 {
			var e types.CommunicationErrorResponse
			if err := json.Unmarshal(out, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s -> %d with a body that is not a CommunicationErrorResponse: %q", method, path, res.StatusCode, out)
			}
			return
		}
		if method == http.MethodGet && strings.HasPrefix(u.Path, "/phoneNumbers/operations/") {
			if err := v.ValidateResponse(context.Background(), req, res.StatusCode, res.Header, out); err != nil {
				t.Fatalf("%s %s -> %d violates the spec: %v\n%s", method, path, res.StatusCode, err, out)
			}
		}
	})
}
