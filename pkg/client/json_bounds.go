package client

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
)

// Bounds on a response body's JSON, checked before anything decodes it: an operation holds
// a few dozen values, and decoding allocates per value (a 4 MiB body of {} is 1.4 million
// structs). The depth is encoding/json's own, so that an innererror chain a server really
// sends is kept whole in OperationFailedError.
const (
	maxResponseValues = 100_000
	maxResponseDepth  = 10_000
)

// responseLimits bound every response body the client decodes.
var responseLimits = bounded.Limits{Values: maxResponseValues, Depth: maxResponseDepth}

// jsonBoundsPolicy checks every final response body (after the retries) against
// responseLimits. A 200 beyond them is an ErrUnexpectedResponse; an error answer beyond
// them keeps its status but loses its body, which azcore would otherwise decode to find
// the error code.
type jsonBoundsPolicy struct{}

// Do sends the request and checks the answer's body.
func (jsonBoundsPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil {
		return resp, err
	}
	body, err := runtime.Payload(resp)
	if err != nil || len(body) == 0 {
		return resp, err
	}
	err = bounded.CheckJSON(req.Raw().Context(), "the response body", body, responseLimits)
	var le *bounded.LimitError
	switch {
	case err == nil:
		return resp, nil
	case !errors.As(err, &le):
		return nil, err // the context ended
	case resp.StatusCode == http.StatusOK:
		return nil, fmt.Errorf("%w: status 200: %v", ErrUnexpectedResponse, err)
	}
	resp.Body = http.NoBody
	resp.ContentLength = 0
	return resp, nil
}
