package mock

import (
	"context"
	"sync"
)

// maxFollowersInProcess bounds the journal streams of a whole process, every mock and
// resource together (--auto-resources makes up to 64 mocks, of maxFollowers each).
const maxFollowersInProcess = 32

// allFollowers are the journal streams of the process.
var allFollowers = newFollowerSlots(maxFollowersInProcess)

// follower is one journal stream's place in the slots it holds: ending it (end) makes
// its stream stop.
type follower struct {
	end context.CancelFunc
}

// followerSlots bounds the journal streams served at once. When every slot is taken, a new
// follower takes the oldest one's: that stream ends (a dashboard reconnects by itself, with
// its cursor, losing nothing). So clients that ask for the stream and never read, which a
// ping every 15 s never fills the buffers of, cannot keep the dashboard out.
type followerSlots struct {
	mu    sync.Mutex
	max   int
	slots []*follower // oldest first
}

func newFollowerSlots(max int) *followerSlots { return &followerSlots{max: max} }

// take gives f a slot, ending the oldest follower when all are taken.
func (s *followerSlots) take(f *follower) {
	s.mu.Lock()
	var evicted *follower
	if len(s.slots) >= s.max {
		evicted = s.slots[0]
		s.slots = s.slots[1:]
	}
	s.slots = append(s.slots, f)
	s.mu.Unlock()
	if evicted != nil {
		evicted.end()
	}
}

// leave frees f's slot, if it still holds one.
func (s *followerSlots) leave(f *follower) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, g := range s.slots {
		if g == f {
			s.slots = append(s.slots[:i], s.slots[i+1:]...)
			return
		}
	}
}

// len is how many slots are taken.
func (s *followerSlots) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.slots)
}
