package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequests writes the response for any error returned below it (so the status is
// known), then logs one line per request and records it in the journal. Only the method,
// path, api-version, status, duration and correlation ids are logged: never headers such
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
			logger.LogAttrs(context.Background(), level, "request",
				slog.String("method", req.Method),
				slog.String("path", truncate(req.URL.Path, 300)),
				slog.String("api_version", truncate(c.QueryParam("api-version"), 64)),
				slog.Int("status", res.Status),
				slog.Duration("duration", now().Sub(start)),
				slog.String("ms_cv", res.Header().Get(HeaderMSCV)),
				slog.String("client_request_id", truncate(req.Header.Get(HeaderClientRequestID), 64)),
			)
			return nil
		}
	}
}
