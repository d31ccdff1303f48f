package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// testKey is the published HMAC test vector key.
const testKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

// fakeClock is an injectable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	validatorOnce sync.Once
	validator     *conformance.Validator
	validatorErr  error
)

func specValidator(t testing.TB) *conformance.Validator {
	t.Helper()
	validatorOnce.Do(func() { validator, validatorErr = conformance.NewValidator() })
	if validatorErr != nil {
		t.Fatal(validatorErr)
	}
	return validator
}

// fixture is a server under test.
type fixture struct {
	t       testing.TB
	srv     *server.Server
	store   *server.MemoryStore
	clock   *fakeClock
	key     string
	signNow func() time.Time
}

type fixtureOpts struct {
	ops       []server.Operation
	key       string
	options   server.Options
	lastMode  server.LastActionMode
	maxOps    int
	noControl bool
}

func newFixture(t testing.TB, fo fixtureOpts) *fixture {
	t.Helper()
	clock := newFakeClock()
	ops := fo.ops
	if ops == nil {
		ops = server.DefaultOperations()
	}
	store, err := server.NewMemoryStore(ops, &server.MemoryStoreOptions{Now: clock.Now, LastAction: fo.lastMode, MaxOperations: fo.maxOps})
	if err != nil {
		t.Fatal(err)
	}
	o := fo.options
	o.AccessKey = fo.key
	o.Now = clock.Now
	if !fo.noControl {
		o.Control = store
	}
	srv, err := server.New(store, &o)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, srv: srv, store: store, clock: clock, key: fo.key, signNow: clock.Now}
}

// response is a recorded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) errorBody(t testing.TB) types.CommunicationError {
	t.Helper()
	var e types.CommunicationErrorResponse
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("status %d body is not a CommunicationErrorResponse: %v: %s", r.Status, err, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	return e.Error
}

// do sends a request through the handler in-process. For Communication Services paths
// the answer is validated against the spec; non-2xx answers must be error responses.
func (f *fixture) do(req *http.Request) response {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, Header: res.Header, Body: body}
	if strings.HasPrefix(req.URL.Path, "/phoneNumbers/operations/") && req.Method == http.MethodGet {
		if err := specValidator(f.t).ValidateResponse(context.Background(), req, r.Status, r.Header, r.Body); err != nil {
			f.t.Fatalf("%s %s: response violates the spec: %v\n%s", req.Method, req.URL, err, body)
		}
	}
	if r.Status >= 300 && req.Method != http.MethodHead {
		r.errorBody(f.t)
	}
	return r
}

// get fetches an operation, signed when the fixture has a key.
func (f *fixture) get(id string) response {
	f.t.Helper()
	return f.do(f.sign(httptest.NewRequest(http.MethodGet, opURL(id), nil), nil))
}

func opURL(id string) string {
	return "/phoneNumbers/operations/" + id + "?api-version=" + types.DefaultAPIVersion
}

// sign adds HMAC headers for body when the fixture has a key.
func (f *fixture) sign(req *http.Request, body []byte) *http.Request {
	if f.key == "" {
		return req
	}
	return signWith(f.t, req, f.key, body, f.signNow())
}

func signWith(t testing.TB, req *http.Request, key string, body []byte, at time.Time) *http.Request {
	t.Helper()
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	hash := hmacauth.ContentHash(body)
	date, auth := hmacauth.NewSigner(k).SignRequest(req.Method, req.URL.RequestURI(), req.Host, hash, at)
	req.Header.Set("x-ms-date", date)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", auth)
	return req
}

func decodeOp(t testing.TB, r response) types.PhoneNumberOperation {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var op types.PhoneNumberOperation
	if err := json.Unmarshal(r.Body, &op); err != nil {
		t.Fatal(err)
	}
	return op
}

func decodeKey(key string) ([]byte, error) { return base64.StdEncoding.DecodeString(key) }

func httpBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
