package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
	"github.com/cxpulse/cxpulse/alerting/notify/slack"
)

const token = "xoxb-1111-2222-secretsecret"

func notification(status string) *notify.Notification {
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	a := notify.Alert{
		Labels:      map[string]string{"alertname": "NegativeSpike", "product": "checkout", "severity": "critical"},
		Annotations: map[string]string{"summary": "checkout: 60% negative"}, StartsAt: now.Add(-10 * time.Minute),
		Fingerprint: "f1", Samples: []string{"charged twice!"},
	}
	if status == notify.StatusResolved {
		a.EndsAt = now
	}
	return &notify.Notification{
		Receiver: "cx-slack", GroupKey: "{}:{product=\"checkout\"}", DedupKey: "d1",
		GroupLabels: map[string]string{"product": "checkout"}, CommonLabels: a.Labels, CommonAnnotations: a.Annotations,
		Status: status, Alerts: []notify.Alert{a}, DashboardURL: "http://grafana/d/cx", RunbookURL: "http://runbook", Now: now,
	}
}

func TestPostUpdateAndThreadReply(t *testing.T) {
	srv := notifytest.NewSlack(t, token)
	n, err := slack.New(slack.Config{Channel: "#cx-alerts", Token: token, APIURL: srv.APIURL()})
	require.NoError(t, err)
	ctx := context.Background()

	ref, err := n.Notify(ctx, notification(notify.StatusFiring))
	require.NoError(t, err)
	require.Equal(t, "C0CXALERTS", ref[slack.RefChannel])
	require.NotEmpty(t, ref[slack.RefTS])

	res := notification(notify.StatusResolved)
	res.Ref = ref
	ref2, err := n.Notify(ctx, res)
	require.NoError(t, err)
	require.Equal(t, ref, ref2)

	msgs := srv.Messages()
	require.Len(t, msgs, 3)
	require.Equal(t, "chat.postMessage", msgs[0].Method)
	require.Equal(t, "#cx-alerts", msgs[0].Channel)
	require.Contains(t, msgs[0].Text, "[FIRING:1] NegativeSpike product=checkout")
	blocks := strings.Join(blockTexts(msgs[0].Blocks), "\n")
	require.Contains(t, blocks, "charged twice!")
	require.Contains(t, blocks, "http://grafana/d/cx")
	require.Contains(t, blocks, "http://runbook")
	require.Equal(t, "chat.update", msgs[1].Method)
	require.Equal(t, ref[slack.RefTS], msgs[1].TS)
	require.Contains(t, msgs[1].Text, "[RESOLVED]")
	require.Equal(t, "chat.postMessage", msgs[2].Method)
	require.Equal(t, ref[slack.RefTS], msgs[2].ThreadTS)
	require.Contains(t, msgs[2].Text, "Resolved after 10m0s")
}

func blockTexts(blocks []map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && (k == "text" || k == "url") {
					out = append(out, s)
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, b := range blocks {
		walk(b)
	}
	return out
}

func TestErrorsAreClassifiedAndRedacted(t *testing.T) {
	srv := notifytest.NewSlack(t, token)
	ctx := context.Background()

	wrong, err := slack.New(slack.Config{Channel: "#cx", Token: "xoxb-9999-wrong-token", APIURL: srv.APIURL()})
	require.NoError(t, err)
	_, err = wrong.Notify(ctx, notification(notify.StatusFiring))
	require.Error(t, err)
	retry, _ := notify.Retryable(err)
	require.False(t, retry, "invalid_auth is not retried")
	require.NotContains(t, err.Error(), "xoxb-9999-wrong-token")

	n, err := slack.New(slack.Config{Channel: "#cx", Token: token, APIURL: srv.APIURL()})
	require.NoError(t, err)
	srv.Fail(notifytest.Reply{Status: 429, RetryAfter: "7"}, notifytest.Reply{Status: 503})
	_, err = n.Notify(ctx, notification(notify.StatusFiring))
	retry, after := notify.Retryable(err)
	require.True(t, retry)
	require.Equal(t, 7*time.Second, after)
	_, err = n.Notify(ctx, notification(notify.StatusFiring))
	retry, _ = notify.Retryable(err)
	require.True(t, retry)

	// An incoming webhook URL is a secret: a failure must not print it.
	hook := srv.URL + "/services/T000/B000/hooksecretvalue"
	srv.Close()
	wh, err := slack.New(slack.Config{WebhookURL: hook})
	require.NoError(t, err)
	_, err = wh.Notify(ctx, notification(notify.StatusFiring))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hooksecretvalue")
	require.Contains(t, err.Error(), "<redacted>")
}
