package mock

import (
	"runtime"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
)

// TestFixtureBodiesAreBoundedInMemory (attack review, HIGH): a 1 MB fixtures body of JSON
// flow style (a list of 490,000 zeros) made the YAML parser allocate ~1 GB (570 MB RSS),
// and every resource parsed two at once. A body is held to 50,000 estimated values
// (refused before parsing beyond) and one document is parsed at a time in the process.
func TestFixtureBodiesAreBoundedInMemory(t *testing.T) {
	zeros := func(n int) []byte {
		return []byte(`{"operations":[` + strings.TrimSuffix(strings.Repeat("0,", n), ",") + `]}`)
	}
	tests := []struct {
		name     string
		body     []byte
		maxAlloc uint64
	}{
		{"490,000 values: refused before parsing", zeros(490_000), 16 << 20},
		{"just under the bound: parsed, within ~60 MB", zeros(24_000), 80 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := parseFixtureBody("(the request body)", tc.body)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("a list of zeros was taken as fixtures")
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > tc.maxAlloc {
				t.Errorf("allocated %d MB for a %d KB body, want at most %d MB", got>>20, len(tc.body)>>10, tc.maxAlloc>>20)
			}
		})
	}
	// Shapes the value estimate does not see (review): tokens back to back or apart by
	// spaces in a flow list. Refused before parsing, whatever the Content-Type.
	const mib = 1 << 20
	for _, unit := range []string{`""`, `! `, `*a `, `&a `, `"" `, `'' `, `x `} {
		body := []byte(`{"operations": [` + strings.Repeat(unit, mib/len(unit)))[:mib-64]
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if bounded.YAMLTokens(body) <= maxFixtureBodyTokens {
			t.Errorf("%q...: %d tokens counted, under the bound", unit, bounded.YAMLTokens(body))
		}
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("counting %q... allocated %d bytes", unit, got)
		}
	}
	if cap(fixtureParses) != 1 {
		t.Errorf("%d fixtures documents may be parsed at once in the process, want 1", cap(fixtureParses))
	}
}
