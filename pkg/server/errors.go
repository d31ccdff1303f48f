package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Error codes the server answers with, as the live service spells them.
const (
	CodeNotFound                   = "NotFound"
	CodeMissingAPIVersionParameter = "MissingApiVersionParameter"
	CodeUnsupportedAPIVersion      = "UnsupportedApiVersion"
	CodeInvalidParameter           = "InvalidParameter"
	CodeUnauthorized               = "Unauthorized"
	CodeForbidden                  = "Forbidden"
	CodeMethodNotAllowed           = "MethodNotAllowed"
	CodeRequestTooLarge            = "RequestEntityTooLarge"
	CodeURITooLong                 = "RequestUriTooLong"
	CodeBadRequest                 = "BadRequest"
	CodeUnsupportedMediaType       = "UnsupportedMediaType"
	CodeInternalError              = "InternalError"
	CodeServiceUnavailable         = "ServiceUnavailable"
)

// APIError is an error the server answers with a CommunicationErrorResponse. Handlers and
// middleware return it; the error handler writes it.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Body is what the client sees.
	Body types.CommunicationError

	raw         []byte   // when set, the body as sent (an answer of another shape than Body's)
	contentType []string // when set, the Content-Type sent with raw
}

// Error returns the message the client sees.
func (e *APIError) Error() string { return e.Body.Error() }

// NewAPIError returns an *APIError; target may be empty.
func NewAPIError(status int, code, message, target string) *APIError {
	e := &APIError{Status: status, Body: types.CommunicationError{Code: code, Message: message}}
	if target != "" {
		e.Body.Target = &target
	}
	return e
}

// NotFoundError is the 404 NotFound answer for an unknown operation id. No recording holds
// one from this endpoint; it follows the nearest recorded one (an unknown search id:
// "Input searchId <id> cannot be found.", target lower-cased).
func NotFoundError(id string) *APIError {
	return NewAPIError(http.StatusNotFound, CodeNotFound,
		fmt.Sprintf("Input operationId %s cannot be found.", textutil.Printable(textutil.Truncate(id, 256), false)), "operationid")
}

// internalError is the only thing a client learns about an unexpected failure.
func internalError() *APIError {
	return NewAPIError(http.StatusInternalServerError, CodeInternalError, "The server encountered an internal error.", "")
}

// BusyError is the 503 ServiceUnavailable answer for a request that waited for a bounded
// resource (a slot to build a large answer, to decode a body) and gave up, or found it
// full: the request was not served, and nothing failed. A waiter whose client went away
// is answered (and logged) so, not as a 500.
func BusyError(what string) *APIError {
	return NewAPIError(http.StatusServiceUnavailable, CodeServiceUnavailable,
		"The server is busy "+what+"; retry later.", "")
}

// writeAPIError writes e as a CommunicationErrorResponse with Content-Type application/json
// (no charset, as the live service sends on errors).
func writeAPIError(w http.ResponseWriter, e *APIError) {
	h := w.Header()
	h.Del("Location")
	if e.raw != nil {
		h["Content-Type"] = e.contentType
		w.WriteHeader(e.Status)
		_, _ = w.Write(e.raw)
		return
	}
	body, err := json.Marshal(types.CommunicationErrorResponse{Error: e.Body})
	if err != nil { // cannot happen for this type; keep the shape anyway
		body = []byte(`{"error":{"code":"InternalError","message":"The server encountered an internal error."}}`)
	}
	h["Content-Type"] = jsonNoCharset
	w.WriteHeader(e.Status)
	_, _ = w.Write(append(body, '\n'))
}

// jsonNoCharset is the Content-Type of the live service's error answers.
var jsonNoCharset = []string{"application/json"}
