package console_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/alerting/notify/console"
)

func TestConsole(t *testing.T) {
	var b bytes.Buffer
	n := console.New(&b)
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	_, err := n.Notify(context.Background(), &notify.Notification{
		Receiver: "cx", Status: notify.StatusFiring, Now: now,
		GroupLabels: map[string]string{"product": "checkout"}, CommonLabels: map[string]string{"alertname": "NegativeSpike"},
		Alerts: []notify.Alert{{
			Labels: map[string]string{"alertname": "NegativeSpike", "product": "checkout"}, Value: 0.6,
			Samples: []string{"charged twice"}, Annotations: map[string]string{"summary": "60% negative"},
		}},
		DashboardURL: "http://grafana/d/x",
	})
	require.NoError(t, err)
	out := b.String()
	require.Contains(t, out, "2026-11-25T14:00:00Z  cx  [FIRING:1] NegativeSpike product=checkout")
	require.Contains(t, out, "60% negative")
	require.Contains(t, out, "> charged twice")
	require.Contains(t, out, "dashboard: http://grafana/d/x")
}
