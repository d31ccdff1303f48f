package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/accesslog"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// requestLogger writes one line per request and hands the request to observe. Only the
// method, path and query, status, duration and correlation ids are logged: never headers
// such as Authorization, and never bodies.
type requestLogger struct {
	logger  *slog.Logger
	fast    requestLineHandler // the logger's handler, when it writes request lines itself
	observe func(*http.Request, int, time.Time)
	now     func() time.Time
}

// maxLoggedMethod bounds the method in a log line: net/http accepts any token as a method,
// up to the header limit, and a request refused for it would still be logged in full.
const maxLoggedMethod = 16

// requestLineHandler is implemented by internal/accesslog's handler, which serve logs
// through: it writes the request line from the values, byte for byte as a record would
// be written, without building the record.
type requestLineHandler interface {
	HandleRequest(ctx context.Context, t time.Time, level slog.Level, r accesslog.Request) error
}

// newRequestLogger returns the access logger of logger.
func newRequestLogger(logger *slog.Logger, observe func(*http.Request, int, time.Time), now func() time.Time) *requestLogger {
	l := &requestLogger{logger: logger, observe: observe, now: now}
	l.fast, _ = logger.Handler().(requestLineHandler)
	return l
}

// done logs the answered request c, received at start, with its MS-CV.
func (l *requestLogger) done(c echo.Context, start time.Time, msCV string) {
	req, res := c.Request(), c.Response()
	if l.observe != nil {
		l.observe(req, res.Status, start)
	}
	level := slog.LevelInfo
	if res.Status >= 500 {
		level = slog.LevelError
	}
	if !l.logger.Enabled(req.Context(), level) {
		return
	}
	uri := req.RequestURI // as received: no allocation
	if uri == "" {
		uri = req.URL.RequestURI()
	}
	// The record is built here rather than by Logger.LogAttrs, which would read the clock
	// again and walk the stack for a source position nobody asked for; the end of the
	// request is the record's time.
	end := l.now()
	// What the client chose is cut: a refused request is logged too.
	method, uri := textutil.Truncate(req.Method, maxLoggedMethod), textutil.Truncate(uri, 300)
	clientID := headerValue(req.Header, HeaderClientRequestID)
	if clientID != "" {
		clientID = textutil.Truncate(clientID, 64)
	}
	if l.fast != nil {
		_ = l.fast.HandleRequest(context.Background(), end, level, accesslog.Request{Method: method,
			URI: uri, Status: res.Status, Duration: end.Sub(start), MSCV: msCV, ClientRequestID: clientID})
		return
	}
	rec := slog.NewRecord(end, level, "request", 0)
	rec.AddAttrs(
		slog.String("method", method),
		slog.String("uri", uri),
		slog.Int("status", res.Status),
		slog.Duration("duration", end.Sub(start)),
		slog.String("ms_cv", msCV),
	)
	if clientID != "" {
		rec.AddAttrs(slog.String("client_request_id", clientID))
	}
	_ = l.logger.Handler().Handle(context.Background(), rec)
}
