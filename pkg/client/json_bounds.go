package client

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
)

// Bounds on a response body's JSON, checked before anything decodes it or azcore prints
// it. An operation or an error answer holds a few dozen values and nests at most 6 levels
// (an innererror chain a few deep). Decoding allocates per value (a 4 MiB body of {} is
// 1.4 million structs), and azcore's ResponseError.Error(), which azcore itself calls
// when it makes the error, json.Indent's the whole body at a cost of depth × lines: a
// 190 KB body 9,900 lists deep over 85,000 zeros needs gigabytes. At 64 levels and 10,000
// values an indented body is at most a few MB (each line under 130 bytes of indent), so
// neither the error answers azcore indents nor the final 200 an OperationFailedError
// unwraps to can be costly.
const (
	maxResponseValues = 10_000
	maxResponseDepth  = 64
)

// responseLimits bound every response body the client decodes, whatever its status.
var responseLimits = bounded.Limits{Values: maxResponseValues, Depth: maxResponseDepth}

// jsonBoundsPolicy checks every final response body (after the retries) against
// responseLimits, before the client or azcore reads it. A 200 beyond them is an
// ErrUnexpectedResponse; an error answer beyond them keeps its status but loses its body,
// which azcore would otherwise decode to find the error code and indent into the
// ResponseError's message (runtime.NewResponseError, from GetOperation, CancelOperation
// and the poller). Every *azcore.ResponseError the client makes has a body that passed
// here, OperationFailedError's included (the final 200 of the poll).
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
