package alertwire_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/alerting/notify/loki"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/internal/wiretest"
	"github.com/cxpulse/cxpulse/store"
)

func TestMain(m *testing.M) { os.Exit(wiretest.Main(m)) }

const (
	slackToken = "xoxb-4242-4242-e2etokenvalue"
	pdKey      = "E2EROUTINGKEY0000000000000000000"
)

// t0 is the start of every scenario's history; the fake clock starts later.
var t0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

const rulesYAML = `
groups:
  - name: e2e
    interval: 5s
    rules:
      - alert: NegativeSpike
        select: {product: checkout, channel: [chat, ticket]}
        window: 5m
        group_by: [product]
        when: negative_share > 0.4 && volume >= 20
        for: 30s
        keep_firing_for: 1m
        labels: {severity: critical, team: cx}
        annotations:
          summary: "{{ .Labels.product }}: {{ pct .Value }} negative"
          dashboard: "d/cx?var-product={{ .Labels.product }}"
          runbook_url: "http://runbooks.test/negative-spike"
      - alert: NegativeWarn
        select: {product: checkout, channel: [chat, ticket]}
        window: 5m
        group_by: [product]
        when: negative_share > 0.3 && volume >= 20
        for: 30s
        labels: {severity: warning}
      - alert: OutageWords
        select: {channel: log, text_contains: [outage]}
        window: 5m
        group_by: [product]
        when: volume >= 3
        labels: {severity: critical, team: sre}
      - alert: Flapping
        select: {product: flaky}
        window: 1m
        group_by: [product]
        when: negative_share > 0.5
        keep_firing_for: 3m
        labels: {severity: critical}
route:
  receiver: console
  group_by: [alertname, product]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"']
      receiver: pd
      continue: true
    - matchers: ['severity="critical"']
      receiver: slack
inhibit_rules:
  - source_matchers: ['alertname="OutageWords"']
    target_matchers: ['severity="warning"']
    equal: [product]
receivers:
  - name: console
    console: {}
  - name: pd
    pagerduty: {routing_key: "${E2E_PD_KEY}", url: "PDURL"}
  - name: slack
    slack: {channel: "#cx-alerts", token: "${E2E_SLACK_TOKEN}", api_url: "SLACKURL"}
`

type world struct {
	t       *testing.T
	store   *store.Store
	clock   *wiretest.Clock
	slack   *notifytest.Slack
	pd      *notifytest.PagerDuty
	loki    *notifytest.Loki
	rules   string
	console *wiretest.Buffer
	logs    *wiretest.Buffer
	m       *alerting.Manager
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, store: wiretest.Store(t), clock: &wiretest.Clock{}, console: &wiretest.Buffer{}, logs: &wiretest.Buffer{}}
	w.slack = notifytest.NewSlack(t, slackToken)
	w.pd = notifytest.NewPagerDuty(t, pdKey, w.clock.Now)
	w.loki = notifytest.NewLoki(t)
	w.rules = filepath.Join(t.TempDir(), "rules.yaml")
	y := strings.ReplaceAll(strings.ReplaceAll(rulesYAML, "PDURL", w.pd.URL), "SLACKURL", w.slack.APIURL())
	require.NoError(t, os.WriteFile(w.rules, []byte(y), 0o600))
	return w
}

// start builds a manager over the world's store, as a (re)started process would.
func (w *world) start(now time.Time) {
	w.clock.Set(now)
	deps := alertwire.Deps(w.store)
	deps.Now = w.clock.Now
	env := map[string]string{"E2E_PD_KEY": pdKey, "E2E_SLACK_TOKEN": slackToken}
	deps.Getenv = func(k string) string { return env[k] }
	deps.Console = w.console
	logger := slog.New(slog.NewTextHandler(w.logs, nil))
	m, err := alerting.New(alerting.Config{
		RuleFiles: []string{w.rules}, ExternalURL: "http://cxpulse.test",
		GrafanaURL: "http://grafana.test", Loki: &loki.Config{URL: w.loki.PushURL(), BatchWait: 20 * time.Millisecond},
	},
		deps, logger, prometheus.NewRegistry())
	require.NoError(w.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Pusher().Run(ctx) }()
	w.t.Cleanup(func() {
		cancel()
		<-done //nolint:errcheck // Run's error is nil by contract
	})
	require.NoError(w.t, m.Restore(context.Background(), now))
	w.m = m
}

// run ticks the manager every 5 s from the clock's time up to until.
func (w *world) run(until time.Time) {
	for t := w.clock.Now(); !t.After(until); t = t.Add(5 * time.Second) {
		w.clock.Set(t)
		w.m.Tick(context.Background(), t)
	}
}

// events: per minute in [from, to), n messages of which neg are negative.
func events(prefix string, product string, ch event.Channel, from, to int, n, neg int, text string) []event.Scored {
	var out []event.Scored
	for m := from; m < to; m++ {
		for i := 0; i < n; i++ {
			label, score := event.Positive, 0.6
			if i < neg {
				label, score = event.Negative, -0.7
			}
			ts := t0.Add(time.Duration(m)*time.Minute + time.Duration(i)*time.Second)
			out = append(out, event.Scored{
				Event: event.Event{
					ID: fmt.Sprintf("%s-%d-%d", prefix, m, i), Time: ts, Source: "test", Channel: ch,
					CustomerID: fmt.Sprintf("cust-%d", i), Product: product, Region: "eu", Text: fmt.Sprintf("%s message %d", text, i),
				},
				Sentiment:  event.Sentiment{Score: score, Label: label, Confidence: 0.9, Language: "en", ModelVersion: "test"},
				IngestedAt: ts,
			})
		}
	}
	return out
}

func (w *world) insert(rows []event.Scored) { wiretest.Insert(w.t, w.store, rows) }

// incident: checkout is calm for 30 minutes, 80% negative for minutes 30–39, calm again after.
func (w *world) incident() {
	w.insert(events("calm", "checkout", event.ChannelChat, 0, 30, 10, 1, "thanks"))
	w.insert(events("bad", "checkout", event.ChannelChat, 30, 40, 10, 8, "charged twice, furious"))
	w.insert(events("after", "checkout", event.ChannelChat, 40, 60, 10, 1, "thanks"))
}

func actions(evs []notifytest.PDEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func methods(ms []notifytest.SlackMessage) []string {
	var out []string
	for _, m := range ms {
		s := m.Method
		if m.ThreadTS != "" {
			s += " (thread)"
		}
		out = append(out, s)
	}
	return out
}

func at(min int, sec int) time.Time {
	return t0.Add(time.Duration(min)*time.Minute + time.Duration(sec)*time.Second)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not before deadline", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestIncidentPagesOnceAndResolves(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.start(at(29, 0))
	w.run(at(31, 0))
	require.Empty(t, w.pd.Events(), "calm history pages nobody")
	require.Empty(t, w.slack.Messages())

	w.run(at(36, 0))
	evs := w.pd.Events()
	require.Equal(t, []string{"trigger"}, actions(evs))
	require.Equal(t, alerting.DedupKey("pd", alerting.Labels{"alertname": "NegativeSpike", "product": "checkout"}), evs[0].DedupKey)
	require.Contains(t, evs[0].Payload["summary"], "NegativeSpike")
	msgs := w.slack.Messages()
	require.Equal(t, []string{"chat.postMessage"}, methods(msgs))
	require.Equal(t, "#cx-alerts", msgs[0].Channel)
	var blocks []string
	for _, b := range msgs[0].Blocks {
		blocks = append(blocks, fmt.Sprint(b))
	}
	all := strings.Join(blocks, " ")
	require.Contains(t, all, "charged twice, furious", "sample messages from the events table")
	require.Contains(t, all, "http://grafana.test/d/cx?var-product=checkout")
	require.Contains(t, all, "http://runbooks.test/negative-spike")

	w.run(at(50, 0))
	require.Equal(t, []string{"trigger", "resolve"}, actions(w.pd.Events()))
	require.Equal(t, w.pd.Events()[0].DedupKey, w.pd.Events()[1].DedupKey)
	msgs = w.slack.Messages()
	require.Equal(t, []string{"chat.postMessage", "chat.update", "chat.postMessage (thread)"}, methods(msgs))
	require.Equal(t, msgs[0].Channel, "#cx-alerts")
	require.NotEmpty(t, msgs[1].TS)
	require.Equal(t, msgs[1].TS, msgs[2].ThreadTS)
	require.Contains(t, msgs[1].Text, "[RESOLVED]")
	require.Len(t, w.pd.Attempts(), 2, "no failed or extra attempts")

	// The warning (not inhibited here) went to the console; every transition is in the alerts
	// table and every notification in the notifications table and in Loki.
	require.Contains(t, w.console.String(), "NegativeWarn")
	conn := w.store.Conn()
	var n uint64
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT count() FROM "+w.store.Dialect().Qualified("alerts")+
		" WHERE rule = 'NegativeSpike'").Scan(&n))
	require.Equal(t, uint64(3), n, "pending, firing, resolved")
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT count() FROM "+w.store.Dialect().Qualified("notifications")+
		" WHERE receiver IN ('pd', 'slack') AND outcome = 'sent'").Scan(&n))
	require.Equal(t, uint64(4), n)
	waitFor(t, "loki lines", func() bool {
		kinds := map[string]int{}
		for _, l := range w.loki.Lines() {
			kinds[l.Labels]++
		}
		return kinds[`{app="cxpulse", kind="alert"}`] >= 6 && kinds[`{app="cxpulse", kind="notification"}`] >= 5
	})
	require.NotContains(t, w.logs.String(), pdKey)
	require.NotContains(t, w.logs.String(), slackToken)
}

func TestRestartInTheMiddleChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.start(at(29, 0))
	w.run(at(34, 0))
	require.Equal(t, []string{"trigger"}, actions(w.pd.Events()))
	require.Len(t, w.slack.Messages(), 1)

	// A new process: same store, same outside world, a blank memory.
	w.start(at(34, 30))
	firing := 0
	for _, a := range w.m.Evaluator().Alerts() {
		if a.State == alerting.StateFiring {
			firing++
		}
	}
	require.Equal(t, 2, firing, "NegativeSpike and NegativeWarn restored as firing")
	w.run(at(40, 0))
	require.Equal(t, []string{"trigger"}, actions(w.pd.Events()), "no second page after the restart")
	require.Len(t, w.slack.Messages(), 1, "no second Slack message after the restart")

	w.run(at(50, 0))
	require.Equal(t, []string{"trigger", "resolve"}, actions(w.pd.Events()))
	msgs := w.slack.Messages()
	require.Equal(t, []string{"chat.postMessage", "chat.update", "chat.postMessage (thread)"}, methods(msgs))
	require.Equal(t, msgs[1].TS, msgs[2].ThreadTS, "the restored ts is updated, not a new message")
}

func TestPagerDuty500Then200DeliversOnce(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.pd.Fail(notifytest.Reply{Status: 500, Body: `{"status":"error"}`})
	w.start(at(29, 0))
	w.run(at(36, 0))
	require.Equal(t, []string{"trigger"}, actions(w.pd.Events()))
	require.Len(t, w.pd.Attempts(), 2)
}

func TestPagerDuty429RetryAfterIsHonoured(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.pd.Fail(notifytest.Reply{Status: 429, RetryAfter: "40", Body: `{"status":"throttled"}`})
	w.start(at(29, 0))
	w.run(at(38, 0))
	attempts := w.pd.Attempts()
	require.Len(t, attempts, 2)
	require.GreaterOrEqual(t, attempts[1].Sub(attempts[0]), 40*time.Second)
	require.Less(t, attempts[1].Sub(attempts[0]), 50*time.Second)
	require.Equal(t, []string{"trigger"}, actions(w.pd.Events()))
}

func TestSilenceSuppresses(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.start(at(29, 0))
	h := w.m.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/silences", strings.NewReader(
		`{"matchers": ["product=\"checkout\"", "severity=\"critical\""], "duration": "2h", "created_by": "oncall", "comment": "known incident"}`)))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	w.run(at(38, 0))
	require.Empty(t, w.pd.Events())
	require.Empty(t, w.slack.Messages())
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/alerts?state=firing&alertname=NegativeSpike", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), `"silenced_by":[`)

	// The silence survives a restart.
	w.start(at(38, 5))
	require.Len(t, w.m.Silences().List(), 1)
	w.run(at(39, 0))
	require.Empty(t, w.pd.Events())
}

func TestInhibitionSuppresses(t *testing.T) {
	w := newWorld(t)
	w.incident()
	w.insert(events("log", "checkout", event.ChannelLog, 28, 45, 2, 0, "upstream outage: connection refused"))
	w.start(at(29, 0))
	w.run(at(38, 0))
	require.NotContains(t, w.console.String(), "NegativeWarn", "the warning is inhibited by the outage")
	names := map[string]bool{}
	for _, e := range w.pd.Events() {
		names[e.Payload["class"].(string)] = true
	}
	require.Equal(t, map[string]bool{"OutageWords": true, "NegativeSpike": true}, names)
}

func TestFlappingDoesNotPageRepeatedly(t *testing.T) {
	w := newWorld(t)
	// Every other minute all negative, in between all positive: the condition flips each minute.
	for m := 0; m < 20; m++ {
		neg := 0
		if m%2 == 0 {
			neg = 5
		}
		w.insert(events(fmt.Sprintf("flap%d", m), "flaky", event.ChannelChat, m, m+1, 5, neg, "meh"))
	}
	w.start(at(0, 0))
	w.run(at(20, 0))
	require.Equal(t, []string{"trigger"}, actions(w.pd.Events()))
	require.Len(t, w.slack.Messages(), 1)
	w.run(at(30, 0))
	require.Equal(t, []string{"trigger", "resolve"}, actions(w.pd.Events()))
}

func TestBacktestReplaysHistory(t *testing.T) {
	w := newWorld(t)
	w.incident()
	set, err := alerting.LoadRuleFiles(w.rules)
	require.NoError(t, err)
	res, err := alerting.Backtest(context.Background(), set, alerting.BacktestDeps{Query: alertwire.Query(w.store)}, at(20, 0), at(55, 0))
	require.NoError(t, err)
	var b strings.Builder
	res.Print(&b)
	t.Log(b.String())
	require.Empty(t, res.Errors)
	var spikes []alerting.BacktestAlert
	for _, a := range res.Alerts {
		if a.Rule == "NegativeSpike" {
			spikes = append(spikes, a)
		}
	}
	require.Len(t, spikes, 1)
	require.Equal(t, at(32, 35), spikes[0].FiredAt.UTC())
	require.Equal(t, at(44, 0), spikes[0].ResolvedAt.UTC())
	require.Equal(t, 2, res.Notifications["pd/pagerduty"], "one trigger, one resolve")
	require.Equal(t, 2, res.Notifications["slack/slack"])
	require.Empty(t, w.pd.Events(), "a backtest sends nothing")
}
