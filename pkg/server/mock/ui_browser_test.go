package mock_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phonenumbers-go/phonenumbers/internal/browsertest"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// These tests drive the dashboard in a real headless Chromium (internal/browsertest):
// skipped without one on a developer machine, failed under CI=true. A failing test keeps
// a screenshot in test-artifacts/.

// uiServer starts a mock with the default operations on loopback; key "" is open.
func uiServer(t *testing.T, key string) (*httptest.Server, *mock.Server) {
	t.Helper()
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv, m
}

// waitFor polls a JavaScript condition in the page until it holds (or the deadline).
func waitFor(t *testing.T, ctx context.Context, what, expr string, within time.Duration) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatal(browsertest.Errorf(ctx, "%s: not within %s (%v)", what, within, err))
	}
}

// eval runs expr in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatal(browsertest.Errorf(ctx, "evaluate %s: %v", expr, err))
	}
	return v
}

// poll reads an operation the way a client does.
func poll(t *testing.T, base, id string, header http.Header) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/phoneNumbers/operations/"+id+"?api-version=2022-12-01", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(browsertest.Errorf(ctx, "open %s: %v", url, err))
	}
}

const opsListed = `document.querySelectorAll('#ops-list .op').length`

func TestDashboardListsOperationsAndFollowsTheJournal(t *testing.T) {
	srv, m := uiServer(t, "")
	ctx := browsertest.New(t)
	open(t, ctx, srv.URL+"/mock/ui")

	want := m.Store().(*mock.MemoryStore).Len()
	waitFor(t, ctx, "the stored operations listed", fmt.Sprintf("%s === %d", opsListed, want), 5*time.Second)
	id := mock.DefaultOperations()[0].ID
	if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#ops-list .op[data-id=%q] .op-id').textContent`, id)); got != id {
		t.Errorf("the operation's card shows %q, want %q", got, id)
	}
	waitFor(t, ctx, "the stream live", `document.querySelector('#stream-state').dataset.state === 'live'`, 5*time.Second)

	// A poll made by a client shows in the journal within a second.
	polled := time.Now()
	if st := poll(t, srv.URL, id, nil); st != http.StatusOK {
		t.Fatalf("poll: HTTP %d", st)
	}
	waitFor(t, ctx, "the poll in the journal view",
		fmt.Sprintf(`[...document.querySelectorAll('#journal-rows tr')].some(r => r.dataset.operation === %q && r.dataset.status === '200')`, id), time.Second)
	t.Logf("the poll showed in the journal view %s after it was answered", time.Since(polled).Round(time.Millisecond))
	// The operation's card counts it, and filters narrow the view.
	waitFor(t, ctx, "the card counting the poll",
		fmt.Sprintf(`document.querySelector('#ops-list .op[data-id=%q] .op-meta').textContent.endsWith('1 poll')`, id), 5*time.Second)
	if err := chromedp.Do(ctx, chromedp.SetValue("#filter-status", "5"), chromedp.Evaluate[chromedp.Void](`document.querySelector('#filter-status').dispatchEvent(new Event('input'))`)); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#journal-rows tr').length`); n != 0 {
		t.Errorf("filtered to 5xx, the journal view shows %d rows, want 0", n)
	}
}

func TestDashboardActions(t *testing.T) {
	srv, m := uiServer(t, "")
	store := m.Store().(*mock.MemoryStore)
	ctx := browsertest.New(t)
	open(t, ctx, srv.URL+"/mock/ui/")
	start := store.Len()
	waitFor(t, ctx, "the stored operations listed", fmt.Sprintf("%s === %d", opsListed, start), 5*time.Second)

	// Create from a pasted fixture (YAML), with a fault to come.
	fixture := "operations:\n  - id: from-the-ui\n    operationType: purchase\n    timeline:\n      - status: running\n      - status: succeeded\n        afterPolls: 2\n    faults:\n      - requests: [1]\n        status: 503\n"
	if err := chromedp.Do(ctx, chromedp.Click("#create-toggle"), chromedp.SetValue("#fixture", fixture), chromedp.Click(`#create button[type=submit]`)); err != nil {
		t.Fatal(browsertest.Errorf(ctx, "create: %v", err))
	}
	waitFor(t, ctx, "the created operation listed", `!!document.querySelector('#ops-list .op[data-id="from-the-ui"]')`, 5*time.Second)
	if _, ok := store.Lookup("from-the-ui"); !ok {
		t.Fatal("the operation created from the page is not in the store")
	}
	if got := eval[string](t, ctx, `document.querySelector('#ops-list .op[data-id="from-the-ui"] .faults').textContent`); !strings.Contains(got, "status 503") || !strings.Contains(got, "1 to come") {
		t.Errorf("the fault shows as %q, want its status and 1 to come", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('#ops-list .op[data-id="from-the-ui"] .step.current').textContent`); !strings.HasPrefix(got, "running") {
		t.Errorf("the current step shows as %q, want running", got)
	}

	// Text that would reorder what follows it shows as escapes, and markup as text.
	hostile := "operations:\n  - id: \"x\\u202eevil<img src=x onerror=window.__pwned=1>\"\n    operationType: purchase\n    timeline:\n      - status: running\n"
	if err := chromedp.Do(ctx, chromedp.SetValue("#fixture", hostile), chromedp.Click(`#create button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the hostile id listed", `[...document.querySelectorAll('#ops-list .op-id')].some(e => e.textContent.startsWith('x\\u202eevil<img'))`, 5*time.Second)
	if pwned := eval[bool](t, ctx, `window.__pwned === 1 || !!document.querySelector('#ops-list img')`); pwned {
		t.Fatal("markup in an operation id ran in the page")
	}

	// An invalid fixture is refused with its line.
	if err := chromedp.Do(ctx, chromedp.SetValue("#fixture", "operations:\n  - id: bad\n    operationType: purchase\n    timeline:\n      - status: runing\n"), chromedp.Click(`#create button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the refusal shown", `document.querySelector('#ops-message').classList.contains('error') && /line 5/.test(document.querySelector('#ops-message').textContent)`, 5*time.Second)

	// Delete from the page.
	if err := chromedp.Do(ctx, chromedp.Click(`#ops-list .op[data-id="from-the-ui"] button.delete`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the deleted operation gone", `!document.querySelector('#ops-list .op[data-id="from-the-ui"]')`, 5*time.Second)
	if _, ok := store.Lookup("from-the-ui"); ok {
		t.Fatal("the operation deleted from the page is still stored")
	}

	// Reset from the page: a polled timeline restarts, the journal view empties.
	id := mock.DefaultOperations()[0].ID
	poll(t, srv.URL, id, nil)
	waitFor(t, ctx, "the poll in the journal view", `document.querySelectorAll('#journal-rows tr').length === 1`, 2*time.Second)
	if err := chromedp.Do(ctx, chromedp.Click("#reset")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the journal view emptied by the reset", `document.querySelectorAll('#journal-rows tr').length === 0`, 5*time.Second)
	if st, _ := store.Lookup(id); st.Polls != 0 {
		t.Errorf("after the reset from the page, %s has %d polls, want 0", id, st.Polls)
	}
	if n := len(m.Journal().Entries()); n != 0 {
		t.Errorf("after the reset from the page, the journal holds %d entries, want 0", n)
	}
}

func TestDashboardSignsWithTheKey(t *testing.T) {
	key := base64.StdEncoding.EncodeToString([]byte("a dashboard test key, 32 bytes!!"))
	srv, m := uiServer(t, key)
	ctx := browsertest.New(t)
	// The browser must reach the server as localhost for Web Crypto (a secure context).
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/mock/ui/"
	open(t, ctx, url)

	waitFor(t, ctx, "the key asked for", `!document.querySelector('#key').hidden`, 5*time.Second)
	if n := eval[int](t, ctx, opsListed); n != 0 {
		t.Fatalf("%d operations listed before the key was given", n)
	}
	// A wrong key is refused, and said so.
	wrong := base64.StdEncoding.EncodeToString([]byte("not the key"))
	if err := chromedp.Do(ctx, chromedp.SetValue("#key-input", wrong), chromedp.Click(`#key-form button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the wrong key refused", `/refused/.test(document.querySelector('#key-message').textContent)`, 5*time.Second)

	if err := chromedp.Do(ctx, chromedp.SetValue("#key-input", key), chromedp.Click(`#key-form button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	want := m.Store().(*mock.MemoryStore).Len()
	waitFor(t, ctx, "the operations listed with signed requests", fmt.Sprintf("%s === %d", opsListed, want), 5*time.Second)
	waitFor(t, ctx, "the signed stream live", `document.querySelector('#stream-state').dataset.state === 'live'`, 5*time.Second)
	if v := eval[string](t, ctx, `document.querySelector('#key-input').value`); v != "" {
		t.Error("the key is left in the input")
	}
	// The key is in no storage and nowhere in the page's text.
	if s := eval[string](t, ctx, `JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie + document.documentElement.outerHTML`); strings.Contains(s, key) {
		t.Error("the key can be read back from the page or its storage")
	}

	// A signed poll by a client shows.
	id := mock.DefaultOperations()[0].ID
	h := signedHeader(t, key, srv.URL+"/phoneNumbers/operations/"+id+"?api-version=2022-12-01")
	if st := poll(t, srv.URL, id, h); st != http.StatusOK {
		t.Fatalf("signed poll: HTTP %d", st)
	}
	waitFor(t, ctx, "the signed poll in the journal view",
		`[...document.querySelectorAll('#journal-rows tr')].some(r => r.dataset.status === '200' && r.textContent.includes('HMAC-SHA256'))`, time.Second)

	// The page's own requests were signed: refused ones were only the wrong key's.
	if err := chromedp.Do(ctx, chromedp.Click("#reset")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the signed reset taking effect", `document.querySelectorAll('#journal-rows tr').length === 0`, 5*time.Second)

	// Forgetting the key empties the views and says so; the page asks for a key again.
	if err := chromedp.Do(ctx, chromedp.Click("#key-toggle"), chromedp.Click("#key-forget")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the page locked again, saying the key is forgotten",
		`document.querySelector('#stream-state').dataset.state === 'locked' && /forgotten/.test(document.querySelector('#key-message').textContent)`, 5*time.Second)
	if n := eval[int](t, ctx, opsListed); n != 0 {
		t.Errorf("%d operations still listed after the key was forgotten", n)
	}
}

// signedHeader signs a GET of url with key, as a client of the keyed server does.
func signedHeader(t *testing.T, key, url string) http.Header {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	k, err := hmacauth.DecodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	hash := hmacauth.ContentHash(nil)
	date, auth := hmacauth.NewSigner(k).SignRequest(http.MethodGet, req.URL.RequestURI(), req.URL.Host, hash, time.Now())
	h := http.Header{}
	hmacauth.SetHeaders(h, date, hash, auth)
	return h
}

// TestDashboardOfAResource: a path-style resource's dashboard (/NAME/mock/ui/) talks to its
// own control API and journal, not the root's.
func TestDashboardOfAResource(t *testing.T) {
	newMock := func(ops []mock.Operation) *mock.Server {
		store, err := mock.NewMemoryStore(ops, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mock.New(store, nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	root := newMock(mock.DefaultOperations())
	job := newMock(mock.DefaultOperations()[:1])
	r, err := mock.NewResources(&mock.ResourcesOptions{Default: root, Named: map[string]http.Handler{"job1": job}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close) // after the browser's cleanup: Close waits for its journal stream
	ctx := browsertest.New(t)
	open(t, ctx, srv.URL+"/job1/mock/ui/")
	waitFor(t, ctx, "the resource's one operation listed", opsListed+" === 1", 5*time.Second)
	if where := eval[string](t, ctx, `document.querySelector('#where').textContent`); !strings.HasSuffix(where, "/job1") {
		t.Errorf("the header shows %q, want the resource", where)
	}
	waitFor(t, ctx, "the stream live", `document.querySelector('#stream-state').dataset.state === 'live'`, 5*time.Second)
	id := mock.DefaultOperations()[0].ID
	poll(t, srv.URL, id, nil) // the root's: not in the resource's journal
	poll(t, srv.URL+"/job1", id, nil)
	waitFor(t, ctx, "the resource's poll in its journal view", `document.querySelectorAll('#journal-rows tr').length === 1`, 2*time.Second)
	if n := len(root.Journal().Entries()); n != 1 {
		t.Errorf("the root's journal holds %d entries, want its own poll only", n)
	}
}
