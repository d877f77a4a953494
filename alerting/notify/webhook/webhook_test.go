package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/alerting/notify/webhook"
)

func TestAlertmanagerPayload(t *testing.T) {
	var got map[string]any
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "application/json", r.Header.Get("Content-Type"))
		require.NoError(t, json.NewDecoder(r.Body).Decode(&got))
		w.WriteHeader(status)
	}))
	defer srv.Close()
	url := srv.URL + "/hook/tokensecret123"
	n, err := webhook.New(webhook.Config{URL: url, MaxAlerts: 1})
	require.NoError(t, err)
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	no := &notify.Notification{
		Receiver: "hook", GroupKey: "{}:{a=\"1\"}", Status: notify.StatusFiring,
		GroupLabels: map[string]string{"a": "1"}, ExternalURL: "http://cxpulse",
		Alerts: []notify.Alert{
			{Labels: map[string]string{"alertname": "A", "a": "1"}, StartsAt: now, Fingerprint: "f1"},
			{Labels: map[string]string{"alertname": "A", "a": "1", "b": "2"}, StartsAt: now, Fingerprint: "f2"},
		},
	}
	_, err = n.Notify(context.Background(), no)
	require.NoError(t, err)
	require.Equal(t, "4", got["version"])
	require.Equal(t, "firing", got["status"])
	require.Equal(t, "hook", got["receiver"])
	require.Equal(t, `{}:{a="1"}`, got["groupKey"])
	require.Equal(t, 1.0, got["truncatedAlerts"])
	alerts := got["alerts"].([]any)
	require.Len(t, alerts, 1)
	a := alerts[0].(map[string]any)
	require.Equal(t, "firing", a["status"])
	require.Equal(t, "2026-11-25T14:00:00Z", a["startsAt"])
	require.Equal(t, "0001-01-01T00:00:00Z", a["endsAt"])

	status = http.StatusBadRequest
	_, err = n.Notify(context.Background(), no)
	retry, _ := notify.Retryable(err)
	require.False(t, retry)
	status = http.StatusBadGateway
	_, err = n.Notify(context.Background(), no)
	retry, _ = notify.Retryable(err)
	require.True(t, retry)
	srv.Close()
	_, err = n.Notify(context.Background(), no)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "tokensecret123")
}
