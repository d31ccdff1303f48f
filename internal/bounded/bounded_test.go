package bounded

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestJSONCountsEveryKindOfValue(t *testing.T) {
	tests := []struct {
		in                string
		values, container int
	}{
		{`1`, 1, 0},
		{`[0,0,0]`, 4, 1},
		{`[0 , -1.5e3 ,true,null , false]`, 6, 1},
		{`{"a":1,"b":[2,3]}`, 7, 2},
		{`"a,b:c[{\"]}"`, 1, 0}, // punctuation inside a string counts nothing
		{`{"s":"\\"}`, 3, 1},    // an escaped backslash ends before the quote
		{`[1 1 1]`, 4, 1},       // not JSON: still one per token
		{`[{},{},{}]`, 4, 4},
	}
	for _, tt := range tests {
		b := NewBudget(Limits{})
		if err := b.JSON(context.Background(), "x", []byte(tt.in)); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if _, got := b.Spent(); got != tt.values || b.containers != tt.container {
			t.Errorf("%s: %d values, %d containers; want %d, %d", tt.in, got, b.containers, tt.values, tt.container)
		}
	}
}

func TestJSONLimits(t *testing.T) {
	scalars := "[" + strings.Repeat("1,", 524_000) + "1]" // the control-API attack: 1 MiB of scalars
	tests := []struct {
		name   string
		in     string
		limits Limits
		want   Dimension
	}{
		{"scalars", scalars, Limits{Values: 20_000, Containers: 1_000}, DimValues},
		{"containers", "[" + strings.Repeat("{},", 2000) + "{}]", Limits{Values: 1e6, Containers: 1_000}, DimContainers},
		{"depth", strings.Repeat("[", 65) + strings.Repeat("]", 65), Limits{Depth: 64}, DimDepth},
		{"bytes", scalars, Limits{Bytes: 1 << 19}, DimBytes},
		{"keys", `{"a":1,"b":2}`, Limits{Values: 4}, DimValues},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJSON(context.Background(), "the body", []byte(tt.in), tt.limits)
			var le *LimitError
			if !errors.As(err, &le) || le.Dimension != tt.want {
				t.Fatalf("got %v, want a %s limit error", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "the body ") || strings.Contains(err.Error(), "1,1") {
				t.Errorf("message %q: want it to name the input and quote nothing of it", err)
			}
		})
	}
	if err := CheckJSON(context.Background(), "x", []byte(strings.Repeat("[", 64)+strings.Repeat("]", 64)), Limits{Depth: 64}); err != nil {
		t.Errorf("depth 64 within a limit of 64: %v", err)
	}
}

// A budget spans the pieces of one input: a file and the bodies inside its strings.
func TestBudgetSpansPieces(t *testing.T) {
	b := NewBudget(Limits{Values: 10, Bytes: 100})
	ctx := context.Background()
	if err := b.JSON(ctx, "file", []byte(`{"body":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.JSON(ctx, "body 1", []byte(`[1,2,3,4]`)); err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if err := b.JSON(ctx, "body 2", []byte(`[1,2,3,4]`)); !errors.As(err, &le) || le.Input != "body 2" {
		t.Fatalf("third piece: got %v, want the budget spent", err)
	}
	if err := b.YAML(ctx, "yaml", []byte(strings.Repeat("x", 200))); !errors.As(err, &le) || le.Dimension != DimBytes {
		t.Fatalf("bytes: got %v", err)
	}
}

func TestScanWatchesTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := []byte(strings.Repeat(" ", 4<<20))
	if err := CheckJSON(ctx, "x", big, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("JSON: got %v, want context.Canceled", err)
	}
	if err := CheckYAML(ctx, "x", big, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("YAML: got %v, want context.Canceled", err)
	}
}

func TestYAMLEstimateIsAnUpperBound(t *testing.T) {
	tests := []struct {
		in      string
		atLeast int // the true count of values
		atMost  int
	}{
		{"a: b\n", 2, 6},
		{"- [1, 2, 3]\n", 4, 12},
		{"k: {a: 1, b: 2}\n", 6, 14},
		{"- - - x\n", 4, 10},
		{"a: b\r\nc: d\u2028", 4, 12},
	}
	for _, tt := range tests {
		b := NewBudget(Limits{})
		if err := b.YAML(context.Background(), "x", []byte(tt.in)); err != nil {
			t.Fatal(err)
		}
		if _, got := b.Spent(); got < tt.atLeast || got > tt.atMost {
			t.Errorf("%q: estimate %d, want between %d and %d", tt.in, got, tt.atLeast, tt.atMost)
		}
	}
	err := CheckYAML(context.Background(), "fixtures f", []byte(strings.Repeat("- {}\n", 1000)), Limits{Values: 1000})
	var le *LimitError
	if !errors.As(err, &le) || le.Dimension != DimValues {
		t.Errorf("got %v, want a values limit error", err)
	}
}

func TestDecodeJSON(t *testing.T) {
	var v struct{ A int }
	if err := DecodeJSON(context.Background(), "x", []byte(`{"A":3}`), Limits{Values: 3}, &v); err != nil || v.A != 3 {
		t.Fatalf("got %v, %+v", err, v)
	}
	if err := DecodeJSON(context.Background(), "x", []byte(`{"A":3,"B":4}`), Limits{Values: 3}, &v); err == nil {
		t.Fatal("over the limit: decoded anyway")
	}
}

// The scan allocates nothing, whatever the input.
func TestScanAllocatesNothing(t *testing.T) {
	data := []byte(`{"a":[1,2,{"b":"c\"d"}],"e":null}`)
	b := NewBudget(Limits{Values: 1 << 30})
	if n := testing.AllocsPerRun(100, func() { _ = b.JSON(context.Background(), "x", data) }); n > 0 {
		t.Errorf("%v allocations per scan", n)
	}
}

func BenchmarkJSON(b *testing.B) {
	data := []byte(strings.Repeat(`{"id":"purchase_1","status":"running","n":12345},`, 20000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_ = CheckJSON(context.Background(), "x", data, Limits{})
	}
}
