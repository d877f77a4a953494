package dashboards_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/dashboards"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chtest"
	"github.com/cxpulse/cxpulse/store"
)

func TestMain(m *testing.M) {
	code := chtest.Main(m)
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreTopFunction("github.com/ClickHouse/clickhouse-go/v2.(*clickhouse).startAutoCloseIdleConnections")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// query is one ClickHouse query of a dashboard, as Grafana reads it from the JSON.
type query struct {
	dashboard, where, sql string
}

// clickHouseQueries collects every ClickHouse query of the dashboards' JSON: panel targets,
// annotations and template variables.
func clickHouseQueries(t *testing.T, ds []dashboards.Dashboard) []query {
	t.Helper()
	var out []query
	isCH := func(v any) bool {
		m, _ := v.(map[string]any)
		return m != nil && m["type"] == dashboards.ClickHousePluginID
	}
	for _, d := range ds {
		data, err := d.JSON()
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		for _, p := range m["panels"].([]any) {
			p := p.(map[string]any)
			targets, _ := p["targets"].([]any)
			for _, tg := range targets {
				tg := tg.(map[string]any)
				if isCH(tg["datasource"]) {
					out = append(out, query{d.UID, fmt.Sprintf("panel %v %q", p["id"], p["title"]), tg["rawSql"].(string)})
				}
			}
		}
		anns, _ := m["annotations"].(map[string]any)["list"].([]any)
		for _, a := range anns {
			a := a.(map[string]any)
			if isCH(a["datasource"]) {
				out = append(out, query{d.UID, fmt.Sprintf("annotation %q", a["name"]), a["target"].(map[string]any)["rawSql"].(string)})
			}
		}
		vars, _ := m["templating"].(map[string]any)["list"].([]any)
		for _, v := range vars {
			v := v.(map[string]any)
			if isCH(v["datasource"]) {
				out = append(out, query{d.UID, fmt.Sprintf("variable %q", v["name"]), v["query"].(string)})
			}
		}
	}
	return out
}

// The sample: six hours of traffic ending at now, and the same hours of the seven days before
// (the anomaly band's history), over two sources, four channels, three products and two regions.
var (
	now     = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	from    = now.Add(-6 * time.Hour)
	vipCust = "acct-vip"
)

func sampleEvents() []event.Scored {
	var out []event.Scored
	sources := []string{"zendesk", "intercom"}
	channels := []event.Channel{event.ChannelChat, event.ChannelTicket, event.ChannelSocial, event.ChannelLog}
	products := []string{"checkout", "search", "login"}
	regions := []string{"eu", "us"}
	topics := [][]string{{"refund"}, {"delivery", "refund"}, {"login"}, nil}
	i := 0
	for day := range 8 {
		for ts := from.Add(-time.Duration(day) * 24 * time.Hour); ts.Before(now.Add(-time.Duration(day) * 24 * time.Hour)); ts = ts.Add(10 * time.Minute) {
			for _, src := range sources {
				for _, ch := range channels {
					for _, pr := range products {
						for _, rg := range regions {
							i++
							label, score := event.Neutral, 0.0
							switch (i*7 + i/5) % 3 {
							case 0:
								label, score = event.Negative, -0.6
							case 1:
								label, score = event.Positive, 0.7
							}
							cust := fmt.Sprintf("c-%d", i%97)
							if i%11 == 0 {
								cust = vipCust
							}
							out = append(out, event.Scored{
								Event: event.Event{
									ID: fmt.Sprintf("e-%d", i), Time: ts.Add(time.Duration(i%600) * time.Second), Source: src, Channel: ch,
									CustomerID: cust, Product: pr, Region: rg, Text: fmt.Sprintf("sample message %d about %s", i, pr),
									Labels: map[string]string{"plan": "pro"},
								},
								Sentiment: event.Sentiment{
									Score: score, Label: label, Confidence: 0.8, Probs: event.Probs{Negative: 0.3, Neutral: 0.3, Positive: 0.4},
									Language: "en", Reliable: true, ModelVersion: "test", Topics: topics[i%len(topics)],
								},
								IngestedAt: ts,
							})
						}
					}
				}
			}
		}
	}
	return out
}

// ingest writes the sample through the store's batch writer, so the rollup is filled by its
// materialized view, and alert state and notifications through the alerting tables' writers.
func ingest(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	w := store.NewBatchWriter[event.Scored](s, "events", store.NewEventEncoder(s.Dialect()), store.DefaultBatchConfig())
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(runCtx) }()
	done := make(chan error, 1)
	require.NoError(t, w.Add(ctx, sampleEvents(), func(err error) { done <- err }))
	require.NoError(t, <-done)
	stop()
	require.NoError(t, <-ran)

	at := func(d time.Duration) time.Time { return now.Add(-d) }
	spike := func(product string) (map[string]string, map[string]string) {
		return map[string]string{"alertname": "NegativeSpike", "severity": "critical", "team": "cx", "product": product},
			map[string]string{
				"summary":   product + ": 48% of 120 messages negative in 10m",
				"dashboard": fmt.Sprintf("d/cx-overview?var-product=%s&viewPanel=%d", product, dashboards.PanelRuleNegativeShare),
			}
	}
	lc, ac := spike("checkout")
	ls, as := spike("search")
	vipL := map[string]string{"alertname": "VIPCustomerUnhappy", "severity": "warning", "customer_id": vipCust}
	vipA := map[string]string{"summary": "Enterprise customer acct-vip is unhappy (60% negative)"}
	require.NoError(t, s.AppendAlerts(ctx, []store.AlertRow{
		{Time: at(3 * time.Hour), Group: "cx-sentiment", Rule: "NegativeSpike", Fingerprint: "f-checkout", State: "pending", Labels: lc, Annotations: ac, Value: 0.41, ActiveAt: at(3 * time.Hour)},
		{Time: at(170 * time.Minute), Group: "cx-sentiment", Rule: "NegativeSpike", Fingerprint: "f-checkout", State: "firing", Labels: lc, Annotations: ac, Value: 0.48, ActiveAt: at(3 * time.Hour), FiredAt: at(170 * time.Minute)},
		{Time: at(2 * time.Hour), Group: "cx-sentiment", Rule: "NegativeSpike", Fingerprint: "f-checkout", State: "resolved", Labels: lc, Annotations: ac, Value: 0.2, ActiveAt: at(3 * time.Hour), FiredAt: at(170 * time.Minute), ResolvedAt: at(2 * time.Hour)},
		{Time: at(40 * time.Minute), Group: "cx-sentiment", Rule: "NegativeSpike", Fingerprint: "f-search", State: "firing", Labels: ls, Annotations: as, Value: 0.52, ActiveAt: at(42 * time.Minute), FiredAt: at(40 * time.Minute)},
		{Time: at(25 * time.Minute), Group: "cx-sentiment", Rule: "VIPCustomerUnhappy", Fingerprint: "f-vip", State: "firing", Labels: vipL, Annotations: vipA, Value: 0.6, ActiveAt: at(25 * time.Minute), FiredAt: at(25 * time.Minute)},
	}))
	var nots []store.NotificationRow
	for i, o := range []string{"sent", "failed", "sent", "rejected", "digested", "sent"} {
		recv, integ := "cx-slack", "slack"
		if i%2 == 1 {
			recv, integ = "oncall-pagerduty", "pagerduty"
		}
		n := store.NotificationRow{
			Time: at(time.Duration(160-20*i) * time.Minute), Receiver: recv, Integration: integ,
			GroupKey: "{}:{alertname=\"NegativeSpike\"}", DedupKey: "k", Status: "firing", Outcome: o, Attempt: 1,
			Firing: []string{"f-checkout"},
		}
		if o == "failed" || o == "rejected" {
			n.Reason, n.Error = "http_5xx", "503 Service Unavailable"
		}
		nots = append(nots, n)
	}
	require.NoError(t, s.AppendNotifications(ctx, nots))
	var anoms []store.AnomalyRow
	for i := range 60 {
		v := 40.0
		if i >= 50 {
			v = 160
		}
		anoms = append(anoms, store.AnomalyRow{
			Time: at(time.Duration(60-i) * time.Minute), Group: "cx-volume", Rule: "VolumeAnomaly",
			Fingerprint: "f-chat", Series: "volume", Labels: map[string]string{"channel": "chat"}, Value: v, Baseline: 40,
			Low: 25, High: 55, Score: map[bool]float64{true: 0.6, false: 0.02}[i >= 50],
		})
	}
	require.NoError(t, s.AppendAnomalies(ctx, anoms))

	// Outreach tasks through the task log: one contacted and recovered, one held by an incident
	// and still open, one dismissed.
	var entries []store.OutreachEntry
	for i, tc := range []struct {
		status, outcome, heldBy string
	}{{"contacted", "recovered", ""}, {"open", "", "NegativeSpike product=checkout region=eu"}, {"dismissed", "", ""}} {
		id := fmt.Sprintf("task-%d", i)
		created := at(time.Duration(150-30*i) * time.Minute)
		entries = append(entries, store.OutreachEntry{
			TaskID: id, Kind: "created", Time: created, CreatedAt: created,
			CustomerID: vipCust, Owner: "customer-success", Policy: "unhappy-enterprise", Priority: "urgent", Status: "open",
			Product: "checkout", Region: "eu", HeldBy: tc.heldBy, Labels: map[string]string{"plan": "enterprise"},
		})
		if tc.status != "open" {
			entries = append(entries, store.OutreachEntry{
				TaskID: id, Kind: "status", Time: created.Add(10 * time.Minute),
				CreatedAt: created, CustomerID: vipCust, Status: tc.status, Assignee: "ana", ContactedAt: created.Add(10 * time.Minute),
			})
		}
		if tc.outcome != "" {
			entries = append(entries, store.OutreachEntry{
				TaskID: id, Kind: "outcome", Time: created.Add(70 * time.Minute),
				CreatedAt: created, CustomerID: vipCust, Outcome: tc.outcome, ScoreBefore: -0.6, ScoreAfter: 0.4, ContactsBefore: 3, ContactsAfter: 2,
			})
		}
	}
	require.NoError(t, s.AppendOutreach(ctx, entries))
}

// states are the variable settings every query runs with: everything "All", and one or two
// values of each variable.
var states = map[string]varState{
	"all": {
		"source": {allValue}, "channel": {allValue}, "product": {allValue}, "region": {allValue},
		"rule": {allValue}, "receiver": {allValue}, "customer": {vipCust},
	},
	"selected": {
		"source": {"zendesk"}, "channel": {"chat", "ticket"}, "product": {"checkout"}, "region": {"eu"},
		"rule": {"NegativeSpike"}, "receiver": {"cx-slack", "oncall-pagerduty"}, "customer": {vipCust},
	},
}

func TestEveryClickHouseQueryReturnsRows(t *testing.T) {
	addr, db := chtest.Database(t)
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	s, err := store.Open(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(context.Background()))
	ingest(t, s)

	o := dashboards.DefaultOptions()
	o.Database = db
	ds, err := dashboards.Build(o)
	require.NoError(t, err)
	queries := clickHouseQueries(t, ds)
	require.Greater(t, len(queries), 20)
	conn := chtest.Conn(t, addr)
	for _, q := range queries {
		for _, state := range []string{"all", "selected"} {
			for _, interval := range []time.Duration{20 * time.Second, 5 * time.Minute} {
				name := fmt.Sprintf("%s/%s/%s/%s", q.dashboard, q.where, state, interval)
				t.Run(name, func(t *testing.T) {
					sql, err := grafanaSQL(q.sql, states[state], from, now, interval)
					require.NoError(t, err)
					rows, cells := run(t, conn, sql)
					require.NotZero(t, rows, "no rows:\n%s", sql)
					require.NotZero(t, cells, "only empty, zero or NaN values:\n%s", sql)
				})
			}
		}
	}
}

// run executes sql and returns how many rows it returned and how many of their cells hold
// something: a finite non-zero number, a non-empty string or array, a time after the epoch.
func run(t *testing.T, conn clickhouse.Conn, sql string) (rows, cells int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := conn.Query(ctx, sql)
	require.NoError(t, err, "%s", sql)
	defer func() { _ = r.Close() }()
	types := r.ColumnTypes()
	for r.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		require.NoError(t, r.Scan(dest...))
		rows++
		for _, d := range dest {
			if filled(reflect.ValueOf(d).Elem()) {
				cells++
			}
		}
	}
	require.NoError(t, r.Err())
	return rows, cells
}

func filled(v reflect.Value) bool {
	switch x := v.Interface().(type) {
	case time.Time:
		return x.Unix() > 0
	case float64:
		return x != 0 && !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return x != 0 && !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	}
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return v.Len() > 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() != 0
	case reflect.Pointer:
		return !v.IsNil() && filled(v.Elem())
	}
	return false
}
