package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"

	"github.com/labstack/echo/v4"
)

// recoverPanics turns a panic anywhere below it into a 500 CommunicationErrorResponse. The
// client learns nothing about the panic; the log gets its value and stack.
func recoverPanics(logger *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r) // let net/http abort the connection as asked
					}
					stack := make([]byte, 8<<10)
					stack = stack[:runtime.Stack(stack, false)]
					logger.Error("panic in handler", "panic", fmt.Sprint(r), "path", c.Request().URL.Path, "stack", string(stack))
					err = internalError()
				}
			}()
			return next(c)
		}
	}
}
