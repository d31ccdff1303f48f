package netutil

import (
	"net/url"
	"strings"
)

// LooksLikeConnectionString reports whether s holds an access key in the Communication
// Services connection-string form (endpoint=...;accesskey=...): passed where a URL was
// expected (--endpoint, PHONENUMBERS_ENDPOINT, --upstream), it must never be echoed.
func LooksLikeConnectionString(s string) bool {
	return strings.Contains(strings.ToLower(s), "accesskey=")
}

// RedactEndpoint returns endpoint as a message may show it: a URL with its password
// replaced by "xxxxx" (url.URL.Redacted), or a placeholder for anything that may carry a
// secret and is not an http(s) URL (a connection string, or text that does not parse: a
// key pasted in the wrong place). Every message that names an endpoint given by a user
// goes through it.
func RedactEndpoint(endpoint string) string {
	if LooksLikeConnectionString(endpoint) {
		return "(a connection string, not shown: it holds the access key)"
	}
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(not a URL, not shown: it may hold a secret)"
	}
	return u.Redacted()
}
