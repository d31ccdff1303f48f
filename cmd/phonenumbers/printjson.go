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

// printJSON writes v as JSON (indented unless deeper than maxIndentDepth), with the
// characters a terminal would execute escaped: it carries the server's text.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeJSON(w, b)
}

// writeJSON writes the JSON text b as printJSON does; b that is not JSON is an error.
func writeJSON(w io.Writer, b []byte) error {
	var out bytes.Buffer
	if bounded.CheckJSON(context.Background(), "", b, bounded.Limits{Depth: maxIndentDepth}) == nil {
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
