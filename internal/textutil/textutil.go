// Package textutil holds the text helpers shared by the server, the mock, the conformance
// engine and the CLI, so that every message, log line and report bounds and quotes
// untrusted text the same way.
package textutil

import (
	"strconv"
	"unicode/utf8"
)

// Truncate returns s if it is at most n bytes long, otherwise its first n bytes (cut back to
// a rune boundary, so the result stays valid UTF-8) followed by "...".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// maxQuotedID bounds an id quoted into a message: enough to recognise it, never a flood.
const maxQuotedID = 64

// QuoteID returns id, truncated and Go-quoted, for use in an error message.
func QuoteID(id string) string {
	return strconv.Quote(Truncate(id, maxQuotedID))
}
