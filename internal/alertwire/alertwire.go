// Package alertwire connects package alerting to package store: the rule QueryFunc and
// SampleFunc over ClickHouse, and the StateStore of alert state, notification log and silences.
// cmd/cxpulse uses it to build alerting.Deps; neither package imports the other.
package alertwire

import (
	"context"
	"time"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/store"
)

// RuleQuery converts a rule's query to the store's.
func RuleQuery(q alerting.Query) store.RuleQuery {
	s := q.Select
	return store.RuleQuery{
		Source: s.Source, Channel: s.Channel, Product: s.Product, Region: s.Region,
		Language: s.Language, CustomerID: s.CustomerID, Sentiment: s.Sentiment, Topic: s.Topic, Labels: s.Labels,
		TextContains: s.TextContains, Window: q.Window, GroupBy: q.GroupBy, Topics: q.Topics,
	}
}

// Query returns the rule QueryFunc over s: one ClickHouse query per call.
func Query(s *store.Store) alerting.QueryFunc {
	return func(ctx context.Context, q alerting.Query, from, to time.Time, step time.Duration) ([]alerting.Series, error) {
		res, err := s.RuleSeries(ctx, RuleQuery(q), from, to, step)
		if err != nil {
			return nil, err
		}
		out := make([]alerting.Series, len(res))
		for i, r := range res {
			out[i].Labels = alerting.Labels(r.Group)
			out[i].Points = make([]alerting.Point, len(r.Points))
			for j, p := range r.Points {
				out[i].Points[j] = alerting.Point{T: p.End, Values: alerting.Values{
					Volume: p.Volume, Negatives: p.Negatives,
					Positives: p.Positives, ScoreSum: p.ScoreSum, P10Score: p.P10Score, UniqueCustomers: p.UniqueCustomers,
					Topics: p.Topics,
				}}
			}
		}
		return out, nil
	}
}

// Samples returns the SampleFunc over s.
func Samples(s *store.Store) alerting.SampleFunc {
	return func(ctx context.Context, q alerting.Query, group alerting.Labels, from, to time.Time, n int) ([]string, error) {
		return s.SampleTexts(ctx, RuleQuery(q), group, from, to, n)
	}
}

// StateStore adapts s to alerting.StateStore.
type StateStore struct{ S *store.Store }

var _ alerting.StateStore = StateStore{}

// AppendAlerts implements alerting.StateStore.
func (w StateStore) AppendAlerts(ctx context.Context, recs []alerting.AlertRecord) error {
	rows := make([]store.AlertRow, len(recs))
	for i, r := range recs {
		rows[i] = store.AlertRow(r)
	}
	return w.S.AppendAlerts(ctx, rows)
}

var _ alerting.AnomalyStore = StateStore{}

// AppendAnomalies implements alerting.AnomalyStore.
func (w StateStore) AppendAnomalies(ctx context.Context, recs []alerting.AnomalyRecord) error {
	rows := make([]store.AnomalyRow, len(recs))
	for i, r := range recs {
		rows[i] = store.AnomalyRow(r)
	}
	return w.S.AppendAnomalies(ctx, rows)
}

// LoadAlerts implements alerting.StateStore.
func (w StateStore) LoadAlerts(ctx context.Context, since time.Time) ([]alerting.AlertRecord, error) {
	rows, err := w.S.LatestAlerts(ctx, since)
	out := make([]alerting.AlertRecord, len(rows))
	for i, r := range rows {
		out[i] = alerting.AlertRecord(r)
	}
	return out, err
}

// AppendNotifications implements alerting.StateStore.
func (w StateStore) AppendNotifications(ctx context.Context, recs []alerting.NotificationRecord) error {
	rows := make([]store.NotificationRow, len(recs))
	for i, r := range recs {
		rows[i] = store.NotificationRow(r)
	}
	return w.S.AppendNotifications(ctx, rows)
}

// LoadNotifications implements alerting.StateStore.
func (w StateStore) LoadNotifications(ctx context.Context, since time.Time) ([]alerting.NotificationRecord, error) {
	rows, err := w.S.LatestNotifications(ctx, since, alerting.OutcomeSent, alerting.OutcomeRejected, alerting.OutcomeDigested)
	out := make([]alerting.NotificationRecord, len(rows))
	for i, r := range rows {
		out[i] = alerting.NotificationRecord(r)
	}
	return out, err
}

// AppendSilences implements alerting.StateStore.
func (w StateStore) AppendSilences(ctx context.Context, sils []alerting.Silence) error {
	rows := make([]store.SilenceRow, len(sils))
	for i, s := range sils {
		rows[i] = store.SilenceRow(s)
	}
	return w.S.AppendSilences(ctx, rows)
}

// LoadSilences implements alerting.StateStore.
func (w StateStore) LoadSilences(ctx context.Context, since time.Time) ([]alerting.Silence, error) {
	rows, err := w.S.LatestSilences(ctx, since)
	out := make([]alerting.Silence, len(rows))
	for i, r := range rows {
		out[i] = alerting.Silence(r)
	}
	return out, err
}

// Deps returns the alerting dependencies over s; the caller adds Detectors, Now, Getenv,
// HTTPClient and Console as needed.
func Deps(s *store.Store) alerting.Deps {
	return alerting.Deps{Query: Query(s), Samples: Samples(s), Store: StateStore{S: s}}
}
