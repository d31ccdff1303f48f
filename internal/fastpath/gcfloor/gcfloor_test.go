package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// goal is the runtime's heap goal at GOGC=p for a live heap of live bytes.
func goal(live uint64, p int) uint64 {
	return max(runtimeMinHeap*uint64(p)/100, live*uint64(100+p)/100)
}

// TestPercent: the goal that results from the GOGC chosen is max(floor, 2 x live) (to a
// percent's rounding), counting the runtime's minimum heap, which GOGC scales too.
func TestPercent(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		live, floor uint64
		want        int
	}{
		{"no floor", 1 * mib, 0, 100},
		{"floor under the runtime's minimum", 1 * mib, 3 * mib, 100},
		{"unknown live heap: the minimum term sets it", 0, 16 * mib, 400},
		{"small heap: the minimum term sets it", 1 * mib, 16 * mib, 400},
		{"a fifth of the floor: the live term sets it", 3200 * 1024, 16 * mib, 400},
		{"a quarter of the floor: the live term sets it", 4 * mib, 16 * mib, 300},
		{"half the floor: the default reaches it", 8 * mib, 16 * mib, 100},
		{"large heap: default", 64 * mib, 16 * mib, 100},
		{"a large floor", 1 * mib, 1024 * mib, 25600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Percent(tt.live, tt.floor)
			if got != tt.want {
				t.Fatalf("Percent(%d, %d) = %d, want %d", tt.live, tt.floor, got, tt.want)
			}
			want := max(tt.floor, 2*tt.live, runtimeMinHeap)
			if g := goal(tt.live, got); g > want+want/100 || (got > 100 && g < want-want/100) {
				t.Fatalf("goal %d, want about max(floor, 2 x live) = %d", g, want)
			}
		})
	}
}

// TestRuntimeGoalAtTheFloor asks the runtime itself: with the tuner running, the heap goal
// it reports is the floor, not a multiple of it.
func TestRuntimeGoalAtTheFloor(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	const floor = 32 << 20
	runtime.GC()
	adjusted := make(chan int, 16)
	stop := Start(floor, func(p int) { adjusted <- p })
	defer stop()
	<-adjusted
	runtime.GC()
	runtime.GC()
	<-adjusted
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	if g := s[0].Value.Uint64(); g < floor*9/10 || g > floor*11/10 {
		t.Fatalf("runtime heap goal %d MiB, want about the %d MiB floor", g>>20, floor>>20)
	}
}

// TestStartAdjustsAfterEveryCollection: the tuner sets GOGC at start and again after each
// collection, and stop restores the default and ends the adjustments.
func TestStartAdjustsAfterEveryCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC() // so that the live heap is known
	adjusted := make(chan int, 16)
	stop := Start(64<<20, func(p int) { adjusted <- p }) // a floor far above this test's live heap
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
