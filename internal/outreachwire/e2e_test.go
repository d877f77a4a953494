package outreachwire_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/internal/outreachwire"
	"github.com/cxpulse/cxpulse/internal/wiretest"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/store"
)

func TestMain(m *testing.M) { os.Exit(wiretest.Main(m)) }

const (
	slackToken = "xoxb-7777-7777-outreachtokenvalue"
	crmSecret  = "crmhooksecret0123456789"
)

// t0 is 09:00 on the first day of every scenario.
var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func at(day, hour, minute int) time.Time {
	return t0.Add(time.Duration(day)*24*time.Hour + time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

const rulesYAML = `
groups:
  - name: e2e
    interval: 30s
    rules:
      - alert: CheckoutDown
        select: {product: checkout, region: eu}
        window: 5m
        group_by: [product, region]
        when: negative_share > 0.5 && volume >= 10
        for: 2m
        keep_firing_for: 2m
        labels: {severity: critical}
        annotations: {summary: "checkout in eu is failing"}
route:
  receiver: console
receivers:
  - name: console
    console: {}
outreach:
  interval: 1m
  window: 7d
  recent: 1d
  cooldown: 3d
  dashboard_url: "d/cx-customer?var-customer={{ urlquery .CustomerID }}"
  crm_url: "https://crm.test/accounts/{{ .CustomerID }}"
  recovery: {window: 1d}
  teams:
    - name: success
      daily_cap: SUCCESSCAP
      slack: {channel: "#cs-outreach", token: "${E2E_SLACK_TOKEN}", api_url: "SLACKURL"}
      webhook: {url: "${E2E_CRM_URL}"}
    - name: support
      daily_cap: SUPPORTCAP
      slack: {channel: "#cx-outreach", token: "${E2E_SLACK_TOKEN}", api_url: "SLACKURL"}
  policies:
    - name: unhappy-enterprise
      when: labels.plan == "enterprise" && recent_negatives >= 2
      priority: urgent
      owner: success
    - name: repeated-complaints
      when: recent_negatives >= 3 || (negatives >= 2 && negative_share >= 0.6)
      priority: high
      owners:
        - {team: success, labels: {plan: [pro]}}
        - {team: support}
`

// crm is a fake CRM webhook: it checks the JSON wire form strictly, records what it accepted,
// and can be told to fail.
type crm struct {
	*httptest.Server
	t     testing.TB
	clock *wiretest.Clock

	mu       sync.Mutex
	msgs     []outreach.WebhookMessage
	attempts []time.Time
	replies  []notifytest.Reply
}

func newCRM(t testing.TB, c *wiretest.Clock) *crm {
	s := &crm{t: t, clock: c}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *crm) URL() string { return s.Server.URL + "/hooks/" + crmSecret }

func (s *crm) Fail(r ...notifytest.Reply) {
	s.mu.Lock()
	s.replies = append(s.replies, r...)
	s.mu.Unlock()
}

func (s *crm) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.attempts = append(s.attempts, s.clock.Now())
	var reply *notifytest.Reply
	if len(s.replies) > 0 {
		reply = &s.replies[0]
		s.replies = s.replies[1:]
	}
	s.mu.Unlock()
	if reply != nil {
		if reply.RetryAfter != "" {
			w.Header().Set("Retry-After", reply.RetryAfter)
		}
		w.WriteHeader(reply.Status)
		_, _ = io.WriteString(w, reply.Body)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/hooks/"+crmSecret || r.Header.Get("Content-Type") != "application/json" {
		s.t.Errorf("crm: want a JSON POST to the hook, got %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var m outreach.WebhookMessage
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		s.t.Errorf("crm: body: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if m.Version != "1" || (m.Task == nil) == (m.Incident == nil) {
		s.t.Errorf("crm: want version 1 and a task or an incident: %+v", m)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *crm) Messages() []outreach.WebhookMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]outreach.WebhookMessage(nil), s.msgs...)
}

func (s *crm) Attempts() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.attempts...)
}

type world struct {
	t      *testing.T
	store  *store.Store
	clock  *wiretest.Clock
	slack  *notifytest.Slack
	crm    *crm
	rules  string
	logs   *wiretest.Buffer
	alerts *alerting.Manager
	m      *outreach.Manager
	reg    *prometheus.Registry
	// fed are events still to insert, each once the clock passes its time (the rollups are per
	// minute and per hour: an event inserted early would be seen before it happened).
	fed []event.Scored
	// audit collects the outreach audit lines.
	auditMu sync.Mutex
	audit   []string
}

func (w *world) auditLines() string {
	w.auditMu.Lock()
	defer w.auditMu.Unlock()
	return strings.Join(w.audit, "\n")
}

func newWorld(t *testing.T, successCap, supportCap int) *world {
	w := &world{t: t, store: wiretest.Store(t), clock: &wiretest.Clock{}, logs: &wiretest.Buffer{}}
	w.slack = notifytest.NewSlack(t, slackToken)
	w.crm = newCRM(t, w.clock)
	w.rules = filepath.Join(t.TempDir(), "rules.yaml")
	y := strings.NewReplacer("SLACKURL", w.slack.APIURL(), "SUCCESSCAP", fmt.Sprint(successCap),
		"SUPPORTCAP", fmt.Sprint(supportCap)).Replace(rulesYAML)
	require.NoError(t, os.WriteFile(w.rules, []byte(y), 0o600))
	return w
}

// start builds the alerting and outreach managers over the world's store, as a (re)started
// process would.
func (w *world) start(now time.Time) {
	w.clock.Set(now)
	env := map[string]string{"E2E_SLACK_TOKEN": slackToken, "E2E_CRM_URL": w.crm.URL()}
	getenv := func(k string) string { return env[k] }
	logger := slog.New(slog.NewTextHandler(w.logs, nil))
	deps := alertwire.Deps(w.store)
	deps.Now, deps.Getenv, deps.Console = w.clock.Now, getenv, io.Discard
	am, err := alerting.New(alerting.Config{RuleFiles: []string{w.rules}}, deps, logger, prometheus.NewRegistry())
	require.NoError(w.t, err)
	spec, err := outreachwire.Spec(am.RuleSet())
	require.NoError(w.t, err)
	w.reg = prometheus.NewRegistry()
	m, err := outreach.New(outreach.Config{
		PollInterval: time.Second, DeliverFor: 24 * time.Hour,
		ExternalURL: "http://cxpulse.test", GrafanaURL: "http://grafana.test",
	}, spec,
		outreach.Deps{
			Store: outreachwire.Store{S: w.store}, Alerts: outreachwire.Alerts(am), Now: w.clock.Now, Getenv: getenv,
			Audit: func(_ time.Time, kind, line string) {
				w.auditMu.Lock()
				w.audit = append(w.audit, kind+" "+line)
				w.auditMu.Unlock()
			},
		},
		logger, w.reg)
	require.NoError(w.t, err)
	w.alerts, w.m = am, m
}

// feed queues events to insert as the clock passes them.
func (w *world) feed(rows ...event.Scored) { w.fed = append(w.fed, rows...) }

func (w *world) insertFed(now time.Time) {
	var due, later []event.Scored
	for _, r := range w.fed {
		if r.Time.Before(now) {
			due = append(due, r)
		} else {
			later = append(later, r)
		}
	}
	if len(due) > 0 {
		w.insert(due...)
	}
	w.fed = later
}

// run ticks both managers every 30 s from the clock's time up to until, inserting the fed events
// as their time passes.
func (w *world) run(until time.Time) {
	for t := w.clock.Now(); !t.After(until); t = t.Add(30 * time.Second) {
		w.clock.Set(t)
		w.insertFed(t)
		w.alerts.Tick(context.Background(), t)
		w.m.Tick(context.Background(), t)
	}
}

// runHourly ticks outreach once an hour from the clock's time up to until (no incident rules
// involved).
func (w *world) runHourly(until time.Time) {
	for t := w.clock.Now(); !t.After(until); t = t.Add(time.Hour) {
		w.clock.Set(t)
		w.m.Tick(context.Background(), t)
	}
}

func msg(id, customer string, ts time.Time, ch event.Channel, product, region, plan string, label event.Label, text string, topics ...string) event.Scored {
	score := map[event.Label]float64{event.Negative: -0.75, event.Neutral: 0, event.Positive: 0.7}[label]
	return event.Scored{
		Event: event.Event{
			ID: id, Time: ts, Source: "test", Channel: ch, CustomerID: customer, Product: product, Region: region,
			Text: text, Labels: map[string]string{"plan": plan},
		},
		Sentiment:  event.Sentiment{Score: score, Label: label, Confidence: 0.9, Language: "en", ModelVersion: "test", Topics: topics},
		IngestedAt: ts,
	}
}

func (w *world) insert(rows ...event.Scored) { wiretest.Insert(w.t, w.store, rows) }

func (w *world) tasks(f outreach.Filter) []outreach.Task {
	got, err := outreachwire.Store{S: w.store}.Tasks(context.Background(), f)
	require.NoError(w.t, err)
	return got
}

func customersOf(tasks []outreach.Task) []string {
	var out []string
	for _, t := range tasks {
		out = append(out, t.CustomerID)
	}
	return out
}

func taskMessages(ms []notifytest.SlackMessage) []notifytest.SlackMessage {
	var out []notifytest.SlackMessage
	for _, m := range ms {
		if strings.HasPrefix(m.Text, "Reach out to") {
			out = append(out, m)
		}
	}
	return out
}

func blocksText(m notifytest.SlackMessage) string {
	var parts []string
	for _, b := range m.Blocks {
		parts = append(parts, fmt.Sprint(b))
	}
	return strings.Join(parts, " ")
}

func TestThreeComplaintsAcrossChannelsMakeOneTask(t *testing.T) {
	w := newWorld(t, 10, 10)
	w.insert(
		msg("a1", "alice", at(0, 0, 5), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "I was charged twice, call me at +1 555 0100", "billing"),
		msg("a2", "alice", at(0, 4, 5), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "Still no refund. "+strings.Repeat("Unacceptable. ", 40), "refund"),
		msg("a3", "alice", at(0, 8, 5), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "Third time asking about my refund!!", "refund"),
		msg("b1", "bob", at(0, 1, 0), event.ChannelChat, "search", "us", "enterprise", event.Negative, "search is slow"),
		msg("b2", "bob", at(0, 2, 0), event.ChannelChat, "search", "us", "enterprise", event.Positive, "works again, thanks"),
	)
	w.start(at(0, -1, 0))
	w.runHourly(at(0, 14, 0))

	tasks := w.tasks(outreach.Filter{})
	require.Len(t, tasks, 1, "three complaints, one task")
	task := tasks[0]
	require.Equal(t, "alice", task.CustomerID)
	require.Equal(t, at(0, 5, 0), task.CreatedAt, "created at the first evaluation after the second complaint")
	require.Equal(t, "unhappy-enterprise", task.Policy)
	require.Equal(t, "urgent", task.Priority)
	require.Equal(t, "success", task.Owner)
	require.Equal(t, "open", task.Status)
	require.Equal(t, []string{"a2", "a1"}, task.MessageIDs, "the evidence is the complaints so far, newest first")
	require.Equal(t, []string{"ticket", "chat"}, task.MessageChannels)
	require.Equal(t, []string{"chat", "ticket"}, task.Channels)
	require.Equal(t, []string{"billing", "refund"}, task.Topics)
	require.Equal(t, 2.0, task.Health["negatives"])
	require.Equal(t, 2.0, task.Health["recent_negatives"])
	require.Equal(t, "enterprise", task.Labels["plan"])
	require.LessOrEqual(t, len([]rune(task.Snippets[0])), 280, "snippets are clipped")
	require.True(t, strings.HasSuffix(task.Snippets[0], "…"))
	require.Equal(t, "sent", task.Slack.Delivery)
	require.Equal(t, "sent", task.Webhook.Delivery)

	// Later evaluations saw the third complaint and left the open task alone.
	require.Equal(t, 1.0, w.metric("cxpulse_outreach_suppressed_total", "reason", "open_task"))
	require.Equal(t, 1.0, w.metric("cxpulse_outreach_tasks_created_total", "team", "success"))

	msgs := w.slack.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "chat.postMessage", msgs[0].Method)
	require.Equal(t, "#cs-outreach", msgs[0].Channel)
	all := blocksText(msgs[0])
	require.Contains(t, all, "Reach out to alice")
	require.Contains(t, all, "I was charged twice")
	require.Contains(t, all, "http://grafana.test/d/cx-customer?var-customer=alice")
	require.Contains(t, all, "https://crm.test/accounts/alice")
	require.Contains(t, all, "http://cxpulse.test/v1/outreach/"+task.ID)
	require.NotContains(t, all, "button", "links, no buttons")

	hooks := w.crm.Messages()
	require.Len(t, hooks, 1)
	require.Equal(t, "task.created", hooks[0].Kind)
	require.Equal(t, task.ID, hooks[0].Task.ID)
	require.Equal(t, "alice", hooks[0].Task.CustomerID)
	require.Len(t, hooks[0].Task.Evidence.Messages, 2)
	require.Equal(t, "a2", hooks[0].Task.Evidence.Messages[0].ID)
	require.Equal(t, "https://crm.test/accounts/alice", hooks[0].Task.Links["crm"])
	require.NotContains(t, w.logs.String(), slackToken)
	require.NotContains(t, w.logs.String(), crmSecret)
}

// metric returns the value of a counter or gauge of the outreach registry.
func (w *world) metric(name, label, value string) float64 {
	mfs, err := w.reg.Gather()
	require.NoError(w.t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					return m.GetCounter().GetValue() + m.GetGauge().GetValue()
				}
			}
		}
	}
	w.t.Fatalf("no metric %s{%s=%q}", name, label, value)
	return 0
}

func (w *world) ack(id, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/outreach/"+id+"/ack", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w.m.Handler().ServeHTTP(rec, req)
	return rec
}

func TestCooldownHoldsWhateverTheChannel(t *testing.T) {
	w := newWorld(t, 10, 10)
	w.insert(
		msg("a1", "alice", at(0, 0, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
		msg("a2", "alice", at(0, 0, 10), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
		// The next day, on other channels.
		msg("a3", "alice", at(1, 0, 0), event.ChannelSocial, "delivery", "eu", "enterprise", event.Negative, "parcel lost @brand"),
		msg("a4", "alice", at(1, 1, 0), event.ChannelReview, "delivery", "eu", "enterprise", event.Negative, "one star, parcel lost"),
		// After the three-day cooldown.
		msg("a5", "alice", at(3, 2, 0), event.ChannelChat, "login", "eu", "enterprise", event.Negative, "cannot log in"),
		msg("a6", "alice", at(3, 2, 30), event.ChannelChat, "login", "eu", "enterprise", event.Negative, "still cannot log in"),
	)
	w.start(at(0, 0, 30))
	w.runHourly(at(0, 0, 30))
	tasks := w.tasks(outreach.Filter{})
	require.Len(t, tasks, 1)
	first := tasks[0]
	rec := w.ack(first.ID, `{"owner": "dana", "status": "resolved", "note": "refunded"}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	w.runHourly(at(3, 0, 30))
	require.Len(t, w.tasks(outreach.Filter{}), 1, "no second task within the cooldown, whatever the channel")
	require.Equal(t, 1.0, w.metric("cxpulse_outreach_suppressed_total", "reason", "cooldown"))

	w.runHourly(at(3, 3, 30))
	tasks = w.tasks(outreach.Filter{})
	require.Len(t, tasks, 2, "the cooldown is over")
	require.Equal(t, at(3, 2, 30), tasks[0].CreatedAt)
	require.Equal(t, first.ID, tasks[1].ID)
	require.Equal(t, "resolved", tasks[1].Status)
}

func TestDailyCapKeepsTheMostUrgent(t *testing.T) {
	w := newWorld(t, 10, 2)
	// Five customers of the support team, each with three or more complaints today.
	negs := map[string]int{"c1": 5, "c2": 3, "c3": 4, "c4": 3, "c5": 3}
	for c, n := range negs {
		for i := 0; i < n; i++ {
			w.insert(msg(fmt.Sprintf("%s-%d", c, i), c, at(0, 0, i), event.ChannelChat, "search", "us", "free", event.Negative, "broken"))
		}
	}
	// c4 also has a positive message, so its mean is higher than c2's and c5's.
	w.insert(msg("c4-p", "c4", at(0, 0, 10), event.ChannelChat, "search", "us", "free", event.Positive, "ok now"))
	w.start(at(0, 1, 0))
	w.runHourly(at(0, 3, 0))
	tasks := w.tasks(outreach.Filter{OldestFirst: true})
	require.Equal(t, []string{"c1", "c3"}, customersOf(tasks), "two a day, the most complaints first")
	require.Equal(t, 3.0, w.metric("cxpulse_outreach_suppressed_customers", "reason", "daily_cap"))
	require.Equal(t, 3.0, w.metric("cxpulse_outreach_suppressed_total", "reason", "daily_cap"),
		"counted once per customer, not per evaluation")
	require.Len(t, w.slack.Messages(), 2)

	// A day later the others complain again; the cap has room for two more.
	for _, c := range []string{"c2", "c4", "c5"} {
		for i := 0; i < 3; i++ {
			w.insert(msg(fmt.Sprintf("%s-d1-%d", c, i), c, at(1, 1, i), event.ChannelTicket, "search", "us", "free", event.Negative, "broken again"))
		}
	}
	w.runHourly(at(1, 3, 0))
	tasks = w.tasks(outreach.Filter{OldestFirst: true})
	require.Len(t, tasks, 4)
	require.Equal(t, []string{"c1", "c3"}, customersOf(tasks[:2]))
	require.ElementsMatch(t, []string{"c2", "c5"}, customersOf(tasks[2:]), "c4's mean score is the least bad")
	require.Equal(t, at(1, 2, 0), tasks[2].CreatedAt, "24 hours after the first two")
}

func TestIncidentHoldsTasksAndReleasesThem(t *testing.T) {
	w := newWorld(t, 50, 50)
	// Minutes 10 to 20: checkout in eu fails; twelve customers complain every two minutes, a crowd
	// once each. Before and after, calm checkout traffic.
	var rows []event.Scored
	for m := 0; m < 40; m++ {
		ts := at(0, 0, m)
		if m >= 10 && m < 20 {
			for i := 0; i < 10; i++ {
				rows = append(rows, msg(fmt.Sprintf("crowd-%d-%d", m, i), fmt.Sprintf("crowd-%d-%d", m, i), ts.Add(time.Duration(i)*time.Second),
					event.ChannelChat, "checkout", "eu", "free", event.Negative, "payment failed"))
			}
			if m%2 == 0 {
				for c := 0; c < 12; c++ {
					ch := event.ChannelChat
					if c%2 == 1 {
						ch = event.ChannelTicket
					}
					rows = append(rows, msg(fmt.Sprintf("inc-%02d-%d", c, m), fmt.Sprintf("inc-%02d", c), ts.Add(time.Duration(20+c)*time.Second),
						ch, "checkout", "eu", "pro", event.Negative, "checkout is down, I cannot pay", "payment"))
				}
			}
		} else {
			for i := 0; i < 10; i++ {
				rows = append(rows, msg(fmt.Sprintf("calm-%d-%d", m, i), fmt.Sprintf("calm-%d", i), ts.Add(time.Duration(i)*time.Second),
					event.ChannelChat, "checkout", "eu", "free", event.Positive, "all good, thanks"))
			}
		}
	}
	// Meanwhile an unrelated customer is unhappy about login in the us: not held.
	for i := 0; i < 3; i++ {
		rows = append(rows, msg(fmt.Sprintf("lou-%d", i), "lou", at(0, 0, 12+i), event.ChannelChat, "login", "us", "pro", event.Negative, "cannot log in"))
	}
	w.feed(rows...)

	w.start(at(0, 0, 5))
	w.run(at(0, 0, 17))
	firing := 0
	for _, a := range w.alerts.Evaluator().Alerts() {
		if a.State == alerting.StateFiring {
			firing++
		}
	}
	require.Equal(t, 1, firing, "CheckoutDown fires")
	require.Equal(t, []string{"lou"}, customersOf(w.tasks(outreach.Filter{})), "only the unrelated customer got a task")
	require.Equal(t, 12.0, w.metric("cxpulse_outreach_suppressed_customers", "reason", "incident"))
	notes := noteMessages(w.slack.Messages())
	require.NotEmpty(t, notes)
	require.Equal(t, "chat.postMessage", notes[0].Method, "one note, posted once")
	for _, n := range notes[1:] {
		require.Equal(t, "chat.update", n.Method, "then updated in place as more customers are held")
		require.Equal(t, "", n.ThreadTS)
	}
	require.Equal(t, "#cs-outreach", notes[0].Channel)
	require.Contains(t, blocksText(notes[len(notes)-1]), "12* customer(s)")
	require.Contains(t, blocksText(notes[0]), "checkout in eu is failing")
	require.Equal(t, []string{"incident.held"}, incidentKinds(w.crm.Messages()))

	// A restart in the middle of the incident holds the tasks just the same.
	w.start(at(0, 0, 17).Add(30 * time.Second))
	w.run(at(0, 0, 22))
	require.Equal(t, []string{"lou"}, customersOf(w.tasks(outreach.Filter{})))
	require.Equal(t, []string{"incident.held"}, incidentKinds(w.crm.Messages()), "the note is not sent again after the restart")

	// The incident ends: the alert resolves and the customers, still unhappy, get their tasks.
	w.run(at(0, 0, 40))
	for _, a := range w.alerts.Evaluator().Alerts() {
		require.NotEqual(t, alerting.StateFiring, a.State)
	}
	tasks := w.tasks(outreach.Filter{Owner: "success"})
	require.Len(t, tasks, 13)
	held := 0
	for _, task := range tasks {
		if strings.HasPrefix(task.CustomerID, "inc-") {
			held++
			require.Equal(t, "CheckoutDown product=checkout region=eu", task.HeldBy)
			require.Equal(t, []string{"payment"}, task.Topics)
		}
	}
	require.Equal(t, 12, held)
	notes = noteMessages(w.slack.Messages())
	last := notes[len(notes)-1]
	require.Equal(t, "chat.postMessage", last.Method)
	update := notes[len(notes)-2]
	require.Equal(t, "chat.update", update.Method)
	require.Contains(t, update.Text, "Outreach released")
	require.Equal(t, update.Channel, last.Channel, "the channel id Slack returned for the note")
	require.Equal(t, update.TS, last.ThreadTS, "the release is a reply in the note's thread")
	require.Contains(t, last.Text, "12 task(s) created for the 12 customer(s) held")
	hooks := w.crm.Messages()
	require.Equal(t, []string{"incident.held", "incident.released"}, incidentKinds(hooks))
	for _, h := range hooks {
		if h.Kind == "incident.released" {
			require.Equal(t, 12, h.Incident.Held)
			require.Equal(t, 12, h.Incident.ReleasedTasks)
		}
	}
	require.Len(t, taskMessages(w.slack.Messages()), 13)
	audit := w.auditLines()
	require.Contains(t, audit, `outreach {"alert":"CheckoutDown","event":"incident_held"`)
	require.Contains(t, audit, `"event":"incident_released","held":12`)
	require.Contains(t, audit, `"customer":"inc-00","event":"task_created","held_by":"CheckoutDown product=checkout region=eu"`)
}

func incidentKinds(ms []outreach.WebhookMessage) []string {
	var out []string
	for _, m := range ms {
		if m.Incident != nil {
			out = append(out, m.Kind)
		}
	}
	return out
}

func noteMessages(ms []notifytest.SlackMessage) []notifytest.SlackMessage {
	var out []notifytest.SlackMessage
	for _, m := range ms {
		if !strings.HasPrefix(m.Text, "Reach out to") {
			out = append(out, m)
		}
	}
	return out
}

func TestAckChangesTheStatus(t *testing.T) {
	w := newWorld(t, 10, 10)
	w.insert(
		msg("a1", "alice", at(0, 0, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
		msg("a2", "alice", at(0, 0, 10), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
	)
	w.start(at(0, 1, 0))
	w.runHourly(at(0, 1, 0))
	tasks := w.tasks(outreach.Filter{})
	require.Len(t, tasks, 1)
	id := tasks[0].ID

	for _, tc := range []struct {
		name, id, body, ct string
		status             int
		want               string
	}{
		{"bad status", id, `{"status": "done"}`, "application/json", 400, `unknown status \"done\"`},
		{"unknown field", id, `{"status": "contacted", "colour": "red"}`, "application/json", 400, "unknown field"},
		{"not json", id, `{"status": "contacted"}`, "text/plain", 415, "application/json"},
		{"unknown task", "o-nope", `{"status": "contacted"}`, "application/json", 404, "no such task"},
		{"future contact", id, `{"status": "contacted", "contacted_at": "2030-01-01T00:00:00Z"}`, "application/json", 400, "future"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/v1/outreach/"+tc.id+"/ack", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ct)
			w.m.Handler().ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Contains(t, rec.Body.String(), tc.want)
		})
	}

	w.clock.Set(at(0, 2, 0))
	rec := w.ack(id, `{"owner": "dana", "status": "contacted", "note": "called, refund on its way"}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var got outreach.TaskJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.Equal(t, "contacted", got.Status)
	require.Equal(t, "dana", got.Assignee)
	require.Equal(t, at(0, 2, 0), *got.ContactedAt)

	list := func(query string) []outreach.TaskJSON {
		rec := httptest.NewRecorder()
		w.m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/outreach"+query, nil))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var out []outreach.TaskJSON
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		return out
	}
	require.Empty(t, list("?status=open"))
	contacted := list("?status=contacted&owner=success&customer=alice&since=1d")
	require.Len(t, contacted, 1)
	require.Equal(t, "called, refund on its way", contacted[0].Note)
	require.Equal(t, "a2", contacted[0].Evidence.Messages[0].ID)
	require.Equal(t, map[string]string{"slack": "sent", "webhook": "sent"}, contacted[0].Delivery)
	require.Equal(t, 1.0, w.metric("cxpulse_outreach_acknowledged_total", "status", "contacted"))
	rec = httptest.NewRecorder()
	w.m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/outreach?status=closed", nil))
	require.Equal(t, http.StatusBadRequest, rec.Code)

	rec = w.ack(id, `{"owner": "dana", "status": "resolved"}`)
	require.Equal(t, http.StatusOK, rec.Code)
	rec = httptest.NewRecorder()
	w.m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/outreach/"+id, nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.Equal(t, "resolved", got.Status)
	require.Equal(t, at(0, 2, 0), *got.ContactedAt, "the contact time stays")
}

func TestRecoveryIsMeasuredFromLaterMessages(t *testing.T) {
	w := newWorld(t, 10, 10)
	for _, c := range []string{"rita", "nils", "sam"} {
		w.insert(
			msg(c+"-1", c, at(0, 0, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
			msg(c+"-2", c, at(0, 0, 30), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
		)
	}
	// After the contact at 02:00: rita is happy again, nils is not, sam says nothing.
	w.insert(
		msg("rita-3", "rita", at(0, 3, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Positive, "refund arrived, thank you"),
		msg("rita-4", "rita", at(0, 9, 0), event.ChannelSurvey, "checkout", "eu", "enterprise", event.Neutral, "8/10"),
		msg("nils-3", "nils", at(0, 5, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "nothing happened"),
	)
	w.start(at(0, 1, 0))
	w.runHourly(at(0, 1, 0))
	tasks := w.tasks(outreach.Filter{})
	require.Len(t, tasks, 3)
	w.clock.Set(at(0, 2, 0))
	for _, task := range tasks {
		rec := w.ack(task.ID, `{"owner": "dana", "status": "contacted"}`)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}
	w.runHourly(at(1, 2, 0))
	require.Len(t, w.tasks(outreach.Filter{NoOutcome: true}), 3, "no outcome before the recovery window has passed")

	w.runHourly(at(1, 3, 0))
	byCustomer := map[string]outreach.Task{}
	for _, task := range w.tasks(outreach.Filter{}) {
		byCustomer[task.CustomerID] = task
	}
	rita, nils, sam := byCustomer["rita"], byCustomer["nils"], byCustomer["sam"]
	require.Equal(t, "recovered", rita.Outcome)
	require.InDelta(t, -0.75, rita.ScoreBefore, 1e-6)
	require.InDelta(t, 0.35, rita.ScoreAfter, 1e-6)
	require.Equal(t, 2, rita.ContactsBefore)
	require.Equal(t, 2, rita.ContactsAfter)
	require.Equal(t, "not_recovered", nils.Outcome)
	require.InDelta(t, -0.75, nils.ScoreAfter, 1e-6)
	require.Equal(t, "silent", sam.Outcome)
	require.Equal(t, 0, sam.ContactsAfter)
	require.Equal(t, 1.0, w.metric("cxpulse_outreach_outcomes_total", "outcome", "recovered"))
	require.Contains(t, w.auditLines(), `"event":"outcome","outcome":"recovered"`)
	require.Contains(t, w.auditLines(), `"event":"acknowledged"`)

	// Outcomes are recorded once.
	w.runHourly(at(1, 6, 0))
	var n uint64
	require.NoError(t, w.store.Conn().QueryRow(context.Background(), "SELECT count() FROM "+w.store.Dialect().Qualified("outreach")+
		" WHERE entry = 'outcome'").Scan(&n))
	require.Equal(t, uint64(3), n)
}

func TestDeliveryRetriesAndRestarts(t *testing.T) {
	w := newWorld(t, 10, 10)
	w.insert(
		msg("a1", "alice", at(0, 0, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
		msg("a2", "alice", at(0, 0, 10), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
	)
	w.slack.Fail(notifytest.Reply{Status: 500, Body: "oops"})
	w.crm.Fail(notifytest.Reply{Status: 429, RetryAfter: "120"})
	start := at(0, 1, 0)
	w.start(start)
	w.m.Tick(context.Background(), start)
	tasks := w.tasks(outreach.Filter{})
	require.Len(t, tasks, 1)
	require.Equal(t, "failed", tasks[0].Slack.Delivery)
	require.Equal(t, "failed", tasks[0].Webhook.Delivery)
	require.Empty(t, w.slack.Messages())

	// A new process: it finds the undelivered task and delivers it once; the webhook waits for
	// its Retry-After.
	w.start(start.Add(10 * time.Second))
	for s := 10; s <= 130; s += 10 {
		w.clock.Set(start.Add(time.Duration(s) * time.Second))
		w.m.Tick(context.Background(), w.clock.Now())
	}
	require.Len(t, w.slack.Messages(), 1)
	attempts := w.crm.Attempts()
	require.Len(t, attempts, 2)
	require.Equal(t, start.Add(120*time.Second), attempts[1], "not before Retry-After")
	tasks = w.tasks(outreach.Filter{})
	require.Equal(t, "sent", tasks[0].Slack.Delivery)
	require.Equal(t, 2, tasks[0].Slack.Attempt)
	require.Equal(t, "sent", tasks[0].Webhook.Delivery)

	// A 4xx is not retried.
	w.insert(
		msg("b1", "bea", at(0, 1, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
		msg("b2", "bea", at(0, 1, 1), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
	)
	w.crm.Fail(notifytest.Reply{Status: 400, Body: "bad"})
	before := len(w.crm.Attempts())
	w.runHourly(at(0, 5, 0))
	require.Len(t, w.crm.Attempts(), before+1)
	bea := w.tasks(outreach.Filter{Customers: []string{"bea"}})
	require.Len(t, bea, 1)
	require.Equal(t, "rejected", bea[0].Webhook.Delivery)
	require.Contains(t, bea[0].Webhook.Error, "HTTP 400")
	require.NotContains(t, bea[0].Webhook.Error, crmSecret)
	require.NotContains(t, w.logs.String(), crmSecret)
	require.NotContains(t, w.logs.String(), slackToken)
}

func TestStopWithoutStart(t *testing.T) {
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.DialTimeout = []string{"127.0.0.1:1"}, 200*time.Millisecond
	s, err := store.Open(cfg, nil, nil)
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	spec, err := outreach.ParseFile("../../outreach/testdata/outreach.good.yaml")
	require.NoError(t, err)
	logs := &wiretest.Buffer{}
	m, err := outreach.New(outreach.DefaultConfig(), spec, outreach.Deps{
		Store:  outreachwire.Store{S: s},
		Getenv: func(string) string { return "" },
	}, slog.New(slog.NewTextHandler(logs, nil)), nil)
	require.ErrorContains(t, err, "team customer-success: slack.token: environment variable SLACK_BOT_TOKEN is not set")
	require.Nil(t, m)
	c := outreach.DefaultConfig()
	c.AllowMissingSecrets = true
	m, err = outreach.New(c, spec, outreach.Deps{Store: outreachwire.Store{S: s}, Getenv: func(string) string { return "" }},
		slog.New(slog.NewTextHandler(logs, nil)), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, m.Run(ctx))
	require.NoError(t, m.Run(ctx), "a second Run returns at once")
	require.NotContains(t, logs.String(), "not restored", "stopping is no failure")
	m.Tick(context.Background(), t0)
	require.Contains(t, logs.String(), "outreach state not restored yet")
	_, err = m.Evaluate(context.Background(), t0)
	require.Error(t, err, "no store, no evaluation")
}

func TestPolicyForWaitsBeforeCreating(t *testing.T) {
	w := newWorld(t, 10, 10)
	b, err := os.ReadFile(w.rules)
	require.NoError(t, err)
	y := strings.Replace(string(b), "      priority: urgent\n", "      priority: urgent\n      for: 10m\n", 1)
	require.NoError(t, os.WriteFile(w.rules, []byte(y), 0o600))
	w.insert(
		msg("a1", "alice", at(0, 0, 0), event.ChannelChat, "checkout", "eu", "enterprise", event.Negative, "refund please"),
		msg("a2", "alice", at(0, 0, 5), event.ChannelTicket, "checkout", "eu", "enterprise", event.Negative, "still waiting"),
	)
	w.start(at(0, 0, 6))
	for m := 6; m <= 20; m++ {
		now := at(0, 0, m)
		w.clock.Set(now)
		w.m.Tick(context.Background(), now)
		if len(w.tasks(outreach.Filter{})) > 0 {
			require.Equal(t, 16, m, "the condition held from minute 6, the task comes 10 minutes later")
			return
		}
	}
	t.Fatal("no task")
}
