// Package gcfloor keeps the garbage collector's heap goal from falling below a floor.
//
// The runtime's default (GOGC=100) aims the heap at twice the live heap, but at least
// 4 MiB. A server whose own live heap is small yet fixed (parsed specs, compiled schemas)
// and that allocates quickly per request then collects dozens of times a second, marking
// that fixed heap every time. A floor of a few MiB more makes those cycles rarer without
// changing anything once the live heap is large: the goal is max(floor, 2 x live). This is
// the "minimum heap" tuning Go services apply with GOGC, made to follow the live heap so
// that a large store is not given GOGC's multiple of it.
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// defaultPercent is the runtime's GOGC default, used whenever the floor does not apply.
const defaultPercent = 100

// runtimeMinHeap is the runtime's minimum heap goal at GOGC=100. The runtime scales it by
// GOGC/100 (heapMinimum in runtime/mgcpacer.go): a GOGC raised for a small live heap raises
// this minimum too, and then it, not the live heap, decides the goal.
const runtimeMinHeap = 4 << 20

// Percent returns the GOGC value that aims the heap goal at floor for a live heap of live
// bytes, and never below the default 100: the goal then is max(floor, 2 x live). The
// runtime's goal at GOGC=p is max(runtimeMinHeap x p/100, live x (1 + p/100)); the value
// returned is the largest p for which neither term passes the floor.
func Percent(live, floor uint64) int {
	if floor <= runtimeMinHeap || floor <= 2*live {
		return defaultPercent // the default goal is already at or above the floor
	}
	p := floor * 100 / runtimeMinHeap // the minimum term at the floor
	if live > 0 {
		p = min(p, floor*100/live-100) // the live term at the floor
	}
	return int(max(p, defaultPercent))
}

// Start keeps the heap goal at or above floor bytes until the returned stop is called,
// by setting GOGC after every collection from the live heap it found. onAdjust, when set,
// is called with each value set (tests use it). Start also sets GOGC at once, from the
// live heap of the last collection (none yet: the default).
func Start(floor uint64, onAdjust func(percent int)) (stop func()) {
	t := &tuner{floor: floor, onAdjust: onAdjust, samples: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.adjust()
	t.arm()
	return func() {
		if t.stopped.CompareAndSwap(false, true) {
			debug.SetGCPercent(defaultPercent)
		}
	}
}

type tuner struct {
	floor    uint64
	onAdjust func(int)
	samples  []metrics.Sample
	stopped  atomic.Bool
}

// adjust sets GOGC from the live heap the last collection found.
func (t *tuner) adjust() {
	metrics.Read(t.samples)
	var live uint64
	if t.samples[0].Value.Kind() == metrics.KindUint64 {
		live = t.samples[0].Value.Uint64()
	}
	p := Percent(live, t.floor)
	debug.SetGCPercent(p)
	if t.onAdjust != nil {
		t.onAdjust(p)
	}
}

// sentinel is garbage from birth: its cleanup runs after the next collection, adjusts,
// and arms a new one. It holds a pointer so that it is not batched with other tiny
// objects, which could delay its collection.
type sentinel struct{ _ *int }

// arm registers the cleanup that runs after the next collection.
func (t *tuner) arm() {
	runtime.AddCleanup(&sentinel{}, func(t *tuner) {
		if t.stopped.Load() {
			return
		}
		t.adjust()
		t.arm()
	}, t)
}
