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

// idTable maps idKeys to values of type V. It is an open-addressing table with linear probing,
// indexed by the key's first half (already a hash): a lookup usually touches one cache line of
// keys, where a Go map of a million keys touches a control word and then the key. It is at most
// half full, starts small and doubles as it fills. Not safe for concurrent use.
type idTable[V any] struct {
	keys []idKey // the zero key marks a free slot
	vals []V     // vals[i] belongs to keys[i]
	mask uint64
	n    int // keys in keys
	// The zero key, which keys cannot hold, is kept aside.
	hasZero bool
	zeroVal V
}

const minIDSlots = 1 << 12

func newIDTable[V any]() *idTable[V] {
	return &idTable[V]{keys: make([]idKey, minIDSlots), vals: make([]V, minIDSlots), mask: minIDSlots - 1}
}

// find returns the slot holding k, or the free slot where k would go.
func (t *idTable[V]) find(k idKey) (uint64, bool) {
	for i := k.a & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return i, true
		case idKey{}:
			return i, false
		}
	}
}

func (t *idTable[V]) get(k idKey) (V, bool) {
	if k == (idKey{}) {
		return t.zeroVal, t.hasZero
	}
	i, ok := t.find(k)
	if !ok {
		var zero V
		return zero, false
	}
	return t.vals[i], true
}

// put sets the value of k.
func (t *idTable[V]) put(k idKey, v V) {
	if k == (idKey{}) {
		t.hasZero, t.zeroVal = true, v
		return
	}
	i, ok := t.find(k)
	if !ok {
		if 2*(t.n+1) > len(t.keys) {
			t.grow()
			i, _ = t.find(k)
		}
		t.keys[i] = k
		t.n++
	}
	t.vals[i] = v
}

func (t *idTable[V]) grow() {
	keys, vals := t.keys, t.vals
	size := 2 * len(keys)
	t.keys, t.vals, t.mask = make([]idKey, size), make([]V, size), uint64(size-1)
	for j, k := range keys {
		if k != (idKey{}) {
			i, _ := t.find(k)
			t.keys[i], t.vals[i] = k, vals[j]
		}
	}
}

// del removes k, closing the gap it leaves so that every key stays reachable from its home slot
// without tombstones.
func (t *idTable[V]) del(k idKey) {
	var zero V
	if k == (idKey{}) {
		t.hasZero, t.zeroVal = false, zero
		return
	}
	hole, ok := t.find(k)
	if !ok {
		return
	}
	for j := (hole + 1) & t.mask; t.keys[j] != (idKey{}); j = (j + 1) & t.mask {
		// The key at j may move back into the hole unless its home lies after the hole.
		if home := t.keys[j].a & t.mask; (j-home)&t.mask >= (j-hole)&t.mask {
			t.keys[hole], t.vals[hole] = t.keys[j], t.vals[j]
			hole = j
		}
	}
	t.keys[hole], t.vals[hole] = idKey{}, zero
	t.n--
}

func (t *idTable[V]) len() int {
	if t.hasZero {
		return t.n + 1
	}
	return t.n
}

// idCache remembers the most recent committed ids, up to a fixed number; the oldest is forgotten
// first. Not safe for concurrent use: the pipeline's gate lock guards it.
type idCache struct {
	set  *idTable[struct{}]
	ring []idKey
	next int
	full bool
}

func newIDCache(size int) *idCache {
	return &idCache{set: newIDTable[struct{}](), ring: make([]idKey, size)}
}

func (c *idCache) has(k idKey) bool {
	_, ok := c.set.get(k)
	return ok
}

// add remembers k, forgetting the oldest id when the cache is full.
func (c *idCache) add(k idKey) {
	if c.has(k) {
		return
	}
	if c.full {
		c.set.del(c.ring[c.next])
	}
	c.ring[c.next] = k
	c.set.put(k, struct{}{})
	c.next++
	if c.next == len(c.ring) {
		c.next, c.full = 0, true
	}
}

func (c *idCache) len() int { return c.set.len() }
