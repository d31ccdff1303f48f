package textutil

import (
	"reflect"
	"testing"
)

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

func TestPrintable(t *testing.T) {
	tests := []struct {
		in           string
		keepNewlines bool
		want         string
	}{
		{"running", false, "running"},
		{"a\tb", false, "a\tb"},
		{"line1\nline2", true, "line1\nline2"},
		{"line1\nline2", false, `line1\nline2`},
		{"\x1b]0;pwned\x07", false, `\x1b]0;pwned\a`},
		{"\x1b[2J", false, `\x1b[2J`},
		{"\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", false, `\x1b]8;;https://evil\x1b\click\x1b]8;;\x1b\`},
		{"\u009b2J", false, `\u009b2J`},
		{"safe\u202Eexe.txt", false, `safe\u202eexe.txt`},
		{"bad\xffutf8", false, "bad\uFFFDutf8"},
		{"héllo 😀", false, "héllo 😀"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in, tt.keepNewlines); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"status":"running"}`, `{"status":"running"}`},
		{"{\"id\":\"a\u009b2Jb\"}", `{"id":"a\u009b2Jb"}`},
		{"{\"m\":\"safe\u202eexe\"}", `{"m":"safe\u202eexe"}`},
		{"{\"m\":\"tab\\tok\"}", "{\"m\":\"tab\\tok\"}"},
		{"{\"m\":\"héllo\"}\n", "{\"m\":\"héllo\"}\n"},
	}
	for _, tt := range tests {
		if got := string(SafeJSON([]byte(tt.in))); got != tt.want {
			t.Errorf("SafeJSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJSONKind(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{JSONKind("object"), "an object"}, {JSONKind("array"), "a list"}, {JSONKind("number 1.5"), "a number"},
		{JSONKind("integer"), "an integer"}, {JSONKind("bool"), "true or false"}, {JSONKind(""), "of the wrong type"},
		{JSONKindOf(map[string]any{}), "an object"}, {JSONKindOf(2.0), "an integer"}, {JSONKindOf(2.5), "a number"},
		{JSONKindOf(nil), "null"}, {JSONKindOf("x"), "a string"},
		{JSONKindOfType(reflect.TypeOf(struct{}{})), "an object"}, {JSONKindOfType(reflect.TypeOf([]int{})), "a list"},
		{JSONKindOfType(reflect.TypeOf(new(int))), "an integer"},
		{FirstLine("a\nb"), "a"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
