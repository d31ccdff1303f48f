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
	// Operation is the operation to send.
	Operation types.PhoneNumberOperation

	// encoded, when set, is the body already encoded from Operation (by MemoryStore's
	// per-step cache), and location the Location to send.
	encoded  []byte
	location *string
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
	body, location := r.encoded, r.location
	if body == nil {
		buf := bufPool.Get().(*bytes.Buffer)
		defer bufPool.Put(buf)
		buf.Reset()
		if err := encodeOperationTo(buf, r.Operation); err != nil {
			return err
		}
		body, location = buf.Bytes(), r.Operation.ResourceLocation
	}
	h := w.Header()
	h["Content-Type"] = jsonUTF8
	if location != nil {
		h["Location"] = []string{*location}
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// encodeOperationTo writes op in the live service's shape.
func encodeOperationTo(buf *bytes.Buffer, op types.PhoneNumberOperation) error {
	return json.NewEncoder(buf).Encode(wireOperation{
		OperationType:      op.OperationType,
		Status:             op.Status,
		ResourceLocation:   op.ResourceLocation,
		CreatedDateTime:    op.CreatedDateTime,
		ID:                 op.ID,
		LastActionDateTime: op.LastActionDateTime,
		Error:              op.Error,
	})
}

// encodeOperation returns op encoded in the live service's shape.
func encodeOperation(op types.PhoneNumberOperation) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeOperationTo(&buf, op); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var jsonUTF8 = []string{"application/json; charset=utf-8"}

// errorResponse answers PhoneNumbers_GetOperation with a CommunicationErrorResponse.
func errorResponse(e *APIError) PhoneNumbersGetOperationdefaultJSONResponse {
	return PhoneNumbersGetOperationdefaultJSONResponse{
		StatusCode: e.Status,
		Body:       types.CommunicationErrorResponse{Error: e.Body},
	}
}
