package alerting

import (
	"time"

	"github.com/cxpulse/cxpulse/anomaly"
)

// Detector scores one series point by point, causally (no look-ahead). AnomalyDetectors adapts
// package anomaly's detectors to it. A Detector is used by one goroutine
// at a time.
type Detector interface {
	// Update feeds the value v observed at t and returns its anomaly score in [0, 1].
	Update(t time.Time, v float64) float64
	// Baseline returns the value expected at the last update and the band around it.
	Baseline() (expected, low, high float64)
}

// DetectorSpec is what a DetectorFactory is told about the series it will watch.
type DetectorSpec struct {
	Series      string
	Sensitivity Sensitivity
	Seasonality Seasonality
	// Step is the time between two updates (the rule group's interval).
	Step time.Duration
}

// DetectorFactory makes a fresh detector for one series of an anomaly rule.
type DetectorFactory func(spec DetectorSpec) (Detector, error)

// AnomalyDetectors is the DetectorFactory of package anomaly, used when Deps, BacktestDeps or
// TestOptions name none.
func AnomalyDetectors(spec DetectorSpec) (Detector, error) {
	cfg := anomaly.Config{Interval: spec.Step}
	switch spec.Sensitivity {
	case SensitivityLow:
		cfg.Sensitivity = anomaly.SensitivityLow
	case SensitivityHigh:
		cfg.Sensitivity = anomaly.SensitivityHigh
	default:
		cfg.Sensitivity = anomaly.SensitivityMedium
	}
	switch spec.Seasonality {
	case SeasonalityNone:
		cfg.Seasonality = anomaly.SeasonalityNone
	case SeasonalityDaily:
		cfg.Seasonality = anomaly.SeasonalityDaily
	case SeasonalityWeekly:
		cfg.Seasonality = anomaly.SeasonalityWeekly
	default:
		cfg.Seasonality = anomaly.SeasonalityAuto
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &anomalyDetector{d: anomaly.New(cfg), threshold: cfg.Sensitivity.Threshold()}, nil
}

// anomalyDetector adapts an anomaly.Detector: the band is the one expected before each point.
// The detector damps repeats after an alarm (one incident, one alarm); a rule needs the opposite
// — an anomalous condition that lasts while the incident does, so `for` and `keep_firing_for`
// work — so while the detector rests after an alarm and the values stay outside the expected band,
// the alarm's score is reported again.
type anomalyDetector struct {
	d         *anomaly.Detector
	band      anomaly.Band
	threshold float64
	peak      float64 // score of the alarm that opened the current incident
}

func (a *anomalyDetector) Update(t time.Time, v float64) float64 {
	a.band = a.d.Expected(t)
	score := a.d.Update(t, v)
	resting := a.d.Explain().Resting
	switch {
	case score >= a.threshold:
		a.peak = max(a.peak, score)
	case resting && a.peak > 0 && (v > a.band.Upper || v < a.band.Lower):
		score = a.peak
	case !resting:
		a.peak = 0
	}
	return score
}

func (a *anomalyDetector) Baseline() (expected, low, high float64) {
	return a.band.Baseline, a.band.Lower, a.band.Upper
}

// anomalyOut is a detector's view of the latest point.
type anomalyOut struct {
	series              string
	score               float64
	expected, low, high float64
}
