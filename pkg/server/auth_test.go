package server_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
)

func TestHMACAuthentication(t *testing.T) {
	const otherKey = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDEyMzQ1Njc4OQ=="
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	now := f.Clock.Now()
	target := servertest.OpURL("search-my-operation-id")
	newReq := func() *http.Request { return httptest.NewRequest("GET", target, nil) }
	signed := func(mut func(r *http.Request)) *http.Request {
		r := servertest.SignWith(t, newReq(), servertest.TestKey, nil, now)
		if mut != nil {
			mut(r)
		}
		return r
	}
	tests := []struct {
		name       string
		req        *http.Request
		wantStatus int
		wantReason string
	}{
		{"valid", signed(nil), 200, ""},
		{"valid, host with port", func() *http.Request {
			r := newReq()
			r.Host = "127.0.0.1:8080"
			return servertest.SignWith(t, r, servertest.TestKey, nil, now)
		}(), 200, ""},
		{"valid, lower-case header names", signed(func(r *http.Request) {
			for _, h := range []string{"Authorization", "X-Ms-Date", "X-Ms-Content-Sha256"} {
				v := r.Header.Get(h)
				r.Header.Del(h)
				r.Header[strings.ToLower(h)] = []string{v}
			}
		}), 200, ""},
		{"valid, old date form", func() *http.Request {
			r := newReq()
			k := mustDecode(t, servertest.TestKey)
			date := hmacauth.FormatDate(now)
			sig := hmacauth.NewSigner(k).Sign(hmacauth.StringToSign("GET", target, date, r.Host, hmacauth.EmptyContentHash))
			r.Header.Set("Date", date)
			r.Header.Set("x-ms-content-sha256", hmacauth.EmptyContentHash)
			r.Header.Set("Authorization", "HMAC-SHA256 SignedHeaders=date;host;x-ms-content-sha256&Signature="+sig)
			return r
		}(), 200, ""},
		{"unsigned", newReq(), 401, "missing Authorization"},
		{"wrong key", servertest.SignWith(t, newReq(), otherKey, nil, now), 401, "signature does not match"},
		{"tampered path", signed(func(r *http.Request) {
			r.URL.Path = "/phoneNumbers/operations/purchase_18c224b7-0000-4000-8000-000000000001"
			r.RequestURI = r.URL.RequestURI()
		}), 401, "signature does not match"},
		{"tampered query", signed(func(r *http.Request) {
			r.URL.RawQuery = "api-version=2022-12-01&x=1"
			r.RequestURI = r.URL.RequestURI()
		}), 401, "signature does not match"},
		{"tampered host", signed(func(r *http.Request) { r.Host = "evil.example.com" }), 401, "signature does not match"},
		{"stale date", servertest.SignWith(t, newReq(), servertest.TestKey, nil, now.Add(-16*time.Minute)), 401, "clock skew"},
		{"future date", servertest.SignWith(t, newReq(), servertest.TestKey, nil, now.Add(16*time.Minute)), 401, "clock skew"},
		{"missing x-ms-date", signed(func(r *http.Request) { r.Header.Del("x-ms-date") }), 401, "missing x-ms-date"},
		{"missing content hash", signed(func(r *http.Request) { r.Header.Del("x-ms-content-sha256") }), 401, "missing x-ms-content-sha256"},
		{"body hash mismatch", signed(func(r *http.Request) { r.Body = servertest.Body("{}") }), 401, "does not match the request body"},
		{"bearer token", signed(func(r *http.Request) { r.Header.Set("Authorization", "Bearer eyJ0eXAi.secret.token") }), 401, "HMAC-SHA256 scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth := tt.req.Header.Get("Authorization")
			r := f.Do(tt.req)
			if r.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			if tt.wantStatus == 200 {
				return
			}
			e := r.ErrorBody(t)
			if e.Code != "Unauthorized" || !strings.Contains(e.Message, tt.wantReason) {
				t.Errorf("error = %s: %s, want Unauthorized mentioning %q", e.Code, e.Message, tt.wantReason)
			}
			if _, sig, ok := strings.Cut(auth, "Signature="); ok && sig != "" && bytes.Contains(r.Body, []byte(sig)) {
				t.Errorf("body leaks the signature")
			}
			if bytes.Contains(r.Body, []byte(servertest.TestKey)) || bytes.Contains(r.Body, []byte("secret.token")) {
				t.Errorf("body leaks a credential")
			}
		})
	}
}

func TestControlAPIRequiresSignature(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	if r := f.Do(httptest.NewRequest("GET", "/mock/operations", nil)); r.Status != 401 {
		t.Fatalf("unsigned control request: %d", r.Status)
	}
	body := []byte(`{"id":"x1","operationType":"search","timeline":[{"status":"succeeded"}]}`)
	req := httptest.NewRequest("POST", "/mock/operations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if r := f.Do(f.Sign(req, body)); r.Status != 201 {
		t.Fatalf("signed control POST: %d %s", r.Status, r.Body)
	}
	// The body hash is checked against the bytes received.
	req = httptest.NewRequest("POST", "/mock/operations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req = f.Sign(req, []byte(`{"id":"x2"}`))
	if r := f.Do(req); r.Status != 401 {
		t.Fatalf("control POST with a mismatched body hash: %d", r.Status)
	}
}

func mustDecode(t testing.TB, key string) []byte {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// recordingBody is a request body that records whether it was read, and fails if it is.
type recordingBody struct{ read bool }

func (b *recordingBody) Read([]byte) (int, error) {
	b.read = true
	return 0, errors.New("the body must not be read")
}

func (*recordingBody) Close() error { return nil }

// TestUnauthenticatedBodyNotRead is the regression test for bodies read (and held in
// memory) before the request was known to be unauthenticated.
func TestUnauthenticatedBodyNotRead(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	now := f.Clock.Now()
	tests := []struct {
		name string
		mut  func(r *http.Request)
		want string
	}{
		{"no Authorization", func(r *http.Request) { r.Header.Del("Authorization") }, "missing Authorization"},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, "HMAC-SHA256 scheme"},
		{"stale date", func(r *http.Request) { r.Header.Set("X-Ms-Date", hmacauth.FormatDate(now.Add(-time.Hour))) }, "clock skew"},
		{"no content hash", func(r *http.Request) { r.Header.Del("X-Ms-Content-Sha256") }, "x-ms-content-sha256"},
		{"wrong signature", func(r *http.Request) {
			r.Header.Set("Authorization", hmacauth.Scheme+" SignedHeaders="+hmacauth.SignedHeaders+"&Signature="+base64.StdEncoding.EncodeToString(make([]byte, 32)))
		}, "signature does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &recordingBody{}
			req := httptest.NewRequest("POST", "/mock/operations", nil)
			req.Header.Set("Content-Type", "application/json")
			servertest.SignWith(t, req, servertest.TestKey, []byte(`{}`), now)
			tt.mut(req)
			req.Body, req.ContentLength = body, 1<<20
			r := f.Do(req)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401: %s", r.Status, r.Body)
			}
			if e := r.ErrorBody(t); !strings.Contains(e.Message, tt.want) {
				t.Errorf("message %q does not say %q", e.Message, tt.want)
			}
			if body.read {
				t.Error("the body of an unauthenticated request was read")
			}
		})
	}
	// A signed request whose body does not match the signed hash is refused after reading.
	req := httptest.NewRequest("POST", "/mock/operations", strings.NewReader(`{"id":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	servertest.SignWith(t, req, servertest.TestKey, []byte(`{}`), now)
	if r := f.Do(req); r.Status != http.StatusUnauthorized || !strings.Contains(r.ErrorBody(t).Message, "does not match the request body") {
		t.Errorf("tampered body: %d %s", r.Status, r.Body)
	}
	// A declared oversize body is refused without reading it.
	body := &recordingBody{}
	req = httptest.NewRequest("POST", "/mock/operations", nil)
	req.Header.Set("Content-Type", "application/json")
	servertest.SignWith(t, req, servertest.TestKey, []byte(`{}`), now)
	req.Body, req.ContentLength = body, 2<<20
	if r := f.Do(req); r.Status != http.StatusRequestEntityTooLarge || body.read {
		t.Errorf("declared oversize body: %d (read %v) %s", r.Status, body.read, r.Body)
	}
}

// TestUnsignedRequestSaysWhatSigns: a request without Authorization (curl against a keyed
// server) is told what signs; a wrongly signed one is not sent the same advice.
func TestUnsignedRequestSaysWhatSigns(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey})
	tests := []struct {
		name, auth string
		hint       bool
	}{
		{"unsigned", "", true},
		{"bad signature", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA", false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, servertest.OpURL("search-my-operation-id"), nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		rec := httptest.NewRecorder()
		f.Srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "phonenumbers mock") != tt.hint {
			t.Errorf("%s: %d %s (want the hint: %v)", tt.name, rec.Code, rec.Body, tt.hint)
		}
	}
}
