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

// context returns c answering QueryParams from the shared parsed form of its query, or
// nil when the query is not a prepared one (then echo parses it on first use). Give the
// result back with release once the request is done. The wrapper is for the operations
// route only, whose readers (the api-version check, the validator, the generated binder)
// do not change the values.
func (q *parsedQueries) context(c echo.Context) *queryContext {
	parsed, ok := q.lookup(c.Request().URL.RawQuery)
	if !ok {
		return nil
	}
	qc := q.pool.Get().(*queryContext)
	qc.Context, qc.query = c, parsed
	return qc
}

// release gives back a wrapper from context; nil is allowed.
func (q *parsedQueries) release(qc *queryContext) {
	if qc != nil {
		qc.Context, qc.query = nil, nil
		q.pool.Put(qc)
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
