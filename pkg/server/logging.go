package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequests writes the response for any error returned below it (so the status is
// known), then logs one line per request and records it in the journal. Only the method,
// path and query, status, duration and correlation ids are logged: never headers such
// as Authorization, and never bodies.
func logRequests(logger *slog.Logger, journal *Journal, now func() time.Time) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			if journal != nil && !isControlPath(req.URL.Path) {
				journal.add(req, res.Status, start)
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
			attrs := [6]slog.Attr{
				slog.String("method", req.Method),
				slog.String("uri", truncate(uri, 300)),
				slog.Int("status", res.Status),
				slog.Duration("duration", now().Sub(start)),
				slog.String("ms_cv", res.Header().Get(HeaderMSCV)),
			}
			n := 5
			if id := req.Header.Get(HeaderClientRequestID); id != "" {
				attrs[5], n = slog.String("client_request_id", truncate(id, 64)), 6
			}
			logger.LogAttrs(context.Background(), level, "request", attrs[:n]...)
			return nil
		}
	}
}
