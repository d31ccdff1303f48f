package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// fixtureMediaTypes are the Content-Types POST /mock/fixtures takes: YAML's spellings,
// and JSON's (a JSON document is YAML).
var fixtureMediaTypes = []string{"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"}

// fixtureParses holds a slot per fixtures document being parsed in the process.
var fixtureParses = make(chan struct{}, 1)

// maxOneOperationBytes is the largest body tried as one operation, to say so when one is
// sent as a fixtures document: an operation is at most DefaultMaxOperationBytes.
const maxOneOperationBytes = DefaultMaxOperationBytes

// requireFixtureType answers 415 for a body that says it is neither YAML nor JSON, and
// gives the generated handler the one type the spec names, so that it passes the body on
// as it is.
func requireFixtureType(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ct := c.Request().Header.Get(echo.HeaderContentType)
		mt, _, err := mime.ParseMediaType(ct)
		ok := err == nil
		if ok {
			ok = false
			for _, t := range fixtureMediaTypes {
				ok = ok || strings.EqualFold(mt, t)
			}
		}
		if !ok {
			got := "no Content-Type"
			if ct != "" {
				got = fmt.Sprintf("Content-Type %q", textutil.Truncate(ct, 64))
			}
			return server.NewAPIError(http.StatusUnsupportedMediaType, server.CodeUnsupportedMediaType,
				"The request body must be a fixtures document, sent with Content-Type: application/yaml (or application/json) (got "+got+"); with curl add -H 'Content-Type: application/yaml' --data-binary @FILE.", "")
		}
		c.Request().Header.Set(echo.HeaderContentType, "application/yaml")
		return next(c)
	}
}

// LoadFixtures stores every operation of a fixtures document (see openapi/control.yaml).
func (cs *controlService) LoadFixtures(ctx context.Context, req control.LoadFixturesRequestObject) (control.LoadFixturesResponseObject, error) {
	if req.Body == nil {
		return fixturesError(server.NewAPIError(http.StatusBadRequest, server.CodeBadRequest, "The request body must be a fixtures document (YAML or JSON).", "")), nil
	}
	raw, err := io.ReadAll(req.Body) // buffered and bounded by BufferBody
	if err != nil {
		return nil, err
	}
	if tokens := bounded.YAMLTokens(raw); tokens > maxFixtureBodyTokens {
		return fixturesError(server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge,
			fmt.Sprintf("The document holds more than %d YAML tokens (words, quotes, tags, anchors, aliases), the limit of a body; send fewer operations at a time, or load a file of many with serve --fixtures.", maxFixtureBodyTokens), "")), nil
	}
	// The YAML parser costs memory per value: one document at a time in the process,
	// whichever mock or resource it is sent to.
	select {
	case fixtureParses <- struct{}{}:
	case <-ctx.Done():
		return nil, server.BusyError("reading other fixtures, and the request ended while it waited")
	}
	file, err := parseFixtureBody("(the request body)", raw)
	if err != nil {
		opErr := errors.New("not tried")
		if len(raw) <= maxOneOperationBytes { // one operation sent where a document of many goes?
			_, opErr = parseOperation(raw)
		}
		<-fixtureParses
		if opErr == nil {
			return fixturesError(server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter,
				"The body is one operation, not a fixtures document: put it in a list under operations: (operations: [...]), or store it alone with POST /mock/operations (phonenumbers mock create).", "")), nil
		}
		return fixturesError(invalidFixtures(err)), nil
	}
	<-fixtureParses
	if len(file.Faults) > 0 {
		return fixturesError(server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter,
			"Top-level faults apply to a whole server and are read at start-up only (serve --fixtures FILE); script faults on each operation instead (its faults field).", "faults")), nil
	}
	if e := cs.checkFits(file.Operations); e != nil {
		return fixturesError(e), nil
	}
	out := control.LoadFixtures201JSONResponse{Operations: make([]control.OperationState, 0, len(file.Operations))}
	for _, op := range file.Operations {
		var st OperationState
		if vp, ok := cs.store.(validatedPutter); ok {
			st, err = vp.putValidContext(ctx, op) // validated by ParseFixtureFile
		} else {
			st, err = cs.store.PutContext(ctx, op)
		}
		if errors.Is(err, ErrOperationTooLarge) {
			return fixturesError(server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge,
				fmt.Sprintf("Operation %s takes more than the store's limit per operation; the operations before it were stored.", textutil.QuoteID(op.ID)), "")), nil // checkFits makes this rare
		}
		if err != nil {
			return nil, err
		}
		out.Operations = append(out.Operations, toControlState(st))
	}
	return out, nil
}

// invalidFixtures is the 400 for a document that is not valid fixtures: every problem,
// each with its line, in the message and in details.
func invalidFixtures(err error) *server.APIError {
	msg := strings.TrimPrefix(err.Error(), "fixtures (the request body): ")
	e := server.NewAPIError(http.StatusBadRequest, server.CodeInvalidParameter, sentence("Invalid fixtures: "+strings.ReplaceAll(msg, "\n  ", "; ")), "")
	var fe *FixturesError
	if errors.As(err, &fe) && len(fe.Problems) > 0 {
		first := fe.Problems[0].Field
		e.Body.Target = &first
		if len(fe.Problems) > 1 {
			details := make([]types.CommunicationError, len(fe.Problems))
			for i, p := range fe.Problems {
				field := p.Field
				details[i] = types.CommunicationError{Code: server.CodeInvalidParameter, Message: sentence(p.located()), Target: &field}
			}
			e.Body.Details = &details
		}
	}
	return e
}

func fixturesError(e *server.APIError) control.LoadFixturesdefaultJSONResponse {
	return control.LoadFixturesdefaultJSONResponse{Body: controlError(e), StatusCode: e.Status}
}

// checkFits refuses, before anything is stored, a document the store could not keep
// whole: more operations than it keeps (storing them would evict the first ones, and
// the start-up set), or one larger than its limit per operation.
func (cs *controlService) checkFits(ops []Operation) *server.APIError {
	if l, ok := cs.store.(operationCountLimit); ok && len(ops) > l.maxOperations() {
		return server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge,
			fmt.Sprintf("The document holds %d operations, more than the store keeps (%d, serve --max-operations); nothing was stored.", len(ops), l.maxOperations()), "")
	}
	l, ok := cs.store.(operationBytesLimit)
	if !ok {
		return nil
	}
	for i := range ops {
		b, err := json.Marshal(&ops[i])
		if size := len(b) + heldOverhead(&ops[i]); err == nil && size > l.maxOperationBytes() {
			return server.NewAPIError(http.StatusRequestEntityTooLarge, server.CodeRequestTooLarge,
				fmt.Sprintf("Operation %s takes %d bytes (its JSON and what its steps and headers hold in memory), more than the %d bytes the store keeps an operation in; nothing was stored.",
					textutil.QuoteID(ops[i].ID), size, l.maxOperationBytes()), "operations")
		}
	}
	return nil
}

// maxFixtureBodyTokens bounds the YAML tokens of a fixtures body, counted before parsing.
// The value estimate counts separators; tokens written back to back or apart by spaces in
// a flow list ("" "" "" ..., ! ! !, *a *a) count as none, and the YAML parser buffers each
// (~550 bytes) while a key may still follow: a 1 MiB body of them took 310 MB. 100,000
// tokens cost ~55 MB, and are some 500 operations with long messages.
const maxFixtureBodyTokens = 100_000
