package accesslog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

func BenchmarkHandle(b *testing.B) {
	h := New(slog.NewTextHandler(io.Discard, nil), io.Discard, false)
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		rec := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("method", "GET"), slog.String("uri", "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"),
			slog.Int("status", 200), slog.Duration("duration", 12345*time.Nanosecond), slog.String("ms_cv", "AbCdEfGhIjKlMnOpQrStUv.0"))
		_ = h.Handle(context.Background(), rec)
	}
}

func BenchmarkHandleRequest(b *testing.B) {
	h := New(slog.NewTextHandler(io.Discard, nil), io.Discard, false)
	at := time.Now()
	r := Request{Method: "GET", URI: "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01",
		Status: 200, Duration: 12345 * time.Nanosecond, MSCV: "AbCdEfGhIjKlMnOpQrStUv.0"}
	b.ReportAllocs()
	for b.Loop() {
		_ = h.HandleRequest(context.Background(), at, slog.LevelInfo, r)
	}
}
