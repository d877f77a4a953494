package intake

import (
	"container/list"
	"sync"
	"time"
)

// Seen remembers delivery ids (webhook notification ids) for a time-to-live, bounded in number:
// past the bound the oldest are forgotten first. It makes a redelivered notification a no-op
// before any work is done; forgetting one only costs that work, since event ids still dedup in
// storage. Safe for concurrent use.
type Seen struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	order *list.List // of seenEntry, oldest first
	byID  map[string]*list.Element
}

type seenEntry struct {
	id string
	at time.Time
}

// NewSeen returns a memory of at most max ids, each kept for ttl.
func NewSeen(ttl time.Duration, max int) *Seen {
	return &Seen{ttl: ttl, max: max, order: list.New(), byID: make(map[string]*list.Element)}
}

// Contains reports whether id was added within the ttl before now.
func (s *Seen) Contains(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	_, ok := s.byID[id]
	return ok
}

// Add remembers id as seen at now.
func (s *Seen) Add(id string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if e, ok := s.byID[id]; ok {
		s.order.Remove(e)
	}
	s.byID[id] = s.order.PushBack(seenEntry{id: id, at: now})
	for s.order.Len() > s.max {
		s.drop(s.order.Front())
	}
}

// Len returns how many ids are remembered.
func (s *Seen) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}

func (s *Seen) expire(now time.Time) {
	for e := s.order.Front(); e != nil; e = s.order.Front() {
		if now.Sub(e.Value.(seenEntry).at) < s.ttl {
			return
		}
		s.drop(e)
	}
}

func (s *Seen) drop(e *list.Element) {
	delete(s.byID, e.Value.(seenEntry).id)
	s.order.Remove(e)
}
