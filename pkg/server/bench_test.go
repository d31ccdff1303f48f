package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// BenchmarkHandler runs the full handler chain in-process (routing, api-version check,
// kin-openapi validation, HMAC when keyed, logging at info level to a discarding text
// handler, JSON encoding) against a bare handler writing the same bytes.
func BenchmarkHandler(b *testing.B) {
	seed := server.SeedOperationID
	target := "/phoneNumbers/operations/" + seed + "?api-version=" + types.DefaultAPIVersion
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))

	newServer := func(b *testing.B, key string) http.Handler {
		store, err := server.NewMemoryStore(server.DefaultOperations(), nil)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := server.New(store, &server.Options{AccessKey: key, Logger: logger, Control: store})
		if err != nil {
			b.Fatal(err)
		}
		return srv
	}
	// The bare baseline serves the bytes the reference server sends.
	rec := httptest.NewRecorder()
	newServer(b, "").ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	body := rec.Body.Bytes()
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})

	run := func(b *testing.B, h http.Handler, sign bool) {
		req := httptest.NewRequest("GET", target, nil)
		if sign {
			req = signWith(b, req, testKey, nil, time.Now())
		}
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	}
	b.Run("bare", func(b *testing.B) { run(b, bare, false) })
	b.Run("server", func(b *testing.B) { run(b, newServer(b, ""), false) })
	b.Run("server-hmac", func(b *testing.B) { run(b, newServer(b, testKey), true) })
}

// BenchmarkStoreRead reads one scripted operation, serially and from all cores.
func BenchmarkStoreRead(b *testing.B) {
	store, err := server.NewMemoryStore(server.DefaultOperations(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10_000 {
		_ = store.Put(scripted(fmt.Sprintf("op-%d", i)))
	}
	ctx := b.Context()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := store.GetOperation(ctx, fmt.Sprintf("op-%d", i%10_000)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := store.GetOperation(ctx, fmt.Sprintf("op-%d", i%10_000)); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkStoreMemory stores 1,000,000 operations and reports the heap they take.
func BenchmarkStoreMemory(b *testing.B) {
	const n = 1_000_000
	ops := make([]server.Operation, n)
	loc := "/availablePhoneNumbers/searchResults/00000000-0000-4000-8000-000000000000?api-version=2022-12-01"
	for i := range ops {
		ops[i] = server.Operation{
			ID:               fmt.Sprintf("search_%08d-0000-4000-8000-000000000000", i),
			OperationType:    types.PhoneNumberOperationTypeSearch,
			CreatedDateTime:  time.Date(2023, 7, 14, 19, 48, 16, 339774100, time.UTC),
			ResourceLocation: &loc,
			Timeline: []server.Step{
				{Status: types.PhoneNumberOperationStatusNotStarted},
				{Status: types.PhoneNumberOperationStatusRunning, AfterPolls: 1},
				{Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 3},
			},
		}
	}
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		store, err := server.NewMemoryStore(nil, &server.MemoryStoreOptions{MaxOperations: n})
		if err != nil {
			b.Fatal(err)
		}
		for i := range ops {
			if err := store.Put(ops[i]); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heapB/op-stored")
		runtime.KeepAlive(store)
	}
}
