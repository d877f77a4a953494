// Package pagerduty sends alert notifications to PagerDuty's Events API v2: a trigger while a
// group fires, a resolve when it resolves, both with a dedup_key derived from the group, so
// retries and restarts never open a second incident.
package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/PagerDuty/go-pagerduty"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// DefaultURL is the Events API v2 base URL.
const DefaultURL = "https://events.pagerduty.com"

// PagerDuty's limits on an event.
const (
	maxSummary = 1024
	maxDetails = 16
)

// Config configures a PagerDuty notifier. RoutingKey is a secret.
type Config struct {
	RoutingKey string
	// URL is the Events API base URL (events are posted to URL + /v2/enqueue).
	URL string
	// Severity is a template over the notification (critical, error, warning or info);
	// "critical" for severity=critical alerts and "warning" otherwise when empty.
	Severity string
	// Source names the system where the problem is; "cxpulse" when empty.
	Source     string
	HTTPClient *http.Client
}

// Notifier sends events to PagerDuty. Safe for concurrent use.
type Notifier struct {
	cfg      Config
	client   *pagerduty.Client
	redact   *notify.Redactor
	severity *template.Template
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier; it makes no request.
func New(cfg Config) (*Notifier, error) {
	if cfg.RoutingKey == "" {
		return nil, errors.New("pagerduty: no routing key")
	}
	if cfg.URL == "" {
		cfg.URL = DefaultURL
	}
	if cfg.Source == "" {
		cfg.Source = "cxpulse"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	n := &Notifier{cfg: cfg, redact: notify.NewRedactor(cfg.RoutingKey)}
	if cfg.Severity != "" {
		t, err := template.New("severity").Option("missingkey=zero").Parse(cfg.Severity)
		if err != nil {
			return nil, fmt.Errorf("pagerduty: severity template: %w", err)
		}
		n.severity = t
	}
	n.client = pagerduty.NewClient("", pagerduty.WithV2EventsAPIEndpoint(strings.TrimRight(cfg.URL, "/")))
	n.client.HTTPClient = &statusRecorder{hc: hc}
	return n, nil
}

// Name implements notify.Notifier.
func (n *Notifier) Name() string { return "pagerduty" }

type answerKey struct{}

// answer holds the status and Retry-After of the response to one request.
type answer struct {
	mu         sync.Mutex
	status     int
	retryAfter string
}

// statusRecorder lets the notifier see the HTTP status and Retry-After header that
// go-pagerduty's errors do not carry.
type statusRecorder struct{ hc *http.Client }

func (s *statusRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := s.hc.Do(req)
	if a, ok := req.Context().Value(answerKey{}).(*answer); ok && resp != nil {
		a.mu.Lock()
		a.status, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
		a.mu.Unlock()
	}
	return resp, err
}

// Event builds the Events API v2 event of a notification.
func (n *Notifier) Event(no *notify.Notification) *pagerduty.V2Event {
	ev := &pagerduty.V2Event{RoutingKey: n.cfg.RoutingKey, DedupKey: no.DedupKey, Client: "cxpulse", ClientURL: no.ExternalURL}
	if no.Status == notify.StatusResolved {
		ev.Action = "resolve"
		return ev
	}
	ev.Action = "trigger"
	details := map[string]any{}
	firing := no.Firing()
	details["firing"] = fmt.Sprintf("%d", len(firing))
	keys := make([]string, 0, len(no.CommonLabels))
	for k := range no.CommonLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(details) < maxDetails {
			details[k] = no.CommonLabels[k]
		}
	}
	if d := no.CommonAnnotations["description"]; d != "" {
		details["description"] = clip(d, 2000)
	}
	var samples []string
	for _, a := range no.Alerts {
		for _, s := range a.Samples {
			if len(samples) < 3 {
				samples = append(samples, clip(s, 500))
			}
		}
	}
	if len(samples) > 0 {
		details["sample_messages"] = samples
	}
	ev.Payload = &pagerduty.V2Payload{
		Summary:   clip(no.Title()+": "+no.Summary(), maxSummary),
		Source:    n.cfg.Source,
		Severity:  n.severityOf(no),
		Timestamp: no.Now.UTC().Format(time.RFC3339),
		Component: no.CommonLabels["product"],
		Group:     no.CommonLabels["team"],
		Class:     no.CommonLabels["alertname"],
		Details:   details,
	}
	for _, l := range []struct{ href, text string }{{no.DashboardURL, "Dashboard"}, {no.RunbookURL, "Runbook"}} {
		if l.href != "" {
			ev.Links = append(ev.Links, map[string]string{"href": l.href, "text": l.text})
		}
	}
	return ev
}

func (n *Notifier) severityOf(no *notify.Notification) string {
	s := ""
	if n.severity != nil {
		var b strings.Builder
		if err := n.severity.Execute(&b, no); err == nil {
			s = strings.TrimSpace(b.String())
		}
	} else if no.CommonLabels["severity"] == "critical" {
		s = "critical"
	}
	switch s {
	case "critical", "error", "warning", "info":
		return s
	}
	return "warning"
}

// Notify implements notify.Notifier: one event, trigger or resolve.
func (n *Notifier) Notify(ctx context.Context, no *notify.Notification) (notify.Ref, error) {
	a := &answer{}
	_, err := n.client.ManageEventWithContext(context.WithValue(ctx, answerKey{}, a), n.Event(no))
	if err == nil {
		return nil, nil
	}
	a.mu.Lock()
	status, retryAfter := a.status, a.retryAfter
	a.mu.Unlock()
	e := &notify.Error{Status: status, Retry: true, Err: fmt.Errorf("pagerduty %s: %w", n.Event(no).Action, err)}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		e.RetryAfter = notify.ParseRetryAfter(retryAfter, time.Now())
	case status >= 400:
		e.Retry = false
	case status == 0 && errors.Is(err, context.Canceled):
		e.Retry = false
	}
	return nil, n.redact.Error(e)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
