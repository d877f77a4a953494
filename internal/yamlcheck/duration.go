package yamlcheck

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a duration as Prometheus writes them: a sequence of a number and a unit
// among ms, s, m, h, d (24h) and w (7d), such as "90s", "1h30m" or "7d"; "0" alone is zero.
// Negative, fractional and overflowing durations are rejected.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if s == "0" {
		return 0, nil
	}
	var total time.Duration
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 30s, 5m, 1h, 7d)", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		unit, ok := durationUnits[rest[:j]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (want ms, s, m, h, d or w)", s, rest[:j])
		}
		if n > int64((1<<63-1)/unit) || total > (1<<63-1)-time.Duration(n)*unit {
			return 0, fmt.Errorf("invalid duration %q: too large", s)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	return total, nil
}

var durationUnits = map[string]time.Duration{
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// formatUnits are the units FormatDuration prints, largest first.
var formatUnits = []struct {
	d time.Duration
	s string
}{{7 * 24 * time.Hour, "w"}, {24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}}

// FormatDuration prints d the way ParseDuration reads it, largest unit first: "1w", "2w1d",
// "1h30m", "0s". A rest below a millisecond is dropped; a negative d prints as "".
func FormatDuration(d time.Duration) string { return formatDuration(d, 0) }

// FormatDays is FormatDuration with days as the largest unit, for spans people count in days:
// "14d" rather than "2w".
func FormatDays(d time.Duration) string { return formatDuration(d, 1) }

func formatDuration(d time.Duration, from int) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range formatUnits[from:] {
		if d >= u.d {
			fmt.Fprintf(&b, "%d%s", d/u.d, u.s)
			d %= u.d
		}
	}
	return b.String()
}
