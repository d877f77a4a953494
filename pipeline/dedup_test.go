package pipeline

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// mapIDCache is the map-based cache idCache replaced, kept as the reference.
type mapIDCache struct {
	set  map[idKey]struct{}
	ring []idKey
	next int
	full bool
}

func newMapIDCache(size int) *mapIDCache {
	return &mapIDCache{set: make(map[idKey]struct{}, min(size, 1<<16)), ring: make([]idKey, size)}
}

func (c *mapIDCache) has(k idKey) bool {
	_, ok := c.set[k]
	return ok
}

func (c *mapIDCache) add(k idKey) {
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

// TestIDCacheAgainstMap runs random adds and lookups on idCache and the map-based reference, with
// keys drawn so that many share a home slot (and wrap around the table's end), re-added keys and
// the zero key.
func TestIDCacheAgainstMap(t *testing.T) {
	for _, tc := range []struct{ size, universe, spread int }{
		{1, 4, 4}, {2, 8, 2}, {7, 20, 3}, {100, 300, 1 << 20}, {1000, 5000, 50}, {5000, 20000, 1 << 30}, {70000, 200000, 1 << 40},
	} {
		t.Run(fmt.Sprint(tc.size, "/", tc.universe, "/", tc.spread), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.size), 7))
			key := func() idKey {
				n := rng.IntN(tc.universe)
				if n == 0 {
					return idKey{}
				}
				// a picks the home slot: few distinct values crowd the same slots, values
				// near 2^64 probe past the end of the table.
				return idKey{uint64(n%tc.spread) - uint64(tc.spread/2), uint64(n)}
			}
			got, want := newIDCache(tc.size), newMapIDCache(tc.size)
			for i := range 20 * tc.universe {
				k := key()
				if g, w := got.has(k), want.has(k); g != w {
					t.Fatalf("op %d: has(%v) = %v, want %v", i, k, g, w)
				}
				if rng.IntN(3) > 0 {
					got.add(k)
					want.add(k)
				}
				if got.len() != len(want.set) {
					t.Fatalf("op %d: len %d, want %d", i, got.len(), len(want.set))
				}
			}
			for k := range want.set {
				if !got.has(k) {
					t.Fatalf("%v missing", k)
				}
			}
			if 2*got.set.n > len(got.set.keys) {
				t.Fatalf("%d keys in %d slots", got.set.n, len(got.set.keys))
			}
		})
	}
}

// benchIDCache does what the pipeline does for each new event of a full cache of a million ids:
// a lookup that misses, then an add that forgets the oldest id.
func benchIDCache(b *testing.B, has func(idKey) bool, add func(idKey)) {
	k := newKeyer()
	const size = 1 << 20
	for i := range size {
		add(k.key(fmt.Sprint("warm-", i)))
	}
	keys := make([]idKey, 1<<16)
	for i := range keys {
		keys[i] = k.key(fmt.Sprint("new-", i))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		key := keys[i%len(keys)]
		if !has(key) {
			add(key)
		}
		i++
	}
}

func BenchmarkIDCache(b *testing.B) {
	b.Run("table", func(b *testing.B) {
		c := newIDCache(1 << 20)
		benchIDCache(b, c.has, c.add)
	})
	b.Run("map", func(b *testing.B) {
		c := newMapIDCache(1 << 20)
		benchIDCache(b, c.has, c.add)
	})
}

// TestIDTableAgainstMap runs random puts, gets and deletes on idTable and a map, with keys
// crowding the same home slots, wrapping around the table's end, and the zero key.
func TestIDTableAgainstMap(t *testing.T) {
	for _, tc := range []struct{ universe, spread int }{{4, 4}, {50, 3}, {3000, 40}, {100000, 1 << 40}} {
		rng := rand.New(rand.NewPCG(uint64(tc.universe), 9))
		got, want := newIDTable[int](), map[idKey]int{}
		for i := range 30 * tc.universe {
			n := rng.IntN(tc.universe)
			k := idKey{uint64(n%tc.spread) - uint64(tc.spread/2), uint64(n)}
			if n == 0 {
				k = idKey{}
			}
			switch rng.IntN(3) {
			case 0:
				got.put(k, i)
				want[k] = i
			case 1:
				got.del(k)
				delete(want, k)
			}
			g, gok := got.get(k)
			w, wok := want[k]
			if g != w || gok != wok || got.len() != len(want) {
				t.Fatalf("%d/%d op %d: get(%v) = %d %v, want %d %v; len %d, want %d", tc.universe, tc.spread, i, k, g, gok, w, wok, got.len(), len(want))
			}
		}
		for k, w := range want {
			if g, ok := got.get(k); !ok || g != w {
				t.Fatalf("%v: %d %v, want %d", k, g, ok, w)
			}
		}
	}
}

// BenchmarkInflight does what the gate does for the ids of a 5000-event request with 100,000
// other ids in flight: a lookup, an insert, and the delete once written.
func BenchmarkInflight(b *testing.B) {
	k := newKeyer()
	other := make([]idKey, 100000)
	for i := range other {
		other[i] = k.key(fmt.Sprint("other-", i))
	}
	batch := make([]idKey, 5000)
	for i := range batch {
		batch[i] = k.key(fmt.Sprint("new-", i))
	}
	f := &flight{}
	b.Run("table", func(b *testing.B) {
		t := newIDTable[*flight]()
		for _, key := range other {
			t.put(key, f)
		}
		b.ReportAllocs()
		for b.Loop() {
			for _, key := range batch {
				if _, ok := t.get(key); !ok {
					t.put(key, f)
				}
			}
			for _, key := range batch {
				t.del(key)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		m := map[idKey]*flight{}
		for _, key := range other {
			m[key] = f
		}
		b.ReportAllocs()
		for b.Loop() {
			for _, key := range batch {
				if _, ok := m[key]; !ok {
					m[key] = f
				}
			}
			for _, key := range batch {
				delete(m, key)
			}
		}
	})
}
