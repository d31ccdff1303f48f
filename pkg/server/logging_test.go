package server_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/accesslog"
	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// TestAccessLogBoundsWhatClientsSend: a request line's values that the client chooses
// (method, URI, client request id) are cut in the log, on the fast path and through slog;
// the attack review logged a 5,000-byte method in full.
func TestAccessLogBoundsWhatClientsSend(t *testing.T) {
	long := strings.Repeat("M", 5000)
	for _, tt := range []struct {
		name   string
		logger func(w *servertest.SyncBuffer) *slog.Logger
	}{
		{"fast path", func(w *servertest.SyncBuffer) *slog.Logger {
			return slog.New(accesslog.New(slog.NewTextHandler(w, nil), w, false))
		}},
		{"slog", func(w *servertest.SyncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out servertest.SyncBuffer
			store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := server.New(store, &server.Options{Logger: tt.logger(&out)})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/phoneNumbers/operations/"+strings.Repeat("u", 2000)+"?api-version=2022-12-01", nil)
			req.Method = long
			req.Header.Set(server.HeaderClientRequestID, strings.Repeat("c", 1000))
			srv.ServeHTTP(httptest.NewRecorder(), req)
			line := out.String()
			if !strings.Contains(line, "method="+long[:16]+"...") || len(line) > 1000 {
				t.Fatalf("log line of %d bytes, want the method cut at 16 bytes and the line short:\n%.300s", len(line), line)
			}
		})
	}
}
