package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// controlService implements the generated control API (openapi/control.yaml) on a Store.
type controlService struct {
	store    Store
	journal  JournalStore
	answers  *largeAnswers // pages and journals: built a few at once, held within a byte bound
	decoding chan struct{} // a slot per body being decoded (maxConcurrentDecodes)
	// followers are the journal streams of this mock (maxFollowers); follow are their timings.
	followers *followerSlots
	follow    followTimings
}

var _ control.StrictServerInterface = (*controlService)(nil)

// Paging of GET /mock/operations.
const (
	// DefaultListLimit is how many operations a page holds when the request sets no limit.
	DefaultListLimit = 100
	// MaxListLimit is the largest limit a request may set.
	MaxListLimit = 1000
	// MaxListPageBytes bounds the sum of the encoded operations on one page; a page is cut
	// short (with a nextLink) rather than exceed it, and holds at least one operation.
	MaxListPageBytes = 8 << 20
	// MaxOperationContainers bounds the JSON objects and lists in one control-API
	// operation body, counted before it is decoded.
	MaxOperationContainers = 1000
	// MaxOperationValues bounds the JSON values of every kind (scalars and keys too) in
	// one control-API operation body, counted before it is decoded.
	MaxOperationValues = maxOperationValues
	// maxConcurrentDecodes bounds the operation bodies decoded and validated at once.
	maxConcurrentDecodes = 2
	// maxConcurrentLists bounds the pages built at once: each holds up to
	// MaxListPageBytes of operations twice (as states, then encoded).
	maxConcurrentLists = 2
)

// baseURLKey is the context key of the scheme and host a request was sent to.
type baseURLKey struct{}

// withBaseURL records the request's scheme://host for the strict handler, which sees only a
// context: nextLink is absolute, as Azure's list APIs give it.
func withBaseURL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		base := (&url.URL{Scheme: c.Scheme(), Host: req.Host}).String() + pathPrefix(req.Context())
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), baseURLKey{}, base)))
		return next(c)
	}
}

// registerControl mounts the control API under /mock. Bodies must be JSON and are capped
// at maxBody bytes.
func registerControl(r server.EchoRouter, store Store, journal JournalStore, maxBody int64) *controlService {
	if maxBody <= 0 {
		maxBody = server.DefaultMaxBodyBytes
	}
	cs := &controlService{store: store, journal: journal, answers: newLargeAnswers(maxConcurrentLists, maxHeldAnswerBytes),
		decoding: make(chan struct{}, maxConcurrentDecodes), followers: newFollowerSlots(maxFollowers), follow: defaultFollowTimings}
	control.RegisterHandlersWithOptions(crossSiteGuard{r}, control.NewStrictHandler(cs, nil), control.RegisterHandlersOptions{
		OperationMiddlewares: map[string][]echo.MiddlewareFunc{
			"CreateOrReplaceOperation": {requireJSON, server.BufferBody(maxBody), cs.validateBody},
			"LoadFixtures":             {requireFixtureType, server.BufferBody(maxBody)},
			// A page or the journal is built under a slot, which is released before the
			// answer is written: a client that does not read holds no slot.
			"ListOperations": {cs.answers.middleware, withBaseURL},
			"GetJournal":     {cs.answers.middleware},
		},
	})
	return cs
}

// requireJSON answers 415 for bodies that do not say they are JSON: curl -d sends
// application/x-www-form-urlencoded, and decoding that as an empty operation would answer
// a misleading "id: is required".
func requireJSON(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ct := c.Request().Header.Get(echo.HeaderContentType)
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || !strings.EqualFold(mt, "application/json") {
			got := "no Content-Type"
			if ct != "" {
				got = fmt.Sprintf("Content-Type %q", textutil.Truncate(ct, 64))
			}
			return server.NewAPIError(http.StatusUnsupportedMediaType, server.CodeUnsupportedMediaType,
				"The request body must be JSON, sent with Content-Type: application/json (got "+got+"); with curl add -H 'Content-Type: application/json'.", "")
		}
		// Media types are case-insensitive; echo's binder only knows the lower-case spelling.
		c.Request().Header.Set(echo.HeaderContentType, mime.FormatMediaType("application/json", params))
		return next(c)
	}
}

// parsedOperationKey is the context key of the operation validateBody decoded.
type parsedOperationKey struct{}

// validateBody decodes the (buffered, bounded) body strictly, as fixtures are decoded, and
// validates it against the schema before the generated handler binds it: the binder would
// answer the first problem in encoding/json's terms (no index, no field for a bad time),
// and it ignores unknown fields. The operation goes to CreateOrReplaceOperation in the context.
func (cs *controlService) validateBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil {
			return next(c)
		}
		raw, err := io.ReadAll(req.Body) // already in memory (BufferBody), bounded
		if err != nil {
			return err
		}
		// Decoding costs far more memory than the bytes (a 1 MiB list of {} is a third of a
		// million values): count first, without decoding.
		if err := bounded.CheckJSON(req.Context(), "The operation", raw, operationLimits); err != nil {
			return tooLarge(err)
		}
		select { // decoding costs memory per value: a few bodies at a time
		case cs.decoding <- struct{}{}:
			defer func() { <-cs.decoding }()
		case <-req.Context().Done(): // not a failure: 503, not 500
			return server.BusyError("decoding other operations, and the request ended while it waited")
		}
		if err := jsonSyntax(raw); err != nil {
			return server.NewAPIError(http.StatusBadRequest, server.CodeBadRequest, "The request body is not valid JSON: "+err.Error()+".", "")
		}
		op, err := parseOperation(raw)
		if err != nil {
			return invalidOperation(err)
		}
		req.Body = io.NopCloser(bytes.NewReader(raw))
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), parsedOperationKey{}, op)))
		return next(c)
	}
}

// operationLimits bound one control-API operation before it is decoded.
var operationLimits = bounded.Limits{Values: MaxOperationValues, Containers: MaxOperationContainers, Depth: maxNesting}

// tooLarge answers an operation over its limits: 413 naming the limit, or the context's
// error when the client went away while it was counted.
func tooLarge(err error) error {
	var le *bounded.LimitError
	if !errors.As(err, &le) {
		return err
	}
	msg := le.Error() + "; an operation needs far fewer."
	if le.Dimension == bounded.DimDepth {
		msg = le.Error() + "; an operation nests 5 at most."
	}
	return server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge, msg, "")
}

// jsonSyntax returns encoding/json's syntax error for raw, nil when raw is JSON: the body
// is parsed as YAML (of which JSON is a part) to keep lines, and a YAML parser's wording
// would puzzle a JSON client. Decoding into an empty struct skips every value unallocated.
func jsonSyntax(raw []byte) error {
	err := json.Unmarshal(raw, new(struct{}))
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s (at byte %d)", se.Error(), se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), err != nil && err.Error() == "unexpected end of JSON input":
		return errors.New("it ends too early")
	}
	return nil
}

// invalidOperation is the 400 for an operation that is not valid: every problem in the
// message, one after the other, and each as an entry of details with its field as the
// target, so that a program can list them; the first one's field is the target.
func invalidOperation(err error) *server.APIError {
	target := ""
	var fe *FieldError
	if errors.As(err, &fe) {
		target = fe.Field
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ") // errors.Join's lines, one per problem
	e := server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter, sentence("Invalid operation: "+msg), target)
	var many interface{ Unwrap() []error }
	if errors.As(err, &many) {
		var details []types.CommunicationError
		for _, each := range many.Unwrap() {
			if errors.As(each, &fe) {
				field := fe.Field
				details = append(details, types.CommunicationError{Code: server.CodeInvalidParameter, Message: sentence(fe.Reason), Target: &field})
			}
		}
		if len(details) > 1 {
			e.Body.Details = &details
		}
	}
	return e
}

func controlError(e *server.APIError) types.CommunicationErrorResponse {
	return types.CommunicationErrorResponse{Error: e.Body}
}

// ListOperations lists one page of stored operations (see openapi/control.yaml).
func (cs *controlService) ListOperations(ctx context.Context, req control.ListOperationsRequestObject) (control.ListOperationsResponseObject, error) {
	limit := DefaultListLimit
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	if limit < 1 || limit > MaxListLimit {
		e := server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter,
			fmt.Sprintf("The query parameter limit must be between 1 and %d; follow nextLink for more.", MaxListLimit), "limit")
		return control.ListOperationsdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	after := ""
	if req.Params.After != nil {
		after = *req.Params.After
	}
	states, more, err := cs.store.ListPageContext(ctx, after, limit, MaxListPageBytes)
	if err != nil {
		return nil, err
	}
	out := control.ListOperations200JSONResponse{Operations: make([]control.OperationState, len(states))}
	for i, st := range states {
		out.Operations[i] = toControlState(st)
	}
	if more && len(states) > 0 {
		q := url.Values{"limit": {strconv.Itoa(limit)}, "after": {states[len(states)-1].Operation.ID}}
		base, _ := ctx.Value(baseURLKey{}).(string)
		next := base + ControlPathPrefix + "/operations?" + q.Encode()
		out.NextLink = &next
	}
	return out, nil
}

// CreateOrReplaceOperation validates and stores an operation.
func (cs *controlService) CreateOrReplaceOperation(ctx context.Context, req control.CreateOrReplaceOperationRequestObject) (control.CreateOrReplaceOperationResponseObject, error) {
	op, ok := ctx.Value(parsedOperationKey{}).(Operation) // validated by validateBody
	if !ok {
		if req.Body == nil {
			return putError(server.NewAPIError(http.StatusBadRequest, server.CodeBadRequest, "The request body must be a ScriptedOperation.", "")), nil
		}
		op = *req.Body // registered without validateBody (not by this package): validate here
		if err := ValidateOperation(&op); err != nil {
			return putError(invalidOperation(err)), nil
		}
	}
	// Put returns the state it stored, under its lock: a concurrent Put, Delete or Reset
	// cannot make the operation vanish before it is answered.
	var st OperationState
	var err error
	if vp, ok := cs.store.(validatedPutter); ok {
		st, err = vp.putValidContext(ctx, op) // validated above
	} else {
		st, err = cs.store.PutContext(ctx, op)
	}
	if errors.Is(err, ErrOperationTooLarge) {
		limit := "the limit per operation"
		if l, ok := cs.store.(operationBytesLimit); ok {
			limit = fmt.Sprintf("%d bytes, the limit per operation", l.maxOperationBytes())
		}
		return putError(server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge,
			"The operation takes more than "+limit+" (its JSON and what its steps and headers hold in memory); shorten its error messages and details, or use fewer steps and headers.", "")), nil
	}
	if err != nil {
		return nil, err
	}
	return control.CreateOrReplaceOperation201JSONResponse(toControlState(st)), nil
}

func putError(e *server.APIError) control.CreateOrReplaceOperationdefaultJSONResponse {
	return control.CreateOrReplaceOperationdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}
}

// GetOperationState returns one operation's state without counting a poll.
func (cs *controlService) GetOperationState(ctx context.Context, req control.GetOperationStateRequestObject) (control.GetOperationStateResponseObject, error) {
	st, ok, err := cs.store.LookupContext(ctx, req.OperationID)
	if err != nil {
		return nil, err
	}
	if !ok {
		e := server.NotFoundError(req.OperationID)
		return control.GetOperationStatedefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	return control.GetOperationState200JSONResponse(toControlState(st)), nil
}

// DeleteOperation removes an operation.
func (cs *controlService) DeleteOperation(ctx context.Context, req control.DeleteOperationRequestObject) (control.DeleteOperationResponseObject, error) {
	ok, err := cs.store.DeleteContext(ctx, req.OperationID)
	if err != nil {
		return nil, err
	}
	if !ok {
		e := server.NotFoundError(req.OperationID)
		return control.DeleteOperationdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	return control.DeleteOperation204Response{}, nil
}

// Reset restores the start-up operations and clears the journal.
func (cs *controlService) Reset(ctx context.Context, _ control.ResetRequestObject) (control.ResetResponseObject, error) {
	if err := cs.store.ResetContext(ctx); err != nil {
		return nil, err
	}
	if err := cs.journal.ClearJournal(ctx); err != nil {
		return nil, err
	}
	return control.Reset204Response{}, nil
}

// GetJournal returns the recorded requests.
func (cs *controlService) GetJournal(ctx context.Context, req control.GetJournalRequestObject) (control.GetJournalResponseObject, error) {
	if e := checkJournalParams(req.Params); e != nil {
		return control.GetJournaldefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}, nil
	}
	match := journalFilter(req.Params)
	out := journalAnswer{Entries: []control.JournalEntry{}}
	entries, err := cs.journal.JournalEntries(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !match(e) {
			continue
		}
		out.Entries = append(out.Entries, toControlEntry(e))
	}
	return out, nil
}

// journalAnswer is the journal as answered: without encoding/json's HTML escaping, which
// writes each <, > and & of a journaled path as six bytes (a thousand hostile requests grew
// the answer to 23 MB, past what the CLI reads).
type journalAnswer control.Journal

// VisitGetJournalResponse writes the journal as JSON.
func (j journalAnswer) VisitGetJournalResponse(w http.ResponseWriter) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := buf.WriteTo(w)
	return err
}

// checkJournalParams refuses parameters that can match nothing by mistake: an empty
// operation or method, or longer than any id (256 bytes) or method (16), a status that is
// neither an HTTP status nor 0 (a dropped request).
func checkJournalParams(p control.GetJournalParams) *server.APIError {
	bad := func(name, why string) *server.APIError {
		return server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter, "The query parameter "+name+" "+why+".", name)
	}
	switch {
	case p.Operation != nil && *p.Operation == "":
		return bad("operation", "is empty; leave it out to match every request")
	case p.Operation != nil && len(*p.Operation) > types.MaxOperationIDLength:
		return bad("operation", fmt.Sprintf("is longer than an operation id (%d bytes)", types.MaxOperationIDLength))
	case p.Method != nil && *p.Method == "":
		return bad("method", "is empty; leave it out to match every request")
	case p.Method != nil && len(*p.Method) > maxJournaledMethod:
		return bad("method", fmt.Sprintf("is longer than %d bytes", maxJournaledMethod))
	case p.Status != nil && *p.Status != 0 && (*p.Status < 100 || *p.Status > 599):
		return bad("status", "is not an HTTP status (100 to 599), nor 0 for the requests a fault dropped")
	}
	return nil
}

// journalFilter returns whether an entry matches every parameter given.
func journalFilter(p control.GetJournalParams) func(JournalEntry) bool {
	return func(e JournalEntry) bool {
		switch {
		case p.Operation != nil && JournalOperationID(e.Path) != *p.Operation:
			return false
		case p.Method != nil && !strings.EqualFold(e.Method, *p.Method):
			return false
		case p.Status != nil && e.Status != *p.Status:
			return false
		case p.Since != nil && e.Time.Before(*p.Since):
			return false
		}
		return true
	}
}

// JournalOperationID is the operation id a journaled path (decoded, as the journal keeps
// it) addresses, /phoneNumbers/operations/{id}; "" for other paths.
func JournalOperationID(path string) string {
	rest, ok := strings.CutPrefix(path, "/phoneNumbers/operations/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return ""
	}
	return rest
}

// ClearJournal forgets the recorded requests.
func (cs *controlService) ClearJournal(ctx context.Context, _ control.ClearJournalRequestObject) (control.ClearJournalResponseObject, error) {
	if err := cs.journal.ClearJournal(ctx); err != nil {
		return nil, err
	}
	return control.ClearJournal204Response{}, nil
}

func toControlState(st OperationState) control.OperationState {
	out := control.OperationState{Operation: st.Operation, StoredAt: st.StoredAt.UTC(), Polls: st.Polls, Step: st.Step, Current: st.Current}
	if len(st.Faults) > 0 {
		out.Faults = &st.Faults
	}
	if st.ServerFaults > 0 {
		n := st.ServerFaults
		out.ServerFaults = &n
	}
	return out
}

// sentence ends s with a period unless it already ends a sentence ("did you mean ...?").
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}
