package mock

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// refuseCrossSite answers 403 to a control request a browser sent on behalf of another
// site. A page elsewhere cannot read the control API's answers (the same-origin policy),
// but it can send a request that needs no CORS preflight, POST /mock/reset for one, and an
// open mock would obey: now that people open the mock's dashboard in the browser they
// browse with, a page they visit must not be able to reset or fill it. Browsers say where
// a request comes from (Sec-Fetch-Site; Origin on the older ones); other clients send
// neither and are not concerned.
func refuseCrossSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if crossSite(c.Request()) {
			return server.NewAPIError(http.StatusForbidden, server.CodeForbidden,
				"The control API refuses requests a browser sends on behalf of another site; open the dashboard at "+UIPath+" on this server, or use phonenumbers mock.", "")
		}
		return next(c)
	}
}

// crossSite reports a browser's request made by a page of another origin.
func crossSite(req *http.Request) bool {
	switch req.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none": // the page itself, or the user typing the address
		return false
	case "same-site", "cross-site":
		return true
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, req.Host)
}

// crossSiteGuard registers routes with refuseCrossSite first.
type crossSiteGuard struct{ server.EchoRouter }

func (g crossSiteGuard) guard(m []echo.MiddlewareFunc) []echo.MiddlewareFunc {
	return append([]echo.MiddlewareFunc{refuseCrossSite}, m...)
}

// CONNECT implements server.EchoRouter.
func (g crossSiteGuard) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.CONNECT(p, h, g.guard(m)...)
}

// DELETE implements server.EchoRouter.
func (g crossSiteGuard) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.DELETE(p, h, g.guard(m)...)
}

// GET implements server.EchoRouter.
func (g crossSiteGuard) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.GET(p, h, g.guard(m)...)
}

// HEAD implements server.EchoRouter.
func (g crossSiteGuard) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.HEAD(p, h, g.guard(m)...)
}

// OPTIONS implements server.EchoRouter.
func (g crossSiteGuard) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.OPTIONS(p, h, g.guard(m)...)
}

// PATCH implements server.EchoRouter.
func (g crossSiteGuard) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.PATCH(p, h, g.guard(m)...)
}

// POST implements server.EchoRouter.
func (g crossSiteGuard) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.POST(p, h, g.guard(m)...)
}

// PUT implements server.EchoRouter.
func (g crossSiteGuard) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.PUT(p, h, g.guard(m)...)
}

// TRACE implements server.EchoRouter.
func (g crossSiteGuard) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.EchoRouter.TRACE(p, h, g.guard(m)...)
}
