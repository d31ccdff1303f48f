package server

import (
	"context"
	"errors"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// ErrNotFound is returned by an [OperationStore] for an id it does not hold.
var ErrNotFound = errors.New("operation not found")

// OperationStore is where the service reads operations from. Implement it to serve your
// own data through the reference service; [MemoryStore] is the built-in one.
//
// GetOperation returns the operation as it is to be served now; every call counts as one
// poll of the operation. It returns an error wrapping [ErrNotFound] for unknown ids. Other
// errors are answered with 500 and are logged, never shown to the caller.
type OperationStore interface {
	GetOperation(ctx context.Context, id string) (types.PhoneNumberOperation, error)
}
