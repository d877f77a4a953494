package anomaly

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"time"
)

// stateVersion is the layout version of MarshalBinary's output. Bump it whenever state changes.
const stateVersion = 1

var stateMagic = [4]byte{'c', 'x', 'a', 'd'}

// ErrParamsChanged is returned (wrapped) by UnmarshalBinary when the saved state was learned with
// different detector parameters, for example by an older release. The state is not restored:
// re-warm the detector by feeding it the series' history instead.
var ErrParamsChanged = errors.New("anomaly state was learned with different parameters")

// header precedes the state in MarshalBinary's output.
type header struct {
	Magic       [4]byte
	Version     uint8
	Sensitivity uint8
	Seasonality uint8
	_           uint8
	Interval    int64
	Params      uint64 // fingerprint of the parameters the state was learned with
}

// StateSize is the length of MarshalBinary's output in bytes.
var StateSize = binary.Size(header{}) + binary.Size(state{})

// fingerprint identifies a parameter set.
func fingerprint(p *Params) uint64 {
	h := fnv.New64a()
	if err := binary.Write(h, binary.LittleEndian, paramsWire(p)); err != nil {
		panic(err) // fixed-size struct: cannot fail
	}
	return h.Sum64()
}

// paramsWire is Params with fixed-size ints, for binary encoding.
func paramsWire(p *Params) any {
	v := reflect.ValueOf(*p)
	out := make([]float64, v.NumField())
	for i := range out {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int:
			out[i] = float64(f.Int())
		default:
			out[i] = f.Float()
		}
	}
	return out
}

// MarshalBinary saves the detector: its configuration, a fingerprint of its parameters and
// everything it has learned (StateSize bytes, little-endian, versioned). It implements
// encoding.BinaryMarshaler.
func (d *Detector) MarshalBinary() ([]byte, error) {
	p := d.params()
	h := header{
		Magic: stateMagic, Version: stateVersion,
		Sensitivity: uint8(d.cfg.Sensitivity), Seasonality: uint8(d.cfg.Seasonality),
		Interval: int64(d.cfg.Interval), Params: fingerprint(p),
	}
	buf := bytes.NewBuffer(make([]byte, 0, StateSize))
	if err := binary.Write(buf, binary.LittleEndian, &h); err != nil {
		return nil, fmt.Errorf("anomaly state: %w", err)
	}
	if err := binary.Write(buf, binary.LittleEndian, &d.s); err != nil {
		return nil, fmt.Errorf("anomaly state: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalBinary restores a detector saved by MarshalBinary, configuration included, replacing
// whatever d held. d keeps its parameters (the frozen defaults for a zero Detector or one made by
// New); if the state was learned with other parameters it fails with ErrParamsChanged and leaves d
// unchanged. Any other malformed input is an error too. It implements encoding.BinaryUnmarshaler.
func (d *Detector) UnmarshalBinary(b []byte) error {
	if len(b) != StateSize {
		return fmt.Errorf("anomaly state: %d bytes, want %d", len(b), StateSize)
	}
	r := bytes.NewReader(b)
	var h header
	if err := binary.Read(r, binary.LittleEndian, &h); err != nil {
		return fmt.Errorf("anomaly state: %w", err)
	}
	if h.Magic != stateMagic {
		return errors.New("anomaly state: not a detector state")
	}
	if h.Version != stateVersion {
		return fmt.Errorf("anomaly state: version %d, this release reads version %d: %w",
			h.Version, stateVersion, ErrParamsChanged)
	}
	cfg := Config{
		Sensitivity: Sensitivity(h.Sensitivity), Seasonality: Seasonality(h.Seasonality),
		Interval: time.Duration(h.Interval),
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("anomaly state: %w", err)
	}
	p := d.params()
	if h.Params != fingerprint(p) {
		return fmt.Errorf("anomaly state: %w", ErrParamsChanged)
	}
	var s state
	if err := binary.Read(r, binary.LittleEndian, &s); err != nil {
		return fmt.Errorf("anomaly state: %w", err)
	}
	if err := s.check(); err != nil {
		return fmt.Errorf("anomaly state: %w", err)
	}
	d.cfg, d.p, d.s = cfg, p, s
	return nil
}

func (d *Detector) params() *Params {
	if d.p == nil {
		return &defaultParams
	}
	return d.p
}

// check rejects a state that no sequence of updates could have produced in ways that would break
// scoring: non-finite or negative where only finite, non-negative values can be.
func (s *state) check() error {
	if s.N < 0 || s.RestLeft < 0 || s.Active < 0 || s.Active >= numModels {
		return errors.New("counters out of range")
	}
	bad := false
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Float32, reflect.Float64:
			if x := v.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
				bad = true
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(*s))
	if bad {
		return errors.New("non-finite value")
	}
	if s.Step < 0 || s.Quantum < 0 || s.Hi < s.Lo {
		return errors.New("spacing, quantum or range out of range")
	}
	for i := range s.Models {
		m := &s.Models[i]
		if m.Scale < 0 || m.Perf < 0 || m.Smooth < 0 || m.ZMax < 0 || m.SMax < 0 || m.Valid < 0 ||
			m.Point.B < 0 || m.Point.U < 0 || m.Run.B < 0 || m.Run.U < 0 {
			return fmt.Errorf("model %d out of range", i)
		}
	}
	for _, x := range s.DayS {
		if x < 0 {
			return errors.New("negative slot scale")
		}
	}
	return nil
}
