package yamlcheck

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const day = 24 * time.Hour

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"0s", 0},
		{"250ms", 250 * time.Millisecond},
		{"90s", 90 * time.Second},
		{"1h30m", 90 * time.Minute},
		{"7d", 7 * day},
		{"2w", 14 * day},
		{"2w1d", 15 * day},
		{"1m1m", 2 * time.Minute},
		{"106751d", 106751 * day},
	} {
		d, err := ParseDuration(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, d, c.in)
	}
}

func TestParseDurationErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", `empty duration`},
		{"m", `invalid duration "m" (want e.g. 30s, 5m, 1h, 7d)`},
		{"-1m", `invalid duration "-1m" (want e.g. 30s, 5m, 1h, 7d)`},
		{"5", `invalid duration "5": unknown unit "" (want ms, s, m, h, d or w)`},
		{"5x", `invalid duration "5x": unknown unit "x" (want ms, s, m, h, d or w)`},
		{"10x", `invalid duration "10x": unknown unit "x" (want ms, s, m, h, d or w)`},
		{"1.5h", `invalid duration "1.5h": unknown unit "." (want ms, s, m, h, d or w)`},
		{"5 m", `invalid duration "5 m": unknown unit " m" (want ms, s, m, h, d or w)`},
		{"99999999999999999999h", `invalid duration "99999999999999999999h": strconv.ParseInt: parsing "99999999999999999999": value out of range`},
		{"2562048h", `invalid duration "2562048h": too large`},
		{"106751d106751d", `invalid duration "106751d106751d": too large`},
	} {
		_, err := ParseDuration(c.in)
		require.EqualError(t, err, c.want, c.in)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d           time.Duration
		weeks, days string
	}{
		{0, "0s", "0s"},
		{250 * time.Millisecond, "250ms", "250ms"},
		{90 * time.Second, "1m30s", "1m30s"},
		{90 * time.Minute, "1h30m", "1h30m"},
		{7 * day, "1w", "7d"},
		{14 * day, "2w", "14d"},
		{15*day + time.Hour + time.Millisecond, "2w1d1h1ms", "15d1h1ms"},
		{1500 * time.Microsecond, "1ms", "1ms"},
		{-time.Second, "", ""},
	} {
		require.Equal(t, c.weeks, FormatDuration(c.d), c.d)
		require.Equal(t, c.days, FormatDays(c.d), c.d)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "1h30m", "0", "", "5m5s", "2w1d", "250ms", "9223372036854775807ns", "106751d106751d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("%q gave a negative duration %s", s, d)
		}
		for _, format := range []func(time.Duration) string{FormatDuration, FormatDays} {
			back, err := ParseDuration(format(d))
			if err != nil || back != d {
				t.Fatalf("%q: %s does not round-trip through %q: %v %v", s, d, format(d), back, err)
			}
		}
	})
}
