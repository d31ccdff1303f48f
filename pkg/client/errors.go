package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// AsCommunicationError returns the service's error details carried by err: the body of an
// *azcore.ResponseError when it is a CommunicationErrorResponse, or the error of a failed
// operation ([OperationFailedError]). It reports false when err carries none (for example
// an empty or HTML error body).
func AsCommunicationError(err error) (*types.CommunicationError, bool) {
	var ofe *OperationFailedError
	if errors.As(err, &ofe) && ofe.Err != nil {
		return ofe.Err, true
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.RawResponse == nil {
		return nil, false
	}
	body, perr := runtime.Payload(re.RawResponse)
	if perr != nil || len(body) == 0 {
		return nil, false
	}
	var ce types.CommunicationErrorResponse
	if bounded.DecodeJSON(context.Background(), "the error body", body, responseLimits, &ce) != nil || ce.Error.Code == "" {
		return nil, false
	}
	return &ce.Error, true
}

// OperationFailedError is returned by a poller when the operation ends failed or canceled.
// It unwraps to the operation's *types.CommunicationError (when it has one) and to an
// *azcore.ResponseError for the final response, so errors.As works with either.
type OperationFailedError struct {
	// Operation is the final state of the operation.
	Operation types.PhoneNumberOperation
	// Err is the operation's error, or nil when the service gave none.
	Err *types.CommunicationError
	// response is the final poll's response as an azcore error.
	response *azcore.ResponseError
}

// MaxInnerErrorsShown bounds the innererror levels an error message shows; deeper levels
// are counted ("… and 54 more inner errors"). The chain itself is kept whole in
// OperationFailedError.Err for errors.As and for callers that walk it; it is at most 62
// levels, as the client refuses bodies nesting deeper than 64.
const MaxInnerErrorsShown = 8

// maxErrorTextBytes bounds the text of one level (code, message, target) in a message:
// the server chooses it, and a chain repeats it at every level.
const maxErrorTextBytes = 1024

// Error describes the failure with the first MaxInnerErrorsShown levels of the inner error
// chain, each cut at 1 KiB. It is built in one pass, at a cost in proportion to what is
// shown whatever the chain's depth.
func (e *OperationFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "client: operation %q %s", textutil.Truncate(e.Operation.ID, maxErrorTextBytes), textutil.Truncate(string(e.Operation.Status), maxErrorTextBytes))
	if e.Err == nil {
		b.WriteString(" without error details")
		return b.String()
	}
	b.WriteString(": ")
	b.WriteString(textutil.Truncate(e.Err.Error(), maxErrorTextBytes))
	shown := 0
	for inner := e.Err.Innererror; inner != nil; inner = inner.Innererror {
		if shown == MaxInnerErrorsShown {
			fmt.Fprintf(&b, " (… and %d more inner errors)", InnerErrorDepth(inner))
			break
		}
		b.WriteString(" (inner: ")
		b.WriteString(textutil.Truncate(inner.Error(), maxErrorTextBytes))
		b.WriteString(")")
		shown++
	}
	return b.String()
}

// InnerErrorDepth counts ce and the inner errors under it, in one walk.
func InnerErrorDepth(ce *types.CommunicationError) int {
	n := 0
	for ; ce != nil; ce = ce.Innererror {
		n++
	}
	return n
}

// Unwrap exposes the CommunicationError and the azcore.ResponseError.
func (e *OperationFailedError) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.response != nil {
		errs = append(errs, e.response)
	}
	return errs
}

func newOperationFailedError(op types.PhoneNumberOperation, resp *http.Response) *OperationFailedError {
	e := &OperationFailedError{Operation: op, Err: op.Error}
	code := string(op.Status)
	if op.Error != nil {
		code = op.Error.Code
	}
	if resp != nil {
		e.response = &azcore.ResponseError{ErrorCode: code, StatusCode: resp.StatusCode, RawResponse: resp}
	}
	return e
}
