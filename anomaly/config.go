package anomaly

import (
	"fmt"
	"strings"
	"time"
)

// Sensitivity chooses the threshold on a detector's probability-like score above which a point
// is an alarm. Higher sensitivity means a lower threshold: more alarms, fewer misses.
type Sensitivity uint8

// Sensitivities, from the fewest alarms to the most. The zero value is SensitivityMedium.
const (
	SensitivityMedium Sensitivity = iota
	SensitivityLow
	SensitivityHigh
)

var sensitivityNames = [...]string{SensitivityMedium: "medium", SensitivityLow: "low", SensitivityHigh: "high"}

// String returns the name used in rule files: low, medium or high.
func (s Sensitivity) String() string {
	if int(s) < len(sensitivityNames) {
		return sensitivityNames[s]
	}
	return fmt.Sprintf("Sensitivity(%d)", uint8(s))
}

// ParseSensitivity parses low, medium or high (case-insensitive; "" means medium).
func ParseSensitivity(s string) (Sensitivity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "medium":
		return SensitivityMedium, nil
	case "low":
		return SensitivityLow, nil
	case "high":
		return SensitivityHigh, nil
	}
	return 0, fmt.Errorf("unknown sensitivity %q: want low, medium or high", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Sensitivity) MarshalText() ([]byte, error) {
	if int(s) >= len(sensitivityNames) {
		return nil, fmt.Errorf("invalid sensitivity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseSensitivity.
func (s *Sensitivity) UnmarshalText(b []byte) error {
	v, err := ParseSensitivity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Threshold is the score at or above which a point is an alarm at this sensitivity.
func (s Sensitivity) Threshold() float64 {
	switch s {
	case SensitivityLow:
		return thresholdLow
	case SensitivityHigh:
		return thresholdHigh
	default:
		return thresholdMedium
	}
}

// The thresholds of the three sensitivities. Medium is the threshold NAB's scorer chooses for the
// frozen parameters under its standard profile (0.269 on all 58 files of NAB v1.1); high and low
// trade misses for false alarms from there. On anomaly-free noise, after 1,000 points of learning,
// they alarm on about one point in 1,900–2,800 (high), 2,100–3,600 (medium) and 3,700–15,000 (low);
// see TestFalseAlarmRates and the README's "Anomaly detection" section.
const (
	thresholdLow    = 0.4
	thresholdMedium = 0.27
	thresholdHigh   = 0.25
)

// Seasonality says which repeating shape a detector learns on top of the series' level.
type Seasonality uint8

// Seasonalities. The zero value is SeasonalityAuto.
const (
	// SeasonalityAuto learns daily and weekly profiles and follows whichever predicts best.
	SeasonalityAuto Seasonality = iota
	// SeasonalityNone follows the local level only.
	SeasonalityNone
	// SeasonalityDaily learns a profile by time of day (UTC).
	SeasonalityDaily
	// SeasonalityWeekly learns a profile by time of week (UTC).
	SeasonalityWeekly
)

var seasonalityNames = [...]string{
	SeasonalityAuto: "auto", SeasonalityNone: "none", SeasonalityDaily: "daily", SeasonalityWeekly: "weekly",
}

// String returns the name used in rule files: auto, none, daily or weekly.
func (s Seasonality) String() string {
	if int(s) < len(seasonalityNames) {
		return seasonalityNames[s]
	}
	return fmt.Sprintf("Seasonality(%d)", uint8(s))
}

// ParseSeasonality parses auto, none, daily or weekly (case-insensitive; "" means auto).
func ParseSeasonality(s string) (Seasonality, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return SeasonalityAuto, nil
	case "none":
		return SeasonalityNone, nil
	case "daily":
		return SeasonalityDaily, nil
	case "weekly":
		return SeasonalityWeekly, nil
	}
	return 0, fmt.Errorf("unknown seasonality %q: want none, daily, weekly or auto", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Seasonality) MarshalText() ([]byte, error) {
	if int(s) >= len(seasonalityNames) {
		return nil, fmt.Errorf("invalid seasonality %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseSeasonality.
func (s *Seasonality) UnmarshalText(b []byte) error {
	v, err := ParseSeasonality(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Config configures one detector. The zero value is valid: medium sensitivity, automatic
// seasonality, interval learned from the data. A rule's `anomaly: {sensitivity: high,
// seasonality: daily}` decodes into it (both fields implement encoding.TextUnmarshaler).
type Config struct {
	// Sensitivity chooses the alarm threshold (low, medium, high).
	Sensitivity Sensitivity `yaml:"sensitivity" json:"sensitivity"`
	// Seasonality chooses the repeating shapes learned (auto, none, daily, weekly).
	Seasonality Seasonality `yaml:"seasonality" json:"seasonality"`
	// Interval is the series' expected spacing (a rule's evaluation interval). Zero learns it from
	// the timestamps. Gaps are measured in intervals: a gap of k intervals ages the state by k
	// points, up to a cap.
	Interval time.Duration `yaml:"interval" json:"interval"`
}

// Validate reports a field that is out of range.
func (c Config) Validate() error {
	if int(c.Sensitivity) >= len(sensitivityNames) {
		return fmt.Errorf("anomaly config: invalid sensitivity %d", uint8(c.Sensitivity))
	}
	if int(c.Seasonality) >= len(seasonalityNames) {
		return fmt.Errorf("anomaly config: invalid seasonality %d", uint8(c.Seasonality))
	}
	if c.Interval < 0 {
		return fmt.Errorf("anomaly config: negative interval %v", c.Interval)
	}
	return nil
}
