package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// ErrNotFound is returned by an [OperationStore] for an id it does not hold.
var ErrNotFound = errors.New("operation not found")

// OperationStore is where the [Service] reads operations from. Implement it to serve your
// own data through the reference service; the mock's MemoryStore is one.
//
// GetOperation returns the operation as it is to be served now; every call counts as one
// poll of the operation. It returns an error wrapping [ErrNotFound] for unknown ids. Other
// errors are answered with 500 and are logged, never shown to the caller.
type OperationStore interface {
	GetOperation(ctx context.Context, id string) (types.PhoneNumberOperation, error)
}

// EncodedOperationStore is an optional interface of an [OperationStore] that keeps its
// operations already encoded. When the store passed to [NewService] implements it, the
// service calls GetEncodedOperation instead of GetOperation and writes the bytes as they
// are, which saves encoding a body on every poll.
//
// GetEncodedOperation has GetOperation's contract (one call is one poll; ErrNotFound for
// unknown ids). The body must be what [EncodeOperation] writes for the operation, so both
// paths send the same bytes; the service never modifies it.
type EncodedOperationStore interface {
	OperationStore
	GetEncodedOperation(ctx context.Context, id string) (EncodedOperation, error)
}

// EncodedOperation is an operation as [EncodeOperation] wrote it, with the Location header
// that goes with it.
type EncodedOperation struct {
	// Body is the JSON body, as EncodeOperation writes it.
	Body []byte
	// Location is the operation's resourceLocation, sent as the Location header; nil
	// sends none.
	Location *string
	// Header holds further headers to send, keyed as they are to be spelled on the wire
	// (a replayed recording's MS-CV, say); each replaces the server's own header of that
	// name, whatever its spelling. Nil sends none.
	Header http.Header
	// Delay is waited before answering (a scripted slow answer); the wait ends early when
	// the request's context does.
	Delay time.Duration
	// Fault, when set, is answered instead of the operation (Body is then what a
	// truncated answer cuts).
	Fault *Fault
}

// OperationCanceler is an optional interface of an [OperationStore] that can cancel
// operations (DELETE /phoneNumbers/operations/{operationId}). CancelOperation returns an
// error wrapping [ErrNotFound] for unknown ids. A store without it answers every cancel
// with 405 MethodNotAllowed: cancelling is an action, and a store that cannot take it must
// not pretend it did.
type OperationCanceler interface {
	CancelOperation(ctx context.Context, id string) error
}
