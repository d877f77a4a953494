package anomaly

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseSensitivity(t *testing.T) {
	for in, want := range map[string]Sensitivity{
		"low": SensitivityLow, "Medium": SensitivityMedium, " HIGH ": SensitivityHigh, "": SensitivityMedium,
	} {
		got, err := ParseSensitivity(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
		require.Equal(t, got, must(ParseSensitivity(got.String())))
	}
	_, err := ParseSensitivity("extreme")
	require.EqualError(t, err, `unknown sensitivity "extreme": want low, medium or high`)
	require.Equal(t, "Sensitivity(7)", Sensitivity(7).String())
	require.Less(t, SensitivityHigh.Threshold(), SensitivityMedium.Threshold())
	require.Less(t, SensitivityMedium.Threshold(), SensitivityLow.Threshold())
}

func TestParseSeasonality(t *testing.T) {
	for in, want := range map[string]Seasonality{
		"none": SeasonalityNone, "Daily": SeasonalityDaily, "weekly": SeasonalityWeekly, "auto": SeasonalityAuto, "": SeasonalityAuto,
	} {
		got, err := ParseSeasonality(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
		require.Equal(t, got, must(ParseSeasonality(got.String())))
	}
	_, err := ParseSeasonality("hourly")
	require.EqualError(t, err, `unknown seasonality "hourly": want none, daily, weekly or auto`)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestConfigText(t *testing.T) {
	// Rule files spell the settings as words; any decoder using encoding.TextUnmarshaler works.
	var c Config
	require.NoError(t, json.Unmarshal([]byte(`{"sensitivity":"high","seasonality":"daily","interval":60000000000}`), &c))
	require.Equal(t, Config{Sensitivity: SensitivityHigh, Seasonality: SeasonalityDaily, Interval: time.Minute}, c)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	require.JSONEq(t, `{"sensitivity":"high","seasonality":"daily","interval":60000000000}`, string(b))

	err = json.Unmarshal([]byte(`{"sensitivity":"loud"}`), &c)
	require.ErrorContains(t, err, `unknown sensitivity "loud"`)
	err = json.Unmarshal([]byte(`{"seasonality":"yearly"}`), &c)
	require.ErrorContains(t, err, `unknown seasonality "yearly"`)
	_, err = json.Marshal(Config{Sensitivity: 9})
	require.ErrorContains(t, err, "invalid sensitivity 9")
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, Config{}.Validate())
	require.EqualError(t, Config{Sensitivity: 3}.Validate(), "anomaly config: invalid sensitivity 3")
	require.EqualError(t, Config{Seasonality: 4}.Validate(), "anomaly config: invalid seasonality 4")
	require.EqualError(t, Config{Interval: -time.Second}.Validate(), "anomaly config: negative interval -1s")
	require.Panics(t, func() { New(Config{Seasonality: 9}) })
}

func TestParamsValidate(t *testing.T) {
	p := DefaultParams()
	require.NoError(t, p.Validate())
	p.TailQ = 0.9
	require.EqualError(t, p.Validate(), "anomaly params: tail_q = 0.9 is outside [0.0001, 0.5]")
	p = DefaultParams()
	p.ScaleAlpha = 0
	require.ErrorContains(t, p.Validate(), "scale_alpha")
	require.Panics(t, func() { NewWithParams(Config{}, &p) })
}

func TestRestTriggerBelowThresholds(t *testing.T) {
	// Every alarm starts a rest period, at every sensitivity.
	p := DefaultParams()
	for _, s := range []Sensitivity{SensitivityLow, SensitivityMedium, SensitivityHigh} {
		require.LessOrEqual(t, p.RestTrigger, s.Threshold(), s.String())
	}
}
