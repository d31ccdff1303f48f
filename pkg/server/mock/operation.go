package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Operation is a scripted operation: the fixed part the service reports about it and a
// timeline of statuses it goes through. It is also the schema of a fixtures file entry.
//
// The status served at any moment is computed from the timeline when the operation is
// read; nothing runs in the background.
type Operation struct {
	// ID is the operation id (required, at most [server.MaxOperationIDLength] bytes).
	ID string `json:"id"`
	// OperationType is one of [OperationTypes] (required). Other values, and other
	// spellings, are refused as typos unless AllowUnknown is set.
	OperationType types.PhoneNumberOperationType `json:"operationType"`
	// CreatedDateTime is reported as is. Zero means "the time the operation was stored".
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
	// ResourceLocation is the URL of the operation's result, relative and carrying
	// ?api-version=, as the live service sends it. Nil is served as JSON null and
	// suppresses the Location header.
	ResourceLocation *string `json:"resourceLocation,omitempty"`
	// LastActionDateTime, when set, is reported as is. Otherwise the store's
	// LastActionMode decides.
	LastActionDateTime *time.Time `json:"lastActionDateTime,omitempty"`
	// AllowUnknown serves operationType and status values 2022-12-01 does not list, on
	// purpose: the enums are extensible (the live service later added operationType
	// reservationPurchase) and clients must cope. Without it such values are refused as
	// typos, with a suggestion.
	AllowUnknown bool `json:"allowUnknown,omitempty"`
	// Timeline lists the statuses the operation goes through (at least one step).
	Timeline []Step `json:"timeline"`
}

// Step is one point of an operation's timeline. A step is reached when the time since the
// operation was stored is at least After, or when at least AfterPolls earlier reads of the
// operation have been answered; a step with neither is reached at once. The status served
// is that of the last step reached, so non-monotonic sequences such as
// running -> notStarted -> succeeded are expressed simply by listing them.
type Step struct {
	// Status is the status served while this step is the latest reached (required): one of
	// [Statuses], or any value when the operation sets AllowUnknown.
	Status types.PhoneNumberOperationStatus `json:"status"`
	// After is the time since the operation was stored at which the step is reached.
	After Duration `json:"after,omitempty"`
	// AfterPolls is the number of earlier reads after which the step is reached.
	AfterPolls int `json:"afterPolls,omitempty"`
	// Error is reported while this step is current; only the last step may carry one, and
	// only with status failed.
	Error *types.CommunicationError `json:"error,omitempty"`
}

// Duration is a time.Duration that reads and writes as a Go duration string ("1.5s", "2m").
type Duration time.Duration

// String formats the duration like time.Duration ("1.5s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "1.5s" or "250ms".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`want a duration string such as "1.5s" or "2m"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration string such as \"1.5s\" or \"2m\", got %q", s)
	}
	*d = Duration(v)
	return nil
}

// OperationTypes are the operationType values api-version 2022-12-01 lists.
var OperationTypes = []types.PhoneNumberOperationType{
	types.PhoneNumberOperationTypePurchase, types.PhoneNumberOperationTypeReleasePhoneNumber,
	types.PhoneNumberOperationTypeSearch, types.PhoneNumberOperationTypeUpdatePhoneNumberCapabilities,
}

// Statuses are the status values api-version 2022-12-01 lists.
var Statuses = []types.PhoneNumberOperationStatus{
	types.PhoneNumberOperationStatusNotStarted, types.PhoneNumberOperationStatusRunning,
	types.PhoneNumberOperationStatusSucceeded, types.PhoneNumberOperationStatusFailed,
}

// unknownValue says that got is not among allowed, what is, what was probably meant, and
// how to serve it anyway.
func unknownValue[T ~string](got string, allowed []T) string {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	msg := fmt.Sprintf("%q is not one of %s", textutil.Truncate(got, 64), strings.Join(names, ", "))
	if s := suggest(got, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg + " (set allowUnknown: true on the operation to serve an unlisted value on purpose)"
}

// suggest returns the candidate got most likely misspells: one equal to it but for case,
// else the closest within an edit distance of 2 (and less than half its length), else "".
func suggest(got string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(got, c) {
			return c
		}
	}
	if len(got) > 64 { // long values are not typos; do not spend time on them
		return ""
	}
	best, bestD := "", 3
	lower := strings.ToLower(got)
	for _, c := range candidates {
		if d := editDistance(lower, strings.ToLower(c)); d < bestD && 2*d < len(c) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
}

// Error formats the error so that it names the operation and the field.
func (e *FieldError) Error() string {
	who := fmt.Sprintf("operation %q", e.OperationID)
	if e.OperationID == "" && e.Index >= 0 {
		who = fmt.Sprintf("operation #%d", e.Index+1)
	}
	return fmt.Sprintf("%s: %s: %s", who, e.Field, e.Reason)
}

// Validate checks the operation and returns a *FieldError for the first problem found.
func (o *Operation) Validate() error {
	fe := func(field, reason string) error {
		return &FieldError{OperationID: o.ID, Index: -1, Field: field, Reason: reason}
	}
	switch {
	case strings.TrimSpace(o.ID) == "":
		return fe("id", "is required")
	case len(o.ID) > server.MaxOperationIDLength:
		return fe("id", fmt.Sprintf("is %d bytes, at most %d allowed", len(o.ID), server.MaxOperationIDLength))
	case strings.ContainsAny(o.ID, "/?#"):
		return fe("id", "must not contain '/', '?' or '#'")
	case o.OperationType == "":
		return fe("operationType", "is required (e.g. search, purchase, releasePhoneNumber, updatePhoneNumberCapabilities)")
	case !o.AllowUnknown && !slices.Contains(OperationTypes, o.OperationType):
		return fe("operationType", unknownValue(string(o.OperationType), OperationTypes))
	case len(o.Timeline) == 0:
		return fe("timeline", "needs at least one step")
	}
	var lastAfter Duration
	lastPolls := 0
	for i, s := range o.Timeline {
		field := fmt.Sprintf("timeline[%d]", i)
		switch {
		case s.Status == "":
			return fe(field+".status", "is required (notStarted, running, succeeded or failed)")
		case !o.AllowUnknown && !slices.Contains(Statuses, s.Status):
			return fe(field+".status", unknownValue(string(s.Status), Statuses))
		case s.After < 0:
			return fe(field+".after", "must not be negative")
		case s.AfterPolls < 0:
			return fe(field+".afterPolls", "must not be negative")
		case s.After != 0 && s.AfterPolls != 0:
			return fe(field, "set after or afterPolls, not both")
		case s.After != 0 && s.After < lastAfter:
			return fe(field+".after", "must not be earlier than a previous step's")
		case s.AfterPolls != 0 && s.AfterPolls < lastPolls:
			return fe(field+".afterPolls", "must not be smaller than a previous step's")
		case s.Error != nil && i != len(o.Timeline)-1:
			return fe(field+".error", "only the last step may carry an error")
		case s.Error != nil && s.Status != types.PhoneNumberOperationStatusFailed:
			return fe(field+".error", fmt.Sprintf("only a step with status %q may carry an error, this one is %q", types.PhoneNumberOperationStatusFailed, s.Status))
		case s.Error != nil && (s.Error.Code == "" || s.Error.Message == ""):
			return fe(field+".error", "needs a code and a message")
		}
		if s.After != 0 {
			lastAfter = s.After
		}
		if s.AfterPolls != 0 {
			lastPolls = s.AfterPolls
		}
	}
	return nil
}

// stepAt returns the index of the last step reached after elapsed time and polls earlier reads.
func (o *Operation) stepAt(elapsed time.Duration, polls int) int {
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

// clone returns a deep copy, so stored operations never share memory with callers.
func (o *Operation) clone() Operation {
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
