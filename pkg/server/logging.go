package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// logRequests writes the response for any error returned below it (so the status is
// known), then logs one line per request and hands it to observe. Only the method,
// path and query, status, duration and correlation ids are logged: never headers such
// as Authorization, and never bodies.
func logRequests(logger *slog.Logger, observe func(*http.Request, int, time.Time), now func() time.Time) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			if observe != nil {
				observe(req, res.Status, start)
			}
			level := slog.LevelInfo
			if res.Status >= 500 {
				level = slog.LevelError
			}
			if !logger.Enabled(req.Context(), level) {
				return nil
			}
			// Five attributes fit in a slog.Record without allocating; the client's request id
			// is added only when it was sent.
			uri := req.RequestURI // as received: no allocation
			if uri == "" {
				uri = req.URL.RequestURI()
			}
			// The record is built here rather than by Logger.LogAttrs, which would read the
			// clock again and walk the stack for a source position nobody asked for; the
			// end of the request is the record's time.
			end := now()
			rec := slog.NewRecord(end, level, "request", 0)
			rec.AddAttrs(
				slog.String("method", req.Method),
				slog.String("uri", textutil.Truncate(uri, 300)),
				slog.Int("status", res.Status),
				slog.Duration("duration", end.Sub(start)),
				slog.String("ms_cv", res.Header().Get(HeaderMSCV)),
			)
			if id := req.Header.Get(HeaderClientRequestID); id != "" {
				rec.AddAttrs(slog.String("client_request_id", textutil.Truncate(id, 64)))
			}
			_ = logger.Handler().Handle(context.Background(), rec)
			return nil
		}
	}
}
