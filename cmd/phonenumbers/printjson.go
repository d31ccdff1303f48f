package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// maxIndentDepth is the deepest JSON the CLI prints indented. Indenting costs the depth of
// every line: a failed operation whose innererror chain is 9,500 levels deep indents to
// ~90 MB (and took 1.49 GB to build), while a real answer nests a handful of levels. Deeper
// JSON is printed compact: all of it, in one line, at a cost linear in its size.
const maxIndentDepth = 32

// maxIndentGrowth bounds how many times its size indenting may make a text (beyond a small
// allowance): even within maxIndentDepth, a list of 500,000 zeros 32 levels deep grew
// 33-fold (1 MB into 33 MB, 265 MB allocated). Such JSON is printed compact.
const maxIndentGrowth = 8

// printJSON writes v as JSON (indented unless deeper than maxIndentDepth), with the
// characters a terminal would execute escaped: it carries the server's text.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeJSON(w, b)
}

// writeJSON writes the JSON text b as printJSON does; b that is not JSON is an error. Its
// cost is linear in len(b): see indentable.
func writeJSON(w io.Writer, b []byte) error {
	var out bytes.Buffer
	if indentable(b) {
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
	} else if err := json.Compact(&out, b); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(textutil.SafeJSON(out.Bytes()))
	return err
}

// indentable reports whether b, indented, stays within maxIndentGrowth times its size (plus
// 64 KiB). json.Indent writes at most 3 lines a value (after an opening bracket, after a
// comma, before a closing one), each with up to 2 bytes of indent a level and a newline,
// and a space after each key's colon; so for b within depth levels and holding values
// values, the indented text is at most len(b) + values×(1 + 3×(2×depth+1)). The depth is
// found by counting with internal/bounded at 4, 8, 16 and 32 levels: each pass allocates
// nothing and is linear.
func indentable(b []byte) bool {
	for depth := 4; depth <= maxIndentDepth; depth *= 2 {
		budget := bounded.NewBudget(bounded.Limits{Depth: depth})
		if budget.JSON(context.Background(), "", b) != nil {
			continue
		}
		_, values := budget.Spent()
		return int64(values)*int64(1+3*(2*depth+1)) <= int64(maxIndentGrowth)*int64(len(b))+64<<10
	}
	return false
}
