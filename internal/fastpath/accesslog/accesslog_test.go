package accesslog

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// TestAccessLogMatchesSlog: the fast path writes exactly what slog's own handlers write,
// for plain and tricky values alike (tricky ones take slog's path).
func TestAccessLogMatchesSlog(t *testing.T) {
	uris := []string{
		"/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01",
		"/a b", "", "x=y", `q"uote`, `back\slash`, "tab\there", "ünïcode", "esc\x1b[2J", "<&>", "#%/;:@!$'()*+,",
		"/phoneNumbers/operations/%2F%3F?api-version=2022-12-01&x=%20",
	}
	times := []time.Time{
		time.Date(2026, 11, 26, 7, 23, 37, 123456789, time.UTC),
		time.Date(2026, 11, 26, 7, 23, 37, 0, time.UTC),
		time.Date(2026, 11, 26, 7, 23, 37, 100000000, time.FixedZone("CET", 3600)),
	}
	durations := []time.Duration{0, 1500 * time.Nanosecond, 12345678 * time.Nanosecond, 3 * time.Second}
	for _, format := range []string{"text", "json"} {
		for _, uri := range uris {
			for i, at := range times {
				for _, level := range []slog.Level{slog.LevelInfo, slog.LevelError} {
					var want, got bytes.Buffer
					std := stdHandler(&want, format)
					fast := New(stdHandler(&got, format), &got, format == "json")
					rec := slog.NewRecord(at, level, "request", 0)
					rec.AddAttrs(slog.String("method", "GET"), slog.String("uri", uri), slog.Int("status", 200+i),
						slog.Duration("duration", durations[i%len(durations)]), slog.String("ms_cv", "AbC-_d.0"))
					if i == 1 {
						rec.AddAttrs(slog.String("client_request_id", uri))
					}
					if err := std.Handle(context.Background(), rec); err != nil {
						t.Fatal(err)
					}
					if err := fast.Handle(context.Background(), rec); err != nil {
						t.Fatal(err)
					}
					if got.String() != want.String() {
						t.Errorf("%s, uri %q:\n got %s\nwant %s", format, uri, got.String(), want.String())
					}
				}
			}
		}
	}
}

func stdHandler(w *bytes.Buffer, format string) slog.Handler {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if format == "json" {
		opts.ReplaceAttr = ReadableDurations
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}

// TestAccessLogOtherRecords: other messages, and loggers with attributes, go through
// slog untouched.
func TestAccessLogOtherRecords(t *testing.T) {
	noTime := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	var want, got bytes.Buffer
	std := slog.New(slog.NewTextHandler(&want, noTime))
	fast := slog.New(New(slog.NewTextHandler(&got, noTime), &got, false))
	for _, l := range []*slog.Logger{std, fast} {
		l.Info("phonenumbers server listening", "url", "http://127.0.0.1:8080", "operations", 5)
		l.With("a", 1).Info("request", "uri", "/x")
	}
	if got.String() != want.String() || got.Len() == 0 {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
	}
}

// TestJSONDurationsReadable: JSON logs give durations as "1.5ms", not nanoseconds.
func TestJSONDurationsReadable(t *testing.T) {
	var b bytes.Buffer
	l := slog.New(New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: ReadableDurations}), &b, true))
	l.Info("request", "duration", 1500*time.Microsecond)
	l.Info("shutting down", "timeout", 10*time.Second)
	if got := b.String(); !bytes.Contains([]byte(got), []byte(`"duration":"1.5ms"`)) || !bytes.Contains([]byte(got), []byte(`"timeout":"10s"`)) {
		t.Fatalf("durations not readable:\n%s", got)
	}
}

// TestHandleRequestMatchesHandle: the record-free path writes what Handle writes for the
// same values, tricky ones included (they fall back to slog).
func TestHandleRequestMatchesHandle(t *testing.T) {
	at := time.Date(2026, 11, 26, 7, 23, 37, 123456789, time.UTC)
	for _, format := range []string{"text", "json"} {
		for _, uri := range []string{"/phoneNumbers/operations/x?api-version=2022-12-01", "/a b", `q"uote`, "ünï", "esc\x1b[2J", ""} {
			for _, clientID := range []string{"", "3f1c2a3b-0000-4000-8000-000000000001", "a=b"} {
				r := Request{Method: "GET", URI: uri, Status: 404, Duration: 1500 * time.Microsecond, MSCV: "AbC-_d.0", ClientRequestID: clientID}
				var want, got bytes.Buffer
				viaRecord := New(stdHandler(&want, format), &want, format == "json")
				rec := slog.NewRecord(at, slog.LevelInfo, "request", 0)
				rec.AddAttrs(slog.String("method", r.Method), slog.String("uri", r.URI), slog.Int("status", r.Status),
					slog.Duration("duration", r.Duration), slog.String("ms_cv", r.MSCV))
				if clientID != "" {
					rec.AddAttrs(slog.String("client_request_id", clientID))
				}
				if err := viaRecord.Handle(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
				direct := New(stdHandler(&got, format), &got, format == "json")
				if err := direct.HandleRequest(context.Background(), at, slog.LevelInfo, r); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("%s %q %q:\n got %s\nwant %s", format, uri, clientID, got.String(), want.String())
				}
			}
		}
	}
}
