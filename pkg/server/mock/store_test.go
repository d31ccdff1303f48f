package mock_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/phonenumbers-go/phonenumbers/internal/redistest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/storetest"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func TestMemoryStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ops []mock.Operation, opts *storetest.Options) mock.Store {
		s, err := mock.NewMemoryStore(ops, &opts.MemoryStoreOptions)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

var testPrefixes atomic.Int64

// redisStores returns a factory of RedisStores on one redis-server; each test gets its
// own key prefix, so that tests see none of each other's state.
func redisStores(t *testing.T) storetest.NewStore {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	prefixes := map[string]string{}
	return func(t *testing.T, ops []mock.Operation, opts *storetest.Options) mock.Store {
		p, ok := prefixes[t.Name()]
		if !ok {
			p = fmt.Sprintf("test%d", testPrefixes.Add(1))
			prefixes[t.Name()] = p
		}
		s, err := mock.NewRedisStore(context.Background(), rdb, ops, &mock.RedisStoreOptions{
			MemoryStoreOptions: opts.MemoryStoreOptions, Namespace: opts.Namespace, Prefix: p})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestRedisStoreContract(t *testing.T) {
	newStore := redisStores(t)
	storetest.Run(t, newStore)
	storetest.RunShared(t, newStore)
}

func TestRedisStoreKeysAreNamespaced(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	for _, ns := range []string{"", "alpha"} {
		if _, err := mock.NewRedisStore(ctx, rdb, mock.DefaultOperations(), &mock.RedisStoreOptions{Namespace: ns}); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "pn:{_}:") && !strings.HasPrefix(k, "pn:{alpha}:") {
			t.Errorf("key %q outside the namespaces", k)
		}
	}
	if len(keys) == 0 {
		t.Error("no keys written")
	}
}

func TestRedisStoreOperationTTL(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	s, err := mock.NewRedisStore(ctx, rdb, mock.DefaultOperations(), &mock.RedisStoreOptions{OperationTTL: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start, _ := s.Bytes(ctx)
	if _, err := s.PutContext(ctx, mock.Operation{ID: "short-lived", OperationType: "purchase", Timeline: []mock.Step{{Status: "running"}}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LenContext(ctx); n != len(mock.DefaultOperations())+1 {
		t.Fatalf("len = %d", n)
	}
	time.Sleep(400 * time.Millisecond)
	if _, ok, _ := s.LookupContext(ctx, "short-lived"); ok {
		t.Error("the operation outlived its TTL")
	}
	if n, _ := s.LenContext(ctx); n != len(mock.DefaultOperations()) {
		t.Errorf("len after the TTL = %d, want the start-up set (%d), which does not expire", n, len(mock.DefaultOperations()))
	}
	if b, _ := s.Bytes(ctx); b != start {
		t.Errorf("bytes after the TTL = %d, want %d", b, start)
	}
}

// TestRedisStoreOutage: while Redis is down, requests are answered 503 with a
// CommunicationErrorResponse within the store's timeout; when it is back (here empty: it
// keeps nothing), the store seeds the start-up set again and answers.
func TestRedisStoreOutage(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	s, err := mock.NewRedisStore(ctx, rdb, mock.DefaultOperations(), &mock.RedisStoreOptions{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(m)
	t.Cleanup(ts.Close)
	url := ts.URL + "/phoneNumbers/operations/" + types.ExampleOperationID + "?api-version=" + types.DefaultAPIVersion
	status := func() (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := status(); code != 200 {
		t.Fatalf("before the outage: %d %s", code, body)
	}
	srv.Stop()
	began := time.Now()
	code, body := status()
	if code != 503 || !strings.Contains(body, `"code":"ServiceUnavailable"`) {
		t.Errorf("during the outage: %d %s, want 503 ServiceUnavailable", code, body)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the answer took %s; the store's timeout is 300ms", took)
	}
	if _, err := s.LenContext(ctx); !errors.Is(err, mock.ErrStoreUnavailable) {
		t.Errorf("LenContext during the outage: %v", err)
	}
	srv.Restart()
	if code, body := status(); code != 200 {
		t.Errorf("after the outage: %d %s", code, body)
	}
}

// TestHungRedisAnswersWithinOneTimeout (review, MEDIUM): with a Redis that accepts
// connections and answers nothing (paused), a request took 4 s to be answered 503, the
// store's 2 s and then the journal write's 2 s; /healthz waited 2 s on the journal write.
// Now /healthz answers at once and is not journaled, and a 503 takes the store's timeout.
func TestHungRedisAnswersWithinOneTimeout(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1, ContextTimeoutEnabled: true,
		ReadTimeout: mock.DefaultRedisTimeout, WriteTimeout: mock.DefaultRedisTimeout})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := mock.NewRedisStore(context.Background(), rdb, mock.DefaultOperations(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(m)
	t.Cleanup(ts.Close)
	get := func(path string) (int, time.Duration) {
		began := time.Now()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, time.Since(began)
	}
	op := "/phoneNumbers/operations/" + types.ExampleOperationID + "?api-version=" + types.DefaultAPIVersion
	if code, _ := get(op); code != 200 {
		t.Fatalf("before: %d", code)
	}
	srv.Pause()
	resumed := false
	defer func() {
		if !resumed {
			srv.Resume()
		}
	}()
	for _, tc := range []struct {
		path string
		code int
		max  time.Duration
	}{
		{"/healthz", 200, 500 * time.Millisecond},
		{op, 503, mock.DefaultRedisTimeout + 600*time.Millisecond},
		{op, 503, mock.DefaultRedisTimeout + 600*time.Millisecond},
		{"/healthz", 200, 500 * time.Millisecond},
	} {
		code, took := get(tc.path)
		t.Logf("%s: %d in %s", tc.path, code, took.Round(time.Millisecond))
		if code != tc.code || took > tc.max {
			t.Errorf("GET %s with Redis hung: %d in %s, want %d within %s", tc.path, code, took, tc.code, tc.max)
		}
	}
	srv.Resume()
	resumed = true
	if code, _ := get(op); code != 200 {
		t.Errorf("after: %d", code)
	}
	entries, err := m.JournalEntries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Path, "healthz") {
			t.Errorf("a health probe was journaled: %+v", e)
		}
	}
}

// TestHealthProbesAreNotJournaled (review, MEDIUM): every /healthz probe was journaled,
// pushing the API's requests out of a bounded journal (shared, on Redis). Neither store
// journals them.
func TestHealthProbesAreNotJournaled(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	stores := map[string]func() mock.Store{
		"memory": func() mock.Store {
			s, err := mock.NewMemoryStore(nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"redis": func() mock.Store {
			s, err := mock.NewRedisStore(context.Background(), rdb, nil, &mock.RedisStoreOptions{Prefix: "health"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			m, err := mock.New(newStore(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, target := range []string{"/healthz", "/healthz", "/phoneNumbers/operations/" + types.ExampleOperationID + "?api-version=" + types.DefaultAPIVersion} {
				rec := httptest.NewRecorder()
				m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			}
			entries, err := m.JournalEntries(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || strings.Contains(entries[0].Path, "healthz") {
				t.Errorf("journal: %+v; want the API request only", entries)
			}
		})
	}
}
