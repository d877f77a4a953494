package anomaly

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestStateRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(20))
	s := volume(r, time.Minute, 9, 40)
	for i := 9000; i < 9020; i++ {
		s.values[i] *= 3
	}
	cfg := Config{Sensitivity: SensitivityHigh, Seasonality: SeasonalityDaily, Interval: time.Minute}
	for _, cut := range []int{0, 1, 100, 5000, 9005} {
		a := New(cfg)
		for i := 0; i < cut; i++ {
			a.Update(s.times[i], s.values[i])
		}
		b, err := a.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, b, StateSize)
		var restored Detector // a zero Detector takes the saved configuration
		require.NoError(t, restored.UnmarshalBinary(b))
		require.Equal(t, cfg, restored.Config())
		for i := cut; i < len(s.values); i++ {
			x, y := a.Update(s.times[i], s.values[i]), restored.Update(s.times[i], s.values[i])
			require.Equal(t, math.Float64bits(x), math.Float64bits(y), "cut %d, point %d", cut, i)
			require.Equal(t, a.Alarm(), restored.Alarm())
		}
		require.Equal(t, a.Expected(s.times[0]), restored.Expected(s.times[0]))
	}
}

func TestStateRewarm(t *testing.T) {
	// Re-warming (feeding the history again) rebuilds exactly the state a detector that never
	// stopped has.
	r := rand.New(rand.NewSource(21))
	s := volume(r, 5*time.Minute, 5, 60)
	a, b := New(Config{}), New(Config{})
	for i := range s.values {
		a.Update(s.times[i], s.values[i])
		b.Update(s.times[i], s.values[i])
	}
	ba, err := a.MarshalBinary()
	require.NoError(t, err)
	bb, err := b.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, ba, bb)
}

func TestStateErrors(t *testing.T) {
	d := New(Config{})
	for i := 0; i < 500; i++ {
		d.Update(t0.Add(time.Duration(i)*time.Minute), float64(i%13))
	}
	good, err := d.MarshalBinary()
	require.NoError(t, err)
	corrupt := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	hsize := binary.Size(header{})
	other := DefaultParams()
	other.Rest++
	tests := []struct {
		name    string
		b       []byte
		into    *Detector
		want    string
		changed bool
	}{
		{name: "empty", b: nil, want: "0 bytes"},
		{name: "short", b: good[:len(good)-1], want: "bytes, want"},
		{name: "magic", b: corrupt(func(b []byte) { b[0] = 'X' }), want: "not a detector state"},
		{name: "version", b: corrupt(func(b []byte) { b[4] = stateVersion + 1 }), want: "version", changed: true},
		{name: "sensitivity", b: corrupt(func(b []byte) { b[5] = 9 }), want: "invalid sensitivity"},
		{name: "params", b: good, into: NewWithParams(Config{}, &other), want: "different parameters", changed: true},
		{name: "nan", b: corrupt(func(b []byte) {
			binary.LittleEndian.PutUint64(b[hsize+8*4:], math.Float64bits(math.NaN())) // Quantum
		}), want: "non-finite"},
		{name: "negative count", b: corrupt(func(b []byte) { b[hsize+7] = 0x80 }), want: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			into := tt.into
			if into == nil {
				into = New(Config{})
			}
			before, err := into.MarshalBinary()
			require.NoError(t, err)
			err = into.UnmarshalBinary(tt.b)
			require.ErrorContains(t, err, tt.want)
			require.Equal(t, tt.changed, errors.Is(err, ErrParamsChanged))
			after, err := into.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, before, after, "a failed restore leaves the detector unchanged")
		})
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	d := New(Config{})
	for i := 0; i < 300; i++ {
		d.Update(t0.Add(time.Duration(i)*time.Minute), math.Sin(float64(i)))
	}
	good, err := d.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Detector
		if d.UnmarshalBinary(b) != nil {
			return
		}
		// Whatever was accepted scores within [0,1] and saves again.
		for i := 0; i < 10; i++ {
			s := d.Update(t0.Add(time.Duration(i)*time.Hour), float64(i)*1e6)
			if math.IsNaN(s) || s < 0 || s > 1 {
				t.Fatalf("score %v", s)
			}
		}
		if _, err := d.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStateSize(t *testing.T) {
	// Aim: under 4 KiB a series, so 100k series fit in well under a GiB.
	require.Less(t, StateSize, 4096)
}
