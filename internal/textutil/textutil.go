// Package textutil holds the text helpers shared by the server, the mock, the conformance
// engine and the CLI, so that every message, log line and report bounds and quotes
// untrusted text the same way.
package textutil

import (
	"fmt"
	"strconv"
	"strings"
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

// Printable returns s with every control character (C0, DEL, C1) and every Unicode
// bidirectional override escaped as \x.. or \u...., and invalid UTF-8 replaced, so that text
// from a server can be printed on a terminal without moving the cursor, retitling the
// window, clearing the screen or hiding a link (ESC [2J, OSC 0 and OSC 8 sequences).
// Tabs are kept; newlines are kept only when keepNewlines is set.
func Printable(s string, keepNewlines bool) string {
	if isPrintable(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\t', r == '\n' && keepNewlines:
			b.WriteRune(r)
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPrintable(s string, keepNewlines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if needsEscape(r) && r != '\t' && !(r == '\n' && keepNewlines) {
			return false
		}
	}
	return true
}

// needsEscape reports control characters and the bidirectional formatting characters
// that can make printed text read differently from what it is.
func needsEscape(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// SafeJSON returns JSON text with the characters Printable escapes (DEL, C1 controls,
// bidirectional overrides) written as \u escapes, which encoding/json leaves raw. The JSON
// means the same; a terminal showing it executes nothing. C0 controls are escaped by any
// JSON encoder already and cannot appear raw in valid JSON.
func SafeJSON(b []byte) []byte {
	if isPrintable(string(b), true) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for _, r := range string(b) {
		if r >= 0x20 && needsEscape(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// Suggest returns the candidate got most likely misspells: one equal to it but for case,
// else the closest within an edit distance of 2 (and less than half its length), else "".
func Suggest(got string, candidates []string) string {
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
		if d := EditDistance(lower, strings.ToLower(c)); d < bestD && 2*d < len(c) {
			best, bestD = c, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, in bytes.
func EditDistance(a, b string) int {
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
