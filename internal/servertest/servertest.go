// Package servertest holds the test fixtures shared by the server and mock packages' tests:
// an injectable clock, a mock server under test, in-process requests whose answers are
// validated against the spec, and HMAC signing.
package servertest

import (
	"bytes"
	"context"
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
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// TestKey is the published HMAC test vector key.
const TestKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

// Clock is an injectable clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to a fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	validatorOnce sync.Once
	validator     *conformance.Validator
	validatorErr  error
)

// SpecValidator returns a shared conformance validator.
func SpecValidator(t testing.TB) *conformance.Validator {
	t.Helper()
	validatorOnce.Do(func() { validator, validatorErr = conformance.NewValidator() })
	if validatorErr != nil {
		t.Fatal(validatorErr)
	}
	return validator
}

// Fixture is a mock server under test.
type Fixture struct {
	T       testing.TB
	Srv     *mock.Server
	Store   *mock.MemoryStore
	Clock   *Clock
	Key     string
	SignNow func() time.Time
}

// Opts configures [New]; the zero value serves the default operations openly.
type Opts struct {
	Ops       []mock.Operation
	Key       string
	Options   server.Options
	Journal   int
	LastMode  mock.LastActionMode
	MaxOps    int
	NoControl bool
}

// New builds a fixture; it fails t on any error.
func New(t testing.TB, fo Opts) *Fixture {
	t.Helper()
	clock := NewClock()
	ops := fo.Ops
	if ops == nil {
		ops = mock.DefaultOperations()
	}
	store, err := mock.NewMemoryStore(ops, &mock.MemoryStoreOptions{Now: clock.Now, LastAction: fo.LastMode, MaxOperations: fo.MaxOps})
	if err != nil {
		t.Fatal(err)
	}
	o := mock.Options{Options: fo.Options, JournalSize: fo.Journal, DisableControlAPI: fo.NoControl}
	o.AccessKey = fo.Key
	o.Now = clock.Now
	srv, err := mock.New(store, &o)
	if err != nil {
		t.Fatal(err)
	}
	return &Fixture{T: t, Srv: srv, Store: store, Clock: clock, Key: fo.Key, SignNow: clock.Now}
}

// Response is a recorded answer.
type Response struct {
	Status int
	// Header holds the headers under their canonical names, as a client reads them.
	Header http.Header
	// RawHeader holds them as the server keyed them: spelled as they go on the wire.
	RawHeader http.Header
	Body      []byte
}

// ErrorBody decodes a CommunicationErrorResponse strictly, failing t when the body is not one.
func (r Response) ErrorBody(t testing.TB) types.CommunicationError {
	t.Helper()
	var e types.CommunicationErrorResponse
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("status %d body is not a CommunicationErrorResponse: %v: %s", r.Status, err, r.Body)
	}
	// The live service answers errors as application/json, and API versioning's answers
	// (a missing or unsupported api-version) with a charset.
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && ct != "application/json; charset=utf-8" {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	return e.Error
}

// Do sends a request through handler in-process. For Communication Services paths the
// answer is validated against the spec; non-2xx answers must be error responses.
func Do(t testing.TB, handler http.Handler, req *http.Request) Response {
	t.Helper()
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	r := Response{Status: res.StatusCode, Header: canonical(res.Header), RawHeader: res.Header, Body: body}
	if strings.HasPrefix(req.URL.Path, "/phoneNumbers/operations/") && req.Method == http.MethodGet {
		if err := SpecValidator(t).ValidateResponse(context.Background(), req, r.Status, r.Header, r.Body); err != nil {
			t.Fatalf("%s %s: response violates the spec: %v\n%s", req.Method, req.URL, err, body)
		}
	}
	if r.Status >= 300 && req.Method != http.MethodHead {
		r.ErrorBody(t)
	}
	return r
}

// canonical returns h keyed by canonical names, as net/http's client reads a response.
func canonical(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		name := http.CanonicalHeaderKey(k)
		out[name] = append(out[name], vs...)
	}
	return out
}

// Do sends req to the fixture's server (see [Do]).
func (f *Fixture) Do(req *http.Request) Response {
	f.T.Helper()
	return Do(f.T, f.Srv, req)
}

// Get fetches an operation, signed when the fixture has a key.
func (f *Fixture) Get(id string) Response {
	f.T.Helper()
	return f.Do(f.Sign(httptest.NewRequest(http.MethodGet, OpURL(id), nil), nil))
}

// Control sends a signed control-API request with an optional JSON body.
func (f *Fixture) Control(method, path string, body []byte) Response {
	f.T.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return f.Do(f.Sign(req, body))
}

// OpURL is the Get Operation URL of id at the default api-version.
func OpURL(id string) string {
	return "/phoneNumbers/operations/" + id + "?api-version=" + types.DefaultAPIVersion
}

// Sign adds HMAC headers for body when the fixture has a key.
func (f *Fixture) Sign(req *http.Request, body []byte) *http.Request {
	if f.Key == "" {
		return req
	}
	return SignWith(f.T, req, f.Key, body, f.SignNow())
}

// SignWith signs req for body with key at the given time.
func SignWith(t testing.TB, req *http.Request, key string, body []byte, at time.Time) *http.Request {
	t.Helper()
	k, err := hmacauth.DecodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	hash := hmacauth.ContentHash(body)
	date, auth := hmacauth.NewSigner(k).SignRequest(req.Method, req.URL.RequestURI(), req.Host, hash, at)
	hmacauth.SetHeaders(req.Header, date, hash, auth)
	return req
}

// DecodeOp decodes a 200 answer, failing t otherwise.
func DecodeOp(t testing.TB, r Response) types.PhoneNumberOperation {
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

// Body returns s as a request body.
func Body(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// SyncBuffer is a bytes.Buffer safe for a server's concurrent log writes and a test's
// reads.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
