package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// checkAPIVersion answers requests without a supported api-version query parameter (in
// query, the request's parsed query) the way the live service does, before any other
// validation.
//
// An unsupported version is answered as recorded (ASP.NET API versioning's answer: the
// request URI without its query, "innerError": null in camelCase, JSON with a charset).
// No recording holds the answer to a missing version; it is inferred from the same library,
// whose answer has the same shape.
func checkAPIVersion(req *http.Request, query url.Values, supported []string) error {
	values, ok := query["api-version"]
	if !ok || len(values) == 0 || values[0] == "" {
		return versioningError(CodeMissingAPIVersionParameter,
			"An API version is required, but was not specified.")
	}
	if !slices.Contains(supported, values[0]) {
		return versioningError(CodeUnsupportedAPIVersion,
			"The HTTP resource that matches the request URI '"+requestURIWithoutQuery(req)+
				"' does not support the API version '"+textutil.Truncate(values[0], 64)+"'.")
	}
	return nil
}

// versioningError is a 400 in API versioning's shape.
func versioningError(code, message string) *APIError {
	var body struct {
		Error struct {
			Code       string    `json:"code"`
			Message    string    `json:"message"`
			InnerError *struct{} `json:"innerError"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = code, message
	raw, _ := json.Marshal(body) // strings only: cannot fail
	e := NewAPIError(http.StatusBadRequest, code, message, "")
	e.raw, e.contentType = append(raw, '\n'), jsonUTF8
	return e
}

// requestURIWithoutQuery is the absolute URI the request addressed, path unescaped, as
// API versioning quotes it; bounded, since the path is the client's.
func requestURIWithoutQuery(req *http.Request) string {
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	}
	return textutil.Truncate(scheme+"://"+req.Host+req.URL.Path, 512)
}
