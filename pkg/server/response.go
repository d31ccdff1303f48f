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
}

// EncodedOperationResponse is [OperationResponse] for an operation encoded beforehand by
// [EncodeOperation] (see [EncodedOperationStore]): the same headers, the given bytes.
type EncodedOperationResponse EncodedOperation

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
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := encodeOperationTo(buf, r.Operation); err != nil {
		return err
	}
	return writeOperation(w, buf.Bytes(), r.Operation.ResourceLocation)
}

// VisitPhoneNumbersGetOperationResponse writes the response.
func (r EncodedOperationResponse) VisitPhoneNumbersGetOperationResponse(w http.ResponseWriter) error {
	return writeOperation(w, r.Body, r.Location)
}

var jsonUTF8 = []string{"application/json; charset=utf-8"}

// writeOperation sends a 200 with body and, when location is set, the Location header.
func writeOperation(w http.ResponseWriter, body []byte, location *string) error {
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

// EncodeOperation returns op encoded as [OperationResponse] sends it: the live service's
// property order, "resourceLocation": null when unset, a trailing newline.
func EncodeOperation(op types.PhoneNumberOperation) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeOperationTo(&buf, op); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errorResponse answers PhoneNumbers_GetOperation with a CommunicationErrorResponse.
func errorResponse(e *APIError) PhoneNumbersGetOperationdefaultJSONResponse {
	return PhoneNumbersGetOperationdefaultJSONResponse{
		StatusCode: e.Status,
		Body:       types.CommunicationErrorResponse{Error: e.Body},
	}
}
