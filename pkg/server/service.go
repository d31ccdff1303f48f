package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Service is the reference implementation of [StrictServerInterface]: it answers
// PhoneNumbers_GetOperation from an [OperationStore].
type Service struct {
	store   OperationStore
	encoded EncodedOperationStore // the store, when it implements the optional interface
}

// NewService returns a Service reading from store. If store also implements
// [EncodedOperationStore], the service uses its pre-encoded bodies.
func NewService(store OperationStore) *Service {
	s := &Service{store: store}
	s.encoded, _ = store.(EncodedOperationStore)
	return s
}

var _ StrictServerInterface = (*Service)(nil)

// PhoneNumbersGetOperation returns the operation, 404 NotFound for unknown ids and 400 for
// ids longer than types.MaxOperationIDLength bytes. Store failures other than ErrNotFound are
// returned as errors, which the server answers with 500 and logs.
func (s *Service) PhoneNumbersGetOperation(ctx context.Context, req PhoneNumbersGetOperationRequestObject) (PhoneNumbersGetOperationResponseObject, error) {
	id := req.OperationID
	if len(id) > types.MaxOperationIDLength {
		return errorResponse(tooLongID(id)), nil
	}
	version := req.Params.APIVersion
	order2021 := profileFor(version).order2021
	if s.encoded != nil {
		enc, err := s.encoded.GetEncodedOperation(ctx, id)
		if err != nil {
			return s.storeError(ctx, id, err)
		}
		if enc.Fault != nil {
			return s.faultAnswer(ctx, enc.Fault, enc.Body)
		}
		if err := wait(ctx, enc.Delay); err != nil {
			return nil, err
		}
		enc = echoAPIVersion(enc, version)
		if order2021 {
			enc.Body = reorder(enc.Body, order2021Keys)
		}
		return EncodedOperationResponse(enc), nil
	}
	op, err := s.store.GetOperation(ctx, id)
	if err != nil {
		return s.storeError(ctx, id, err)
	}
	if op.ResourceLocation != nil {
		loc := withAPIVersion(*op.ResourceLocation, version)
		op.ResourceLocation = &loc
	}
	return OperationResponse{Operation: op, order2021: order2021}, nil
}

// PhoneNumbersCancelOperation cancels the operation through the store's
// [OperationCanceler]: 204 No Content, 404 NotFound for unknown ids, 405 when the store
// cannot cancel.
func (s *Service) PhoneNumbersCancelOperation(ctx context.Context, req PhoneNumbersCancelOperationRequestObject) (PhoneNumbersCancelOperationResponseObject, error) {
	id := req.OperationID
	canceler, ok := s.store.(OperationCanceler)
	if !ok {
		e := NewAPIError(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "This server's operation store cannot cancel operations.", "")
		return PhoneNumbersCancelOperationdefaultJSONResponse{StatusCode: e.Status, Body: types.CommunicationErrorResponse{Error: e.Body}}, nil
	}
	if len(id) > types.MaxOperationIDLength {
		e := tooLongID(id)
		return PhoneNumbersCancelOperationdefaultJSONResponse{StatusCode: e.Status, Body: types.CommunicationErrorResponse{Error: e.Body}}, nil
	}
	err := canceler.CancelOperation(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		e := NotFoundError(id)
		return PhoneNumbersCancelOperationdefaultJSONResponse{StatusCode: e.Status, Body: types.CommunicationErrorResponse{Error: e.Body}}, nil
	case err != nil:
		return nil, fmt.Errorf("cancel operation in store: %w", err)
	}
	return PhoneNumbersCancelOperation204Response{}, nil
}

// tooLongID is the 400 for an id longer than types.MaxOperationIDLength.
func tooLongID(id string) *APIError {
	return NewAPIError(http.StatusBadRequest, CodeInvalidParameter,
		fmt.Sprintf("The operation id is %d bytes long; at most %d are allowed.", len(id), types.MaxOperationIDLength), "operationId")
}

func (s *Service) storeError(ctx context.Context, id string, err error) (PhoneNumbersGetOperationResponseObject, error) {
	var f *Fault
	switch {
	case errors.Is(err, ErrNotFound):
		return errorResponse(NotFoundError(id)), nil
	case errors.As(err, &f):
		return s.faultAnswer(ctx, f, nil)
	}
	return nil, fmt.Errorf("read operation from store: %w", err)
}

// faultAnswer answers with fault f after its delay; body is what a truncated answer cuts
// (none: the connection is closed instead).
func (s *Service) faultAnswer(ctx context.Context, f *Fault, body []byte) (PhoneNumbersGetOperationResponseObject, error) {
	if err := wait(ctx, f.Delay); err != nil {
		return nil, err
	}
	if f.Drop == "truncate" && len(body) == 0 {
		f = &Fault{Drop: "close"}
	}
	return faultResponse{fault: f, body: body}, nil
}
