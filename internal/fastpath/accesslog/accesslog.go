// Package accesslog is a slog.Handler for the server's per-request log lines: it writes
// them byte for byte as slog's text or JSON handler would, without slog's general
// formatting machinery, and hands every other record to that handler.
package accesslog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Handler writes the server's per-request "request" records itself, byte for byte
// as the standard slog handler it wraps would, and hands every other record to that
// handler. The profile under load showed slog's generic formatting (attribute walking,
// rune-by-rune quoting) as the largest cost of a request after the network; these records
// have a fixed shape of plain strings and numbers, so a direct append is enough. Any value
// the fast path does not handle exactly as slog would (a non-ASCII or quote-needing string,
// another kind) sends the record to the standard handler.
type Handler struct {
	lastMillis atomic.Pointer[millisText]
	std        slog.Handler
	w          io.Writer // shared with std; one Write per whole line, serialized by w
	json       bool
}

// New wraps std, a slog.TextHandler (json false) or slog.JSONHandler (json true) writing
// to w with no ReplaceAttr but [ReadableDurations] (JSON). w must be safe for concurrent
// use: std and the fast path both write to it, each line in one Write call, and the fast
// path takes no lock of its own (serve's buffered log writer has one).
func New(std slog.Handler, w io.Writer, json bool) *Handler {
	return &Handler{std: std, w: w, json: json}
}

// ReadableDurations is a ReplaceAttr that writes durations as Go duration strings
// ("1.25ms") rather than integer nanoseconds; the JSON fast path writes them so too.
func ReadableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// Enabled reports what the standard handler reports.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.std.Enabled(ctx, l)
}

// WithAttrs returns the standard handler with attrs: such a logger takes no fast path.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.std.WithAttrs(attrs) }

// WithGroup returns the standard handler with the group: no fast path.
func (h *Handler) WithGroup(name string) slog.Handler { return h.std.WithGroup(name) }

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Handle formats "request" records directly and everything else through slog.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != "request" || r.Time.IsZero() {
		return h.std.Handle(ctx, r)
	}
	bp := lineBufs.Get().(*[]byte)
	defer lineBufs.Put(bp)
	line, ok := h.format((*bp)[:0], r)
	*bp = line
	if !ok {
		return h.std.Handle(ctx, r)
	}
	_, err := h.w.Write(line)
	return err
}

// format appends the record's line; ok is false when a value needs slog's general path.
func (h *Handler) format(b []byte, r slog.Record) (_ []byte, ok bool) {
	b = h.appendHead(b, r.Time, r.Level)
	ok = true
	r.Attrs(func(a slog.Attr) bool {
		b, ok = h.appendAttr(b, a)
		return ok
	})
	return h.appendTail(b), ok
}

// appendHead writes time, level and msg=request.
func (h *Handler) appendHead(b []byte, t time.Time, level slog.Level) []byte {
	if h.json {
		b = append(b, `{"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"`...)
		b = append(b, level.String()...)
		return append(b, `","msg":"request"`...)
	}
	b = append(b, "time="...)
	b = h.appendMillis(b, t)
	b = append(b, " level="...)
	b = append(b, level.String()...)
	return append(b, " msg=request"...)
}

// appendTail ends the line.
func (h *Handler) appendTail(b []byte) []byte {
	if h.json {
		b = append(b, '}')
	}
	return append(b, '\n')
}

// Request is one request line's values, in the order they are written.
type Request struct {
	Method, URI     string
	Status          int
	Duration        time.Duration
	MSCV            string
	ClientRequestID string // written only when set
}

// HandleRequest writes the line that Handle writes for a "request" record at t and level
// with r's values as attributes (method, uri, status, duration, ms_cv, client_request_id),
// without building the record: the server calls it when its handler has it. Values that
// slog would escape go through the standard handler as a record, so the output is always
// slog's.
func (h *Handler) HandleRequest(ctx context.Context, t time.Time, level slog.Level, r Request) error {
	bp := lineBufs.Get().(*[]byte)
	defer lineBufs.Put(bp)
	b, ok := h.appendRequest(h.appendHead((*bp)[:0], t, level), r)
	*bp = b
	if !ok {
		rec := slog.NewRecord(t, level, "request", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("uri", r.URI), slog.Int("status", r.Status),
			slog.Duration("duration", r.Duration), slog.String("ms_cv", r.MSCV))
		if r.ClientRequestID != "" {
			rec.AddAttrs(slog.String("client_request_id", r.ClientRequestID))
		}
		return h.std.Handle(ctx, rec)
	}
	b = h.appendTail(b)
	*bp = b
	_, err := h.w.Write(b)
	return err
}

// appendRequest appends r's attributes; ok is false when a value needs slog's general
// path. The keys are constants that need no escaping, so they are not checked.
func (h *Handler) appendRequest(b []byte, r Request) (_ []byte, ok bool) {
	if b, ok = h.appendString(h.appendKey(b, "method"), r.Method); !ok {
		return b, false
	}
	if b, ok = h.appendString(h.appendKey(b, "uri"), r.URI); !ok {
		return b, false
	}
	b = strconv.AppendInt(h.appendKey(b, "status"), int64(r.Status), 10)
	b = h.appendDuration(h.appendKey(b, "duration"), r.Duration)
	if b, ok = h.appendString(h.appendKey(b, "ms_cv"), r.MSCV); !ok {
		return b, false
	}
	if r.ClientRequestID != "" {
		return h.appendString(h.appendKey(b, "client_request_id"), r.ClientRequestID)
	}
	return b, true
}

func (h *Handler) appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if plain, quote := classify(a.Key); !plain || quote {
		return b, false
	}
	b = h.appendKey(b, a.Key)
	switch a.Value.Kind() {
	case slog.KindString:
		return h.appendString(b, a.Value.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, a.Value.Int64(), 10), true
	case slog.KindDuration:
		return h.appendDuration(b, a.Value.Duration()), true
	}
	return b, false
}

// appendKey writes the separator and key, which must need no escaping.
func (h *Handler) appendKey(b []byte, key string) []byte {
	if h.json {
		b = append(b, `,"`...)
		b = append(b, key...)
		return append(b, `":`...)
	}
	b = append(b, ' ')
	b = append(b, key...)
	return append(b, '=')
}

// appendString writes s as slog would, or reports false when slog would escape it.
func (h *Handler) appendString(b []byte, s string) ([]byte, bool) {
	plain, quote := classify(s)
	if !plain {
		return b, false
	}
	if h.json || quote {
		return append(append(append(b, '"'), s...), '"'), true
	}
	return append(b, s...), true
}

// appendDuration writes d as a Go duration string, quoted in JSON.
func (h *Handler) appendDuration(b []byte, d time.Duration) []byte {
	if h.json {
		return append(append(append(b, '"'), d.String()...), '"')
	}
	return append(b, d.String()...)
}

// plainByte marks the bytes slog writes unescaped: printable ASCII (space included)
// but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// classify reports whether slog writes s unescaped (plain) and, if so, whether its text
// handler quotes it (an empty string, a space or an '='), in one pass.
func classify(s string) (plain, quote bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !plainByte[c] {
			return false, false
		}
		if c == ' ' || c == '=' {
			quote = true
		}
	}
	return true, quote || s == ""
}

// millisText is a time formatted to the millisecond, for reuse within that millisecond.
type millisText struct {
	ms   int64
	loc  *time.Location
	text []byte
}

// appendMillis is appendRFC3339Millis, reusing the text of the last millisecond: at tens
// of thousands of requests per second, most lines share their millisecond with the one
// before.
func (h *Handler) appendMillis(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if c := h.lastMillis.Load(); c != nil && c.ms == ms && c.loc == t.Location() {
		return append(b, c.text...)
	}
	n := len(b)
	b = appendRFC3339Millis(b, t)
	h.lastMillis.Store(&millisText{ms: ms, loc: t.Location(), text: append([]byte(nil), b[n:]...)})
	return b
}

// appendRFC3339Millis writes t as slog's text handler does: RFC 3339 with exactly three
// fractional digits.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}
