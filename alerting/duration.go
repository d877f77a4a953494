package alerting

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a duration as Prometheus writes them: a sequence of a number and a unit
// among ms, s, m, h, d (24h) and w (7d), such as "90s", "1h30m" or "7d". Negative durations are
// rejected.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if s == "0" {
		return 0, nil
	}
	var total time.Duration
	rest := s
	for rest != "" {
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
		var unit time.Duration
		switch rest[:j] {
		case "ms":
			unit = time.Millisecond
		case "s":
			unit = time.Second
		case "m":
			unit = time.Minute
		case "h":
			unit = time.Hour
		case "d":
			unit = 24 * time.Hour
		case "w":
			unit = 7 * 24 * time.Hour
		default:
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

// FormatDuration prints d the way ParseDuration reads it ("1h30m", "7d", "0s").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	units := []struct {
		u time.Duration
		s string
	}{{7 * 24 * time.Hour, "w"}, {24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}}
	for _, u := range units {
		if d >= u.u {
			fmt.Fprintf(&b, "%d%s", d/u.u, u.s)
			d %= u.u
		}
	}
	return b.String()
}
