// Package replay turns recorded live traffic into scripted operations, so that the mock
// answers a replayed session as the live service did: `serve --recordings PATH`.
//
// Every recorded 200 answer to GET /phoneNumbers/operations/{id} becomes one timeline step
// of operation id, in the order read (files by name, entries in order): step i is reached
// after i polls and carries the answer's status and the headers the service sent that are
// not derived from the request or the body (MS-CV, X-Azure-Ref, X-Processing-Time,
// api-supported-versions, ...), spelled as recorded. The operation's other values
// (operationType, createdDateTime, resourceLocation, lastActionDateTime) are the first
// answer's; the result URL's api-version follows the request's, as the service's does.
//
// Recorders replace ids with placeholders ("search_sanitized"), so several recordings can
// share an id: their answers are chained into one timeline, in the order a replay of the
// same recordings sends them.
package replay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// MaxSteps bounds the recorded answers one operation replays; later ones are left out (and
// counted): an operation is stored within the mock's bounds (64 KiB, 20,000 values).
const MaxSteps = 100

// Summary says what was loaded and what was left out.
type Summary struct {
	// Operations is how many operations were built.
	Operations int
	// Answers is how many recorded answers became steps.
	Answers int
	// Skipped counts recorded exchanges left out, by reason.
	Skipped map[string]int
}

// String is the summary in one line.
func (s Summary) String() string {
	out := fmt.Sprintf("%d recorded operations, %d answers", s.Operations, s.Answers)
	for reason, n := range s.Skipped {
		out += fmt.Sprintf("; %d %s", n, reason)
	}
	return out
}

// notReplayed are the recorded headers a step does not replay: the framing and connection
// ones are net/http's, Date is the server's clock, and Content-Type and Location follow
// from the body.
var notReplayed = map[string]bool{"Connection": true, "Content-Length": true, "Content-Type": true, "Date": true,
	"Keep-Alive": true, "Location": true, "Transfer-Encoding": true}

// recordedOperation is the part of a recorded body replayed.
type recordedOperation struct {
	ID                 string                    `json:"id"`
	OperationType      string                    `json:"operationType"`
	Status             string                    `json:"status"`
	ResourceLocation   *string                   `json:"resourceLocation"`
	CreatedDateTime    string                    `json:"createdDateTime"`
	LastActionDateTime string                    `json:"lastActionDateTime"`
	Error              *types.CommunicationError `json:"error"`
}

// bodyLimits bound one recorded body decoded here (an operation holds a few dozen values).
var bodyLimits = bounded.Limits{Values: 10_000, Depth: 64}

// Options tunes [Operations]; nil means the defaults.
type Options struct {
	// StatesOnly replays the recorded states without the recorded headers: the server
	// then answers with headers of its own making (to measure them against live's).
	StatesOnly bool
}

// Operations builds the operations of the recorded exchanges exs.
func Operations(exs []conformance.Exchange, opts *Options) ([]mock.Operation, Summary, error) {
	statesOnly := opts != nil && opts.StatesOnly
	sum := Summary{Skipped: map[string]int{}}
	var ops []mock.Operation
	index := map[string]int{} // id -> position in ops
	for i := range exs {
		ex := &exs[i]
		id, reason := operationOf(ex)
		var rec recordedOperation
		if reason == "" {
			if err := bounded.DecodeJSON(context.Background(), "the recorded body", ex.Body, bodyLimits, &rec); err != nil {
				reason = "answers whose body is not an operation"
			}
		}
		if reason != "" {
			sum.Skipped[reason]++
			continue
		}
		at, seen := index[id]
		if !seen {
			op, err := newOperation(id, &rec)
			if err != nil {
				return nil, Summary{}, fmt.Errorf("%s: %w", ex.Source, err)
			}
			at, index[id] = len(ops), len(ops)
			ops = append(ops, op)
		}
		if len(ops[at].Timeline) >= MaxSteps {
			sum.Skipped[fmt.Sprintf("answers beyond %d for one operation", MaxSteps)]++
			continue
		}
		addStep(&ops[at], &rec, ex, !statesOnly)
		sum.Answers++
	}
	sum.Operations = len(ops)
	return ops, sum, nil
}

// operationOf returns the id of a recorded 200 answer to GET an operation, or why the
// exchange is not replayed.
func operationOf(ex *conformance.Exchange) (string, string) {
	if !conformance.IsOperationExchange(ex) || ex.Request.Method != http.MethodGet {
		return "", "exchanges that are not GET /phoneNumbers/operations/{id}"
	}
	if ex.Status != http.StatusOK {
		return "", "answers other than 200 (an unknown id is answered 404 anyway)"
	}
	escaped := strings.TrimPrefix(ex.Request.URL.EscapedPath(), "/phoneNumbers/operations/")
	id, err := url.PathUnescape(escaped)
	if err != nil || id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/?#") || len(id) > types.MaxOperationIDLength {
		return "", "answers for ids the mock cannot store"
	}
	return id, ""
}

// newOperation starts the operation id from its first recorded answer.
func newOperation(id string, rec *recordedOperation) (mock.Operation, error) {
	op := mock.Operation{ID: id, OperationType: types.PhoneNumberOperationType(rec.OperationType),
		ResourceLocation: rec.ResourceLocation, AllowUnknown: true}
	created, err := time.Parse(time.RFC3339Nano, rec.CreatedDateTime)
	if err != nil {
		return mock.Operation{}, fmt.Errorf("operation %q: createdDateTime %q is not a date-time", id, rec.CreatedDateTime)
	}
	op.CreatedDateTime = created
	if last, err := time.Parse(time.RFC3339Nano, rec.LastActionDateTime); err == nil {
		op.LastActionDateTime = &last
	}
	return op, nil
}

// addStep appends the recorded answer as the next step of op.
func addStep(op *mock.Operation, rec *recordedOperation, ex *conformance.Exchange, headers bool) {
	step := mock.Step{Status: types.PhoneNumberOperationStatus(rec.Status), AfterPolls: len(op.Timeline)}
	if headers {
		step.Headers = replayedHeaders(ex)
	}
	if n := len(op.Timeline); n > 0 && op.Timeline[n-1].Error != nil {
		op.Timeline[n-1].Error = nil // only the last step may carry one
	}
	if rec.Error != nil && step.Status == types.PhoneNumberOperationStatusFailed {
		step.Error = rec.Error
	}
	op.Timeline = append(op.Timeline, step)
}

// replayedHeaders returns the recorded headers a step replays, spelled as recorded.
func replayedHeaders(ex *conformance.Exchange) map[string]string {
	out := map[string]string{}
	for canonical, values := range ex.Header {
		if notReplayed[canonical] || len(values) == 0 {
			continue
		}
		name := canonical
		if spelled, ok := ex.HeaderNames[canonical]; ok {
			name = spelled
		}
		out[name] = strings.Join(values, ", ")
	}
	return out
}
