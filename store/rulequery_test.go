package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chtest"
)

func insertEvents(t *testing.T, s *Store, rows []event.Scored) {
	t.Helper()
	ctx := context.Background()
	enc := NewEventEncoder(s.Dialect())
	b, err := s.Conn().PrepareBatch(ctx, "INSERT INTO "+s.Dialect().Qualified("events")+" ("+strings.Join(enc.Columns(), ", ")+")")
	require.NoError(t, err)
	require.NoError(t, enc.Append(b, rows))
	require.NoError(t, b.Send())
}

func TestRuleSeriesRollupAndEvents(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var rows []event.Scored
	// checkout: 10 events a minute for 20 minutes; the last 10 minutes 6 of them negative.
	for m := 0; m < 20; m++ {
		for i := 0; i < 10; i++ {
			label, score := event.Positive, 0.5
			if (m >= 10 && i < 6) || (m < 10 && i < 1) {
				label, score = event.Negative, -0.8
			}
			e := scored(fmt.Sprintf("c%d-%d", m, i), base.Add(time.Duration(m)*time.Minute+time.Duration(i)*time.Second), "checkout", label, score)
			if i == 0 {
				e.Labels = map[string]string{"plan": "enterprise"}
				e.Sentiment.Topics = []string{"refund", "billing"}
			}
			if m == 15 && i == 1 {
				e.Text = "Site is DOWN, total outage"
			}
			rows = append(rows, e)
		}
	}
	// search: 2 events a minute, another region and channel.
	for m := 0; m < 20; m++ {
		for i := 0; i < 2; i++ {
			e := scored(fmt.Sprintf("s%d-%d", m, i), base.Add(time.Duration(m)*time.Minute), "search", event.Neutral, 0)
			e.Region, e.Channel = "us", event.ChannelChat
			rows = append(rows, e)
		}
	}
	insertEvents(t, s, rows)

	end := base.Add(20 * time.Minute)
	// Instant, from the rollup.
	q := RuleQuery{Channel: []string{"ticket", "chat"}, Window: 10 * time.Minute, GroupBy: []string{"product"}}
	require.True(t, q.RollupOnly())
	got, err := s.RuleSeries(ctx, q, end, end, 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, map[string]string{"product": "checkout"}, got[0].Group)
	require.Len(t, got[0].Points, 1)
	p := got[0].Points[0]
	require.Equal(t, end, p.End.UTC())
	require.Equal(t, 100.0, p.Volume)
	require.Equal(t, 60.0, p.Negatives)
	require.Equal(t, 40.0, p.Positives)
	require.InDelta(t, 60*-0.8+40*0.5, p.ScoreSum, 1e-3)
	require.InDelta(t, -0.8, p.P10Score, 1e-3)
	require.Equal(t, 100.0, p.UniqueCustomers)
	require.Equal(t, 20.0, got[1].Points[0].Volume)

	// Range: windows ending every 5 minutes from 10:05 to 10:20.
	got, err = s.RuleSeries(ctx, RuleQuery{Product: []string{"checkout"}, Window: 10 * time.Minute}, base.Add(5*time.Minute), end, 5*time.Minute)
	require.NoError(t, err)
	require.Len(t, got, 1)
	var vols, negs []float64
	for _, p := range got[0].Points {
		vols = append(vols, p.Volume)
		negs = append(negs, p.Negatives)
	}
	require.Equal(t, []float64{50, 100, 100, 100}, vols)
	require.Equal(t, []float64{5, 10, 35, 60}, negs)

	// The events table answers label, text and topic selections, and topic counts.
	q = RuleQuery{Labels: map[string][]string{"plan": {"enterprise"}}, Window: 10 * time.Minute, GroupBy: []string{"product", "labels.plan"}, Topics: []string{"refund"}}
	require.False(t, q.RollupOnly())
	got, err = s.RuleSeries(ctx, q, end, end, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, map[string]string{"product": "checkout", "plan": "enterprise"}, got[0].Group)
	require.Equal(t, 10.0, got[0].Points[0].Volume)
	require.Equal(t, 10.0, got[0].Points[0].Topics["refund"])

	got, err = s.RuleSeries(ctx, RuleQuery{TextContains: []string{"outage", "unavailable"}, Window: 10 * time.Minute}, end, end, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 1.0, got[0].Points[0].Volume)

	texts, err := s.SampleTexts(ctx, RuleQuery{Product: []string{"checkout"}, GroupBy: []string{"region"}, Window: 10 * time.Minute},
		map[string]string{"region": "eu"}, base.Add(15*time.Minute), base.Add(16*time.Minute), 2)
	require.NoError(t, err)
	require.Len(t, texts, 2)

	// Grafana's macros give the same SQL over the dashboard's time range.
	sql, err := RuleSQL(s.Dialect(), RuleQuery{Window: 5 * time.Minute}, TimeRange{Grafana: true})
	require.NoError(t, err)
	require.Contains(t, sql, "$__fromTime")
	require.Contains(t, sql, "$__interval_s")
	_, err = RuleSQL(s.Dialect(), RuleQuery{Window: 90 * time.Second}, TimeRange{From: end, To: end})
	require.Error(t, err)
}

func TestAlertingTablesRoundTrip(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	require.NoError(t, s.AppendAlerts(ctx, []AlertRow{
		{Time: t0, Group: "g", Rule: "R", Fingerprint: "f1", State: "pending", Labels: map[string]string{"a": "1"}, ActiveAt: t0},
		{Time: t0, Group: "g", Rule: "R", Fingerprint: "f1", State: "firing", Labels: map[string]string{"a": "1"}, ActiveAt: t0, FiredAt: t0, Value: 0.5},
		{Time: t0.Add(time.Minute), Group: "g", Rule: "R", Fingerprint: "f2", State: "pending", ActiveAt: t0},
	}))
	alerts, err := s.LatestAlerts(ctx, t0.Add(-time.Hour))
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	byFP := map[string]AlertRow{}
	for _, a := range alerts {
		byFP[a.Fingerprint] = a
	}
	require.Equal(t, "firing", byFP["f1"].State, "the later of two changes in the same second wins")
	require.Equal(t, t0, byFP["f1"].FiredAt)
	require.True(t, byFP["f1"].ResolvedAt.IsZero())
	require.Equal(t, map[string]string{"a": "1"}, byFP["f1"].Labels)

	require.NoError(t, s.AppendNotifications(ctx, []NotificationRow{
		{Time: t0, Receiver: "pd", Integration: "pagerduty", GroupKey: "k", Outcome: "sent", Firing: []string{"f1"}, Ref: map[string]string{"x": "y"}},
		{Time: t0.Add(time.Minute), Receiver: "pd", Integration: "pagerduty", GroupKey: "k", Outcome: "failed", Error: "boom"},
	}))
	ns, err := s.LatestNotifications(ctx, t0.Add(-time.Hour), "sent", "rejected", "digested")
	require.NoError(t, err)
	require.Len(t, ns, 1)
	require.Equal(t, []string{"f1"}, ns[0].Firing)
	require.Empty(t, ns[0].Resolved)
	require.Equal(t, map[string]string{"x": "y"}, ns[0].Ref)

	require.NoError(t, s.AppendSilences(ctx, []SilenceRow{
		{ID: "s1", Matchers: []string{`a="1"`}, StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "me", UpdatedAt: t0},
		{ID: "s1", Matchers: []string{`a="1"`}, StartsAt: t0, EndsAt: t0.Add(time.Minute), CreatedBy: "me", UpdatedAt: t0.Add(time.Minute)},
		{ID: "s2", Matchers: []string{`b="2"`}, StartsAt: t0, EndsAt: t0.Add(2 * time.Hour), CreatedBy: "me", UpdatedAt: t0},
	}))
	sil, err := s.LatestSilences(ctx, t0.Add(30*time.Minute))
	require.NoError(t, err)
	require.Len(t, sil, 1)
	require.Equal(t, "s2", sil[0].ID)
}
