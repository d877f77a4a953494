// Package outreachwire connects package outreach to package store (the outreach.Store over
// ClickHouse) and to package alerting (the rule files' outreach sections and the alert state
// that holds tasks during incidents). cmd/cxpulse uses it; none of the three imports another.
package outreachwire

import (
	"context"
	"time"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/store"
)

// Store adapts a *store.Store to outreach.Store.
type Store struct{ S *store.Store }

var _ outreach.Store = Store{}

// Health implements outreach.Store.
func (w Store) Health(ctx context.Context, q outreach.HealthQuery) ([]outreach.HealthRow, error) {
	rows, err := w.S.CustomerHealth(ctx, store.CustomerHealthQuery(q))
	out := make([]outreach.HealthRow, len(rows))
	for i, r := range rows {
		out[i] = outreach.HealthRow(r)
	}
	return out, err
}

// Messages implements outreach.Store.
func (w Store) Messages(ctx context.Context, customers []string, from, to time.Time, perCustomer int) ([]outreach.Message, error) {
	rows, err := w.S.CustomerMessages(ctx, customers, from, to, perCustomer)
	out := make([]outreach.Message, len(rows))
	for i, r := range rows {
		out[i] = outreach.Message(r)
	}
	return out, err
}

// Sentiment implements outreach.Store.
func (w Store) Sentiment(ctx context.Context, customer string, from, to time.Time) (outreach.Sentiment, error) {
	s, err := w.S.CustomerSentimentBetween(ctx, customer, from, to)
	return outreach.Sentiment(s), err
}

// Append implements outreach.Store.
func (w Store) Append(ctx context.Context, entries []outreach.Entry) error {
	rows := make([]store.OutreachEntry, len(entries))
	for i, e := range entries {
		rows[i] = store.OutreachEntry(e)
	}
	return w.S.AppendOutreach(ctx, rows)
}

// Tasks implements outreach.Store.
func (w Store) Tasks(ctx context.Context, f outreach.Filter) ([]outreach.Task, error) {
	rows, err := w.S.OutreachTasks(ctx, store.OutreachFilter(f))
	out := make([]outreach.Task, len(rows))
	for i, r := range rows {
		out[i] = task(r)
	}
	return out, err
}

func task(r store.OutreachTask) outreach.Task {
	return outreach.Task{
		ID: r.ID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, CustomerID: r.CustomerID, Owner: r.Owner,
		Policy: r.Policy, Priority: r.Priority, Status: r.Status, Assignee: r.Assignee, Note: r.Note, ContactedAt: r.ContactedAt,
		MessageIDs: r.MessageIDs, MessageTimes: r.MessageTimes, MessageChannels: r.MessageChannels, Snippets: r.Snippets,
		Scores: r.Scores, Topics: r.Topics, Channels: r.Channels, Product: r.Product, Region: r.Region, Labels: r.Labels,
		Health: r.Health, HeldBy: r.HeldBy, Slack: outreach.Delivery(r.Slack), Webhook: outreach.Delivery(r.Webhook),
		Outcome: r.Outcome, OutcomeAt: r.OutcomeAt, ScoreBefore: r.ScoreBefore, ScoreAfter: r.ScoreAfter,
		ContactsBefore: r.ContactsBefore, ContactsAfter: r.ContactsAfter,
	}
}

// AppendNotes implements outreach.Store.
func (w Store) AppendNotes(ctx context.Context, notes []outreach.Note) error {
	rows := make([]store.OutreachIncidentRow, len(notes))
	for i, n := range notes {
		rows[i] = store.OutreachIncidentRow(n)
	}
	return w.S.AppendOutreachIncidents(ctx, rows)
}

// Notes implements outreach.Store.
func (w Store) Notes(ctx context.Context, since time.Time) ([]outreach.Note, error) {
	rows, err := w.S.LatestOutreachIncidents(ctx, since)
	out := make([]outreach.Note, len(rows))
	for i, r := range rows {
		out[i] = outreach.Note(r)
	}
	return out, err
}

// Sections returns the rule set's outreach sections.
func Sections(set *alerting.RuleSet) []outreach.Section {
	out := make([]outreach.Section, len(set.Outreach))
	for i, s := range set.Outreach {
		out[i] = outreach.Section(s)
	}
	return out
}

// Spec parses the outreach sections of a loaded rule set; nil when it has none.
func Spec(set *alerting.RuleSet) (*outreach.Spec, error) {
	return outreach.ParseSections(Sections(set))
}

// Alerts returns the seam telling outreach which alerts are pending or firing. It restores the
// manager's alert state first (Restore is idempotent), so outreach never evaluates from a blank
// alert state after a restart and releases the tasks an incident holds.
func Alerts(m *alerting.Manager) outreach.AlertsFunc {
	return func(ctx context.Context, now time.Time) ([]outreach.Alert, error) {
		if err := m.Restore(ctx, now); err != nil {
			return nil, err
		}
		var out []outreach.Alert
		for _, a := range m.Evaluator().Alerts() {
			if a.State != alerting.StatePending && a.State != alerting.StateFiring {
				continue
			}
			out = append(out, outreach.Alert{
				Name: a.Rule, Fingerprint: a.Fingerprint(), State: a.State.String(),
				Labels: a.Labels.Clone(), ActiveAt: a.ActiveAt, Summary: a.Annotations["summary"],
			})
		}
		return out, nil
	}
}
