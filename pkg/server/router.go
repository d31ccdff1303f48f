package server

import (
	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/querycache"
)

// operationRouter registers the generated operation handlers wrapped by
// querycache.Cache.Wrap: they only read their parameters. A route that an application
// registers (Options.Register) gets its own parse.
type operationRouter struct {
	EchoRouter
	queries *querycache.Cache
}

// GET registers a wrapped GET handler.
func (r operationRouter) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.EchoRouter.GET(path, r.queries.Wrap(h), m...)
}

// DELETE registers a wrapped DELETE handler.
func (r operationRouter) DELETE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.EchoRouter.DELETE(path, r.queries.Wrap(h), m...)
}
