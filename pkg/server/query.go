package server

import (
	"net/url"
	"sync"

	"github.com/labstack/echo/v4"
)

// parsedQueries holds the parsed form of the query strings nearly every client sends,
// "api-version=V" for each supported V, so that the operations route does not parse the
// same few strings into a fresh map on every request (url.ParseQuery was the largest
// allocation the server itself made under load). Each parsed form is what url.ParseQuery
// returns for its string, and is shared between requests: it is read-only.
type parsedQueries struct {
	raw    []string
	parsed []url.Values
	pool   sync.Pool // of *queryContext
}

// newParsedQueries prepares the queries "api-version=V" for the versions.
func newParsedQueries(versions []string) *parsedQueries {
	q := &parsedQueries{pool: sync.Pool{New: func() any { return new(queryContext) }}}
	for _, v := range versions {
		raw := "api-version=" + url.QueryEscape(v)
		parsed, err := url.ParseQuery(raw)
		if err != nil {
			continue
		}
		q.raw = append(q.raw, raw)
		q.parsed = append(q.parsed, parsed)
	}
	return q
}

// lookup returns the shared parsed form of raw, if it is one of the prepared queries.
func (q *parsedQueries) lookup(raw string) (url.Values, bool) {
	for i, r := range q.raw {
		if r == raw {
			return q.parsed[i], true
		}
	}
	return nil, false
}

// values returns c's parsed query: the shared form when its query is a prepared one,
// else echo's parse. Callers must not change it.
func (q *parsedQueries) values(c echo.Context) url.Values {
	if parsed, ok := q.lookup(c.Request().URL.RawQuery); ok {
		return parsed
	}
	return c.QueryParams()
}

// handler wraps a generated operation handler so that it reads the shared parsed query:
// it gets c answering QueryParams from the shared form when the query is a prepared one
// (else c itself, and echo parses the query). Only the generated handlers, which read
// their parameters and change nothing, are wrapped (see operationRouter); a route that
// an application registers gets its own parse.
func (q *parsedQueries) handler(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		parsed, ok := q.lookup(c.Request().URL.RawQuery)
		if !ok {
			return h(c)
		}
		qc := q.pool.Get().(*queryContext)
		qc.Context, qc.query = c, parsed
		defer func() {
			qc.Context, qc.query = nil, nil
			q.pool.Put(qc)
		}()
		return h(qc)
	}
}

// operationRouter registers the generated operation handlers wrapped by
// parsedQueries.handler.
type operationRouter struct {
	EchoRouter
	queries *parsedQueries
}

// GET registers a wrapped GET handler.
func (r operationRouter) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.EchoRouter.GET(path, r.queries.handler(h), m...)
}

// DELETE registers a wrapped DELETE handler.
func (r operationRouter) DELETE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.EchoRouter.DELETE(path, r.queries.handler(h), m...)
}

// queryContext is an echo.Context whose query is already parsed.
type queryContext struct {
	echo.Context
	query url.Values
}

// QueryParams returns the parsed query, which callers must not change.
func (c *queryContext) QueryParams() url.Values { return c.query }

// QueryParam returns the first value of the named query parameter.
func (c *queryContext) QueryParam(name string) string { return c.query.Get(name) }
