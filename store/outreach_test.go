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

func customerEvent(id, customer string, at time.Time, ch event.Channel, product, region string, label event.Label, score float64, topics ...string) event.Scored {
	e := scored(id, at, product, label, score)
	e.CustomerID, e.Channel, e.Region = customer, ch, region
	e.Sentiment.Topics = topics
	return e
}

func TestDDLCustomerHealth(t *testing.T) {
	for _, d := range []Dialect{{Caps: Portable(), Database: "cx"}, {Caps: Modern(), Database: "cx"}} {
		var m Migration
		for _, mm := range Migrations() {
			if mm.ID == "outreach_0001" {
				m = mm
			}
		}
		ddl := strings.Join(d.Statements(m), "\n")
		require.Contains(t, ddl, "CREATE TABLE IF NOT EXISTS cx.customer_health_1h")
		require.Contains(t, ddl, "ENGINE = SummingMergeTree()")
		require.Contains(t, ddl, "CREATE MATERIALIZED VIEW IF NOT EXISTS cx.customer_health_1h_mv TO cx.customer_health_1h AS")
		require.Contains(t, ddl, "FROM cx.events\nGROUP BY bucket, customer_id")
		require.Contains(t, ddl, "CREATE TABLE IF NOT EXISTS cx.outreach (")
		require.Contains(t, ddl, "CREATE TABLE IF NOT EXISTS cx.outreach_incidents (")
		// The aggregate states never carry LowCardinality, whatever the server.
		require.NotContains(t, ddl, "AggregateFunction(groupUniqArray, LowCardinality")
	}
}

func TestCustomerHealthRepair(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	conn := chtest.Conn(t, addr)
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var rows []event.Scored
	for i := range 12 {
		ch := []event.Channel{event.ChannelChat, event.ChannelLog, event.ChannelTicket}[i%3]
		rows = append(rows, customerEvent(fmt.Sprintf("h-%d", i), []string{"ann", "ben", ""}[i%3], base.Add(time.Duration(i)*time.Minute), ch,
			"checkout", "eu", event.Negative, -0.5))
	}
	// The second half reaches events while the views are away, as when a server stops in the
	// middle of an insert; the writer's retry then finds it stored and repairs the rollups.
	insertEvents(t, s, rows[:6])
	chtest.Exec(t, conn, "DETACH TABLE "+db+".customer_health_1h_mv", "DETACH TABLE "+db+".sentiment_1m_mv")
	insertEvents(t, s, rows[6:])
	chtest.Exec(t, conn, "ATTACH TABLE "+db+".customer_health_1h_mv", "ATTACH TABLE "+db+".sentiment_1m_mv")
	require.Equal(t, uint64(6), chtest.Count(t, conn, "SELECT sum(rows) FROM "+db+".customer_health_1h"))
	left, err := s.FilterStored(ctx, rows[6:])
	require.NoError(t, err)
	require.Empty(t, left)
	require.Equal(t, uint64(12), chtest.Count(t, conn, "SELECT sum(rows) FROM "+db+".customer_health_1h"))
	require.Equal(t, uint64(8), chtest.Count(t, conn, "SELECT sum(contacts) FROM "+db+".customer_health_1h"), "log lines are no contacts")
	got, err := s.CustomerHealth(ctx, CustomerHealthQuery{From: base, RecentFrom: base, To: base.Add(time.Hour)})
	require.NoError(t, err)
	require.Len(t, got, 1, "ann; ben only wrote log lines; events without a customer are skipped")
	require.Equal(t, "ann", got[0].CustomerID)
	require.Equal(t, 4, got[0].Negatives)
	// Nothing is counted twice.
	_, err = s.FilterStored(ctx, rows)
	require.NoError(t, err)
	require.Equal(t, uint64(12), chtest.Count(t, conn, "SELECT sum(rows) FROM "+db+".customer_health_1h"))
}

func TestCustomerHealthRollup(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	rows := []event.Scored{
		// alice: an old happy message, then three complaints today across chat and ticket.
		customerEvent("a0", "alice", at(-48, 0), event.ChannelChat, "search", "us", event.Positive, 0.8),
		customerEvent("a1", "alice", at(9, 0), event.ChannelChat, "checkout", "eu", event.Negative, -0.8, "refund"),
		customerEvent("a2", "alice", at(9, 0).Add(30*time.Second), event.ChannelTicket, "checkout", "eu", event.Negative, -0.6, "billing"),
		customerEvent("a3", "alice", at(11, 0), event.ChannelTicket, "checkout", "eu", event.Positive, 0.5),
		customerEvent("a4", "alice", at(12, 0), event.ChannelChat, "login", "us", event.Negative, -0.4, "login"),
		// carl: one complaint.
		customerEvent("c1", "carl", at(10, 0), event.ChannelSocial, "search", "us", event.Negative, -0.5),
		// bob: only happy.
		customerEvent("b1", "bob", at(10, 0), event.ChannelChat, "checkout", "eu", event.Positive, 0.9),
		// no customer, and a log line: not in the rollup.
		customerEvent("n1", "", at(10, 0), event.ChannelChat, "checkout", "eu", event.Negative, -0.9),
		customerEvent("l1", "carol", at(10, 0), event.ChannelLog, "checkout", "eu", event.Negative, -0.9),
	}
	rows[4].Labels = nil // the latest message has no labels: the last labels seen are kept
	insertEvents(t, s, rows)

	got, err := s.CustomerHealth(ctx, CustomerHealthQuery{From: at(-72, 0), RecentFrom: at(0, 0), To: at(13, 0)})
	require.NoError(t, err)
	require.Len(t, got, 2, "only customers with a recent negative contact")
	require.Equal(t, "carl", got[1].CustomerID, "the most recent complaints first")
	require.Equal(t, []string{"social"}, got[1].Channels)
	a := got[0]
	require.Equal(t, "alice", a.CustomerID)
	require.Equal(t, 5, a.Contacts)
	require.Equal(t, 3, a.Negatives)
	require.Equal(t, 2, a.Positives)
	require.InDelta(t, -0.5, a.ScoreSum, 1e-5, "0.8 - 0.8 - 0.6 + 0.5 - 0.4")
	require.Equal(t, 4, a.RecentContacts)
	require.Equal(t, 3, a.RecentNegatives)
	require.InDelta(t, -0.8-0.6+0.5-0.4, a.RecentScoreSum, 1e-5)
	require.Equal(t, 1, a.Unresolved, "one complaint after the last positive message")
	require.Equal(t, []string{"ticket", "chat"}, a.Channels)
	require.ElementsMatch(t, []string{"refund", "billing", "login"}, a.Topics)
	require.ElementsMatch(t, []string{"checkout\x1feu", "login\x1fus"}, a.Places)
	require.Equal(t, "login", a.Product)
	require.Equal(t, "us", a.Region)
	require.Equal(t, map[string]string{"plan": "pro", "agent": "a1"}, a.Labels)
	require.Equal(t, at(12, 0), a.LastNegativeAt)

	// The limit keeps the customers with the most recent complaints.
	got, err = s.CustomerHealth(ctx, CustomerHealthQuery{From: at(-72, 0), RecentFrom: at(0, 0), To: at(13, 0), Limit: 1})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "alice", got[0].CustomerID)
	require.Equal(t, 5, got[0].Contacts, "the whole window of the customers kept")

	// The recent end decides who is a candidate; a window ending before the complaints has none.
	got, err = s.CustomerHealth(ctx, CustomerHealthQuery{From: at(-72, 0), RecentFrom: at(-1, 0), To: at(8, 0)})
	require.NoError(t, err)
	require.Empty(t, got)

	sent, err := s.CustomerSentimentBetween(ctx, "alice", at(9, 0), at(11, 1))
	require.NoError(t, err)
	require.Equal(t, CustomerSentiment{Contacts: 3, Negatives: 2, ScoreSum: sent.ScoreSum}, sent)
	require.InDelta(t, -0.9, sent.ScoreSum, 1e-5)

	msgs, err := s.CustomerMessages(ctx, []string{"alice", "bob"}, at(0, 0), at(13, 0), 2)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	require.Equal(t, "a4", msgs[0].ID, "newest first")
	require.Equal(t, "a2", msgs[1].ID)
	require.Equal(t, "ticket", msgs[1].Channel)
	require.Equal(t, "negative", msgs[1].Label)
	require.Equal(t, []string{"billing"}, msgs[1].Topics)
	require.InDelta(t, -0.6, msgs[1].Score, 1e-6)
}

func TestOutreachLog(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	created := OutreachEntry{
		TaskID: "o-1", Kind: "created", Time: t0, CreatedAt: t0, CustomerID: "alice", Owner: "cs",
		Policy: "unhappy", Priority: "high", Status: "open", MessageIDs: []string{"a1", "a2"},
		MessageTimes: []time.Time{t0.Add(-time.Hour), t0.Add(-30 * time.Minute)}, MessageChannels: []string{"chat", "ticket"},
		Snippets: []string{"refund!", "charged twice"}, Scores: []float64{-0.75, -0.5}, Topics: []string{"refund"},
		Channels: []string{"chat", "ticket"}, Product: "checkout", Region: "eu", Labels: map[string]string{"plan": "pro"},
		Health: map[string]float64{"negatives": 3}, HeldBy: "NegativeSpike",
	}
	other := OutreachEntry{
		TaskID: "o-2", Kind: "created", Time: t0.Add(time.Hour), CreatedAt: t0.Add(time.Hour),
		CustomerID: "bob", Owner: "cx", Policy: "p", Priority: "normal", Status: "open",
	}
	require.NoError(t, s.AppendOutreach(ctx, []OutreachEntry{created, other}))
	base := OutreachEntry{TaskID: "o-1", CreatedAt: t0, CustomerID: "alice", Owner: "cs"}
	del := base
	del.Kind, del.Time, del.Integration, del.Delivery, del.Ref, del.Attempt = "delivery", t0.Add(time.Minute), "slack", "sent", `{"ts":"1.2"}`, 1
	failed := base
	failed.Kind, failed.Time, failed.Integration, failed.Delivery, failed.Error, failed.Attempt = "delivery", t0.Add(time.Minute), "webhook", "failed", "HTTP 503", 1
	ack := base
	ack.Kind, ack.Time, ack.Status, ack.Assignee, ack.Note, ack.ContactedAt = "status", t0.Add(2*time.Hour), "contacted", "dana", "called her", t0.Add(2*time.Hour)
	require.NoError(t, s.AppendOutreach(ctx, []OutreachEntry{del, failed, ack}))
	// A status entry of an unknown task is no task.
	require.NoError(t, s.AppendOutreach(ctx, []OutreachEntry{{TaskID: "ghost", Kind: "status", Time: t0, CreatedAt: t0, Status: "resolved"}}))

	all, err := s.OutreachTasks(ctx, OutreachFilter{})
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, "o-2", all[0].ID, "newest first")
	task := all[1]
	require.Equal(t, "contacted", task.Status)
	require.Equal(t, "dana", task.Assignee)
	require.Equal(t, "called her", task.Note)
	require.Equal(t, t0.Add(2*time.Hour), task.ContactedAt)
	require.Equal(t, t0, task.CreatedAt)
	require.Equal(t, t0.Add(2*time.Hour), task.UpdatedAt)
	require.Equal(t, []string{"a1", "a2"}, task.MessageIDs)
	require.Equal(t, created.MessageTimes, task.MessageTimes)
	require.Equal(t, []float64{-0.75, -0.5}, task.Scores)
	require.Equal(t, map[string]string{"plan": "pro"}, task.Labels)
	require.Equal(t, map[string]float64{"negatives": 3}, task.Health)
	require.Equal(t, "NegativeSpike", task.HeldBy)
	require.Equal(t, OutreachDelivery{Delivery: "sent", Ref: `{"ts":"1.2"}`, Attempt: 1, Time: t0.Add(time.Minute)}, task.Slack)
	require.Equal(t, "failed", task.Webhook.Delivery)
	require.Equal(t, "HTTP 503", task.Webhook.Error)
	require.Empty(t, task.Outcome)

	out := base
	out.Kind, out.Time, out.Outcome, out.ScoreBefore, out.ScoreAfter, out.ContactsBefore, out.ContactsAfter = "outcome", t0.Add(3*time.Hour), "recovered", -0.6, 0.4, 3, 2
	require.NoError(t, s.AppendOutreach(ctx, []OutreachEntry{out}))
	for _, tc := range []struct {
		name string
		f    OutreachFilter
		want []string
	}{
		{"status", OutreachFilter{Statuses: []string{"open"}}, []string{"o-2"}},
		{"owner", OutreachFilter{Owner: "cs"}, []string{"o-1"}},
		{"customers", OutreachFilter{Customers: []string{"bob", "nobody"}}, []string{"o-2"}},
		{"ids", OutreachFilter{IDs: []string{"o-1"}}, []string{"o-1"}},
		{"created from", OutreachFilter{CreatedFrom: t0.Add(30 * time.Minute)}, []string{"o-2"}},
		{"created to", OutreachFilter{CreatedTo: t0.Add(30 * time.Minute)}, []string{"o-1"}},
		{"contacted", OutreachFilter{Contacted: true}, []string{"o-1"}},
		{"no outcome", OutreachFilter{NoOutcome: true}, []string{"o-2"}},
		{"oldest first", OutreachFilter{OldestFirst: true, Limit: 1}, []string{"o-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.OutreachTasks(ctx, tc.f)
			require.NoError(t, err)
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			require.Equal(t, tc.want, ids)
		})
	}
	got, err := s.OutreachTasks(ctx, OutreachFilter{IDs: []string{"o-1"}})
	require.NoError(t, err)
	require.Equal(t, "recovered", got[0].Outcome)
	require.Equal(t, 0.4, got[0].ScoreAfter)
	require.Equal(t, 2, got[0].ContactsAfter)
	require.Equal(t, t0.Add(3*time.Hour), got[0].OutcomeAt)

	// Long customer lists are split into several queries.
	many := make([]string, 2500)
	for i := range many {
		many[i] = "x" + strings.Repeat("y", i%7)
	}
	many[2400] = "alice"
	got, err = s.OutreachTasks(ctx, OutreachFilter{Customers: many})
	require.NoError(t, err)
	require.Len(t, got, 1)

	note := OutreachIncidentRow{
		Team: "cs", Fingerprint: "fp1", ActiveAt: t0, Time: t0, Alert: "NegativeSpike",
		Labels: map[string]string{"product": "checkout"}, Summary: "checkout is down", State: "held", Held: 2,
		Customers: []string{"alice", "bob"}, SlackChannel: "C1", SlackTS: "1.1", SlackShown: "held:2", WebhookSent: "held",
	}
	later := note
	later.Time, later.State, later.ReleasedAt, later.ReleasedTasks = t0.Add(time.Hour), "released", t0.Add(time.Hour), 1
	require.NoError(t, s.AppendOutreachIncidents(ctx, []OutreachIncidentRow{note, later}))
	notes, err := s.LatestOutreachIncidents(ctx, t0.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, []OutreachIncidentRow{later}, notes)
	notes, err = s.LatestOutreachIncidents(ctx, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, notes)
}
