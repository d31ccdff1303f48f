// Package mocktest runs the complete phonenumbers mock in-process for go test, in the spirit
// of net/http/httptest: New starts it on a loopback port with the operations (and access
// key) a test gives, registers its shutdown with t.Cleanup, and hands back the endpoint, a
// ready *client.Client and a control client; failures report through t.
//
//	func TestPurchase(t *testing.T) {
//		m := mocktest.New(t, &mocktest.Options{Operations: ops, AccessKey: mocktest.TestKey})
//		... code under test calls m.Endpoint, or uses m.Client ...
//		m.AssertRequests(t, mocktest.Query{Operation: "purchase_1", Method: "GET"}, 3)
//	}
//
// Use it for what crosses the wire (status codes, headers, signatures, lifecycles, the
// requests a client sent); for one function's logic without a network, pkg/client/fake.
package mocktest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/controlclient"
)

// TestKey is a base64 access key for tests: Options.AccessKey = TestKey makes the mock
// require HMAC-SHA256 signatures, as the live service does.
const TestKey = "bW9ja3Rlc3QtYWNjZXNzLWtleS1ub3QtYS1zZWNyZXQ="

// Options configures New; nil means the defaults.
type Options struct {
	// Operations are the operations served. Default: mock.DefaultOperations().
	Operations []mock.Operation
	// FixturesFile, when set, loads the operations from a fixtures file instead.
	FixturesFile string
	// AccessKey, when set, is the base64 key requests must be signed with.
	AccessKey string
	// Now is the clock timelines run on (default time.Now): a test can step time instead
	// of sleeping. The journal stamps requests with it too, so Query.Since is a time of
	// this clock.
	Now func() time.Time
	// ClientOptions configure Client (its endpoint and credential are the mock's).
	ClientOptions *client.ClientOptions
}

// Server is a running mock.
type Server struct {
	// Endpoint is the mock's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// AccessKey is the key requests must be signed with, "" for an open mock.
	AccessKey string
	// Client is a client of the mock (signing with AccessKey when set).
	Client *client.Client
	// Control is a typed client of the control API (/mock), signing when keyed.
	Control *controlclient.ClientWithResponses
	// Store is the mock's store, for what the control API does not show.
	Store *mock.MemoryStore
}

// New starts the mock and registers its shutdown with t.Cleanup. Any failure to start ends
// the test with t.Fatal.
func New(t testing.TB, opts *Options) *Server {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	ops := o.Operations
	if o.FixturesFile != "" {
		var err error
		if ops, err = mock.LoadFixtures(o.FixturesFile); err != nil {
			t.Fatalf("mocktest: %v", err)
		}
	}
	if ops == nil {
		ops = mock.DefaultOperations()
	}
	store, err := mock.NewMemoryStore(ops, &mock.MemoryStoreOptions{Now: o.Now})
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	h, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: o.AccessKey, Now: o.Now}})
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		// Close waits for every request: a journal stream (or a delayed answer) a test left
		// open would hold it for as long as the stream lasts. The test is over: cut them.
		ts.CloseClientConnections()
		ts.Close()
	})
	s := &Server{Endpoint: ts.URL, AccessKey: o.AccessKey, Store: store}
	if s.Client, err = newClient(ts.URL, o.AccessKey, o.ClientOptions); err != nil {
		t.Fatalf("mocktest: client: %v", err)
	}
	var doer controlclient.HttpRequestDoer = ts.Client()
	if o.AccessKey != "" {
		if doer, err = controlclient.NewSigningDoer(o.AccessKey, ts.Client()); err != nil {
			t.Fatalf("mocktest: control client: %v", err)
		}
	}
	if s.Control, err = controlclient.NewClientWithResponses(ts.URL, controlclient.WithHTTPClient(doer)); err != nil {
		t.Fatalf("mocktest: control client: %v", err)
	}
	return s
}

func newClient(endpoint, key string, opts *client.ClientOptions) (*client.Client, error) {
	if key == "" {
		return client.NewClientWithNoCredential(endpoint, opts)
	}
	return client.NewClientWithKeyCredential(endpoint, azcore.NewKeyCredential(key), opts)
}

// Query selects journaled requests (mock.JournalQuery); the zero value selects every one.
type Query = mock.JournalQuery

// Requests returns the journaled requests q selects, oldest first (the journal keeps the
// last 1000). A failure to ask ends the test.
func (s *Server) Requests(t testing.TB, q Query) []control.JournalEntry {
	t.Helper()
	res, err := s.Control.GetJournalWithResponse(context.Background(), q.Params())
	if err != nil {
		t.Fatalf("mocktest: journal: %v", err)
	}
	if res.JSON200 == nil {
		t.Fatalf("mocktest: journal: HTTP %d %s", res.StatusCode(), textutil.Printable(textutil.Truncate(string(res.Body), 1024), false))
	}
	return res.JSON200.Entries
}

// AssertRequests fails the test, listing the journal, unless exactly n requests match q.
func (s *Server) AssertRequests(t testing.TB, q Query, n int) {
	t.Helper()
	if got := s.Requests(t, q); len(got) != n {
		t.Errorf("mocktest: %d requests match %s, want %d; the journal:\n%s", len(got), q, n, s.journalText(t, q))
	}
}

// AssertAtLeast fails the test, listing the journal, unless at least n requests match q.
func (s *Server) AssertAtLeast(t testing.TB, q Query, n int) {
	t.Helper()
	if got := s.Requests(t, q); len(got) < n {
		t.Errorf("mocktest: %d requests match %s, want at least %d; the journal:\n%s", len(got), q, n, s.journalText(t, q))
	}
}

// maxJournalLines is how many of the latest requests a failure lists.
const maxJournalLines = 50

// journalText is the journal's latest requests, a line each, those matching q marked.
func (s *Server) journalText(t testing.TB, q Query) string {
	all := s.Requests(t, Query{})
	matching := map[string]bool{}
	for _, e := range s.Requests(t, q) {
		matching[entryKey(e)] = true
	}
	var b strings.Builder
	if len(all) > maxJournalLines {
		fmt.Fprintf(&b, "\t(%d earlier requests not shown)\n", len(all)-maxJournalLines)
		all = all[len(all)-maxJournalLines:]
	}
	for _, e := range all {
		query := ""
		if e.Query != nil && *e.Query != "" {
			query = "?" + *e.Query
		}
		mark := " "
		if matching[entryKey(e)] {
			mark = "*"
		}
		// Escaped: a client's method or path must not forge journal lines or colour the log.
		fmt.Fprintf(&b, "\t%s %s %s %s%s -> %d\n", mark, e.Time.Format("15:04:05.000"), textutil.Printable(e.Method, false),
			textutil.Printable(e.Path, false), textutil.Printable(query, false), e.Status)
	}
	if b.Len() == 0 {
		return "\t(empty)\n"
	}
	return b.String() + "\t(* matches the query)\n"
}

// entryKey identifies a journal entry for marking.
func entryKey(e control.JournalEntry) string {
	q := ""
	if e.Query != nil {
		q = *e.Query
	}
	return fmt.Sprintf("%d|%s|%s|%s|%d", e.Time.UnixNano(), e.Method, e.Path, q, e.Status)
}
