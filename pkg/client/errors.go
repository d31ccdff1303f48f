package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

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
	if json.Unmarshal(body, &ce) != nil || ce.Error.Code == "" {
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

// Error describes the failure, including the inner error chain.
func (e *OperationFailedError) Error() string {
	msg := fmt.Sprintf("client: operation %q %s", e.Operation.ID, e.Operation.Status)
	if e.Err == nil {
		return msg + " without error details"
	}
	msg += ": " + e.Err.Error()
	for inner := e.Err.Innererror; inner != nil; inner = inner.Innererror {
		msg += " (inner: " + inner.Error() + ")"
	}
	return msg
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
