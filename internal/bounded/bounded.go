// Package bounded is the one path by which this module decodes untrusted JSON and YAML:
// request and control bodies, fixtures, recordings and the bodies inside their strings,
// and the responses read by the client, the CLI and the conformance checker.
//
// Decoding allocates per value (a 1 MiB list of {} becomes a third of a million maps; a
// YAML parser builds a node of a few hundred bytes for each value), so the limits are
// checked first, in one pass over the bytes that allocates nothing: bytes, values of every
// kind (scalars and keys as well as objects and lists), nesting depth, and time (the
// context is watched while scanning). A [Budget] spreads one set of limits over several
// pieces of one input, such as a recording file and the response bodies in its strings,
// which a count of the file alone would miss.
//
// Only the standard library is used: pkg/client imports this package.
package bounded

import (
	"context"
	"encoding/json"
	"fmt"
)

// Limits bound one untrusted input. A zero field means no bound in that dimension.
type Limits struct {
	// Bytes bounds the input's size.
	Bytes int64
	// Values bounds the values of every kind: objects, lists, keys, strings, numbers,
	// true, false and null.
	Values int
	// Containers bounds the objects and lists alone, which cost most to decode (a map or
	// a struct each); JSON only.
	Containers int
	// Depth bounds how deep objects and lists nest; JSON only.
	Depth int
}

// Dimension names what a limit counts.
type Dimension string

// The dimensions a [LimitError] reports.
const (
	DimBytes  Dimension = "bytes"
	DimValues Dimension = "values"
	DimDepth  Dimension = "depth"
	// DimContainers is the count of objects and lists.
	DimContainers Dimension = "containers"
)

// LimitError reports an input over one of its limits. Nothing of the input is in it.
type LimitError struct {
	// Input names what was read ("the request body", "recording a.json").
	Input string
	// Dimension is the limit exceeded.
	Dimension Dimension
	// Limit is the bound that was exceeded.
	Limit int64
}

// Error says which limit the input exceeds, in words.
func (e *LimitError) Error() string {
	what := e.Input
	if what == "" {
		what = "the input"
	}
	switch e.Dimension {
	case DimBytes:
		return fmt.Sprintf("%s is larger than %d bytes, the limit", what, e.Limit)
	case DimDepth:
		return fmt.Sprintf("%s nests deeper than %d levels, the limit", what, e.Limit)
	case DimContainers:
		return fmt.Sprintf("%s holds more than %d objects and lists, the limit", what, e.Limit)
	}
	return fmt.Sprintf("%s holds more than %d values (keys, strings, numbers, objects, lists), the limit", what, e.Limit)
}

// Budget is one set of [Limits] spent over several pieces of one input: each check
// charges what it counted, and fails once the total exceeds a limit. Depth applies to each
// piece. A Budget is not safe for concurrent use.
type Budget struct {
	limits     Limits
	bytes      int64
	values     int
	containers int
}

// NewBudget returns a budget of l.
func NewBudget(l Limits) *Budget { return &Budget{limits: l} }

// Spent returns the bytes and values charged so far.
func (b *Budget) Spent() (bytes int64, values int) { return b.bytes, b.values }

// chargeBytes adds n bytes, failing beyond the limit.
func (b *Budget) chargeBytes(input string, n int) error {
	b.bytes += int64(n)
	if b.limits.Bytes > 0 && b.bytes > b.limits.Bytes {
		return &LimitError{Input: input, Dimension: DimBytes, Limit: b.limits.Bytes}
	}
	return nil
}

// left is how many more of a bound's count may be spent; -1 means no bound.
func left(limit, spent int) int {
	if limit <= 0 {
		return -1
	}
	return limit - spent
}

// JSON checks data, a JSON text, against the budget and charges it. It counts exactly the
// values of valid JSON (and at least one per token of anything else), stops at the first
// limit exceeded, and watches ctx while scanning. The error is a *[LimitError] or ctx's.
func (b *Budget) JSON(ctx context.Context, input string, data []byte) error {
	if err := b.chargeBytes(input, len(data)); err != nil {
		return err
	}
	s := scan{data: data, maxDepth: b.limits.Depth,
		maxValues: left(b.limits.Values, b.values), maxContainers: left(b.limits.Containers, b.containers)}
	err := s.run(ctx)
	b.values += s.values
	b.containers += s.containers
	switch err {
	case errTooMany:
		return &LimitError{Input: input, Dimension: DimValues, Limit: int64(b.limits.Values)}
	case errTooManyContainers:
		return &LimitError{Input: input, Dimension: DimContainers, Limit: int64(b.limits.Containers)}
	case errTooDeep:
		return &LimitError{Input: input, Dimension: DimDepth, Limit: int64(b.limits.Depth)}
	}
	return err
}

// CheckJSON checks data against l: [Budget.JSON] on a budget of its own.
func CheckJSON(ctx context.Context, input string, data []byte, l Limits) error {
	return NewBudget(l).JSON(ctx, input, data)
}

// DecodeJSON checks data against l, then decodes it into v with encoding/json: the
// module's one way to decode JSON it did not write.
func DecodeJSON(ctx context.Context, input string, data []byte, l Limits, v any) error {
	if err := CheckJSON(ctx, input, data, l); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
