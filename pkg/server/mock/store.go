package mock

import (
	"context"
	"errors"
	"net/http"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// Store is what the mock ([New]) keeps its state in: the scripted operations, their
// timelines, poll and request counts and fault counters. [MemoryStore] keeps them in the
// process; [RedisStore] in Redis, shared by every replica that uses the same Redis and
// namespace. pkg/server/mock/storetest checks an implementation against the contract.
//
// Every method that reaches shared state takes a context and returns an error: a store
// that cannot answer (its backend unreachable) returns an error wrapping
// [ErrStoreUnavailable], which the mock answers with 503 ServiceUnavailable. Reads through
// [server.EncodedOperationStore] count one request each and, unless a fault answers
// it, one poll, exactly once whichever replica serves them.
type Store interface {
	server.EncodedOperationStore
	server.OperationCanceler

	// PutContext validates op and stores it, replacing an operation with the same id and
	// restarting its timeline, and returns its state as stored. An operation larger than
	// the store's bound per operation is refused with an error wrapping
	// [ErrOperationTooLarge]; the oldest operations are evicted to respect the count and
	// total byte bounds.
	PutContext(ctx context.Context, op Operation) (OperationState, error)
	// DeleteContext removes the operation with the given id and reports whether it was there.
	DeleteContext(ctx context.Context, id string) (bool, error)
	// LookupContext returns an operation's state without counting a request or a poll;
	// false when it is not stored.
	LookupContext(ctx context.Context, id string) (OperationState, bool, error)
	// ListPageContext returns, ordered by id, the states of the operations whose id sorts
	// after after: at most limit (no bound when limit <= 0), and no more once their
	// encoded sizes add up to maxBytes (see [MemoryStore.ListPage]). more reports whether
	// operations remain after the page.
	ListPageContext(ctx context.Context, after string, limit int, maxBytes int64) (page []OperationState, more bool, err error)
	// ResetContext replaces the content with the start-up set and restarts every
	// timeline, poll and request count and fault counter.
	ResetContext(ctx context.Context) error
	// LenContext returns the number of stored operations.
	LenContext(ctx context.Context) (int, error)
	// MayFault reports whether a request may be answered with a fault. It may answer true
	// when none will (the mock then only prepares a note for the journal).
	MayFault() bool
}

// JournalStore keeps the request journal. The mock uses its store as the journal when
// the store implements JournalStore (a [RedisStore]: the journal is then shared by every
// replica), and an in-process [Journal] otherwise.
type JournalStore interface {
	// AppendJournal records one request, dropping the oldest beyond the journal's bound.
	AppendJournal(ctx context.Context, e JournalEntry) error
	// JournalEntries returns the recorded requests, oldest first.
	JournalEntries(ctx context.Context) ([]JournalEntry, error)
	// ClearJournal forgets every recorded request.
	ClearJournal(ctx context.Context) error
}

// ErrStoreUnavailable is wrapped by the errors of a store whose backend cannot be reached
// (Redis down, a call that ran out of its time). The mock answers them with 503
// ServiceUnavailable and a CommunicationErrorResponse; the request can be retried.
var ErrStoreUnavailable = errors.New("mock: the store is unavailable")

// unavailableError is a store failure answered as 503: it matches ErrStoreUnavailable
// and *server.APIError (the answer) with errors.Is and errors.As, and keeps its cause
// for logs.
type unavailableError struct {
	answer *server.APIError
	cause  error
}

func (e *unavailableError) Error() string {
	return ErrStoreUnavailable.Error() + ": " + e.cause.Error()
}

func (e *unavailableError) Unwrap() []error { return []error{ErrStoreUnavailable, e.answer, e.cause} }

// storeUnavailable wraps cause as a 503 ServiceUnavailable answer.
func storeUnavailable(cause error) error {
	return &unavailableError{
		answer: server.NewAPIError(http.StatusServiceUnavailable, server.CodeServiceUnavailable,
			"The mock's store is unavailable; retry later.", ""),
		cause: cause,
	}
}

// validatedPutter is implemented by the stores of this package: PutContext without
// validating again what the control API validated as it decoded the body.
type validatedPutter interface {
	putValidContext(ctx context.Context, op Operation) (OperationState, error)
}

// operationBytesLimit is implemented by the stores of this package: the bound per
// operation, for the control API's 413 message.
type operationBytesLimit interface {
	maxOperationBytes() int
}

// operationCountLimit is implemented by the stores of this package: how many operations
// they keep, for a fixtures document that holds more.
type operationCountLimit interface {
	maxOperations() int
}

var (
	_ Store               = (*MemoryStore)(nil)
	_ operationCountLimit = (*MemoryStore)(nil)
	_ operationCountLimit = (*RedisStore)(nil)
)
