package anomaly

import (
	"math/rand"
	"runtime"
	"testing"
	"time"
)

// BenchmarkUpdate measures one point of a seasonal per-minute series with the default
// configuration (all three models).
func BenchmarkUpdate(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	s := volume(r, time.Minute, 14, 50)
	d := New(Config{})
	for i := 0; i < 3*1440; i++ { // warm: profiles visited, tails fitted
		d.Update(s.times[i], s.values[i])
	}
	n := len(s.values)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % n
		d.Update(s.times[j].Add(time.Duration(i/n)*14*24*time.Hour), s.values[j])
	}
}

// BenchmarkSeriesMemory reports the heap bytes a detector takes (B/series) and the size of its
// saved state (state-B/series).
func BenchmarkSeriesMemory(b *testing.B) {
	const n = 10000
	var ms0, ms1 runtime.MemStats
	ds := make([]*Detector, n)
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	for i := range ds {
		ds[i] = New(Config{})
		ds[i].Update(t0, 1)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	perSeries := float64(ms1.HeapAlloc-ms0.HeapAlloc) / n
	runtime.KeepAlive(ds)
	for i := 0; i < b.N; i++ {
		_ = ds[i%n].Score()
	}
	b.ReportMetric(perSeries, "B/series")
	b.ReportMetric(float64(StateSize), "state-B/series")
}

func BenchmarkMarshalBinary(b *testing.B) {
	d := New(Config{})
	for i := 0; i < 1000; i++ {
		d.Update(t0.Add(time.Duration(i)*time.Minute), float64(i%10))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := d.MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
}
