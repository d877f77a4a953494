package anomaly

import (
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

// learning is how many points a new detector needs before its false-alarm rate settles: its
// range and largest deviations are still being found (see TestFalseAlarmRates).
const learning = 1000

// series is a synthetic series with known anomalies.
type series struct {
	times  []time.Time
	values []float64
}

func (s *series) add(t time.Time, v float64) {
	s.times = append(s.times, t)
	s.values = append(s.values, v)
}

// poisson draws a Poisson count with mean mu (normal approximation above 50).
func poisson(r *rand.Rand, mu float64) float64 {
	if mu > 50 {
		return math.Max(0, math.Round(mu+math.Sqrt(mu)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// volume is customer-message volume every step for days days: a daily cycle (quiet at night, busy
// in the afternoon), quieter weekends, Poisson noise.
func volume(r *rand.Rand, step time.Duration, days int, peak float64) series {
	var s series
	n := int(time.Duration(days) * 24 * time.Hour / step)
	for i := 0; i < n; i++ {
		t := t0.Add(time.Duration(i) * step)
		h := float64(t.Hour()) + float64(t.Minute())/60
		mu := peak * (0.15 + 0.85*math.Pow(math.Max(0, math.Sin((h-6)/24*2*math.Pi)), 2))
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			mu *= 0.6
		}
		s.add(t, poisson(r, mu*step.Minutes()/5))
	}
	return s
}

// run scores a series with a fresh detector and returns the scores and the alarm indexes.
func run(cfg Config, s series) (scores []float64, alarms []int) {
	d := New(cfg)
	scores = make([]float64, len(s.values))
	for i := range s.values {
		scores[i] = d.Update(s.times[i], s.values[i])
		if d.Alarm() {
			alarms = append(alarms, i)
		}
	}
	return scores, alarms
}

// alarmsIn counts alarms in [lo, hi).
func alarmsIn(alarms []int, lo, hi int) int {
	c := 0
	for _, a := range alarms {
		if a >= lo && a < hi {
			c++
		}
	}
	return c
}

func requireScores(t *testing.T, scores []float64) {
	t.Helper()
	for i, s := range scores {
		require.Falsef(t, math.IsNaN(s) || s < 0 || s > 1, "score %d = %v is outside [0,1]", i, s)
	}
}

func TestSeasonalVolumeWithSpike(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	s := volume(r, 5*time.Minute, 21, 120)
	spike := len(s.values) - 3*288 + 150 // a weekday afternoon in the last week
	s.values[spike] *= 4
	for _, seas := range []Seasonality{SeasonalityAuto, SeasonalityDaily, SeasonalityWeekly, SeasonalityNone} {
		t.Run(seas.String(), func(t *testing.T) {
			scores, alarms := run(Config{Seasonality: seas, Sensitivity: SensitivityLow}, s)
			requireScores(t, scores)
			require.Contains(t, alarms, spike, "the spike must raise an alarm")
			// After two weeks of learning, ordinary days raise at most one alarm a week.
			require.LessOrEqual(t, alarmsIn(alarms, 14*288, len(s.values))-1, 1, "alarms: %v", alarms)
			_, alarms = run(Config{Seasonality: seas}, s)
			require.Contains(t, alarms, spike)
			require.LessOrEqual(t, alarmsIn(alarms, 14*288, len(s.values))-1, 3, "alarms: %v", alarms)
		})
	}
}

func TestSeasonalDipNeedsTheProfile(t *testing.T) {
	// Volume that stays at its night level through one weekday afternoon: unremarkable for the
	// local level at night, clearly wrong for the time of day.
	r := rand.New(rand.NewSource(2))
	s := volume(r, 5*time.Minute, 21, 200)
	day := 17 // a Wednesday
	from, to := day*288+12*12, day*288+18*12
	for i := from; i < to; i++ {
		s.values[i] = poisson(r, 200*0.15)
	}
	scores, alarms := run(Config{Seasonality: SeasonalityDaily, Sensitivity: SensitivityHigh}, s)
	requireScores(t, scores)
	require.Positive(t, alarmsIn(alarms, from, from+24), "the missing afternoon must raise an alarm within two hours: %v", alarms)
	require.Equal(t, 1, alarmsIn(alarms, from, to), "one incident, one alarm: %v", alarms)
	// The local level alone does not see it: night-time volume is ordinary.
	_, alarms = run(Config{Seasonality: SeasonalityNone, Sensitivity: SensitivityHigh}, s)
	require.Zero(t, alarmsIn(alarms, from, from+24), "alarms: %v", alarms)
}

func TestLevelShift(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var s series
	shift := 3000
	for i := 0; i < 5000; i++ {
		v := 50 + 2*r.NormFloat64()
		if i >= shift {
			v += 15
		}
		s.add(t0.Add(time.Duration(i)*time.Minute), v)
	}
	scores, alarms := run(Config{Seasonality: SeasonalityNone, Sensitivity: SensitivityLow}, s)
	requireScores(t, scores)
	require.Equal(t, 1, alarmsIn(alarms, shift, shift+5), "alarms: %v", alarms)
	require.Zero(t, alarmsIn(alarms, learning, shift), "no alarm before the shift: %v", alarms)
	require.Equal(t, 1, alarmsIn(alarms, shift, len(s.values)), "the new level is learned: one alarm: %v", alarms)
}

func TestSlowDrift(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	var s series
	start := 3000
	for i := 0; i < 4500; i++ {
		v := 0.3 + 0.01*r.NormFloat64() // a negative share that slowly worsens
		if i >= start {
			v += 0.0004 * float64(i-start)
		}
		s.add(t0.Add(time.Duration(i)*time.Minute), v)
	}
	scores, alarms := run(Config{Seasonality: SeasonalityNone, Sensitivity: SensitivityLow}, s)
	requireScores(t, scores)
	require.Zero(t, alarmsIn(alarms, learning, start), "no alarm before the drift: %v", alarms)
	// 0.0004 a point is one noise deviation every 25 points: found within a few hundred.
	require.Positive(t, alarmsIn(alarms, start, start+500), "the drift must raise an alarm: %v", alarms)
}

func TestFlatSeriesWithOneBlip(t *testing.T) {
	for _, level := range []float64{0, 45, -3.5, 1e9} {
		var s series
		blip := 800
		for i := 0; i < 1500; i++ {
			v := level
			if i == blip {
				v = level + 1 + math.Abs(level)*0.01
			}
			s.add(t0.Add(time.Duration(i)*5*time.Minute), v)
		}
		scores, alarms := run(Config{}, s)
		requireScores(t, scores)
		require.Equal(t, []int{blip}, alarms, "level %v", level)
		for i, sc := range scores {
			if i != blip && i < blip+200 { // the rest period damps the blip's aftermath
				continue
			}
			if i != blip {
				require.Zerof(t, sc, "level %v: point %d after the blip", level, i)
			}
		}
	}
}

func TestSparseCounts(t *testing.T) {
	// Counts that are zero most of the time: ordinary ones and twos are not anomalies, a burst is.
	r := rand.New(rand.NewSource(5))
	var s series
	burst := 4000
	for i := 0; i < 5000; i++ {
		v := poisson(r, 0.2)
		if i >= burst && i < burst+3 {
			v = 12
		}
		s.add(t0.Add(time.Duration(i)*time.Minute), v)
	}
	scores, alarms := run(Config{}, s)
	requireScores(t, scores)
	require.Equal(t, 1, alarmsIn(alarms, burst, burst+3), "alarms: %v", alarms)
	require.LessOrEqual(t, alarmsIn(alarms, learning, burst), 1, "alarms: %v", alarms)
}

func TestQuantisedSeries(t *testing.T) {
	// A share rounded to whole percents that mostly sits on two values: its spread is often
	// zero, which must not make ordinary steps look anomalous.
	r := rand.New(rand.NewSource(6))
	var s series
	for i := 0; i < 4000; i++ {
		v := 0.12
		if r.Float64() < 0.1 {
			v = 0.13
		}
		s.add(t0.Add(time.Duration(i)*time.Minute), v)
	}
	scores, alarms := run(Config{}, s)
	requireScores(t, scores)
	require.LessOrEqual(t, len(alarms), 1, "alarms: %v", alarms)
}

func TestGapsAndIrregularSpacing(t *testing.T) {
	// Per-minute volume with jittered timestamps and two outages of several hours: the gaps age
	// the level, but returning to normal after them is no anomaly, and a spike after them is.
	r := rand.New(rand.NewSource(7))
	var s series
	tm := t0
	spike := -1
	for i := 0; i < 6000; i++ {
		tm = tm.Add(time.Minute + time.Duration(r.Intn(20)-10)*time.Second)
		if i == 2000 || i == 4000 {
			tm = tm.Add(6 * time.Hour)
		}
		v := poisson(r, 30)
		if i == 5000 {
			v, spike = 90, i
		}
		s.add(tm, v)
	}
	for _, cfg := range []Config{{Sensitivity: SensitivityLow}, {Sensitivity: SensitivityLow, Interval: time.Minute}} {
		scores, alarms := run(cfg, s)
		requireScores(t, scores)
		require.Contains(t, alarms, spike, "interval %v", cfg.Interval)
		require.Zero(t, alarmsIn(alarms, 2000, 2050)+alarmsIn(alarms, 4000, 4050), "interval %v: alarms after the gaps: %v", cfg.Interval, alarms)
		// Besides the spike, only rare values (a count of 9 or 53 where 30 is usual, p ≈ 1e-4).
		require.LessOrEqual(t, alarmsIn(alarms, learning, len(s.values)), 3, "interval %v: alarms %v", cfg.Interval, alarms)
	}
}

func TestBadValuesAndTimes(t *testing.T) {
	d := New(Config{})
	require.Zero(t, d.Update(t0, math.NaN()))
	require.Zero(t, d.Update(t0, math.Inf(1)))
	require.Zero(t, d.Points(), "non-finite values are not learned")
	for i := 0; i < 300; i++ {
		d.Update(t0.Add(time.Duration(i)*time.Minute), float64(i%7))
	}
	// Earlier timestamps, huge and tiny values: scores stay in [0,1] and the state finite.
	for _, v := range []float64{1e300, -1e300, 5, 1e-300, 3} {
		s := d.Update(t0, v)
		require.False(t, math.IsNaN(s) || s < 0 || s > 1, "value %v: score %v", v, s)
	}
	require.NoError(t, d.s.check())
	b := d.Expected(t0.Add(time.Hour))
	require.False(t, math.IsNaN(b.Baseline) || math.IsNaN(b.Lower) || math.IsNaN(b.Upper))
}

func TestExpectedBand(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	s := volume(r, 5*time.Minute, 14, 120)
	d := New(Config{Seasonality: SeasonalityDaily})
	require.Equal(t, Band{}, d.Expected(t0))
	inside := 0
	n := 0
	for i := range s.values {
		b := d.Expected(s.times[i])
		require.LessOrEqual(t, b.Lower, b.Baseline)
		require.LessOrEqual(t, b.Baseline, b.Upper)
		if i > 7*288 {
			n++
			if s.values[i] >= b.Lower && s.values[i] <= b.Upper {
				inside++
			}
		}
		d.Update(s.times[i], s.values[i])
	}
	require.Greater(t, float64(inside)/float64(n), 0.99, "ordinary points fall inside the band")
	// The band follows the daily cycle: the afternoon is expected busier than the night.
	night := d.Expected(s.times[len(s.times)-1].Truncate(24 * time.Hour).Add(3 * time.Hour))
	afternoon := d.Expected(s.times[len(s.times)-1].Truncate(24 * time.Hour).Add(12 * time.Hour))
	require.Greater(t, afternoon.Baseline, 3*night.Baseline)
	require.Equal(t, SeasonalityDaily, d.Explain().Model)
}

func TestWarmupAndZeroDetector(t *testing.T) {
	var d Detector // usable without New
	for i := 0; i < DefaultParams().Warmup; i++ {
		require.Zero(t, d.Update(t0.Add(time.Duration(i)*time.Minute), float64(i%3)*100))
		require.False(t, d.Alarm())
	}
	require.True(t, d.Warm())
	require.Equal(t, Config{}, d.Config())
}

func TestCausality(t *testing.T) {
	// Scoring a prefix gives exactly the scores of the full run on that prefix.
	r := rand.New(rand.NewSource(9))
	s := volume(r, 5*time.Minute, 10, 80)
	for i := 1500; i < 1510; i++ {
		s.values[i] *= 3
	}
	full, _ := run(Config{}, s)
	for _, k := range []int{1, 2, 151, 1000, 1505, 2000, len(s.values) - 1} {
		pre, _ := run(Config{}, series{s.times[:k], s.values[:k]})
		require.Equal(t, full[:k], pre, "prefix of %d points", k)
	}
}

func TestSensitivityOrdersAlarms(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	s := volume(r, 5*time.Minute, 21, 60)
	var counts []int
	for _, sens := range []Sensitivity{SensitivityLow, SensitivityMedium, SensitivityHigh} {
		_, alarms := run(Config{Sensitivity: sens}, s)
		counts = append(counts, len(alarms))
	}
	require.LessOrEqual(t, counts[0], counts[1])
	require.LessOrEqual(t, counts[1], counts[2])
}

func TestFalseAlarmRates(t *testing.T) {
	// Anomaly-free series: the fraction of points that alarm after the learning period, per
	// sensitivity. These bound what an operator sees on a quiet series; they are measured, not
	// derived (heavy tails make new extremes likelier than the score's nominal probability).
	gens := map[string]func(r *rand.Rand, prev float64) float64{
		"gaussian":   func(r *rand.Rand, _ float64) float64 { return 10 + r.NormFloat64() },
		"poisson-3":  func(r *rand.Rand, _ float64) float64 { return poisson(r, 3) },
		"poisson-50": func(r *rand.Rand, _ float64) float64 { return poisson(r, 50) },
		"student-t3": func(r *rand.Rand, _ float64) float64 {
			return 10 + r.NormFloat64()/math.Sqrt(r.ExpFloat64()+r.ExpFloat64()+r.ExpFloat64())*math.Sqrt(3)
		},
		"random-walk": func(r *rand.Rand, prev float64) float64 { return 0.95*prev + r.NormFloat64() },
	}
	bound := map[Sensitivity]float64{SensitivityHigh: 1e-3, SensitivityMedium: 7e-4, SensitivityLow: 3e-4}
	for name, g := range gens {
		t.Run(name, func(t *testing.T) {
			counts := map[Sensitivity]int{}
			n := 0
			r := rand.New(rand.NewSource(11))
			for rep := 0; rep < 10; rep++ {
				ds := map[Sensitivity]*Detector{}
				for s := range bound {
					ds[s] = New(Config{Sensitivity: s, Seasonality: SeasonalityNone})
				}
				v := 0.0
				for i := 0; i < 10000; i++ {
					v = g(r, v)
					tm := t0.Add(time.Duration(i) * time.Minute)
					for s, d := range ds {
						d.Update(tm, v)
						if i >= learning && d.Alarm() {
							counts[s]++
						}
					}
					if i >= learning {
						n++
					}
				}
			}
			for s, b := range bound {
				rate := float64(counts[s]) / float64(n)
				t.Logf("%s: %.1e alarms a point", s, rate)
				require.LessOrEqual(t, rate, b, "sensitivity %s", s)
			}
			require.LessOrEqual(t, counts[SensitivityLow], counts[SensitivityMedium])
			require.LessOrEqual(t, counts[SensitivityMedium], counts[SensitivityHigh])
		})
	}
}
