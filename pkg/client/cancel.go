package client

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// CancelOperationOptions holds optional parameters for [Client.CancelOperation]. It is
// empty today and reserved for future options, as azcore convention has it.
type CancelOperationOptions struct{}

// CancelOperationResponse is the answer of [Client.CancelOperation]: 204 No Content
// carries nothing.
type CancelOperationResponse struct{}

// CancelOperation cancels an operation (DELETE /phoneNumbers/operations/{operationId},
// PhoneNumbers_CancelOperation). Any status other than 204 is returned as an
// *azcore.ResponseError, e.g. 404 for an unknown id. It stops the operation: against a
// real resource, a purchase or release in progress is abandoned. With a TracingProvider it
// is traced as a "Client.CancelOperation" span.
func (c *Client) CancelOperation(ctx context.Context, operationID string, _ *CancelOperationOptions) (_ CancelOperationResponse, err error) {
	ctx, endSpan := runtime.StartSpan(ctx, "Client.CancelOperation", c.azClient.Tracer(), nil)
	defer func() { endSpan(err) }()
	if err := checkOperationID(operationID); err != nil {
		return CancelOperationResponse{}, err
	}
	resp, err := c.gen.PhoneNumbersCancelOperation(ctx, operationID, &types.PhoneNumbersCancelOperationParams{APIVersion: c.apiVersion})
	if err != nil {
		return CancelOperationResponse{}, err
	}
	if !runtime.HasStatusCode(resp, http.StatusNoContent) {
		return CancelOperationResponse{}, runtime.NewResponseError(resp)
	}
	return CancelOperationResponse{}, nil
}
