package mock

import (
	"context"
	"testing"
)

// TestProcessSlotsEvictFromTheBusiestMock (review): the process's slots ended the oldest
// stream whichever mock it followed, so streams churned on other resources kept a mock's
// one follower reconnecting. The busiest mock gives up a slot.
func TestProcessSlotsEvictFromTheBusiestMock(t *testing.T) {
	process := newFollowerSlots(4)
	quiet, busy := newFollowerSlots(8), newFollowerSlots(8)
	newFollower := func(owner *followerSlots) (*follower, context.Context) {
		ctx, end := context.WithCancel(context.Background())
		return &follower{end: end, owner: owner}, ctx
	}
	dashboard, dashCtx := newFollower(quiet)
	process.take(dashboard) // the oldest of all
	var churned []context.Context
	for range 10 {
		f, ctx := newFollower(busy)
		process.take(f)
		churned = append(churned, ctx)
	}
	if dashCtx.Err() != nil {
		t.Fatal("the quiet mock's one follower was evicted by another mock's churn")
	}
	ended := 0
	for _, ctx := range churned {
		if ctx.Err() != nil {
			ended++
		}
	}
	if ended != 7 || process.len() != 4 {
		t.Errorf("%d of the busy mock's streams ended and %d slots held, want 7 and 4", ended, process.len())
	}
	// Within one mock, the oldest goes.
	own := newFollowerSlots(2)
	a, actx := newFollower(own)
	b, _ := newFollower(own)
	c, _ := newFollower(own)
	own.take(a)
	own.take(b)
	own.take(c)
	if actx.Err() == nil {
		t.Error("a mock's oldest follower was not the one ended")
	}
}
