// Package querycache holds the parsed form of the query strings nearly every client sends,
// "api-version=V" for each supported V, so that the operations route does not parse the
// same few strings into a fresh map on every request: url.ParseQuery was the largest
// allocation the server itself made under load (3 allocations, ~400 B a request). In an
// A/B load run, the server without it answered 0.93x as many open requests (middle half
// of the pairs 0.86-0.98; docs/performance.md). TestCacheEqualsParseQuery is its
// equivalence test.
package querycache

import (
	"net/url"
	"sync"

	"github.com/labstack/echo/v4"
)

// Cache holds the prepared queries. Each parsed form is what url.ParseQuery returns for its
// string, and is shared between requests: it is read-only.
type Cache struct {
	raw    []string
	parsed []url.Values
	pool   sync.Pool // of *queryContext
}

// New prepares the queries "api-version=V" for the versions.
func New(versions []string) *Cache {
	q := &Cache{pool: sync.Pool{New: func() any { return new(queryContext) }}}
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

// Lookup returns the shared parsed form of raw, if it is one of the prepared queries.
func (q *Cache) Lookup(raw string) (url.Values, bool) {
	for i, r := range q.raw {
		if r == raw {
			return q.parsed[i], true
		}
	}
	return nil, false
}

// Values returns c's parsed query: the shared form when its query is a prepared one,
// else echo's parse. Callers must not change it.
func (q *Cache) Values(c echo.Context) url.Values {
	if parsed, ok := q.Lookup(c.Request().URL.RawQuery); ok {
		return parsed
	}
	return c.QueryParams()
}

// Wrap wraps a handler that only reads its query (a generated operation handler) so that
// it reads the shared parsed form: it gets c answering QueryParams from the shared form
// when the query is a prepared one (else c itself, and echo parses the query). A handler
// that may change the query must not be wrapped: the change would reach later requests.
func (q *Cache) Wrap(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		parsed, ok := q.Lookup(c.Request().URL.RawQuery)
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

// queryContext is an echo.Context whose query is already parsed.
type queryContext struct {
	echo.Context
	query url.Values
}

// QueryParams returns the parsed query, which callers must not change.
func (c *queryContext) QueryParams() url.Values { return c.query }

// QueryParam returns the first value of the named query parameter.
func (c *queryContext) QueryParam(name string) string { return c.query.Get(name) }
