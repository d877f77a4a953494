// Package notify holds what the integrations (slack, pagerduty, webhook, console) share: the
// notification they are handed, the error that tells the dispatcher whether and when to retry,
// and the redaction of secrets from errors.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Status of an alert or a notification.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Alert is one alert as the integrations see it.
type Alert struct {
	Labels      map[string]string
	Annotations map[string]string
	StartsAt    time.Time
	// EndsAt is zero while the alert fires.
	EndsAt       time.Time
	GeneratorURL string
	Fingerprint  string
	// Value is the rule's main aggregate when the alert was last evaluated.
	Value float64
	// Samples are a few of the messages behind the alert, the most negative first.
	Samples []string
}

// Resolved reports whether the alert has ended.
func (a *Alert) Resolved() bool { return !a.EndsAt.IsZero() }

// Status returns "firing" or "resolved".
func (a *Alert) Status() string {
	if a.Resolved() {
		return StatusResolved
	}
	return StatusFiring
}

// Reason says why a notification is sent.
type Reason uint8

// The reasons of a notification.
const (
	// ReasonNew is the first notification of a group.
	ReasonNew Reason = iota
	// ReasonChanged is sent when the set of firing or resolved alerts changed.
	ReasonChanged
	// ReasonRepeat is sent when nothing changed but the repeat interval passed.
	ReasonRepeat
	// ReasonResolved is sent when every alert of the group resolved.
	ReasonResolved
	// ReasonDigest gathers notifications held back by a receiver's rate limit.
	ReasonDigest
)

// String returns new, changed, repeat, resolved or digest.
func (r Reason) String() string {
	switch r {
	case ReasonNew:
		return "new"
	case ReasonChanged:
		return "changed"
	case ReasonRepeat:
		return "repeat"
	case ReasonResolved:
		return "resolved"
	case ReasonDigest:
		return "digest"
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// Notification is what one receiver is told about one alert group.
type Notification struct {
	Receiver string
	// GroupKey identifies the group within the routing tree (Alertmanager's group key).
	GroupKey string
	// DedupKey is a stable hash of receiver and group labels: the same in every process and
	// version, so a retry or a restart never opens a second incident.
	DedupKey          string
	GroupLabels       map[string]string
	CommonLabels      map[string]string
	CommonAnnotations map[string]string
	// Status is "resolved" when every alert is resolved, "firing" otherwise.
	Status string
	Reason Reason
	Alerts []Alert
	// ExternalURL links to cxpulse; DashboardURL and RunbookURL to the alert's dashboard and
	// runbook when the alerts carry them.
	ExternalURL  string
	DashboardURL string
	RunbookURL   string
	// Ref is what the integration returned for this group last time (a Slack message ts, …).
	Ref Ref
	// Now is the dispatcher's clock.
	Now time.Time
}

// Firing returns the alerts still firing.
func (n *Notification) Firing() []Alert {
	var out []Alert
	for _, a := range n.Alerts {
		if !a.Resolved() {
			out = append(out, a)
		}
	}
	return out
}

// Title is a short one-line description: [FIRING:2] CheckoutNegativeSpike region=eu.
func (n *Notification) Title() string {
	var b strings.Builder
	if n.Status == StatusResolved {
		b.WriteString("[RESOLVED] ")
	} else {
		fmt.Fprintf(&b, "[FIRING:%d] ", len(n.Firing()))
	}
	if name := n.CommonLabels["alertname"]; name != "" {
		b.WriteString(name)
	} else if name := n.GroupLabels["alertname"]; name != "" {
		b.WriteString(name)
	} else {
		b.WriteString("alerts")
	}
	keys := make([]string, 0, len(n.GroupLabels))
	for k := range n.GroupLabels {
		if k != "alertname" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, n.GroupLabels[k])
	}
	return b.String()
}

// Summary is the common summary annotation, or the first alert's, or the title.
func (n *Notification) Summary() string {
	if s := n.CommonAnnotations["summary"]; s != "" {
		return s
	}
	for _, a := range n.Alerts {
		if s := a.Annotations["summary"]; s != "" {
			return s
		}
	}
	return n.Title()
}

// Ref is an integration's memory of a group: keys and values it needs next time (the Slack
// channel and message ts to update, …). It is persisted with the notification log.
type Ref map[string]string

// Notifier delivers notifications to one integration. Notify makes one attempt: retries are the
// dispatcher's. It returns the Ref to remember for the group (nil keeps the old one). Errors are
// *Error (or wrap one) and never contain a secret. Safe for concurrent use.
type Notifier interface {
	Notify(ctx context.Context, n *Notification) (Ref, error)
	// Name is the integration's name: slack, pagerduty, webhook or console.
	Name() string
}

// Error is a failed attempt: whether to retry, and not before when.
type Error struct {
	// Retry is true for failures worth retrying (5xx, 429, network errors).
	Retry bool
	// RetryAfter is the server's Retry-After, zero when it gave none.
	RetryAfter time.Duration
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	Err    error
}

// Error implements error.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Retryable tells whether err (an *Error or not) is worth retrying, and the server's
// Retry-After. Errors that are not *Error are retried (network errors, timeouts).
func Retryable(err error) (bool, time.Duration) {
	var e *Error
	if errors.As(err, &e) {
		return e.Retry, e.RetryAfter
	}
	return !errors.Is(err, context.Canceled), 0
}

// StatusError classifies an HTTP answer: nil for 2xx; 429 and 5xx are retried (honouring
// Retry-After); other 4xx are not.
func StatusError(resp *http.Response, what string) error {
	if resp.StatusCode/100 == 2 {
		return nil
	}
	e := &Error{Status: resp.StatusCode, Err: fmt.Errorf("%s: HTTP %s", what, resp.Status)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		e.Retry = true
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date (relative to now).
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Redactor removes secrets from text.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a redactor of the given secrets (empty ones are ignored). The URL-escaped
// forms of each secret are redacted too.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		r.secrets = append(r.secrets, s, url.QueryEscape(s), url.PathEscape(s))
	}
	// Longest first, so a secret containing another is redacted whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// String returns s with every secret replaced by <redacted>.
func (r *Redactor) String(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "<redacted>")
	}
	return s
}

// Error returns err with secrets removed from its text, keeping its classification (an *Error's
// Retry, RetryAfter and Status). The cause itself is not kept, so no secret can leak through
// errors.Unwrap.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	out := &Error{Retry: true, Err: errors.New(r.String(err.Error()))}
	var e *Error
	if errors.As(err, &e) {
		out.Retry, out.RetryAfter, out.Status = e.Retry, e.RetryAfter, e.Status
	} else if errors.Is(err, context.Canceled) {
		out.Retry = false
	}
	return out
}
