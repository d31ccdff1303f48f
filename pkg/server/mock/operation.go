package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Operation is a scripted operation: the fixed part the service reports about it and a
// timeline of statuses it goes through. It is the generated model of openapi/control.yaml's
// ScriptedOperation, the schema of a fixtures entry and of the control API's bodies, so the
// three cannot drift; [ValidateOperation] checks one against that schema.
//
// The status served at any moment is computed from the timeline when the operation is
// read; nothing runs in the background.
type Operation = control.ScriptedOperation

// Step is one point of an operation's timeline (control.yaml's TimelineStep). A step is
// reached when the time since the operation was stored is at least After, or when at least
// AfterPolls earlier reads of the operation have been answered; a step with neither is
// reached at once. The status served is that of the last step reached, so non-monotonic
// sequences such as running -> notStarted -> succeeded are expressed simply by listing them.
type Step = control.TimelineStep

// Duration is a time.Duration that reads and writes as a Go duration string ("1.5s", "2m").
type Duration = control.Duration

// unknownValue says that got is not among allowed, what is, what was probably meant, and,
// for the extensible enums (operationType, status), how to serve it anyway.
func unknownValue[T ~string](got string, allowed []T, extensible bool) string {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	msg := fmt.Sprintf("%q is not one of %s", textutil.Truncate(got, 64), strings.Join(names, ", "))
	if s := textutil.Suggest(got, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	if !extensible {
		return msg
	}
	return msg + " (set allowUnknown: true on the operation to serve an unlisted value on purpose)"
}

// FieldError names the field of an operation that is invalid.
type FieldError struct {
	// OperationID is the id of the offending operation ("" when the id itself is missing).
	OperationID string
	// Index is the operation's position in its list, or -1 when unknown.
	Index int
	// Field is a path such as "timeline[2].afterPolls".
	Field string
	// Reason says what is wrong.
	Reason string
	// Line is the field's line in the document it was read from, 0 when unknown.
	Line int

	dupOf int // for a duplicate id: the index of the operation it duplicates
}

// Error formats the error so that it names the operation and the field.
func (e *FieldError) Error() string {
	who := fmt.Sprintf("operation %q", e.OperationID)
	switch {
	case e.Index == ruleIndex:
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	case e.OperationID == "" && e.Index >= 0:
		who = fmt.Sprintf("operation #%d", e.Index+1)
	case e.OperationID == "":
		who = "the operation"
	}
	return fmt.Sprintf("%s: %s: %s", who, e.Field, e.Reason)
}

// located is Error with the line first, when known.
func (e *FieldError) located() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Error())
	}
	return e.Error()
}

// ValidateOperation checks op against control.yaml's ScriptedOperation schema (types,
// required fields, enums, formats, bounds, unknown fields) and then the rules a schema
// cannot state (step order, which step may carry an error). The error joins a *FieldError
// per problem, at most 20.
func ValidateOperation(op *Operation) error {
	fes, err := validateOperation(op, -1)
	if err != nil {
		return err
	}
	return joinFieldErrors(fes)
}

// validateOperation is ValidateOperation for the operation at index of a list.
func validateOperation(op *Operation, index int) ([]*FieldError, error) {
	value, err := genericJSON(op)
	if err != nil {
		return nil, err
	}
	schema, err := schemaOrError()
	if err != nil {
		return nil, err
	}
	_, fes := validateValue(schema, value, op.ID, index, nil, nil)
	return fes, nil
}

// validateValue checks an operation, as generic JSON values, against the schema, and what
// the schema admits against the rules: the values the schema refused are set aside, the
// rest is decoded and checked, so that one round of fixes settles every problem. It returns
// the operation decoded from the admitted values and every problem, with its line from
// locate (nil for operations built in Go). unknown are the undeclared keys the reader
// already set aside.
func validateValue(schema *openapi3.Schema, value any, id string, index int, unknown []problem, locate func([]string) int) (Operation, []*FieldError) {
	ps := dedupe(append(unknown, checkSchema(schema, value)...))
	fes := problemsToFieldErrors(ps, id, index, locate)
	for _, p := range ps {
		prune(value, p.pointer)
	}
	var op Operation
	raw, err := json.Marshal(value)
	if err == nil {
		err = json.Unmarshal(raw, &op)
	}
	if err != nil {
		if len(fes) == 0 { // the schema admitted what the generated type cannot hold: say so
			fes = append(fes, &FieldError{OperationID: textutil.Truncate(id, 300), Index: index, Field: "operation",
				Reason: textutil.Truncate(strings.TrimPrefix(err.Error(), "json: "), 200), Line: lineOf(locate, nil)})
		}
		return Operation{}, fes
	}
	for _, f := range checkRules(&op, index) {
		if !coveredBy(f.Field, fes) {
			f.Line = lineOf(locate, fieldPointer(f.Field))
			fes = append(fes, f)
		}
	}
	return op, fes
}

// dedupe keeps the first problem at each pointer: a value the reader set aside (a list
// where a string belongs) is also missing or null to kin-openapi.
func dedupe(ps []problem) []problem {
	seen := make(map[string]bool, len(ps))
	out := ps[:0:0]
	for _, p := range ps {
		key := strings.Join(p.pointer, "/")
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out
}

// prune removes the value at pointer from value: a key from its object, an item from its
// list (as null, so that the indices of the others stay).
func prune(value any, pointer []string) {
	if len(pointer) == 0 {
		return
	}
	parent := value
	for _, tok := range pointer[:len(pointer)-1] {
		switch v := parent.(type) {
		case map[string]any:
			parent = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return
			}
			parent = v[i]
		default:
			return
		}
	}
	last := pointer[len(pointer)-1]
	switch v := parent.(type) {
	case map[string]any:
		delete(v, last)
	case []any:
		if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(v) {
			v[i] = nil
		}
	}
}

// coveredBy reports whether a rule's verdict would rest on a value the schema refused: the
// rule's own field or one holding it (timeline, timeline[0], timeline[0].error…), a field
// under it, or its step's status. A problem elsewhere in the step (its after, say) does
// not hide the rule: one round of fixes settles both. Fields are compared token by token
// ("t" does not cover "timeline[0]").
func coveredBy(field string, fes []*FieldError) bool {
	rule := fieldPointer(field)
	var status []string
	if len(rule) >= 2 && rule[0] == "timeline" {
		status = []string{rule[0], rule[1], "status"}
	}
	for _, fe := range fes {
		p := fieldPointer(fe.Field)
		if tokenPrefix(p, rule) || tokenPrefix(rule, p) || (status != nil && slices.Equal(p, status)) {
			return true
		}
	}
	return false
}

// tokenPrefix reports whether p is a prefix of q, token by token.
func tokenPrefix(p, q []string) bool {
	return len(p) <= len(q) && slices.Equal(p, q[:len(p)])
}

// genericJSON returns v as the generic values kin-openapi validates.
func genericJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// problemsToFieldErrors names the operation and the field of each problem (at most
// maxProblems), and its line from locate when the operation was read from a document.
func problemsToFieldErrors(ps []problem, id string, index int, locate func([]string) int) []*FieldError {
	out := make([]*FieldError, 0, min(len(ps), maxProblems))
	for _, p := range ps {
		if len(out) == maxProblems {
			break
		}
		out = append(out, &FieldError{OperationID: textutil.Truncate(id, 300), Index: index,
			Field: pointerField(p.pointer), Reason: p.reason, Line: lineOf(locate, p.pointer)})
	}
	return out
}

// lineOf is locate(pointer), 0 without a locator.
func lineOf(locate func([]string) int, pointer []string) int {
	if locate == nil {
		return 0
	}
	return locate(pointer)
}

// joinFieldErrors returns nil, the one error, or all of them joined (errors.As finds the first).
func joinFieldErrors(fes []*FieldError) error {
	switch len(fes) {
	case 0:
		return nil
	case 1:
		return fes[0]
	}
	errs := make([]error, len(fes))
	for i, fe := range fes {
		errs[i] = fe
	}
	return errors.Join(errs...)
}

// checkRules checks what the schema cannot say, on an operation that conforms to it.
func checkRules(o *Operation, index int) []*FieldError {
	var out []*FieldError
	fe := func(field, reason string) {
		out = append(out, &FieldError{OperationID: textutil.Truncate(o.ID, 300), Index: index, Field: field, Reason: reason})
	}
	switch {
	case strings.TrimSpace(o.ID) == "":
		fe("id", "is required")
	case len(o.ID) > types.MaxOperationIDLength:
		fe("id", fmt.Sprintf("is %d bytes, at most %d allowed", len(o.ID), types.MaxOperationIDLength))
	case strings.ContainsAny(o.ID, "/?#"):
		fe("id", "must not contain '/', '?' or '#'")
	case o.ID == "." || o.ID == "..":
		fe("id", "must not be . or .. (a URL would resolve it as a path segment)")
	}
	var lastAfter Duration
	lastPolls := 0
	for i, s := range o.Timeline {
		field := fmt.Sprintf("timeline[%d]", i)
		switch {
		case s.After != 0 && s.AfterPolls != 0:
			fe(field, "set after or afterPolls, not both")
		case s.After != 0 && s.After < lastAfter:
			fe(field+".after", "must not be earlier than a previous step's")
		case s.AfterPolls != 0 && s.AfterPolls < lastPolls:
			fe(field+".afterPolls", "must not be smaller than a previous step's")
		case s.Error != nil && (i != len(o.Timeline)-1 || s.Status != types.PhoneNumberOperationStatusFailed):
			fe(field+".error", fmt.Sprintf("only the last step, and only with status %q, may carry an error; this is step %d of %d, with status %q",
				types.PhoneNumberOperationStatusFailed, i+1, len(o.Timeline), s.Status))
		case s.Error != nil && (s.Error.Code == "" || s.Error.Message == ""):
			fe(field+".error", "needs a code and a message")
		case s.Error == nil && s.Status == types.PhoneNumberOperationStatusFailed && i == len(o.Timeline)-1:
			fe(field+".error", "is required on a final failed step, as the live service always sends one; e.g. error: {code: InternalError, message: The operation failed.}")
		}
		for _, name := range sortedHeaderNames(s.Headers) {
			if reason := headerProblem(name, s.Headers[name]); reason != "" {
				fe(field+".headers."+textutil.Truncate(name, 64), reason)
			}
		}
		if s.After != 0 {
			lastAfter = s.After
		}
		if s.AfterPolls != 0 {
			lastPolls = s.AfterPolls
		}
	}
	for i := range o.Faults {
		problems := faultProblems(&o.Faults[i], false)
		for _, field := range sortedKeys(problems) {
			fe(fmt.Sprintf("faults[%d].%s", i, field), problems[field])
		}
	}
	return out
}

// stepAt returns the index of o's last step reached after elapsed time and polls earlier reads.
func stepAt(o *Operation, elapsed time.Duration, polls int) int {
	current := 0
	for i, s := range o.Timeline {
		timeReached := s.After != 0 && elapsed >= time.Duration(s.After)
		pollsReached := s.AfterPolls != 0 && polls >= s.AfterPolls
		immediate := s.After == 0 && s.AfterPolls == 0
		if timeReached || pollsReached || immediate {
			current = i
		}
	}
	return current
}

// cloneOperation returns a deep copy, so stored operations never share memory with callers.
func cloneOperation(o *Operation) Operation {
	c := *o
	if o.ResourceLocation != nil {
		v := *o.ResourceLocation
		c.ResourceLocation = &v
	}
	if o.LastActionDateTime != nil {
		v := *o.LastActionDateTime
		c.LastActionDateTime = &v
	}
	c.Timeline = append([]Step(nil), o.Timeline...)
	for i := range c.Timeline {
		c.Timeline[i].Error = cloneError(c.Timeline[i].Error)
	}
	return c
}

func cloneError(e *types.CommunicationError) *types.CommunicationError {
	if e == nil {
		return nil
	}
	c := *e
	if e.Target != nil {
		v := *e.Target
		c.Target = &v
	}
	c.Innererror = cloneError(e.Innererror)
	if e.Details != nil {
		d := make([]types.CommunicationError, len(*e.Details))
		for i := range *e.Details {
			d[i] = *cloneError(&(*e.Details)[i])
		}
		c.Details = &d
	}
	return &c
}
