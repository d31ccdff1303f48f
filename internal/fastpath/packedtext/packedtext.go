// Package packedtext keeps a few strings as one: their bytes copied into a single string
// with the end offset of each. A value holds one pointer, to memory without pointers, and
// keeps nothing of what the strings were cut from alive. The mock's journal stores its
// records so: the ring of the last 1,000 requests is live heap the garbage collector marks
// on every cycle, and records of separate strings (each pinning its request's lines) were
// a fifth of the server's live heap. Packed, the ring went from 216 to 56 KB and the live
// heap down by ~180 KB (docs/performance.md). TestPackRoundTrips is its equivalence test.
package packedtext

import "strings"

// MaxFields is the most strings one Text holds.
const MaxFields = 16

// MaxBytes is the most bytes one Text holds in all: offsets are 16-bit.
const MaxBytes = 1<<16 - 1

// Text is up to MaxFields strings packed into one. The zero value holds no fields.
type Text struct {
	s    string
	ends [MaxFields]uint16
	n    uint8
}

// Pack copies fields into one Text. It reports false, and packs nothing, when there are
// more than MaxFields fields or more than MaxBytes bytes: callers bound their fields (the
// journal checks its bound at compile time).
func Pack(fields []string) (Text, bool) {
	total := 0
	for _, f := range fields {
		total += len(f)
	}
	if len(fields) > MaxFields || total > MaxBytes {
		return Text{}, false
	}
	var b strings.Builder
	b.Grow(total)
	t := Text{n: uint8(len(fields))}
	for i, f := range fields {
		b.WriteString(f)
		t.ends[i] = uint16(b.Len())
	}
	t.s = b.String()
	return t, true
}

// Len is the number of fields.
func (t *Text) Len() int { return int(t.n) }

// Field returns the i-th string, "" when i is out of range.
func (t *Text) Field(i int) string {
	if i < 0 || i >= int(t.n) {
		return ""
	}
	start := uint16(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.s[start:t.ends[i]]
}
