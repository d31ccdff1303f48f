package packedtext

import (
	"slices"
	"strings"
	"testing"
)

// TestPackRoundTrips: every field comes back as it went in, empty ones included, and what
// does not fit is refused rather than cut.
func TestPackRoundTrips(t *testing.T) {
	tests := []struct {
		name   string
		fields []string
		ok     bool
	}{
		{"none", nil, true},
		{"some empty", []string{"GET", "", "/a", "", "x=1"}, true},
		{"unicode", []string{"ü", "日本", ""}, true},
		{"all fields", slices.Repeat([]string{"ab"}, MaxFields), true},
		{"too many fields", slices.Repeat([]string{"a"}, MaxFields+1), false},
		{"exactly the bytes", []string{strings.Repeat("x", MaxBytes)}, true},
		{"too many bytes", []string{strings.Repeat("x", MaxBytes), "y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := Pack(tt.fields)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				if p.Len() != 0 {
					t.Errorf("a refused pack holds %d fields", p.Len())
				}
				return
			}
			if p.Len() != len(tt.fields) {
				t.Fatalf("Len = %d, want %d", p.Len(), len(tt.fields))
			}
			for i, f := range tt.fields {
				if got := p.Field(i); got != f {
					t.Errorf("Field(%d) = %q, want %q", i, got, f)
				}
			}
			if p.Field(-1) != "" || p.Field(len(tt.fields)) != "" {
				t.Error("a field out of range is not empty")
			}
		})
	}
}
