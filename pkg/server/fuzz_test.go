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

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
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

	clock := newFakeClock()
	store, err := server.NewMemoryStore(server.DefaultOperations(), &server.MemoryStoreOptions{Now: clock.Now, MaxOperations: 100})
	if err != nil {
		f.Fatal(err)
	}
	srv, err := server.New(store, &server.Options{AccessKey: testKey, Control: store, Now: clock.Now, MaxBodyBytes: 4096})
	if err != nil {
		f.Fatal(err)
	}
	v := specValidator(f)

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
			signWith(t, req, testKey, body, clock.Now())
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

// FuzzFixtures parses arbitrary documents as fixtures: either a loaded, valid set or a
// clear error naming the file, never both and never a panic.
func FuzzFixtures(f *testing.F) {
	f.Add([]byte("operations:\n  - id: a\n    operationType: search\n    timeline:\n      - status: running\n      - status: succeeded\n        after: 1s\n"))
	f.Add([]byte(`{"operations":[{"id":"a","operationType":"purchase","timeline":[{"status":"failed","error":{"code":"X","message":"y"}}]}]}`))
	f.Add([]byte("operations: [{id: a, operationType: search, timeline: [{status: running, afterPolls: -1}]}]"))
	f.Add([]byte("- not a map"))
	f.Add([]byte("operations:\n  - &a {id: x}\n  - *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := server.ParseFixtures("fuzz.yaml", data)
		if err != nil {
			if ops != nil {
				t.Fatalf("error %v with %d operations: a partial load", err, len(ops))
			}
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(ops) == 0 {
			t.Fatal("no error and no operations")
		}
		if err := server.ValidateOperations(ops); err != nil {
			t.Fatalf("loaded operations are invalid: %v", err)
		}
		store, err := server.NewMemoryStore(ops, nil)
		if err != nil {
			t.Fatalf("loaded operations rejected by the store: %v", err)
		}
		for _, op := range ops {
			if _, err := store.GetOperation(context.Background(), op.ID); err != nil {
				t.Fatalf("loaded operation %q not served: %v", op.ID, err)
			}
		}
	})
}
