package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/accesslog"
	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// BenchmarkHandler runs the full handler chain in-process (routing, api-version check,
// kin-openapi validation, HMAC when keyed, logging at info level to a discarding text
// handler, JSON encoding) against a bare handler writing the same bytes.
func BenchmarkHandler(b *testing.B) {
	seed := types.ExampleOperationID
	target := "/phoneNumbers/operations/" + seed + "?api-version=" + types.DefaultAPIVersion
	// The logger serve builds: the access-log fast path over a text handler at info.
	logger := slog.New(accesslog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}), io.Discard, false))

	newServer := func(b *testing.B, key string) http.Handler {
		store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := server.New(store, &server.Options{AccessKey: key, Logger: logger})
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
			req = servertest.SignWith(b, req, servertest.TestKey, nil, time.Now())
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
	b.Run("server-hmac", func(b *testing.B) { run(b, newServer(b, servertest.TestKey), true) })
}
