// Package webhook posts alert notifications as Alertmanager's webhook JSON (version 4), so
// receivers written for Alertmanager work unchanged.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// Config configures a webhook notifier. URL is a secret (it often embeds a token).
type Config struct {
	URL string
	// MaxAlerts caps the alerts in one message (0: all); the rest are counted in
	// truncatedAlerts.
	MaxAlerts  int
	HTTPClient *http.Client
}

// Message is Alertmanager's webhook payload.
type Message struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`
}

// Alert is one alert of a Message.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Notifier posts to a webhook. Safe for concurrent use.
type Notifier struct {
	cfg    Config
	hc     *http.Client
	redact *notify.Redactor
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier; it makes no request.
func New(cfg Config) (*Notifier, error) {
	if cfg.URL == "" {
		return nil, errors.New("webhook: no url")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Notifier{cfg: cfg, hc: hc, redact: notify.NewRedactor(cfg.URL)}, nil
}

// Name implements notify.Notifier.
func (n *Notifier) Name() string { return "webhook" }

// Payload builds the message of a notification.
func Payload(no *notify.Notification, maxAlerts int) *Message {
	m := &Message{
		Version: "4", GroupKey: no.GroupKey, Status: no.Status, Receiver: no.Receiver,
		GroupLabels: nonNil(no.GroupLabels), CommonLabels: nonNil(no.CommonLabels),
		CommonAnnotations: nonNil(no.CommonAnnotations), ExternalURL: no.ExternalURL, Alerts: []Alert{},
	}
	for i, a := range no.Alerts {
		if maxAlerts > 0 && i >= maxAlerts {
			m.TruncatedAlerts = len(no.Alerts) - maxAlerts
			break
		}
		m.Alerts = append(m.Alerts, Alert{
			Status: a.Status(), Labels: nonNil(a.Labels), Annotations: nonNil(a.Annotations),
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, GeneratorURL: a.GeneratorURL, Fingerprint: a.Fingerprint,
		})
	}
	return m
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Notify implements notify.Notifier.
func (n *Notifier) Notify(ctx context.Context, no *notify.Notification) (notify.Ref, error) {
	body, err := json.Marshal(Payload(no, n.cfg.MaxAlerts))
	if err != nil {
		return nil, &notify.Error{Err: fmt.Errorf("webhook: encode: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return nil, n.redact.Error(&notify.Error{Err: fmt.Errorf("webhook: %w", err)})
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cxpulse")
	resp, err := n.hc.Do(req)
	if err != nil {
		return nil, n.redact.Error(fmt.Errorf("webhook: %w", err))
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if err := notify.StatusError(resp, "webhook"); err != nil {
		return nil, n.redact.Error(err)
	}
	return nil, nil
}
