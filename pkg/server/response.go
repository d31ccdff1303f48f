package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// OperationResponse answers PhoneNumbers_GetOperation with 200 the way the live service
// does: Content-Type "application/json; charset=utf-8", properties in the live order,
// an explicit "resourceLocation": null when there is no result, and a Location header
// exactly when resourceLocation is non-null (equal to it).
//
// It implements [PhoneNumbersGetOperationResponseObject], so custom StrictServerInterface
// implementations can return it too.
type OperationResponse struct {
	Operation types.PhoneNumberOperation
}

// wireOperation fixes the property order and null handling of the live service.
type wireOperation struct {
	OperationType      types.PhoneNumberOperationType   `json:"operationType"`
	Status             types.PhoneNumberOperationStatus `json:"status"`
	ResourceLocation   *string                          `json:"resourceLocation"`
	CreatedDateTime    time.Time                        `json:"createdDateTime"`
	ID                 string                           `json:"id"`
	LastActionDateTime *time.Time                       `json:"lastActionDateTime,omitempty"`
	Error              *types.CommunicationError        `json:"error,omitempty"`
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// VisitPhoneNumbersGetOperationResponse writes the response.
func (r OperationResponse) VisitPhoneNumbersGetOperationResponse(w http.ResponseWriter) error {
	op := &r.Operation
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := json.NewEncoder(buf).Encode(wireOperation{
		OperationType:      op.OperationType,
		Status:             op.Status,
		ResourceLocation:   op.ResourceLocation,
		CreatedDateTime:    op.CreatedDateTime,
		ID:                 op.Id,
		LastActionDateTime: op.LastActionDateTime,
		Error:              op.Error,
	}); err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"] = jsonUTF8
	if op.ResourceLocation != nil {
		h.Set("Location", *op.ResourceLocation)
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

var jsonUTF8 = []string{"application/json; charset=utf-8"}

// errorResponse answers PhoneNumbers_GetOperation with a CommunicationErrorResponse.
func errorResponse(e *APIError) PhoneNumbersGetOperationdefaultJSONResponse {
	return PhoneNumbersGetOperationdefaultJSONResponse{
		StatusCode: e.Status,
		Body:       types.CommunicationErrorResponse{Error: e.Body},
	}
}
