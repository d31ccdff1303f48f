package bounded

import "context"

// YAML checks data, a YAML (or JSON) text, against the budget's bytes and values before it
// is parsed, and charges it. Counting YAML values exactly would take a parser, so the count
// is an upper bound, loose for ordinary documents and never below the truth: a line (YAML
// breaks lines on LF, CR, NEL, LS and PS), an item after ',' or a bracket, or a node after
// an indicator ("- ", "? ", ": ", which pack nested nodes on one line) holds at most a key
// and a value, so twice their number bounds the values (a UTF-8 continuation byte counted
// as a break only loosens the bound).
//
// Depth is not estimated: indentation and indicators inside quoted text would make any
// byte-level estimate refuse valid documents. The parser bounds its own recursion, and
// callers check the depth of the parsed tree. The error is a *[LimitError] or ctx's.
func (b *Budget) YAML(ctx context.Context, input string, data []byte) error {
	if err := b.chargeBytes(input, len(data)); err != nil {
		return err
	}
	n, err := estimateYAMLValues(ctx, data)
	if err != nil {
		return err
	}
	b.values += n
	if b.limits.Values > 0 && b.values > b.limits.Values {
		return &LimitError{Input: input, Dimension: DimValues, Limit: int64(b.limits.Values)}
	}
	return nil
}

// CheckYAML checks data against l: [Budget.YAML] on a budget of its own.
func CheckYAML(ctx context.Context, input string, data []byte, l Limits) error {
	return NewBudget(l).YAML(ctx, input, data)
}

// estimateYAMLValues bounds from above the values of a YAML text in one pass.
func estimateYAMLValues(ctx context.Context, data []byte) (int, error) {
	pieces := 1
	for i, c := range data {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		switch c {
		case '\n', '\r', ',', '[', '{', 0x85, 0xA8, 0xA9:
			pieces++
		case '-', '?', ':':
			if i+1 < len(data) && (data[i+1] == ' ' || data[i+1] == '\t') {
				pieces++
			}
		}
	}
	return 2 * pieces, nil
}

// YAMLTokens counts, from above, the tokens a YAML parser may make of data: every run of
// characters after white space, and every quote, tag, anchor, alias and flow indicator.
// The value estimate ([CheckYAML]) counts separators, which tokens written back to back or
// apart by spaces in a flow list ("" "" "", ! ! !, *a *a) escape, while the parser buffers
// each; a bound on untrusted YAML counts both.
func YAMLTokens(data []byte) int {
	n := 0
	inWord := false
	for _, c := range data {
		switch c {
		case ' ', '\t', '\n', '\r':
			inWord = false
			continue
		case '"', '\'', '!', '&', '*', ',', '[', ']', '{', '}':
			n++
			inWord = false
			continue
		}
		if !inWord {
			n++
			inWord = true
		}
	}
	return n
}
