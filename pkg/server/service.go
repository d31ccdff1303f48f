package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Service is the reference implementation of [StrictServerInterface]: it answers
// PhoneNumbers_GetOperation from an [OperationStore].
type Service struct {
	store OperationStore
}

// NewService returns a Service reading from store.
func NewService(store OperationStore) *Service {
	return &Service{store: store}
}

var _ StrictServerInterface = (*Service)(nil)

// PhoneNumbersGetOperation returns the operation, 404 NotFound for unknown ids and 400 for
// ids longer than MaxOperationIDLength bytes. Store failures other than ErrNotFound are
// returned as errors, which the server answers with 500 and logs.
func (s *Service) PhoneNumbersGetOperation(ctx context.Context, req PhoneNumbersGetOperationRequestObject) (PhoneNumbersGetOperationResponseObject, error) {
	id := req.OperationID
	if len(id) > MaxOperationIDLength {
		return errorResponse(NewAPIError(http.StatusBadRequest, CodeInvalidParameter,
			fmt.Sprintf("The operation id is %d bytes long; at most %d are allowed.", len(id), MaxOperationIDLength), "operationId")), nil
	}
	if es, ok := s.store.(encodedStore); ok {
		body, location, err := es.getOperationEncoded(ctx, id)
		if err != nil {
			return s.storeError(id, err)
		}
		return OperationResponse{encoded: body, location: location}, nil
	}
	op, err := s.store.GetOperation(ctx, id)
	if err != nil {
		return s.storeError(id, err)
	}
	return OperationResponse{Operation: op}, nil
}

// encodedStore is implemented by MemoryStore: it hands out bodies it has already encoded.
type encodedStore interface {
	getOperationEncoded(ctx context.Context, id string) ([]byte, *string, error)
}

func (s *Service) storeError(id string, err error) (PhoneNumbersGetOperationResponseObject, error) {
	if errors.Is(err, ErrNotFound) {
		return errorResponse(NewAPIError(http.StatusNotFound, CodeNotFound,
			fmt.Sprintf("Operation %s cannot be found.", quoteID(id)), "operationid")), nil
	}
	return nil, fmt.Errorf("read operation from store: %w", err)
}

// quoteID bounds and quotes an id for use in a message.
func quoteID(id string) string {
	const max = 64
	if len(id) > max {
		id = id[:max] + "..."
	}
	return fmt.Sprintf("%q", id)
}
