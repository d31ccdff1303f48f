package mock

import (
	"context"
	"net/http"
	"strings"
)

// faultNote carries, from the store to the journal, which fault answered a request: both
// see the request's context, and nothing else of the request passes between them.
type faultNote struct {
	what    string // describe's words
	dropped bool   // the connection was dropped: nothing was answered
}

type faultNoteKey struct{}

// withFaultNote returns req with a note the store can fill in, for API requests when the
// store may fault (a request to an operation without faults costs nothing more).
func withFaultNote(req *http.Request, store Store) *http.Request {
	if !store.MayFault() || !strings.HasPrefix(req.URL.Path, "/phoneNumbers/operations/") {
		return req
	}
	return req.WithContext(context.WithValue(req.Context(), faultNoteKey{}, &faultNote{}))
}

// noteFault records in ctx's note (when it has one) which fault answered.
func noteFault(ctx context.Context, what string, dropped bool) {
	if n, ok := ctx.Value(faultNoteKey{}).(*faultNote); ok {
		n.what, n.dropped = what, dropped
	}
}

// faultNoted returns ctx's note when a fault answered, nil otherwise.
func faultNoted(ctx context.Context) *faultNote {
	if n, ok := ctx.Value(faultNoteKey{}).(*faultNote); ok && n.what != "" {
		return n
	}
	return nil
}
