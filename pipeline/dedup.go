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
//
// The set is an open-addressing table with linear probing, indexed by the key's first half
// (already a hash): a lookup usually touches one cache line, where a Go map of a million keys
// touches a control word and then the key. The table is at most half full; it starts small and
// doubles up to twice the cache size.
type idCache struct {
	slots []idKey // the zero key marks a free slot
	mask  uint64
	n     int  // keys in slots
	zero  bool // the zero key, which slots cannot hold, is in the set
	ring  []idKey
	next  int
	full  bool
}

const minIDSlots = 1 << 12

func newIDCache(size int) *idCache {
	return &idCache{slots: make([]idKey, minIDSlots), mask: minIDSlots - 1, ring: make([]idKey, size)}
}

// find returns the slot holding k, or the free slot where k would go.
func (c *idCache) find(k idKey) (uint64, bool) {
	for i := k.a & c.mask; ; i = (i + 1) & c.mask {
		switch c.slots[i] {
		case k:
			return i, true
		case idKey{}:
			return i, false
		}
	}
}

func (c *idCache) has(k idKey) bool {
	if k == (idKey{}) {
		return c.zero
	}
	_, ok := c.find(k)
	return ok
}

// add remembers k, forgetting the oldest id when the cache is full.
func (c *idCache) add(k idKey) {
	if c.has(k) {
		return
	}
	if c.full {
		c.remove(c.ring[c.next])
	}
	c.ring[c.next] = k
	c.insert(k)
	c.next++
	if c.next == len(c.ring) {
		c.next, c.full = 0, true
	}
}

// insert puts k, which is not in the set, into it.
func (c *idCache) insert(k idKey) {
	if k == (idKey{}) {
		c.zero = true
		return
	}
	if 2*(c.n+1) > len(c.slots) {
		c.grow()
	}
	i, _ := c.find(k)
	c.slots[i] = k
	c.n++
}

func (c *idCache) grow() {
	old := c.slots
	size := 2 * len(old)
	c.slots, c.mask = make([]idKey, size), uint64(size-1)
	for _, k := range old {
		if k != (idKey{}) {
			i, _ := c.find(k)
			c.slots[i] = k
		}
	}
}

// remove deletes k, which is in the set, closing the gap it leaves so that every key stays
// reachable from its home slot without tombstones.
func (c *idCache) remove(k idKey) {
	if k == (idKey{}) {
		c.zero = false
		return
	}
	hole, ok := c.find(k)
	if !ok {
		return
	}
	for j := (hole + 1) & c.mask; c.slots[j] != (idKey{}); j = (j + 1) & c.mask {
		// The key at j may move back into the hole unless its home lies after the hole.
		if home := c.slots[j].a & c.mask; (j-home)&c.mask >= (j-hole)&c.mask {
			c.slots[hole] = c.slots[j]
			hole = j
		}
	}
	c.slots[hole] = idKey{}
	c.n--
}

func (c *idCache) len() int {
	if c.zero {
		return c.n + 1
	}
	return c.n
}
