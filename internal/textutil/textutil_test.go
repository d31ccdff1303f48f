package textutil

import "testing"

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdefgh", 3, "abc..."},
		{"héllo", 2, "h..."}, // é is 2 bytes: never cut inside it
		{"héllo", 3, "hé..."},
		{"", 0, ""},
		{"x", 0, "..."},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestQuoteID(t *testing.T) {
	long := make([]byte, 100)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct{ in, want string }{
		{"op-1", `"op-1"`},
		{"a\nb", `"a\nb"`},
		{string(long), `"` + string(long[:64]) + `..."`},
	}
	for _, tt := range tests {
		if got := QuoteID(tt.in); got != tt.want {
			t.Errorf("QuoteID(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
