// Package console prints alert notifications on a terminal, for the demo and for local runs.
package console

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// Notifier writes one block of lines per notification. Safe for concurrent use.
type Notifier struct {
	mu sync.Mutex
	w  io.Writer
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier writing to w.
func New(w io.Writer) *Notifier { return &Notifier{w: w} }

// Name implements notify.Notifier.
func (n *Notifier) Name() string { return "console" }

// Notify implements notify.Notifier.
func (n *Notifier) Notify(_ context.Context, no *notify.Notification) (notify.Ref, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s\n", no.Now.UTC().Format(time.RFC3339), no.Receiver, no.Title())
	fmt.Fprintf(&b, "    %s\n", no.Summary())
	for _, a := range no.Alerts {
		keys := make([]string, 0, len(a.Labels))
		for k := range a.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+a.Labels[k])
		}
		fmt.Fprintf(&b, "    - %s %s value=%g\n", a.Status(), strings.Join(parts, " "), a.Value)
		for _, s := range a.Samples {
			fmt.Fprintf(&b, "      > %s\n", s)
		}
	}
	if no.DashboardURL != "" {
		fmt.Fprintf(&b, "    dashboard: %s\n", no.DashboardURL)
	}
	if no.RunbookURL != "" {
		fmt.Fprintf(&b, "    runbook: %s\n", no.RunbookURL)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := io.WriteString(n.w, b.String()); err != nil {
		return nil, &notify.Error{Err: fmt.Errorf("console: %w", err)}
	}
	return nil, nil
}
