package alerting

import "time"

// Detector scores one series point by point, causally (no look-ahead). Implementations live in
// package anomaly; cmd/cxpulse adapts them to this interface. A Detector is used by one goroutine
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

// anomalyOut is a detector's view of the latest point.
type anomalyOut struct {
	series              string
	score               float64
	expected, low, high float64
}
