package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/querycache"
)

// chain is the server's middleware, one step per concern, run by a single echo
// middleware. echo builds the middleware chain anew for every request, one closure per
// middleware; one middleware instead of five saves those allocations, which the load
// profile showed.
//
// Order: the panic guard and the access log wrap everything; then the live service's
// headers, the URI limit and authentication; then, for the operations route, the
// api-version and the spec's parameter rules; then the route's handler. (echo has routed
// the request before its middleware runs, so the route is known here: checking it in the
// chain spares a route middleware, which echo would also compose per request.)
type chain struct {
	log       *requestLogger
	supported []string // the api-supported-versions header value
	versions  []string // the supported api-versions
	maxURI    int
	auth      *authenticator // nil: the server is open
	getOp     *operationValidator
	cancelOp  *operationValidator
	queries   *querycache.Cache
}

// operationsRoute is the operations path as echo names the route.
const operationsRoute = "/phoneNumbers/operations/:operationId"

// middleware is the echo middleware.
func (ch *chain) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := ch.log.now()
		body := trackBody(c.Request())
		msCV, err := ch.guarded(c, next, start)
		// A body the server did not read (a refused request's) is not read after the
		// answer either: the signature is checked before the body, and so it stays.
		leaveBodyUnread(c, body)
		if err != nil {
			c.Error(err) // write the answer now, so the log has its status
		}
		ch.log.done(c, start, msCV)
		return nil
	}
}

// guarded runs the steps and the route for a request received at start, turning a panic
// into a 500.
func (ch *chain) guarded(c echo.Context, next echo.HandlerFunc, start time.Time) (msCV string, err error) {
	defer recoverPanic(c, ch.log.logger, &err)
	msCV = setServiceHeaders(c, ch.supported, profileFor(ch.apiVersion(c)), ch.log.now().Sub(start))
	if err := checkURI(c.Request(), ch.maxURI); err != nil {
		return msCV, err
	}
	if ch.auth != nil {
		if err := ch.auth.check(c, start); err != nil {
			return msCV, err
		}
	}
	if c.Path() == operationsRoute {
		if v := ch.validator(c.Request().Method); v != nil {
			if err := checkOperationRequest(c, ch.queries.Values(c), ch.versions, v); err != nil {
				return msCV, err
			}
		}
	}
	return msCV, next(c)
}

// apiVersion returns the request's api-version, "" when it has none.
func (ch *chain) apiVersion(c echo.Context) string {
	if v := ch.queries.Values(c)["api-version"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// validator returns the operations route's validator for method, nil for other methods
// (echo answers those 405).
func (ch *chain) validator(method string) *operationValidator {
	switch method {
	case http.MethodGet:
		return ch.getOp
	case http.MethodDelete:
		return ch.cancelOp
	}
	return nil
}
