package gcfloor

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		live, floor uint64
		want        int
	}{
		{"no floor", 1 * mib, 0, 100},
		{"unknown live heap", 0, 16 * mib, 100},
		{"small heap: goal at the floor", 1 * mib, 16 * mib, 1500},
		{"a quarter of the floor", 4 * mib, 16 * mib, 300},
		{"half the floor: the default reaches it", 8 * mib, 16 * mib, 100},
		{"large heap: default", 64 * mib, 16 * mib, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Percent(tt.live, tt.floor)
			if got != tt.want {
				t.Fatalf("Percent(%d, %d) = %d, want %d", tt.live, tt.floor, got, tt.want)
			}
			if goal := tt.live * uint64(100+got) / 100; tt.live > 0 && goal < tt.floor && got > 100 {
				t.Fatalf("goal %d below the floor %d", goal, tt.floor)
			}
		})
	}
}

// TestStartAdjustsAfterEveryCollection: the tuner sets GOGC at start and again after each
// collection, and stop restores the default and ends the adjustments.
func TestStartAdjustsAfterEveryCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC() // so that the live heap is known
	adjusted := make(chan int, 16)
	stop := Start(1<<40, func(p int) { adjusted <- p }) // a floor far above any live heap
	if p := <-adjusted; p <= 100 {
		t.Fatalf("first GOGC = %d, want above 100 for a floor far above the live heap", p)
	}
	for range 3 {
		runtime.GC()
		runtime.GC() // the cleanup of the sentinel collected by the first runs after it
		if p := <-adjusted; p <= 100 {
			t.Fatalf("GOGC after a collection = %d, want above 100", p)
		}
	}
	stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Fatalf("GOGC after stop = %d, want 100", p)
	}
}
