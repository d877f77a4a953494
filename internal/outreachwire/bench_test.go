package outreachwire_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/outreachwire"
	"github.com/cxpulse/cxpulse/internal/wiretest"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/store"
)

// BenchmarkCandidates measures the candidate query of one outreach evaluation (customers with a
// complaint in the last day, with their health over 7 days) over a week of history: 1,050,000
// messages from 50,000 customers drawn with a long tail, a fifth of them negative. "rollup"
// reads customer_health_1h, "events" computes the same sums by scanning the events table, and
// "evaluate" is a whole evaluation (queries, policies, suppression) over the rollup.
func BenchmarkCandidates(b *testing.B) {
	st := wiretest.Store(b)
	ctx := context.Background()

	const days, perDay, customers = 7, 150000, 50000
	end := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 8, customers-1)
	channels := []event.Channel{event.ChannelChat, event.ChannelTicket, event.ChannelSocial, event.ChannelReview}
	products := []string{"checkout", "search", "login", "delivery", "mobile-app"}
	plans := []string{"free", "pro", "pro", "enterprise"}
	enc := store.NewEventEncoder(st.Dialect())
	rows := make([]event.Scored, 0, perDay)
	for d := 0; d < days; d++ {
		rows = rows[:0]
		for i := 0; i < perDay; i++ {
			ts := end.Add(-time.Duration(days-d) * 24 * time.Hour).Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
			c := zipf.Uint64()
			label, score := event.Neutral, 0.0
			switch r := rng.Float64(); {
			case r < 0.2:
				label, score = event.Negative, -0.7
			case r < 0.5:
				label, score = event.Positive, 0.6
			}
			rows = append(rows, event.Scored{
				Event: event.Event{
					ID: fmt.Sprintf("b-%d-%d", d, i), Time: ts, Source: "bench", Channel: channels[rng.IntN(len(channels))],
					CustomerID: fmt.Sprintf("cust-%05d", c), Product: products[rng.IntN(len(products))], Region: "eu",
					Text: "benchmark message", Labels: map[string]string{"plan": plans[c%4]},
				},
				Sentiment:  event.Sentiment{Score: score, Label: label, Topics: []string{"refund"}},
				IngestedAt: ts,
			})
		}
		batch, err := st.Conn().PrepareBatch(ctx, "INSERT INTO "+st.Dialect().Qualified("events")+" ("+strings.Join(enc.Columns(), ", ")+")")
		require.NoError(b, err)
		require.NoError(b, enc.Append(batch, rows))
		require.NoError(b, batch.Send())
	}
	conn := st.Conn()
	require.NoError(b, conn.Exec(ctx, "OPTIMIZE TABLE "+st.Dialect().Qualified("customer_health_1h")+" FINAL"))
	var rollupRows, eventRows uint64
	require.NoError(b, conn.QueryRow(ctx, "SELECT count() FROM "+st.Dialect().Qualified("customer_health_1h")).Scan(&rollupRows))
	require.NoError(b, conn.QueryRow(ctx, "SELECT count() FROM "+st.Dialect().Qualified("events")).Scan(&eventRows))
	q := store.CustomerHealthQuery{From: end.Add(-7 * 24 * time.Hour), RecentFrom: end.Add(-24 * time.Hour), To: end, Limit: 10000}

	b.Run("rollup", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			got, err := st.CustomerHealth(ctx, q)
			require.NoError(b, err)
			n = len(got)
		}
		b.ReportMetric(float64(n), "candidates")
		b.ReportMetric(float64(rollupRows), "rows")
	})
	b.Run("events", func(b *testing.B) {
		// The same health as the rollup query gives, computed from the events.
		sql := fmt.Sprintf(`SELECT customer_id, count() c, countIf(label = 'negative') n, countIf(label = 'positive') p,
    sum(toFloat64(score)) s, countIf(time >= toDateTime(%[2]d)) rc, countIf(label = 'negative' AND time >= toDateTime(%[2]d)) rn,
    sumIf(toFloat64(score), time >= toDateTime(%[2]d)) rs, countIf(channel = 'ticket'), countIf(channel = 'chat'),
    countIf(channel = 'social'), countIf(channel = 'review'), countIf(channel = 'survey'), maxIf(time, label = 'positive') lp,
    arraySum(arrayMap(x -> x > lp, groupArrayIf(time, label = 'negative'))) unresolved,
    groupUniqArrayArrayIf(CAST(topics AS Array(String)), label = 'negative'),
    groupUniqArrayIf(concat(product, '\x1f', region), label = 'negative' AND time >= toDateTime(%[2]d)),
    argMax(product, time), argMax(region, time),
    argMaxIf(arrayMap((k, v) -> concat(k, '\x1f', v), label_keys, label_values), time, length(label_keys) > 0),
    maxIf(time, label = 'negative') ln
FROM %[4]s WHERE time >= toDateTime(%[1]d) AND time < toDateTime(%[3]d) AND customer_id != '' AND channel != 'log'
GROUP BY customer_id HAVING rn > 0 ORDER BY rn DESC, ln DESC LIMIT 10000`, q.From.Unix(), q.RecentFrom.Unix(), q.To.Unix(), st.Dialect().Qualified("events"))
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			r, err := conn.Query(ctx, sql)
			require.NoError(b, err)
			n = 0
			for r.Next() {
				n++
			}
			require.NoError(b, r.Err())
			_ = r.Close()
		}
		b.ReportMetric(float64(n), "candidates")
		b.ReportMetric(float64(eventRows), "rows")
	})
	b.Run("evaluate", func(b *testing.B) {
		spec, err := outreach.ParseFile("../../deploy/rules/outreach.yaml")
		require.NoError(b, err)
		c := outreach.DefaultConfig()
		c.AllowMissingSecrets = true
		m, err := outreach.New(c, spec, outreach.Deps{
			Store: outreachwire.Store{S: st}, Now: func() time.Time { return end },
			Getenv: func(string) string { return "" },
		}, nil, nil)
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			_, err := m.Evaluate(ctx, end)
			require.NoError(b, err)
		}
	})
}
