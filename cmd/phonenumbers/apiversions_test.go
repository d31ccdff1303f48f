package main

import (
	"strings"
	"testing"
)

func TestCheckAPIVersions(t *testing.T) {
	tests := []struct {
		in   []string
		want string // "" means accepted
	}{
		{[]string{"2022-12-01", "2025-06-01"}, ""},
		{[]string{"2024-08-31-preview"}, ""}, // well-formed, unknown: served with a warning
		{[]string{"2022-12-1"}, `"2022-12-1" is not an api-version (want YYYY-MM-DD, optionally with -preview...); did you mean 2022-12-01?`},
		{[]string{"latest"}, `"latest" is not an api-version`},
		{[]string{"2022-12-01", "2022-12-02"}, "2022-12-02 has no known contract; did you mean 2022-12-01?"},
		{[]string{"2022-12-01-Preview"}, "is not an api-version"},
	}
	for _, tt := range tests {
		err := checkAPIVersions(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v: %v", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: err %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}
