package alertwire_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/internal/chtest"
)

const anomalyRulesYAML = `
groups:
  - name: volume
    interval: 1m
    rules:
      - alert: VolumeAnomaly
        window: 1m
        group_by: [channel]
        anomaly: {series: volume, sensitivity: medium, seasonality: none, warmup: 6h}
        for: 2m
        labels: {severity: warning}
        annotations:
          summary: "{{ .Labels.channel }}: {{ humanize .Value }} messages, expected about {{ humanize .Values.baseline_volume }}"
route:
  receiver: console
receivers:
  - name: console
    console: {}
`

// An anomaly rule over real ClickHouse: detectors warm from stored history, a burst of chat
// messages fires the rule, and every evaluation's value, band and score land in the anomalies
// table the dashboards read.
func TestAnomalyRuleOverClickHouse(t *testing.T) {
	w := newWorld(t)
	rules := filepath.Join(t.TempDir(), "anomaly.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(anomalyRulesYAML), 0o600))

	// Four hours of steady chat (12 to 16 messages a minute), then ten minutes of 80 a minute.
	var rows []event.Scored
	for m := range 250 {
		n := 12 + m%5
		if m >= 240 {
			n = 80
		}
		rows = append(rows, events(fmt.Sprintf("v%d", m), "app", event.ChannelChat, m, m+1, n, 0, "hello")...)
	}
	w.insert(rows)

	now := t0.Add(230 * time.Minute)
	w.clock.Set(now)
	deps := alertwire.Deps(w.store)
	deps.Now = w.clock.Now
	deps.Console = w.console
	m, err := alerting.New(alerting.Config{RuleFiles: []string{rules}}, deps,
		slog.New(slog.NewTextHandler(w.logs, nil)), prometheus.NewRegistry())
	require.NoError(t, err)
	require.NoError(t, m.Restore(context.Background(), now))
	w.m = m
	w.run(t0.Add(249 * time.Minute))

	require.Contains(t, w.console.String(), "[FIRING:1] VolumeAnomaly")
	require.Contains(t, w.console.String(), "channel=chat")

	conn := chtest.Conn(t, chtest.Addr(t))
	db := w.store.Database()
	// One row per evaluation from the first live one (minute 230) on.
	require.Equal(t, uint64(20), chtest.Count(t, conn, "SELECT count() FROM "+db+".anomalies WHERE rule = 'VolumeAnomaly'"))
	require.Equal(t, uint64(0), chtest.Count(t, conn, "SELECT count() FROM "+db+".anomalies WHERE time < toDateTime(?) AND anomaly_score >= 0.27", t0.Add(241*time.Minute)))
	require.Positive(t, chtest.Count(t, conn, "SELECT count() FROM "+db+".anomalies WHERE time >= toDateTime(?) AND anomaly_score >= 0.27 AND value > baseline_high", t0.Add(240*time.Minute)))
	// Before the burst the band holds the values.
	require.Equal(t, uint64(0), chtest.Count(t, conn, "SELECT count() FROM "+db+".anomalies WHERE time < toDateTime(?) AND (value > baseline_high OR value < baseline_low)", t0.Add(240*time.Minute)))
}
