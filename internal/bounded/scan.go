package bounded

import (
	"bytes"
	"context"
	"errors"
)

var (
	errTooMany = errors.New("too many values")
	errTooDeep = errors.New("too deep")

	errTooManyContainers = errors.New("too many containers")
)

// ctxEvery is how many bytes are scanned between looks at the context: often enough to
// stop a 64 MiB scan within milliseconds, rarely enough to cost nothing.
const ctxEvery = 1 << 20

// scan counts the values and tracks the depth of a JSON text in one pass, allocating
// nothing. Outside strings, a value starts at '{', '[', '"' or the first byte of a bare
// token (number, true, false, null); keys are strings and count too.
type scan struct {
	data          []byte
	maxValues     int // -1: no bound
	maxContainers int // -1: no bound
	maxDepth      int // 0: no bound
	values        int
	containers    int
	depth         int
}

func (s *scan) run(ctx context.Context) error {
	data, inToken := s.data, false
	next := ctxEvery // the offset at which to look at the context next
	for i := 0; i < len(data); i++ {
		if i >= next {
			if err := ctx.Err(); err != nil {
				return err
			}
			next = i + ctxEvery
		}
		switch c := data[i]; c {
		case '"':
			inToken = false
			if err := s.count(); err != nil {
				return err
			}
			i = stringEnd(data, i+1)
		case '{', '[':
			inToken = false
			if err := s.open(); err != nil {
				return err
			}
		case '}', ']':
			inToken = false
			if s.depth > 0 {
				s.depth--
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			inToken = false
		default:
			if !inToken {
				inToken = true
				if err := s.count(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// stringEnd returns the offset of the quote that closes the string whose text starts at
// i (len(data) when none does), skipping escapes.
func stringEnd(data []byte, i int) int {
	for {
		j := bytes.IndexAny(data[i:], `"\`)
		if j < 0 {
			return len(data)
		}
		if i += j; data[i] == '"' {
			return i
		}
		i += 2 // a backslash and the byte it escapes
		if i >= len(data) {
			return len(data)
		}
	}
}

// open counts an object or a list and enters it.
func (s *scan) open() error {
	if err := s.count(); err != nil {
		return err
	}
	if s.containers++; s.maxContainers >= 0 && s.containers > s.maxContainers {
		return errTooManyContainers
	}
	if s.depth++; s.maxDepth > 0 && s.depth > s.maxDepth {
		return errTooDeep
	}
	return nil
}

// count adds a value, failing beyond the bound.
func (s *scan) count() error {
	s.values++
	if s.maxValues >= 0 && s.values > s.maxValues {
		return errTooMany
	}
	return nil
}
