package bounded

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzJSON: for valid JSON, the scan counts exactly the values, the objects and lists and
// the depth that a decoder's tokens show, and a limit refuses exactly what exceeds it; for
// any bytes, it never panics and never counts fewer values than the bytes' tokens.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[1,"a",true,null,{"k":[-1.5e3]}]`, `"\\\""`, `{"a":{"b":{"c":[]}}}`, `[1 1]`, `{"s":"{[,:"}`, "[\"\\u00e9\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewBudget(Limits{})
		if err := b.JSON(context.Background(), "x", data); err != nil {
			t.Fatalf("no limits, yet %v", err)
		}
		_, values := b.Spent()
		if !json.Valid(data) {
			return
		}
		want, containers, depth := tokens(t, data)
		if values != want || b.containers != containers {
			t.Fatalf("%q: counted %d values, %d containers; the decoder sees %d, %d", data, values, b.containers, want, containers)
		}
		var le *LimitError
		if err := CheckJSON(context.Background(), "x", data, Limits{Values: want}); err != nil {
			t.Fatalf("exactly at the value limit: %v", err)
		}
		if err := CheckJSON(context.Background(), "x", data, Limits{Values: want - 1}); want > 1 && !errors.As(err, &le) {
			t.Fatalf("one over the value limit: %v", err)
		}
		if depth > 0 {
			if err := CheckJSON(context.Background(), "x", data, Limits{Depth: depth}); err != nil {
				t.Fatalf("exactly at the depth limit %d: %v", depth, err)
			}
			if err := CheckJSON(context.Background(), "x", data, Limits{Depth: depth - 1}); depth > 1 && !errors.As(err, &le) {
				t.Fatalf("one over the depth limit: %v", err)
			}
		}
	})
}

// tokens counts valid JSON's values, objects and lists, and depth with encoding/json.
func tokens(t *testing.T, data []byte) (values, containers, maxDepth int) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return values, containers, maxDepth
		}
		if err != nil {
			t.Fatalf("valid JSON, yet %v", err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			values++
			containers++
			depth++
			maxDepth = max(maxDepth, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		default:
			values++
		}
	}
}
