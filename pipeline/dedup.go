package pipeline

import (
	"hash/maphash"
)

// idKey is a 128-bit hash of an event id: two independently seeded 64-bit hashes, so a false
// match between distinct ids (which would drop an event) needs a 2^-128 coincidence, while the
// cache holds 16 bytes an id instead of the id itself.
type idKey struct{ a, b uint64 }

type keyer struct{ s1, s2 maphash.Seed }

func newKeyer() keyer { return keyer{maphash.MakeSeed(), maphash.MakeSeed()} }

func (k keyer) key(id string) idKey {
	return idKey{maphash.String(k.s1, id), maphash.String(k.s2, id)}
}

// idCache remembers the most recent committed ids, up to a fixed number; the oldest is forgotten
// first. Not safe for concurrent use: the pipeline's gate lock guards it.
type idCache struct {
	set  map[idKey]struct{}
	ring []idKey
	next int
	full bool
}

func newIDCache(size int) *idCache {
	return &idCache{set: make(map[idKey]struct{}, min(size, 1<<16)), ring: make([]idKey, size)}
}

func (c *idCache) has(k idKey) bool {
	_, ok := c.set[k]
	return ok
}

// add remembers k, forgetting the oldest id when the cache is full.
func (c *idCache) add(k idKey) {
	if _, ok := c.set[k]; ok {
		return
	}
	if c.full {
		delete(c.set, c.ring[c.next])
	}
	c.ring[c.next] = k
	c.set[k] = struct{}{}
	c.next++
	if c.next == len(c.ring) {
		c.next, c.full = 0, true
	}
}

func (c *idCache) len() int { return len(c.set) }
