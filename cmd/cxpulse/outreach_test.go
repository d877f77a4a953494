package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chtest"
	"github.com/cxpulse/cxpulse/internal/outreachwire"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/store"
)

func TestOutreachCommands(t *testing.T) {
	addr, db := chtest.Database(t)
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	st, err := store.Open(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	defer func() { _ = st.Close() }()
	ctx := context.Background()
	require.NoError(t, st.Migrate(ctx))
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var rows []event.Scored
	for i, ch := range []event.Channel{event.ChannelChat, event.ChannelTicket, event.ChannelChat} {
		ts := now.Add(-time.Duration(3-i) * time.Hour)
		rows = append(rows, event.Scored{
			Event: event.Event{
				ID: fmt.Sprint("m", i), Time: ts, Source: "test", Channel: ch, CustomerID: "acct-991",
				Product: "checkout", Region: "eu", Text: "Still waiting for my refund!", Labels: map[string]string{"plan": "enterprise"},
			},
			Sentiment:  event.Sentiment{Score: -0.8, Label: event.Negative, Topics: []string{"refund"}},
			IngestedAt: ts,
		})
	}
	enc := store.NewEventEncoder(st.Dialect())
	b, err := st.Conn().PrepareBatch(ctx, "INSERT INTO "+st.Dialect().Qualified("events")+" ("+strings.Join(enc.Columns(), ", ")+")")
	require.NoError(t, err)
	require.NoError(t, enc.Append(b, rows))
	require.NoError(t, b.Send())

	spec, err := outreach.ParseFile("../../deploy/rules/outreach.yaml")
	require.NoError(t, err)
	c := outreach.DefaultConfig()
	c.AllowMissingSecrets = true
	m, err := outreach.New(c, spec, outreach.Deps{
		Store: outreachwire.Store{S: st}, Now: func() time.Time { return now },
		Getenv: func(string) string { return "" },
	}, nil, nil)
	require.NoError(t, err)
	rep, err := m.Evaluate(ctx, now)
	require.NoError(t, err)
	require.Len(t, rep.Created, 1)
	id := rep.Created[0].ID
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	var sum strings.Builder
	require.NoError(t, printOutreachSummary(ctx, &sum, &apiClient{url: srv.URL, hc: srv.Client()}))
	require.Contains(t, sum.String(), "outreach: 1 task(s) (customer-success 1; urgent 1), 0 of them for customers held during an incident")
	require.NoError(t, outreachwire.Store{S: st}.Append(ctx, []outreach.Entry{{
		TaskID: "o-held", Kind: outreach.EntryCreated,
		Time: now, CreatedAt: now, CustomerID: "acct-7", Owner: "cx-queue", Policy: "repeated-complaints", Priority: "high",
		Status: "open", HeldBy: "RegionalNegativeSpike product=checkout region=eu", Health: map[string]float64{"negatives": 2, "contacts": 2},
	}}))
	sum.Reset()
	require.NoError(t, printOutreachSummary(ctx, &sum, &apiClient{url: srv.URL, hc: srv.Client()}))
	require.Contains(t, sum.String(), "outreach: 2 task(s) (customer-success 1, cx-queue 1; high 1, urgent 1), 1 of them")
	require.Contains(t, sum.String(), "  held by RegionalNegativeSpike product=checkout region=eu: 1 customer(s)")
	require.Contains(t, sum.String(), "o-held")
	require.NotContains(t, sum.String(), id, "the table shows the released tasks")

	out, err := runCLI(t, "", "outreach", "list", "--url", srv.URL, "--status", "open")
	require.NoError(t, err, out)
	require.Contains(t, out, id)
	require.Contains(t, out, "urgent")
	require.Contains(t, out, "customer-success")
	require.Contains(t, out, "acct-991")
	require.Contains(t, out, "3/3 negative (refund)")
	require.Contains(t, out, "o-held")

	out, err = runCLI(t, "", "outreach", "ack", "--url", srv.URL, "--owner", "dana", "--note", "called", id)
	require.NoError(t, err, out)
	require.Equal(t, id+" contacted\n", out)
	out, err = runCLI(t, "", "outreach", "list", "--url", srv.URL, "--status", "open")
	require.NoError(t, err, out)
	require.NotContains(t, out, id)
	out, err = runCLI(t, "", "outreach", "list", "--url", srv.URL, "--json", "--customer", "acct-991")
	require.NoError(t, err, out)
	require.Contains(t, out, `"assignee": "dana"`)

	_, err = runCLI(t, "", "outreach", "ack", "--url", srv.URL, "--status", "done", id)
	require.ErrorContains(t, err, `unknown status "done"`)
	_, err = runCLI(t, "", "outreach", "ack", "--url", srv.URL, "o-missing")
	require.ErrorContains(t, err, "404")
	_, err = runCLI(t, "", "outreach", "list", "--url", srv.URL, "--limit", "0")
	require.ErrorContains(t, err, "limit must be 1 to 1000")
}

func TestCheckRulesChecksOutreach(t *testing.T) {
	out, err := runCLI(t, "", "check", "rules", "../../deploy/rules/outreach.yaml")
	require.NoError(t, err, out)
	require.Contains(t, out, "ok: outreach: 3 policies, 2 team(s)")
	out, err = runCLI(t, "", "check", "rules", "../../deploy/demo/rules.yaml", "../../deploy/demo/outreach.yaml")
	require.NoError(t, err, out)
	require.Contains(t, out, "ok: outreach: 2 policies, 2 team(s)")
	_, err = runCLI(t, "", "check", "rules", "../../outreach/testdata/several.bad.yaml")
	var ee *exitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 1, ee.code)
	require.Contains(t, ee.msg, "../../outreach/testdata/several.bad.yaml:17:13: when: unknown name negativs")
}
