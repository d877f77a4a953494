package pagerduty_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
	"github.com/cxpulse/cxpulse/alerting/notify/pagerduty"
)

const key = "R0UTINGKEYSECRET0000000000000000"

func notification(status string) *notify.Notification {
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	a := notify.Alert{
		Labels:      map[string]string{"alertname": "NegativeSpike", "product": "checkout", "severity": "critical", "team": "cx"},
		Annotations: map[string]string{"summary": strings.Repeat("very long summary ", 100)}, StartsAt: now, Fingerprint: "f1",
	}
	if status == notify.StatusResolved {
		a.EndsAt = now
	}
	return &notify.Notification{
		Receiver: "pd", GroupKey: "g", DedupKey: "0123456789abcdef0123456789abcdef",
		GroupLabels: map[string]string{"product": "checkout"}, CommonLabels: a.Labels, CommonAnnotations: a.Annotations,
		Status: status, Alerts: []notify.Alert{a}, DashboardURL: "http://grafana/d/cx", Now: now,
	}
}

func TestTriggerAndResolve(t *testing.T) {
	srv := notifytest.NewPagerDuty(t, key, nil)
	n, err := pagerduty.New(pagerduty.Config{RoutingKey: key, URL: srv.URL})
	require.NoError(t, err)
	_, err = n.Notify(context.Background(), notification(notify.StatusFiring))
	require.NoError(t, err)
	_, err = n.Notify(context.Background(), notification(notify.StatusResolved))
	require.NoError(t, err)
	evs := srv.Events()
	require.Len(t, evs, 2)
	require.Equal(t, "trigger", evs[0].Action)
	require.Equal(t, "critical", evs[0].Payload["severity"])
	require.Equal(t, "checkout", evs[0].Payload["component"])
	require.LessOrEqual(t, len([]rune(evs[0].Payload["summary"].(string))), 1024)
	require.Equal(t, "resolve", evs[1].Action)
	require.Equal(t, evs[0].DedupKey, evs[1].DedupKey)
}

func TestErrors(t *testing.T) {
	srv := notifytest.NewPagerDuty(t, key, nil)
	n, err := pagerduty.New(pagerduty.Config{RoutingKey: key, URL: srv.URL})
	require.NoError(t, err)
	ctx := context.Background()
	srv.Fail(notifytest.Reply{Status: 500, Body: `{"status":"error"}`},
		notifytest.Reply{Status: 429, RetryAfter: "30", Body: `{"status":"throttle"}`},
		notifytest.Reply{Status: 400, Body: `{"status":"invalid event","message":"bad","errors":["x"]}`})
	for _, want := range []struct {
		retry bool
		after time.Duration
	}{{true, 0}, {true, 30 * time.Second}, {false, 0}} {
		_, err := n.Notify(ctx, notification(notify.StatusFiring))
		require.Error(t, err)
		retry, after := notify.Retryable(err)
		require.Equal(t, want.retry, retry, err.Error())
		require.Equal(t, want.after, after)
		require.NotContains(t, err.Error(), key)
	}
	require.Empty(t, srv.Events())

	// The routing key must not leak from a network error either.
	srv.Close()
	_, err = n.Notify(ctx, notification(notify.StatusFiring))
	require.Error(t, err)
	require.NotContains(t, err.Error(), key)
}
