package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// controlService implements the generated control API (openapi/control.yaml) on a MemoryStore.
type controlService struct {
	store   *MemoryStore
	journal *Journal
}

var _ control.StrictServerInterface = (*controlService)(nil)

// registerControl mounts the control API under /mock. Bodies are capped at maxBody bytes.
func registerControl(r server.EchoRouter, store *MemoryStore, journal *Journal, maxBody int64) {
	if maxBody <= 0 {
		maxBody = server.DefaultMaxBodyBytes
	}
	cs := &controlService{store: store, journal: journal}
	control.RegisterHandlersWithOptions(r, control.NewStrictHandler(cs, nil), control.RegisterHandlersOptions{
		OperationMiddlewares: map[string][]echo.MiddlewareFunc{"PutOperation": {server.BufferBody(maxBody)}},
	})
}

func controlError(e *server.APIError) types.CommunicationErrorResponse {
	return types.CommunicationErrorResponse{Error: e.Body}
}

// ListOperations lists every stored operation.
func (cs *controlService) ListOperations(context.Context, control.ListOperationsRequestObject) (control.ListOperationsResponseObject, error) {
	states := cs.store.List()
	out := control.ListOperations200JSONResponse{Operations: make([]control.OperationState, len(states))}
	for i, st := range states {
		out.Operations[i] = toControlState(st)
	}
	return out, nil
}

// PutOperation validates and stores an operation.
func (cs *controlService) PutOperation(_ context.Context, req control.PutOperationRequestObject) (control.PutOperationResponseObject, error) {
	if req.Body == nil {
		return putError(server.NewAPIError(http.StatusBadRequest, server.CodeBadRequest, "The request body must be a ScriptedOperation.", "")), nil
	}
	op, err := fromControlOperation(*req.Body)
	if err == nil {
		err = op.Validate()
	}
	if err != nil {
		target := ""
		var fe *FieldError
		if errors.As(err, &fe) {
			target = fe.Field
		}
		return putError(server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter, "Invalid operation: "+err.Error()+".", target)), nil
	}
	if err := cs.store.Put(op); err != nil {
		return nil, err
	}
	st, ok := cs.store.Lookup(op.ID)
	if !ok { // evicted at once: only possible with MaxOperations 0, which is defaulted away
		return nil, fmt.Errorf("operation %q vanished after Put", op.ID)
	}
	return control.PutOperation201JSONResponse(toControlState(st)), nil
}

func putError(e *server.APIError) control.PutOperationdefaultJSONResponse {
	return control.PutOperationdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}
}

// GetOperationState returns one operation's state without counting a poll.
func (cs *controlService) GetOperationState(_ context.Context, req control.GetOperationStateRequestObject) (control.GetOperationStateResponseObject, error) {
	st, ok := cs.store.Lookup(req.OperationID)
	if !ok {
		e := server.NotFoundError(req.OperationID)
		return control.GetOperationStatedefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	return control.GetOperationState200JSONResponse(toControlState(st)), nil
}

// DeleteOperation removes an operation.
func (cs *controlService) DeleteOperation(_ context.Context, req control.DeleteOperationRequestObject) (control.DeleteOperationResponseObject, error) {
	if !cs.store.Delete(req.OperationID) {
		e := server.NotFoundError(req.OperationID)
		return control.DeleteOperationdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	return control.DeleteOperation204Response{}, nil
}

// Reset restores the start-up operations and clears the journal.
func (cs *controlService) Reset(context.Context, control.ResetRequestObject) (control.ResetResponseObject, error) {
	cs.store.Reset()
	cs.journal.Clear()
	return control.Reset204Response{}, nil
}

// GetJournal returns the recorded requests.
func (cs *controlService) GetJournal(context.Context, control.GetJournalRequestObject) (control.GetJournalResponseObject, error) {
	entries := cs.journal.Entries()
	out := control.GetJournal200JSONResponse{Entries: make([]control.JournalEntry, len(entries))}
	for i, e := range entries {
		ce := control.JournalEntry{Time: e.Time, Method: e.Method, Path: e.Path, Status: e.Status}
		if e.Query != "" {
			ce.Query = &e.Query
		}
		if e.AuthScheme != "" {
			ce.AuthScheme = &e.AuthScheme
		}
		if len(e.Headers) > 0 {
			ce.Headers = &e.Headers
		}
		out.Entries[i] = ce
	}
	return out, nil
}

// ClearJournal forgets the recorded requests.
func (cs *controlService) ClearJournal(context.Context, control.ClearJournalRequestObject) (control.ClearJournalResponseObject, error) {
	cs.journal.Clear()
	return control.ClearJournal204Response{}, nil
}

// fromControlOperation converts the wire model. Both share one JSON shape (a fixtures
// entry), so the conversion goes through JSON with unknown fields rejected; that keeps
// duration parsing and its error messages in one place.
func fromControlOperation(in control.ScriptedOperation) (Operation, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return Operation{}, err
	}
	var op Operation
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&op); err != nil {
		return Operation{}, err
	}
	return op, nil
}

func toControlState(st OperationState) control.OperationState {
	op := st.Operation
	out := control.ScriptedOperation{
		ID:                 op.ID,
		OperationType:      op.OperationType,
		ResourceLocation:   op.ResourceLocation,
		LastActionDateTime: op.LastActionDateTime,
		Timeline:           make([]control.TimelineStep, len(op.Timeline)),
	}
	if !op.CreatedDateTime.IsZero() {
		t := op.CreatedDateTime
		out.CreatedDateTime = &t
	}
	for i, s := range op.Timeline {
		cs := control.TimelineStep{Status: s.Status, Error: s.Error}
		if s.After != 0 {
			d := time.Duration(s.After).String()
			cs.After = &d
		}
		if s.AfterPolls != 0 {
			n := s.AfterPolls
			cs.AfterPolls = &n
		}
		out.Timeline[i] = cs
	}
	return control.OperationState{Operation: out, StoredAt: st.StoredAt.UTC(), Polls: st.Polls, Current: st.Current}
}
