package mock_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func TestControlAPI(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	created := f.Control("POST", "/mock/operations", []byte(`{"id":"search_new","operationType":"search",
		"resourceLocation":"/availablePhoneNumbers/searchResults/new?api-version=2022-12-01",
		"timeline":[{"status":"notStarted"},{"status":"running","afterPolls":1},{"status":"succeeded","afterPolls":2}]}`))
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	var st control.OperationState
	if err := json.Unmarshal(created.Body, &st); err != nil {
		t.Fatal(err)
	}
	if st.Operation.ID != "search_new" || st.Polls != 0 || string(st.Current.Status) != "notStarted" || st.Operation.Timeline[2].AfterPolls != 2 {
		t.Fatalf("created state = %+v", st)
	}

	if got := statuses(t, f, "search_new", 3, 0); got != "notStarted>running>succeeded" {
		t.Errorf("scripted sequence = %s", got)
	}
	r := f.Control("GET", "/mock/operations/search_new", nil)
	if err := json.Unmarshal(r.Body, &st); err != nil || st.Polls != 3 {
		t.Fatalf("state after 3 polls: %+v (%v)", st, err)
	}
	// Looking does not count as a poll.
	if r := f.Control("GET", "/mock/operations/search_new", nil); !strings.Contains(string(r.Body), `"polls":3`) {
		t.Errorf("GET state counted as a poll: %s", r.Body)
	}

	var list control.OperationStateList
	if err := json.Unmarshal(f.Control("GET", "/mock/operations", nil).Body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Operations) != len(mock.DefaultOperations())+1 {
		t.Errorf("list has %d operations", len(list.Operations))
	}

	if r := f.Control("DELETE", "/mock/operations/search_new", nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := f.Get("search_new"); r.Status != 404 {
		t.Errorf("deleted operation still served: %d", r.Status)
	}
	if e := f.Control("DELETE", "/mock/operations/search_new", nil).ErrorBody(t); e.Code != "NotFound" {
		t.Errorf("second delete: %+v", e)
	}
	if e := f.Control("GET", "/mock/operations/nope", nil).ErrorBody(t); e.Code != "NotFound" {
		t.Errorf("get unknown: %+v", e)
	}

	// Reset restores the defaults and their timelines.
	f.Get("purchase_18c224b7-0000-4000-8000-000000000001")
	if r := f.Control("POST", "/mock/reset", nil); r.Status != http.StatusNoContent {
		t.Fatalf("reset: %d", r.Status)
	}
	st = control.OperationState{}
	_ = json.Unmarshal(f.Control("GET", "/mock/operations/purchase_18c224b7-0000-4000-8000-000000000001", nil).Body, &st)
	if st.Polls != 0 {
		t.Errorf("reset kept the poll count: %d", st.Polls)
	}
}

func TestControlAPIRejectsBadOperations(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Options: server.Options{MaxBodyBytes: 1024}})
	tests := []struct {
		name, body string
		status     int
		target     string
	}{
		{"no timeline", `{"id":"a","operationType":"search","timeline":[]}`, 400, "timeline"},
		{"bad duration", `{"id":"a","operationType":"search","timeline":[{"status":"running","after":"later"}]}`, 400, ""},
		{"not json", `{"id":`, 400, ""},
		{"too large", `{"id":"` + strings.Repeat("a", 2000) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Control("POST", "/mock/operations", []byte(tt.body))
			if r.Status != tt.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			e := r.ErrorBody(t)
			if tt.target != "" && (e.Target == nil || *e.Target != tt.target) {
				t.Errorf("target = %v, want %q (%s)", e.Target, tt.target, e.Message)
			}
		})
	}
}

func TestControlAPIDisabled(t *testing.T) {
	f := servertest.New(t, servertest.Opts{NoControl: true})
	if r := f.Control("GET", "/mock/operations", nil); r.Status != 404 {
		t.Fatalf("control API reachable when disabled: %d", r.Status)
	}
}

func TestJournal(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Key: servertest.TestKey, Journal: 3})
	req := f.Sign(httptest.NewRequest("GET", servertest.OpURL(types.ExampleOperationID), nil), nil)
	req.Header.Set("x-ms-client-request-id", "req-1")
	req.Header.Set("User-Agent", "azsdk-go-test/1.0")
	f.Do(req)
	f.Do(httptest.NewRequest("GET", servertest.OpURL("unsigned"), nil))

	r := f.Control("GET", "/mock/journal", nil)
	if bytes.Contains(r.Body, []byte("Signature=")) || bytes.Contains(r.Body, []byte(servertest.TestKey)) {
		t.Fatalf("journal leaks a credential: %s", r.Body)
	}
	var j control.Journal
	if err := json.Unmarshal(r.Body, &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Entries) != 2 {
		t.Fatalf("journal has %d entries (control requests must not be journaled): %s", len(j.Entries), r.Body)
	}
	first := j.Entries[0]
	if first.Method != "GET" || first.Path != "/phoneNumbers/operations/"+types.ExampleOperationID || first.Status != 200 ||
		*first.Query != "api-version=2022-12-01" || *first.AuthScheme != "HMAC-SHA256" ||
		(*first.Headers)["x-ms-client-request-id"] != "req-1" || (*first.Headers)["x-ms-date"] == "" {
		t.Errorf("first entry = %+v headers %v", first, *first.Headers)
	}
	if j.Entries[1].Status != 401 || j.Entries[1].AuthScheme != nil {
		t.Errorf("second entry = %+v", j.Entries[1])
	}

	for range 5 {
		f.Get(types.ExampleOperationID)
	}
	if n := len(f.Srv.Journal().Entries()); n != 3 {
		t.Errorf("journal holds %d entries, want its bound 3", n)
	}
	if r := f.Control("DELETE", "/mock/journal", nil); r.Status != 204 || len(f.Srv.Journal().Entries()) != 0 {
		t.Errorf("clear journal: %d, %d left", r.Status, len(f.Srv.Journal().Entries()))
	}
}

// TestNextLinkIsAbsolute: nextLink is the next page's absolute URL, as Azure's list APIs
// give it, on the host the request was sent to.
func TestNextLinkIsAbsolute(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	r := f.Control(http.MethodGet, "/mock/operations?limit=1", nil)
	var page control.OperationStateList
	if err := json.Unmarshal(r.Body, &page); err != nil || page.NextLink == nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if !strings.HasPrefix(*page.NextLink, "http://example.com/mock/operations?") {
		t.Errorf("nextLink = %s, want an absolute URL on the request's host", *page.NextLink)
	}
}

// TestRefusalListsEveryProblem: a body with several problems is answered with each in
// details, its field as the target, so that a program can list them.
func TestRefusalListsEveryProblem(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	r := f.Control(http.MethodPost, "/mock/operations", []byte(`{"id":"a","operationType":"purchse","timeline":[{"status":"running","after":"2x"}]}`))
	var body struct {
		Error struct {
			Target  string `json:"target"`
			Details []struct {
				Code, Message, Target string
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != http.StatusBadRequest {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var targets []string
	for _, d := range body.Error.Details {
		targets = append(targets, d.Target)
	}
	if body.Error.Target != "operationType" || strings.Join(targets, ",") != "operationType,timeline[0].after" {
		t.Errorf("target %q, details %v: %s", body.Error.Target, targets, r.Body)
	}
}

// TestJournalQuery: the journal narrows to the requests matching every parameter given;
// a malformed parameter is a 400 naming it.
func TestJournalQuery(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	f.Get("search-my-operation-id")
	start := f.Clock.Now()
	f.Clock.Advance(time.Second)
	f.Get("search-my-operation-id")
	tests := []struct {
		query  string
		status int
		n      int
	}{
		{"", 200, 2},
		{"operation=search-my-operation-id&method=get&status=200", 200, 2},
		{"since=" + url.QueryEscape(start.Add(time.Millisecond).Format(time.RFC3339Nano)), 200, 1},
		{"operation=other", 200, 0},
		{"status=abc", 400, 0},
		// 0 selects the requests a fault dropped (none here); 1 to 99 are no status.
		{"status=0", 200, 0},
		{"status=50", 400, 0},
		{"status=600", 400, 0},
		{"status=-1", 400, 0},
	}
	for _, tt := range tests {
		r := f.Control(http.MethodGet, "/mock/journal?"+tt.query, nil)
		var j control.Journal
		_ = json.Unmarshal(r.Body, &j)
		if r.Status != tt.status || (r.Status == 200 && len(j.Entries) != tt.n) {
			t.Errorf("?%s: %d, %d entries (want %d, %d): %s", tt.query, r.Status, len(j.Entries), tt.status, tt.n, r.Body)
		}
	}
}

// TestJournalAfterHostileRequests: requests with <, > and & in their paths do not grow the
// journal answer sixfold, and parameters that would match by mistake are refused.
func TestJournalAfterHostileRequests(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	path := "/" + strings.Repeat("<&>", 300)
	for range 20 {
		rec := httptest.NewRecorder()
		f.Srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
	r := f.Control(http.MethodGet, "/mock/journal", nil)
	if r.Status != http.StatusOK || strings.Contains(string(r.Body), `\u003c`) || len(r.Body) > 20*(len(path)+600) {
		t.Errorf("%d, %d bytes, escaped: %v", r.Status, len(r.Body), strings.Contains(string(r.Body), `\u003c`))
	}
	for _, q := range []string{"operation=", "method=", "operation=" + strings.Repeat("x", 300), "method=" + strings.Repeat("G", 20)} {
		if r := f.Control(http.MethodGet, "/mock/journal?"+q, nil); r.Status != http.StatusBadRequest {
			t.Errorf("?%.40s: %d", q, r.Status)
		}
	}
	op := mock.Operation{ID: "..", OperationType: "search", Timeline: []mock.Step{{Status: "running"}}}
	if err := mock.ValidateOperation(&op); err == nil || !strings.Contains(err.Error(), "must not be . or ..") {
		t.Errorf("ValidateOperation(..) = %v", err)
	}
}

func TestJournalQueryString(t *testing.T) {
	tests := []struct {
		q    mock.JournalQuery
		want string
	}{
		{mock.JournalQuery{}, "(any request)"},
		{mock.JournalQuery{Method: "GET", Operation: "a", Status: 200}, `method GET, operation "a", status 200`},
		{mock.JournalQuery{Method: "G\x1bT"}, `method G\x1bT`},
		{mock.JournalQuery{Dropped: true}, `status 0 (dropped)`},
		{mock.JournalQuery{Dropped: true, Status: 200}, `status 0 (dropped)`},
	}
	for _, tt := range tests {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.q, got, tt.want)
		}
		p := tt.q.Params()
		if (tt.q.Method != "") != (p.Method != nil) || (tt.q.Status != 0 || tt.q.Dropped) != (p.Status != nil) {
			t.Errorf("%+v: params %+v", tt.q, p)
		}
		if tt.q.Dropped && *p.Status != 0 {
			t.Errorf("%+v: status %d, want 0", tt.q, *p.Status)
		}
	}
}
