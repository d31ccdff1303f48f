package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteJSON: shallow JSON is indented; JSON deeper than maxIndentDepth is printed
// whole and compact, at a cost linear in its size (issue 21, item 8: indenting a
// 9,500-deep chain built ~90 MB of spaces); strings with brackets do not count.
func TestWriteJSON(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	tests := []struct {
		name, in string
		indented bool
		wantErr  bool
	}{
		{"shallow", `{"a":[1,{"b":"[[[{{{"}]}`, true, false},
		{"at the limit", strings.Repeat("[", maxIndentDepth) + strings.Repeat("]", maxIndentDepth), true, false},
		{"10,000 deep", deep, false, false},
		{"not JSON", `{"a":`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := writeJSON(&out, []byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v", err)
			}
			if err != nil {
				return
			}
			if got := strings.Contains(out.String(), "\n  "); got != tt.indented {
				t.Errorf("indented %v, want %v", got, tt.indented)
			}
			if out.Len() > 2*len(tt.in)+64 && !tt.indented {
				t.Errorf("%d bytes out for %d in", out.Len(), len(tt.in))
			}
		})
	}
}
