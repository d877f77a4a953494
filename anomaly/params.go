package anomaly

import "fmt"

// Params are the detector's internal settings. DefaultParams holds the frozen set that every
// series uses; they are exported so that an evaluation can search them, not for per-series tuning.
// Rates are per point (one step of the series' interval); lengths are in points.
type Params struct {
	// Warmup is the number of points a detector learns from before it scores anything.
	Warmup int
	// LevelAlpha is the smoothing of the local level (exponential moving average).
	LevelAlpha float64
	// SeasonLevelAlpha is the smoothing of a seasonal model's offset from its profile.
	SeasonLevelAlpha float64
	// SeasonAlpha is the learning rate of a seasonal profile's slot per visit.
	SeasonAlpha float64
	// ScaleAlpha is the rate at which the median absolute residual is tracked (log space).
	ScaleAlpha float64
	// SlotScale is the learning rate of the residual scale per daily slot (0: one scale).
	SlotScale float64
	// Clip bounds a residual's influence on levels and profiles, in scales (Huber style).
	Clip float64
	// PerfAlpha is the smoothing of each model's absolute error that chooses the model in use.
	PerfAlpha float64
	// Switch is the factor by which a seasonal model's error must beat the local model's.
	Switch float64
	// TailQ is the tail fraction above which statistics are modelled by a peaks-over-threshold
	// fit (generalised Pareto, method of moments).
	TailQ float64
	// TailEta is the learning rate of the tail fits.
	TailEta float64
	// TailClip caps one exceedance's pull on a tail's mean excess, in mean excesses.
	TailClip float64
	// XiMax caps the tail shape (0: exponential tails).
	XiMax float64
	// SmoothAlpha is the smoothing of standardized residuals for the sustained-shift test.
	SmoothAlpha float64
	// RunCap caps the standardized residual a single point adds to the smoothed run.
	RunCap float64
	// PointWeight scales the point test's surprisal (0 disables it).
	PointWeight float64
	// RecordBase is the surprisal of a residual just beyond the largest seen lately.
	RecordBase float64
	// RecordSlope adds surprisal per relative excess over the largest residual seen lately.
	RecordSlope float64
	// RecordDecay is the per-point decay of the largest residuals remembered.
	RecordDecay float64
	// ExtBase is the surprisal of a value just beyond the range seen so far.
	ExtBase float64
	// ExtSlope adds surprisal per range-width beyond the range seen so far.
	ExtSlope float64
	// Rest is the number of points after an alarm during which repeats are damped.
	Rest int
	// RestTrigger is the score that starts a rest period; it should not exceed the lowest
	// sensitivity threshold, or a point could alarm without starting one.
	RestTrigger float64
	// Margin is how far a score must rise above the rest period's peak to be reported again.
	Margin float64
	// ZFloor is the standardized residual below which nothing is surprising.
	ZFloor float64
	// MaxGap caps the number of missing points a gap counts as.
	MaxGap int
}

// DefaultParams returns the frozen parameter set used for every series. Changing it changes the
// fingerprint in saved states: UnmarshalBinary then reports ErrParamsChanged and the ruler
// re-warms from history.
func DefaultParams() Params {
	return Params{
		Warmup:           150,
		LevelAlpha:       0.01,
		SeasonLevelAlpha: 0.01,
		SeasonAlpha:      0.1,
		ScaleAlpha:       0.02,
		SlotScale:        0.05,
		Clip:             10,
		PerfAlpha:        0.004,
		Switch:           1,
		TailQ:            0.02,
		TailEta:          0.05,
		TailClip:         10,
		XiMax:            0.2,
		SmoothAlpha:      0.3,
		PointWeight:      0,
		RunCap:           20,
		RecordBase:       2,
		RecordSlope:      3,
		RecordDecay:      0.0001,
		ExtBase:          2,
		ExtSlope:         30,
		Rest:             100,
		RestTrigger:      0.2,
		Margin:           0.06,
		MaxGap:           1000,
		ZFloor:           5,
	}
}

// Validate reports the first parameter that is out of its range.
func (p Params) Validate() error {
	type chk struct {
		name   string
		v      float64
		lo, hi float64
	}
	for _, c := range []chk{
		{"warmup", float64(p.Warmup), 0, 1e7},
		{"level_alpha", p.LevelAlpha, 1e-6, 1},
		{"season_level_alpha", p.SeasonLevelAlpha, 1e-6, 1},
		{"season_alpha", p.SeasonAlpha, 1e-6, 1},
		{"scale_alpha", p.ScaleAlpha, 1e-6, 0.5},
		{"slot_scale", p.SlotScale, 0, 1},
		{"clip", p.Clip, 0.5, 1e6},
		{"perf_alpha", p.PerfAlpha, 1e-6, 1},
		{"switch", p.Switch, 0, 1},
		{"tail_q", p.TailQ, 1e-4, 0.5},
		{"tail_eta", p.TailEta, 1e-5, 1},
		{"tail_clip", p.TailClip, 1, 1e6},
		{"xi_max", p.XiMax, 0, 0.5},
		{"smooth_alpha", p.SmoothAlpha, 1e-4, 1},
		{"point_weight", p.PointWeight, 0, 10},
		{"run_cap", p.RunCap, 0, 1e9},
		{"record_base", p.RecordBase, 0, 100},
		{"record_slope", p.RecordSlope, 0, 1e6},
		{"record_decay", p.RecordDecay, 0, 1},
		{"ext_base", p.ExtBase, 0, 100},
		{"ext_slope", p.ExtSlope, 0, 1e6},
		{"rest", float64(p.Rest), 0, 1e7},
		{"rest_trigger", p.RestTrigger, 0, 1},
		{"margin", p.Margin, 0, 1},
		{"z_floor", p.ZFloor, 0, 1e6},
		{"max_gap", float64(p.MaxGap), 1, 1e7},
	} {
		if !(c.v >= c.lo && c.v <= c.hi) {
			return fmt.Errorf("anomaly params: %s = %v is outside [%v, %v]", c.name, c.v, c.lo, c.hi)
		}
	}
	return nil
}
