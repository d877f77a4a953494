package alerting

import (
	"time"

	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// ParseDuration parses a duration as Prometheus writes them: a sequence of a number and a unit
// among ms, s, m, h, d (24h) and w (7d), such as "90s", "1h30m" or "7d". Negative durations are
// rejected. It is yamlcheck.ParseDuration, the syntax of every duration of the rule files.
func ParseDuration(s string) (time.Duration, error) { return yamlcheck.ParseDuration(s) }
