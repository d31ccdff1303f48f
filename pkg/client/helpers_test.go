package client_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// testKey is the published HMAC test vector key.
const testKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

var vectorDate = time.Date(2022, 12, 1, 10, 20, 30, 0, time.UTC)

// captured is one request as the transport saw it.
type captured struct {
	Method string
	URL    string
	Host   string
	Header http.Header
}

// fakeTransport answers from a script of responses and records every request.
type fakeTransport struct {
	mu       sync.Mutex
	requests []captured
	script   []func(*http.Request) *http.Response
}

func (f *fakeTransport) Do(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, captured{Method: req.Method, URL: req.URL.String(), Host: req.Host, Header: req.Header.Clone()})
	i := len(f.requests) - 1
	if i >= len(f.script) {
		i = len(f.script) - 1
	}
	res := f.script[i](req)
	res.Request = req
	return res, nil
}

func (f *fakeTransport) seen() []captured {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]captured(nil), f.requests...)
}

func respond(status int, header http.Header, body string) func(*http.Request) *http.Response {
	return func(*http.Request) *http.Response {
		if header == nil {
			header = http.Header{}
		}
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: header.Clone(),
			Body: io.NopCloser(bytes.NewBufferString(body))}
	}
}

const seedBody = `{"status":"succeeded","resourceLocation":"/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28","createdDateTime":"2020-11-19T16:31:49.048Z","id":"search-my-operation-id","operationType":"search","lastActionDateTime":"2020-11-19T22:31:49.048Z"}`

// fastRetries keeps retry tests quick while still exercising azcore's retry policy.
func fastRetries() policy.RetryOptions {
	return policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond}
}

// mockServer starts the reference server (with an access key) on a loopback port.
func mockServer(t testing.TB, ops []mock.Operation) (*httptest.Server, *mock.MemoryStore) {
	t.Helper()
	if ops == nil {
		ops = mock.DefaultOperations()
	}
	store, err := mock.NewMemoryStore(ops, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: testKey}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, store
}

func keyClient(t testing.TB, endpoint string, o *client.ClientOptions) *client.Client {
	t.Helper()
	c, err := client.NewClientWithKeyCredential(endpoint, azcore.NewKeyCredential(testKey), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
