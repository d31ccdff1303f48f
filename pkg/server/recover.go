package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"

	"github.com/labstack/echo/v4"
)

// recoverPanic, deferred, turns a panic into a 500 CommunicationErrorResponse in *err. The
// client learns nothing about the panic; the log gets its value and stack.
func recoverPanic(c echo.Context, logger *slog.Logger, err *error) {
	r := recover()
	if r == nil {
		return
	}
	if r == http.ErrAbortHandler {
		panic(r) // let net/http abort the connection as asked
	}
	stack := make([]byte, 8<<10)
	stack = stack[:runtime.Stack(stack, false)]
	logger.Error("panic in handler", "panic", fmt.Sprint(r), "path", c.Request().URL.Path, "stack", string(stack))
	*err = internalError()
}
