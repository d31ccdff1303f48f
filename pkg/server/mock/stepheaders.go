package mock

import (
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// reservedHeaders are the headers a step may not set: the framing and connection headers
// are net/http's to write, and Content-Type and Location follow from the body.
var reservedHeaders = []string{"Connection", "Content-Length", "Content-Type", "Keep-Alive", "Location",
	"Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// headerProblem says what is wrong with a step's header, or "".
func headerProblem(name, value string) string {
	switch {
	case !httpguts.ValidHeaderFieldName(name):
		return "is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"
	case slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)):
		return "is set by the server itself; a step may not set " + strings.Join(reservedHeaders, ", ")
	case !httpguts.ValidHeaderFieldValue(value):
		return "has a value with a control character or a line break"
	}
	return ""
}

// sortedHeaderNames returns the names of headers in order, so that problems are listed
// the same way every time.
func sortedHeaderNames(headers map[string]string) []string {
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// stepHeader returns a step's headers for the response, keyed as spelled; nil for none.
func stepHeader(headers map[string]string) http.Header {
	if len(headers) == 0 {
		return nil
	}
	h := make(http.Header, len(headers))
	for name, value := range headers {
		h[name] = []string{value}
	}
	return h
}
