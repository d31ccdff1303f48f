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
	end   context.CancelFunc
	owner *followerSlots // the mock's slots; the process's evict from the busiest mock
}

// followerSlots bounds the journal streams served at once. When every slot is taken, a new
// follower takes the oldest one's, of the mock that holds the most (in a mock's own slots,
// simply the oldest): that stream ends (a dashboard reconnects by itself, with its cursor,
// losing nothing). So clients that ask for the stream and never read, which a ping every
// 15 s never fills the buffers of, cannot keep the dashboard out, and streams churned on
// other resources do not evict a mock's one follower.
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
		i := s.victim()
		evicted = s.slots[i]
		s.slots = append(s.slots[:i], s.slots[i+1:]...)
	}
	s.slots = append(s.slots, f)
	s.mu.Unlock()
	if evicted != nil {
		evicted.end()
	}
}

// victim is the index of the oldest follower of the owner holding the most slots; s.mu
// must be held.
func (s *followerSlots) victim() int {
	held := make(map[*followerSlots]int, 8)
	busiest, most := (*followerSlots)(nil), 0
	for _, f := range s.slots {
		held[f.owner]++
		if held[f.owner] > most {
			busiest, most = f.owner, held[f.owner]
		}
	}
	for i, f := range s.slots {
		if f.owner == busiest {
			return i
		}
	}
	return 0
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
