package anomaly

import (
	"math"
	"time"
)

const (
	daySlots    = 144 // ten-minute slots of the daily profile
	weekSlots   = 168 // hourly slots of the weekly correction
	daySeconds  = 86400
	weekSeconds = 7 * daySeconds
	modelLocal  = 0
	modelDaily  = 1
	modelWeekly = 2
	numModels   = 3
	relFloor    = 1e-4 // smallest residual scale, relative to the level
	absFloor    = 1e-9 // smallest residual scale
	maxValue    = 1e150
	stepRate    = 0.05 // how fast the learned spacing shrinks towards shorter gaps
	tailWarmup  = 30   // valid residuals a model sees before it scores
	// MaxSurprisal is the surprisal (−log10 of a probability) that maps to score 1: a score s
	// means the point is as unlikely as an event of probability 10^(−10·s) under the series'
	// own history.
	MaxSurprisal = 10
)

// tail tracks the upper tail of a non-negative statistic: a high quantile U and the first two
// moments of the excesses over it (a peaks-over-threshold fit).
type tail struct {
	U, B, B2 float64
}

// model is one predictor with its own calibration of surprise.
type model struct {
	Level  float64 // local level, or a seasonal model's level under its profile
	Scale  float64 // median absolute residual
	Perf   float64 // smoothed absolute residual, to choose the model in use
	Smooth float64 // smoothed standardized residual
	ZMax   float64 // largest standardized residual seen lately
	SMax   float64 // largest smoothed residual seen lately
	Valid  int64   // points this model has predicted
	Point  tail    // tail of standardized residuals
	Run    tail    // tail of smoothed standardized residuals
}

// state is everything a detector remembers. It holds only fixed-size fields so that it
// serialises as one block (see MarshalBinary).
type state struct {
	N        int64   // points seen
	LastUnix int64   // time of the last point, unix nanoseconds
	Step     float64 // spacing of the series in seconds, learned unless configured
	Prev     float64 // previous value
	Quantum  float64 // smallest non-zero change seen
	Hi, Lo   float64 // range seen so far
	Models   [numModels]model
	Day      [daySlots]float32  // daily profile: offset from the daily level by time of day
	DayS     [daySlots]float32  // residual scale by time of day
	Week     [weekSlots]float32 // weekly correction of the daily profile by hour of week
	Seen     [(daySlots + weekSlots + 7) / 8]uint8
	Active   int32   // model in use
	RestLeft int32   // points left in the rest period after an alarm
	Peak     float64 // highest score reported in the current rest period
	Score    float64 // last score
	Resid    float64 // last residual surprisal of the model in use
	Extreme  float64 // last new-extreme surprisal
	Z        float64 // last standardized residual of the model in use
}

// Detector learns one series' normal shape online and scores each new point by how surprising it
// is. Feed it points in time order with Update; everything it knows came from earlier points.
//
// A detector is small (a few KiB, see MarshalBinary) and each Update is O(1) without allocation.
// It is not safe for concurrent use: give each series its own detector, or guard it. The zero
// Detector is ready to use with the zero Config and the default parameters.
type Detector struct {
	cfg Config
	p   *Params
	s   state
}

// Explanation says why the last point scored what it did.
type Explanation struct {
	// Score is what Update returned.
	Score float64
	// Residual is the surprisal (−log10 of a tail probability) of the point's deviation from the
	// model in use, alone or as part of a run of deviations.
	Residual float64
	// Extreme is the surprisal of a value beyond the range seen so far (0 inside the range).
	Extreme float64
	// Z is the point's deviation from the model in use in units of its typical deviation.
	Z float64
	// Model is the model in use: SeasonalityNone (the local level), SeasonalityDaily or
	// SeasonalityWeekly.
	Model Seasonality
	// Resting is true while repeats after an alarm are damped.
	Resting bool
}

// Band is the value a detector expects at a time and the range outside which a point may be
// anomalous. Inside [Lower, Upper] a point's deviation alone never raises the score; outside it
// the score depends on how often the series has strayed that far before.
type Band struct {
	Baseline, Lower, Upper float64
}

var defaultParams = DefaultParams()

// New returns a detector for one series with the frozen default parameters. It panics if cfg is
// invalid; configuration from outside should be checked with cfg.Validate first.
func New(cfg Config) *Detector {
	return NewWithParams(cfg, &defaultParams)
}

// NewWithParams returns a detector with explicit parameters, for evaluations. The detector keeps p
// and reads it on every update: p must not change while the detector is in use. It panics if cfg
// or p is invalid.
func NewWithParams(cfg Config, p *Params) *Detector {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if err := p.Validate(); err != nil {
		panic(err)
	}
	return &Detector{cfg: cfg, p: p}
}

// Config returns the detector's configuration.
func (d *Detector) Config() Config { return d.cfg }

// Points returns how many points the detector has learned from.
func (d *Detector) Points() int64 { return d.s.N }

// Warm reports whether the detector has seen enough points to score (see Params.Warmup). A cold
// detector's scores are 0.
func (d *Detector) Warm() bool { return d.s.N >= int64(d.params().Warmup) }

// Score returns the last point's score.
func (d *Detector) Score() float64 { return d.s.Score }

// Alarm reports whether the last point's score reached the sensitivity's threshold. After an
// alarm, repeats are damped for Params.Rest points unless the anomaly clearly escalates, so an
// incident raises one alarm rather than one a point.
func (d *Detector) Alarm() bool { return d.s.Score >= d.cfg.Sensitivity.Threshold() }

// Explain returns the parts of the last point's score.
func (d *Detector) Explain() Explanation {
	m := Seasonality(0)
	switch d.s.Active {
	case modelLocal:
		m = SeasonalityNone
	case modelDaily:
		m = SeasonalityDaily
	case modelWeekly:
		m = SeasonalityWeekly
	}
	return Explanation{
		Score: d.s.Score, Residual: d.s.Resid, Extreme: d.s.Extreme, Z: d.s.Z, Model: m,
		Resting: d.s.RestLeft > 0,
	}
}

// Expected returns the value the detector expects at t and its band, from what it has learned so
// far; it does not change the detector. Called before Update(t, v) it gives the forecast that v is
// scored against (a rule's baseline_* aggregate, a dashboard's anomaly band); called after, the
// forecast for the next point. Before the first point it returns a zero Band.
func (d *Detector) Expected(t time.Time) Band {
	if d.s.N == 0 {
		return Band{}
	}
	pr := d.predict(t.Unix())
	i := d.active(pr)
	w := d.params().ZFloor * max(pr.scale[i], pr.floor)
	return Band{Baseline: pr.pred[i], Lower: pr.pred[i] - w, Upper: pr.pred[i] + w}
}

func (d *Detector) seen(i int) bool { return d.s.Seen[i>>3]&(1<<(i&7)) != 0 }
func (d *Detector) mark(i int)      { d.s.Seen[i>>3] |= 1 << (i & 7) }

// slot returns the index of sec's slot among k slots of a period.
func slot(sec int64, period int64, k int) int {
	sec %= period
	if sec < 0 {
		sec += period
	}
	return int(sec * int64(k) / period)
}

func (d *Detector) uses(i int) bool {
	switch d.cfg.Seasonality {
	case SeasonalityNone:
		return i == modelLocal
	case SeasonalityDaily:
		return i != modelWeekly
	case SeasonalityWeekly:
		return i != modelDaily
	}
	return true
}

// prediction is every model's forecast for one time.
type prediction struct {
	pred, scale  [numModels]float64
	valid        [numModels]bool
	floor        float64
	db, wb       int
	dseen, wseen bool
}

// predict forecasts the value at unix seconds sec. A seasonal model predicts only where its
// profile has been visited; elsewhere it falls back to the local level and is not valid.
func (d *Detector) predict(sec int64) prediction {
	s := &d.s
	p := d.params()
	var pr prediction
	local := s.Models[modelLocal].Level
	pr.floor = max(0.5*s.Quantum, absFloor+relFloor*math.Abs(local))
	pr.db = slot(sec, daySeconds, daySlots)
	pr.wb = slot(sec, weekSeconds, weekSlots)
	pr.dseen, pr.wseen = d.seen(pr.db), d.seen(daySlots+pr.wb)
	for i := range pr.pred {
		pr.pred[i], pr.scale[i] = local, s.Models[i].Scale
	}
	pr.valid[modelLocal] = true
	if pr.dseen {
		day := float64(s.Day[pr.db])
		pr.pred[modelDaily] = s.Models[modelDaily].Level + day
		pr.pred[modelWeekly] = s.Models[modelWeekly].Level + day
		pr.valid[modelDaily] = true
		if pr.wseen {
			pr.pred[modelWeekly] += float64(s.Week[pr.wb])
			pr.valid[modelWeekly] = true
		}
		if p.SlotScale > 0 {
			pr.scale[modelDaily] = float64(s.DayS[pr.db])
			pr.scale[modelWeekly] = pr.scale[modelDaily] * s.Models[modelWeekly].Scale /
				max(s.Models[modelDaily].Scale, pr.floor)
		}
	}
	return pr
}

// active returns the model in use: the seasonal model whose recent error beats the local
// model's by the factor Params.Switch, if any and if configured.
func (d *Detector) active(pr prediction) int {
	best := modelLocal
	if !d.uses(best) {
		best = modelDaily
		if !d.uses(best) {
			best = modelWeekly
		}
	}
	for i := modelDaily; i < numModels; i++ {
		if i != best && d.uses(i) && pr.valid[i] && d.s.Models[i].Perf < d.s.Models[best].Perf*d.params().Switch {
			best = i
		}
	}
	return best
}

// Update learns one point and returns its anomaly score in [0,1]: 0 is ordinary, 1 is as
// surprising as a one-in-10^10 event (see MaxSurprisal). The score depends only on this point and
// the points before it. A point with a non-finite value is ignored and scores 0; values beyond
// ±1e150 are clamped. Points should come in time order: a point earlier than the last one is
// treated as if it came at the last one's time.
func (d *Detector) Update(t time.Time, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	v = max(-maxValue, min(maxValue, v))
	if d.p == nil { // zero Detector: default configuration and parameters
		d.p = &defaultParams
	}
	s := &d.s
	p := d.p
	unix := t.UnixNano()
	if s.N == 0 {
		s.Hi, s.Lo, s.Prev = v, v, v
		for i := range s.Models {
			s.Models[i].Level = v
		}
		s.LastUnix = unix
		s.N = 1
		return 0
	}
	ticks := d.advance(unix)
	n := float64(s.N)
	pr := d.predict(unix / 1e9)
	best := d.active(pr)
	s.Active = int32(best)

	// Surprisal (−log10 of a tail probability) of each model's residual. The score uses the model
	// in use; every model keeps learning so that a switch finds it calibrated.
	var surprise, zs [numModels]float64
	for i := range s.Models {
		if !d.uses(i) || !pr.valid[i] {
			continue
		}
		m := &s.Models[i]
		z := math.Abs(v-pr.pred[i]) / max(pr.scale[i], pr.floor)
		zs[i] = z
		m.Smooth += p.SmoothAlpha * (min(z, p.RunCap) - m.Smooth)
		if m.Valid > tailWarmup {
			surprise[i] = m.surprisal(z, p)
			m.Point.update(z, p, float64(m.Valid))
			m.Run.update(m.Smooth, p, float64(m.Valid))
		}
		if m.Valid > tailWarmup {
			m.ZMax = max(m.ZMax*(1-p.RecordDecay), z)
			m.SMax = max(m.SMax*(1-p.RecordDecay), m.Smooth)
		}
		m.Valid++
	}
	// A value beyond the range seen so far.
	ext := 0.0
	rng := max(s.Hi-s.Lo, absFloor+relFloor*math.Abs(v))
	eb := p.ExtBase
	if v > s.Hi {
		ext = eb + p.ExtSlope*(v-s.Hi)/rng
		s.Hi = v
	} else if v < s.Lo {
		ext = eb + p.ExtSlope*(s.Lo-v)/rng
		s.Lo = v
	}
	s.Resid, s.Extreme, s.Z = surprise[best], ext, zs[best]
	score := min(1, max(surprise[best], ext)/MaxSurprisal)

	d.learn(v, ticks, n, pr)
	s.N++
	if s.N <= int64(p.Warmup) {
		score = 0
	}
	// Rest after an alarm: report again only what rises clearly above the rest period's peak.
	if s.RestLeft > 0 {
		s.RestLeft--
		if score > s.Peak+p.Margin {
			s.Peak = score
		} else {
			score = min(score, min(s.Peak, p.RestTrigger)) * 0.5
		}
	} else if score >= p.RestTrigger {
		s.RestLeft = int32(p.Rest)
		s.Peak = score
	}
	s.Score = score
	return score
}

// surprisal combines the point and run tests of one model.
func (m *model) surprisal(z float64, p *Params) float64 {
	var sp, sr float64
	if z > p.ZFloor {
		sp = m.Point.surprisal(z, p) * p.PointWeight
		if zm := max(m.ZMax, p.ZFloor); z > zm {
			sp = max(sp, p.RecordBase+p.RecordSlope*(z-zm)/zm)
		}
	}
	if m.Smooth > p.ZFloor {
		sr = m.Run.surprisal(m.Smooth, p)
		if sm := max(m.SMax, p.ZFloor); m.Smooth > sm {
			sr = max(sr, p.RecordBase+p.RecordSlope*(m.Smooth-sm)/sm)
		}
	}
	return max(sp, sr)
}

// learn moves levels, profiles and scales towards the point v.
func (d *Detector) learn(v, ticks, n float64, pr prediction) {
	s := &d.s
	p := d.p
	if dv := math.Abs(v - s.Prev); dv > 0 && (s.Quantum == 0 || dv < s.Quantum) {
		s.Quantum = dv
	}
	s.Prev = v
	sa := max(p.ScaleAlpha, 1/n)
	pa := max(p.PerfAlpha, 1/n)
	db, wb := pr.db, pr.wb
	dayOld := float64(s.Day[db])
	for i := range s.Models {
		m := &s.Models[i]
		e := v - pr.pred[i]
		sc := max(pr.scale[i], pr.floor)
		ec := max(-p.Clip*sc, min(p.Clip*sc, e))
		la := p.LevelAlpha
		if i != modelLocal {
			la = p.SeasonLevelAlpha
		}
		if ticks > 1 {
			la = 1 - math.Pow(1-la, ticks)
		}
		m.Perf += pa * (math.Abs(ec) - m.Perf)
		trackScale(&m.Scale, e, sa)
		switch i {
		case modelLocal:
			m.Level += la * ec
		case modelDaily:
			if !pr.dseen {
				s.Day[db] = f32(v - m.Level)
				s.DayS[db] = f32(m.Scale)
				d.mark(db)
				continue
			}
			m.Level += la * ec
			s.Day[db] = f32(float64(s.Day[db]) + p.SeasonAlpha*(1-la)*ec)
			if p.SlotScale > 0 {
				x := float64(s.DayS[db])
				trackScale(&x, e, p.SlotScale)
				s.DayS[db] = f32(x)
			}
		case modelWeekly:
			if !pr.dseen {
				continue
			}
			if !pr.wseen {
				s.Week[wb] = f32(v - dayOld - m.Level)
				d.mark(daySlots + wb)
				continue
			}
			m.Level += la * ec
			s.Week[wb] = f32(float64(s.Week[wb]) + p.SeasonAlpha*(1-la)*ec)
		}
	}
}

// f32 converts to float32 without overflowing to infinity.
func f32(x float64) float32 {
	return float32(max(-math.MaxFloat32, min(math.MaxFloat32, x)))
}

// trackScale follows the median of |e| multiplicatively: a quantile tracker in log space, which
// one outlier moves by one step only.
func trackScale(sc *float64, e, rate float64) {
	ae := math.Abs(e)
	switch {
	case *sc == 0:
		*sc = ae
	case ae > *sc:
		*sc *= 1 + rate
	default:
		*sc *= 1 - rate
	}
}

// advance moves the clock to unix and returns how many steps the gap since the last point spans
// (at least 1, at most Params.MaxGap).
func (d *Detector) advance(unix int64) float64 {
	s := &d.s
	dt := float64(unix-s.LastUnix) / 1e9
	if d.cfg.Interval > 0 {
		s.Step = d.cfg.Interval.Seconds()
	} else if dt > 0 {
		switch {
		case s.Step == 0:
			s.Step = dt
		case dt > s.Step*1.0001:
			s.Step *= 1 + stepRate*0.05
		case dt < s.Step*0.9999:
			s.Step *= 1 - stepRate
		}
	}
	if unix > s.LastUnix {
		s.LastUnix = unix
	}
	if s.Step > 0 && dt > s.Step*1.5 {
		return min(dt/s.Step, float64(d.p.MaxGap))
	}
	return 1
}

// surprisal is −log10 of the probability of a value at least x under the tail fit.
func (t *tail) surprisal(x float64, p *Params) float64 {
	if x <= t.U {
		return 0
	}
	y := x - t.U
	b := max(t.B, 1e-9)
	xi := 0.0
	if p.XiMax > 0 && t.B2 > b*b {
		xi = max(0, min(p.XiMax, 0.5*(1-b*b/(t.B2-b*b))))
	}
	if xi < 1e-3 {
		return -math.Log10(p.TailQ) + y/b/math.Ln10
	}
	sigma := b * (1 - xi)
	return -math.Log10(p.TailQ) + math.Log10(1+xi*y/sigma)/xi
}

// update moves the threshold U towards the (1−q) quantile and the excess moments towards x's.
func (t *tail) update(x float64, p *Params, n float64) {
	if t.B == 0 {
		t.B = max(x, 1e-3)
		t.B2 = 2 * t.B * t.B
	}
	step := p.TailEta * t.B
	if x > t.U {
		y := min(x-t.U, p.TailClip*t.B)
		r := max(p.TailEta, 1/(n+1))
		t.B += r * (y - t.B)
		t.B2 += r * (y*y - t.B2)
		t.U += step * (1 - p.TailQ)
	} else {
		t.U = max(0, t.U-step*p.TailQ)
	}
}
