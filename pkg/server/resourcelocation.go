package server

import (
	"bytes"
	"net/url"
	"strings"
)

// The live service writes the api-version the client asked with into the result's URL
// (resourceLocation and Location: ".../searchResults/<id>?api-version=<the request's>"):
// recorded searches polled at 2021-03-07, 2022-12-01 and 2024-05-01-preview carry each
// their own. withAPIVersion and echoAPIVersion do the same with a stored URL.

// withAPIVersion returns loc with its api-version query parameter set to version; loc
// unchanged when it has none, or when version is empty.
func withAPIVersion(loc, version string) string {
	old, ok := apiVersionOf(loc)
	if !ok || old == version || version == "" {
		return loc
	}
	return strings.Replace(loc, "api-version="+old, "api-version="+version, 1)
}

// echoAPIVersion is withAPIVersion for an encoded operation: the Location header and the
// same text in the body.
func echoAPIVersion(enc EncodedOperation, version string) EncodedOperation {
	if enc.Location == nil {
		return enc
	}
	old, ok := apiVersionOf(*enc.Location)
	if !ok || old == version || version == "" || !jsonPlain(old) || !jsonPlain(version) {
		return enc
	}
	loc := strings.Replace(*enc.Location, "api-version="+old, "api-version="+version, 1)
	enc.Location = &loc
	enc.Body = bytes.Replace(enc.Body, []byte("api-version="+old), []byte("api-version="+version), 1)
	return enc
}

// apiVersionOf returns the api-version parameter of a URL's query, written literally
// (not percent-encoded), so that it can be replaced in place.
func apiVersionOf(loc string) (string, bool) {
	_, query, ok := strings.Cut(loc, "?")
	if !ok {
		return "", false
	}
	for _, kv := range strings.Split(query, "&") {
		if v, ok := strings.CutPrefix(kv, "api-version="); ok && v != "" {
			if u, err := url.QueryUnescape(v); err == nil && u == v {
				return v, true
			}
			return "", false
		}
	}
	return "", false
}

// jsonPlain reports whether s is written in JSON as it is (no escapes), so that its
// bytes can be found in an encoded body.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			return false
		}
	}
	return true
}
