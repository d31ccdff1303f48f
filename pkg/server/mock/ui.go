package mock

import (
	"embed"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// UIPath is where the dashboard is served: /mock/ui/ (under /NAME for a resource). It is
// on whenever the control API is.
const UIPath = ControlPathPrefix + "/ui/"

// uiAssets are the dashboard's files: a page, its script and its style, embedded so that
// it works offline and loads nothing from elsewhere.
//
//go:embed ui/index.html ui/app.js ui/app.css
var uiAssets embed.FS

// uiFiles maps the names under /mock/ui/ to their file and type; nothing else is served.
var uiFiles = map[string][2]string{
	"":        {"ui/index.html", "text/html; charset=utf-8"},
	"app.js":  {"ui/app.js", "text/javascript; charset=utf-8"},
	"app.css": {"ui/app.css", "text/css; charset=utf-8"},
}

// uiRoutes are the dashboard's routes as echo names them; a keyed server answers them
// unsigned (server.Options.PublicRoutes): a browser loads a page by address, which cannot
// carry a signature, and the files hold no data. Everything the page shows it reads
// through the control API, signed in the browser.
var uiRoutes = []string{strings.TrimSuffix(UIPath, "/"), UIPath + "*"}

// uiContentSecurityPolicy lets the page load its own script and style and talk to its own
// server, nothing else: a journaled path crafted as markup could not run even if it were
// ever inserted as such (the script only ever sets text).
const uiContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// registerUI mounts the dashboard.
func registerUI(r server.EchoRouter) {
	r.GET(uiRoutes[0], func(c echo.Context) error {
		// Relative, so that it works under a resource's /NAME too.
		return c.Redirect(http.StatusMovedPermanently, "ui/")
	})
	r.GET(uiRoutes[1], serveUIFile)
}

// serveUIFile answers one of the dashboard's files.
func serveUIFile(c echo.Context) error {
	f, ok := uiFiles[c.Param("*")]
	if !ok {
		return server.NewAPIError(http.StatusNotFound, server.CodeNotFound,
			"The dashboard has no such file; open "+UIPath+".", "")
	}
	body, err := uiAssets.ReadFile(f[0])
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", uiContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Frame-Options", "DENY")
	return c.Blob(http.StatusOK, f[1], body)
}
