package outreach

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config is the `outreach:` section of the service configuration. The policies, teams and
// windows are in the rule files' `outreach:` sections (see Spec).
type Config struct {
	// ExternalURL is cxpulse's own URL, for task links in messages.
	ExternalURL string `yaml:"external_url"`
	// GrafanaURL prefixes a relative dashboard_url.
	GrafanaURL string `yaml:"grafana_url"`
	// PollInterval is how often Run looks for a due evaluation and due deliveries.
	PollInterval time.Duration `yaml:"poll_interval"`
	// DeliverFor is how long after its creation a task's delivery is still attempted.
	DeliverFor time.Duration `yaml:"deliver_for"`
	// AllowMissingSecrets turns a team integration whose ${ENV} secret is unset into a logged,
	// disabled integration instead of a start-up error (for the demo).
	AllowMissingSecrets bool `yaml:"allow_missing_secrets"`
}

// DefaultConfig returns the configuration used for keys a file leaves out.
func DefaultConfig() Config {
	return Config{PollInterval: time.Second, DeliverFor: 24 * time.Hour}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("poll_interval must be positive, got %s", c.PollInterval))
	}
	if c.DeliverFor <= 0 {
		errs = append(errs, fmt.Errorf("deliver_for must be positive, got %s", c.DeliverFor))
	}
	for key, u := range map[string]string{"external_url": c.ExternalURL, "grafana_url": c.GrafanaURL} {
		if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			errs = append(errs, fmt.Errorf("%s must be an http(s) URL, got %q", key, u))
		}
	}
	return errors.Join(errs...)
}

// Deps are the Manager's seams.
type Deps struct {
	// Store reads customer health and keeps tasks and incident notes (required).
	Store Store
	// Alerts says which alerts are pending or firing; without it no task is ever held.
	Alerts AlertsFunc
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Getenv resolves ${ENV} secrets; os.Getenv when nil.
	Getenv func(string) string
	// HTTPClient is used for Slack and webhooks; one with a 10 s timeout when nil.
	HTTPClient *http.Client
	// Audit receives a JSON line of kind "outreach" for every task created, acknowledged or
	// measured and every incident note opened or released (the Loki audit trail); optional,
	// must not block.
	Audit func(t time.Time, kind, line string)
}

type team struct {
	spec    *Team
	slack   *slackSender
	webhook *webhookSender
}

func (t *team) integrations() []string {
	var out []string
	if t.slack != nil {
		out = append(out, integrationSlack)
	}
	if t.webhook != nil {
		out = append(out, integrationWebhook)
	}
	return out
}

// pendingDelivery is a task still to deliver to one integration.
type pendingDelivery struct {
	task        Task
	integration string
	attempt     int
	next        time.Time
}

// Manager evaluates the outreach policies over customer health, keeps the task queue in the
// store and delivers tasks and incident notes. New wires, Run runs. Tick, Evaluate and the HTTP
// handlers are safe for concurrent use; evaluations and deliveries are serialized.
type Manager struct {
	cfg     Config
	spec    *Spec
	deps    Deps
	logger  *slog.Logger
	metrics *metrics
	teams   map[string]*team

	mu          sync.Mutex
	restored    bool
	nextEval    time.Time
	pending     map[string]*pendingDelivery
	unsaved     []Entry
	noteNext    map[noteKey]time.Time
	lastReasons map[string]string
	// matchedSince is when each customer's policy condition started to hold, for Policy.For.
	matchedSince map[string]time.Time
	lastErr      string
	runOnce      sync.Once
}

// maxUnsaved bounds the delivery records kept in memory while the store refuses them.
const maxUnsaved = 10000

// New checks the configuration, resolves the teams' secrets and wires the manager. It starts
// nothing and makes no request.
func New(cfg Config, spec *Spec, deps Deps, logger *slog.Logger, reg prometheus.Registerer) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("outreach: %w", err)
	}
	if spec == nil {
		return nil, errors.New("outreach: no outreach section in the rule files")
	}
	if deps.Store == nil {
		return nil, errors.New("outreach: no store")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Getenv == nil {
		deps.Getenv = os.Getenv
	}
	if deps.HTTPClient == nil {
		deps.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := &Manager{
		cfg: cfg, spec: spec, deps: deps, logger: logger, metrics: newMetrics(reg), teams: map[string]*team{},
		pending: map[string]*pendingDelivery{}, noteNext: map[noteKey]time.Time{}, lastReasons: map[string]string{},
		matchedSince: map[string]time.Time{},
	}
	var errs []error
	for _, ts := range spec.Teams {
		t := &team{spec: ts}
		missing := func(field string, s Secret) error {
			err := fmt.Errorf("team %s: %s: environment variable %s is not set", ts.Name, field, s.Name)
			if cfg.AllowMissingSecrets {
				logger.Warn("outreach integration disabled", "team", ts.Name, "err", err)
				return nil
			}
			return err
		}
		if ts.Slack != nil {
			if token := ts.Slack.Token.Resolve(deps.Getenv); token != "" {
				t.slack = newSlackSender(ts.Slack, token, deps.HTTPClient)
			} else if err := missing("slack.token", ts.Slack.Token); err != nil {
				errs = append(errs, err)
			}
		}
		if ts.Webhook != nil {
			if u := ts.Webhook.URL.Resolve(deps.Getenv); u != "" {
				t.webhook = newWebhookSender(u, deps.HTTPClient)
			} else if err := missing("webhook.url", ts.Webhook.URL); err != nil {
				errs = append(errs, err)
			}
		}
		m.teams[ts.Name] = t
		m.metrics.created.WithLabelValues(ts.Name)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("outreach: %w", errors.Join(errs...))
	}
	return m, nil
}

// Spec returns the policies the manager runs.
func (m *Manager) Spec() *Spec { return m.spec }

// Run evaluates at the spec's interval and delivers until ctx ends. It waits for the alert
// state and the store before the first evaluation. A second call returns at once.
func (m *Manager) Run(ctx context.Context) error {
	first := false
	m.runOnce.Do(func() { first = true })
	if !first {
		return nil
	}
	t := time.NewTicker(m.cfg.PollInterval)
	defer t.Stop()
	for {
		m.Tick(ctx, m.deps.Now())
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick runs what is due at now: the evaluation every interval, then deliveries and their
// retries. Tests drive it with a fake clock; Run calls it every poll interval.
func (m *Manager) Tick(ctx context.Context, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.restore(ctx, now); err != nil {
		if ctx.Err() == nil {
			m.logOnce("outreach state not restored yet; evaluation waits", err)
		}
		return
	}
	m.flushUnsaved(ctx)
	if m.nextEval.IsZero() || !now.Before(m.nextEval) {
		if _, err := m.evaluate(ctx, now); err != nil {
			if ctx.Err() == nil {
				m.logOnce("outreach evaluation failed", err)
			}
		} else {
			m.lastErr = ""
		}
		if m.nextEval.IsZero() {
			m.nextEval = now
		}
		for !m.nextEval.After(now) {
			m.nextEval = m.nextEval.Add(m.spec.Interval)
		}
	}
	m.deliverDue(ctx, now)
}

func (m *Manager) logOnce(msg string, err error) {
	if err.Error() != m.lastErr {
		m.logger.Warn(msg, "err", err)
		m.lastErr = err.Error()
	}
}

// Report is what one evaluation did.
type Report struct {
	// Candidates is the number of customers with a recent negative contact.
	Candidates int
	// Created are the tasks created, most urgent first.
	Created []Task
	// Suppressed counts the customers a policy selected who got no task, by reason.
	Suppressed map[string]int
	// Held counts the customers held, by alert name.
	Held map[string]int
	// Waiting counts the customers whose policy's `for` has not passed yet.
	Waiting int
}

// Evaluate runs one evaluation at now, whatever the schedule, then the deliveries due. Tests
// and the demo call it; Run evaluates through Tick.
func (m *Manager) Evaluate(ctx context.Context, now time.Time) (*Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.restore(ctx, now); err != nil {
		return nil, err
	}
	m.flushUnsaved(ctx)
	rep, err := m.evaluate(ctx, now)
	m.deliverDue(ctx, now)
	return rep, err
}

// restore reloads the deliveries still due from the store, once.
func (m *Manager) restore(ctx context.Context, now time.Time) error {
	if m.restored {
		return nil
	}
	tasks, err := m.deps.Store.Tasks(ctx, Filter{CreatedFrom: now.Add(-m.cfg.DeliverFor), OldestFirst: true})
	if err != nil {
		return fmt.Errorf("outreach: restore deliveries: %w", err)
	}
	n := 0
	for _, t := range tasks {
		n += m.queue(t, now)
	}
	m.restored = true
	m.logger.Info("outreach state restored", "tasks", len(tasks), "deliveries_due", n)
	return nil
}

// queue adds the undelivered integrations of t to the pending deliveries.
func (m *Manager) queue(t Task, now time.Time) int {
	tm := m.teams[t.Owner]
	if tm == nil {
		return 0
	}
	n := 0
	for _, in := range tm.integrations() {
		d := t.delivery(in)
		if d.settled() {
			continue
		}
		next := now
		if d.RetryAt.After(now) {
			next = d.RetryAt
		}
		m.pending[t.ID+"/"+in] = &pendingDelivery{task: t, integration: in, attempt: d.Attempt, next: next}
		n++
	}
	return n
}

type candidate struct {
	h      *Health
	policy *Policy
	team   string
}

type hold struct {
	alert     Alert
	customers []string
}

func (m *Manager) evaluate(ctx context.Context, now time.Time) (*Report, error) {
	start := time.Now()
	defer func() { m.metrics.evalDuration.Observe(time.Since(start).Seconds()) }()
	m.metrics.evaluations.Inc()
	fail := func(reason string, err error) (*Report, error) {
		m.metrics.evalFailures.WithLabelValues(reason).Inc()
		return nil, err
	}
	var alerts []Alert
	if m.deps.Alerts != nil {
		all, err := m.deps.Alerts(ctx, now)
		if err != nil {
			return fail(failAlerts, fmt.Errorf("outreach: alert state: %w", err))
		}
		alerts = m.incidentAlerts(all)
	}
	st := m.deps.Store
	rows, err := st.Health(ctx, HealthQuery{
		From: now.Add(-m.spec.Window), RecentFrom: now.Add(-m.spec.Recent), To: now,
		Limit: m.spec.MaxCandidates,
	})
	if err != nil {
		return fail(failStore, fmt.Errorf("outreach: %w", err))
	}
	m.metrics.candidates.Set(float64(len(rows)))
	healths := make([]Health, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		healths[i] = NewHealth(r)
		ids[i] = r.CustomerID
	}
	latest, open := map[string]*Task{}, map[string]bool{}
	if len(ids) > 0 {
		prior, err := st.Tasks(ctx, Filter{Customers: ids})
		if err != nil {
			return fail(failStore, fmt.Errorf("outreach: %w", err))
		}
		for i := range prior {
			t := &prior[i]
			if l := latest[t.CustomerID]; l == nil || t.CreatedAt.After(l.CreatedAt) {
				latest[t.CustomerID] = t
			}
			if t.Status == StatusOpen.String() {
				open[t.CustomerID] = true
			}
		}
	}
	day, err := st.Tasks(ctx, Filter{CreatedFrom: now.Add(-24 * time.Hour)})
	if err != nil {
		return fail(failStore, fmt.Errorf("outreach: %w", err))
	}
	counts := map[string]int{}
	for _, t := range day {
		if !t.CreatedAt.After(now) {
			counts[t.Owner]++
		}
	}
	notes, err := st.Notes(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		return fail(failStore, fmt.Errorf("outreach: %w", err))
	}

	rep := &Report{Candidates: len(rows), Suppressed: map[string]int{}, Held: map[string]int{}}
	reasons := map[string]string{}
	holds := map[noteKey]*hold{}
	matched := map[string]time.Time{}
	var want []candidate
	var exprErr error
	for i := range healths {
		h := &healths[i]
		p, err := m.match(h)
		if err != nil {
			m.metrics.evalFailures.WithLabelValues(failExpression).Inc()
			exprErr = err
			continue
		}
		if p == nil {
			continue
		}
		since, ok := m.matchedSince[h.CustomerID]
		if !ok || since.After(now) {
			since = now
		}
		matched[h.CustomerID] = since
		tm := p.Route(h)
		if tm == "" {
			reasons[h.CustomerID] = ReasonUnrouted
			continue
		}
		if open[h.CustomerID] {
			reasons[h.CustomerID] = ReasonOpenTask
			continue
		}
		if t := latest[h.CustomerID]; t != nil && now.Sub(t.CreatedAt) < p.Cooldown {
			reasons[h.CustomerID] = ReasonCooldown
			continue
		}
		if a := m.covering(h, alerts); a != nil {
			reasons[h.CustomerID] = ReasonIncident
			rep.Held[a.Name]++
			k := noteKey{tm, a.Fingerprint, a.ActiveAt.Unix()}
			if holds[k] == nil {
				holds[k] = &hold{alert: *a}
			}
			holds[k].customers = append(holds[k].customers, h.CustomerID)
			continue
		}
		if now.Sub(since) < p.For {
			rep.Waiting++
			continue
		}
		want = append(want, candidate{h: h, policy: p, team: tm})
	}
	m.matchedSince = matched
	if exprErr != nil {
		m.logger.Warn("outreach policy condition failed", "err", exprErr)
	}
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].policy.Priority != want[j].policy.Priority {
			return want[i].policy.Priority > want[j].policy.Priority
		}
		return urgency(want[i].h, want[j].h)
	})
	var create []candidate
	for _, c := range want {
		if limit := m.spec.Team(c.team).DailyCap; limit > 0 && counts[c.team] >= limit {
			reasons[c.h.CustomerID] = ReasonDailyCap
			continue
		}
		counts[c.team]++
		create = append(create, c)
	}
	created, err := m.create(ctx, now, create, notes)
	if err != nil {
		return fail(failStore, err)
	}
	rep.Created = created
	m.countSuppressed(reasons, rep)
	if err := m.updateNotes(ctx, now, alerts, holds, notes, created); err != nil {
		m.metrics.evalFailures.WithLabelValues(failStore).Inc()
		return rep, err
	}
	if err := m.recover(ctx, now); err != nil {
		m.metrics.evalFailures.WithLabelValues(failStore).Inc()
		return rep, err
	}
	return rep, nil
}

// match returns the first policy whose condition holds for h.
func (m *Manager) match(h *Health) (*Policy, error) {
	for _, p := range m.spec.Policies {
		ok, err := p.Matches(h)
		if err != nil {
			return nil, err
		}
		if ok {
			return p, nil
		}
	}
	return nil, nil
}

// incidentAlerts keeps the alerts that hold tasks, in a stable order.
func (m *Manager) incidentAlerts(all []Alert) []Alert {
	var out []Alert
	for _, a := range all {
		if !m.spec.holds(a.State) {
			continue
		}
		if len(m.spec.Incidents.Alerts) > 0 {
			ok := false
			for _, n := range m.spec.Incidents.Alerts {
				ok = ok || n == a.Name
			}
			if !ok {
				continue
			}
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Fingerprint < out[j].Fingerprint
	})
	return out
}

// covering returns the first alert that covers one of the places h complained about recently:
// the alert carries at least one match_on label, and the place has every value it carries.
func (m *Manager) covering(h *Health, alerts []Alert) *Alert {
	for i := range alerts {
		a := &alerts[i]
		carried := false
		for _, l := range m.spec.Incidents.MatchOn {
			_, ok := a.Labels[l]
			carried = carried || ok
		}
		if !carried {
			continue
		}
		for _, p := range h.Places {
			ok := true
			for _, l := range m.spec.Incidents.MatchOn {
				v, has := a.Labels[l]
				if !has {
					continue
				}
				if (l == "product" && p.Product != v) || (l == "region" && p.Region != v) {
					ok = false
				}
			}
			if ok {
				return a
			}
		}
	}
	return nil
}

func (m *Manager) countSuppressed(reasons map[string]string, rep *Report) {
	for cid, r := range reasons {
		rep.Suppressed[r]++
		if m.lastReasons[cid] != r {
			m.metrics.suppressed.WithLabelValues(r).Inc()
		}
	}
	for _, r := range suppressReasons {
		m.metrics.suppressedG.WithLabelValues(r).Set(float64(rep.Suppressed[r]))
	}
	m.lastReasons = reasons
}

// taskID is stable for a customer and a creation time, so a retried insert writes the same task.
func taskID(customer string, at time.Time) string {
	sum := sha256.Sum256([]byte(customer + "\x00" + at.UTC().Format(time.RFC3339Nano)))
	return "o-" + hex.EncodeToString(sum[:8])
}

// create writes the tasks of cands with their evidence, then queues their deliveries.
func (m *Manager) create(ctx context.Context, now time.Time, cands []candidate, notes []Note) ([]Task, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.h.CustomerID
	}
	byCustomer := map[string][]Message{}
	if m.spec.Evidence > 0 {
		msgs, err := m.deps.Store.Messages(ctx, ids, now.Add(-m.spec.Recent), now, m.spec.Evidence)
		if err != nil {
			return nil, fmt.Errorf("outreach: evidence: %w", err)
		}
		for _, msg := range msgs {
			byCustomer[msg.CustomerID] = append(byCustomer[msg.CustomerID], msg)
		}
	}
	entries := make([]Entry, len(cands))
	for i, c := range cands {
		h := c.h
		e := Entry{
			TaskID: taskID(h.CustomerID, now), Kind: EntryCreated, Time: now, CreatedAt: now, CustomerID: h.CustomerID,
			Owner: c.team, Policy: c.policy.Name, Priority: c.policy.Priority.String(), Status: StatusOpen.String(),
			Topics: h.Topics, Channels: h.Channels, Product: h.Product, Region: h.Region, Labels: h.Labels,
			Health: h.numbers(), HeldBy: heldBy(h.CustomerID, notes, now.Add(-m.spec.Window)),
		}
		for _, msg := range byCustomer[h.CustomerID] {
			e.MessageIDs = append(e.MessageIDs, msg.ID)
			e.MessageTimes = append(e.MessageTimes, msg.Time)
			e.MessageChannels = append(e.MessageChannels, msg.Channel)
			e.Snippets = append(e.Snippets, snippet(msg.Text))
			e.Scores = append(e.Scores, msg.Score)
		}
		entries[i] = e
	}
	if err := m.deps.Store.Append(ctx, entries); err != nil {
		return nil, fmt.Errorf("outreach: write tasks: %w", err)
	}
	out := make([]Task, len(entries))
	for i, e := range entries {
		out[i] = taskOf(e)
		m.queue(out[i], now)
		m.metrics.created.WithLabelValues(e.Owner).Inc()
		m.logger.Info("outreach task created", "task", e.TaskID, "customer", e.CustomerID, "team", e.Owner,
			"policy", e.Policy, "priority", e.Priority, "held_by", e.HeldBy)
		m.audit(now, map[string]any{
			"event": "task_created", "task": e.TaskID, "customer": e.CustomerID, "team": e.Owner,
			"policy": e.Policy, "priority": e.Priority, "held_by": e.HeldBy,
		})
	}
	return out, nil
}

// heldBy names the incident that held the customer most recently (within the window), if any.
func heldBy(customer string, notes []Note, since time.Time) string {
	var best *Note
	for i := range notes {
		n := &notes[i]
		if n.ActiveAt.Before(since) || (best != nil && !n.ActiveAt.After(best.ActiveAt)) {
			continue
		}
		for _, c := range n.Customers {
			if c == customer {
				best = n
				break
			}
		}
	}
	if best == nil {
		return ""
	}
	return alertTitle(best)
}

func taskOf(e Entry) Task {
	return Task{
		ID: e.TaskID, CreatedAt: e.CreatedAt, UpdatedAt: e.Time, CustomerID: e.CustomerID, Owner: e.Owner,
		Policy: e.Policy, Priority: e.Priority, Status: e.Status, MessageIDs: e.MessageIDs, MessageTimes: e.MessageTimes,
		MessageChannels: e.MessageChannels, Snippets: e.Snippets, Scores: e.Scores, Topics: e.Topics, Channels: e.Channels,
		Product: e.Product, Region: e.Region, Labels: e.Labels, Health: e.Health, HeldBy: e.HeldBy,
	}
}

// maxNoteCustomers bounds the customers an incident note remembers.
const maxNoteCustomers = 1000

// updateNotes opens or updates the note of every firing alert that holds customers, releases the
// notes of alerts no longer active, delivers what changed and writes the changed notes.
func (m *Manager) updateNotes(ctx context.Context, now time.Time, alerts []Alert, holds map[noteKey]*hold, stored []Note, created []Task) error {
	notes := map[noteKey]*Note{}
	var order []noteKey
	for i := range stored {
		n := &stored[i]
		notes[n.key()] = n
		order = append(order, n.key())
	}
	dirty := map[noteKey]bool{}
	var keys []noteKey
	for k := range holds {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].team != keys[j].team {
			return keys[i].team < keys[j].team
		}
		return keys[i].fingerprint < keys[j].fingerprint
	})
	for _, k := range keys {
		h := holds[k]
		if h.alert.State != "firing" {
			continue // a pending alert holds tasks without a note: it may never fire
		}
		n := notes[k]
		if n == nil {
			n = &Note{
				Team: k.team, Fingerprint: k.fingerprint, ActiveAt: h.alert.ActiveAt, Alert: h.alert.Name,
				Labels: h.alert.Labels, Summary: h.alert.Summary, State: NoteHeld,
			}
			notes[k] = n
			order = append(order, k)
			dirty[k] = true
			m.metrics.notes.WithLabelValues(NoteHeld).Inc()
			m.logger.Info("outreach held for an incident", "team", k.team, "alert", h.alert.Name, "customers", len(h.customers))
			m.audit(now, map[string]any{"event": "incident_held", "team": k.team, "alert": h.alert.Name, "labels": h.alert.Labels})
		}
		if n.State != NoteHeld {
			continue
		}
		seen := map[string]bool{}
		for _, c := range n.Customers {
			seen[c] = true
		}
		for _, c := range h.customers {
			if !seen[c] && len(n.Customers) < maxNoteCustomers {
				seen[c] = true
				n.Customers = append(n.Customers, c)
				dirty[k] = true
			}
		}
		n.Held = len(n.Customers)
	}
	active := map[string]bool{}
	for _, a := range alerts {
		active[fmt.Sprintf("%s/%d", a.Fingerprint, a.ActiveAt.Unix())] = true
	}
	for _, k := range order {
		n := notes[k]
		if n.State != NoteHeld || active[fmt.Sprintf("%s/%d", n.Fingerprint, n.ActiveAt.Unix())] {
			continue
		}
		n.State, n.ReleasedAt = NoteReleased, now
		held := map[string]bool{}
		for _, c := range n.Customers {
			held[c] = true
		}
		for _, t := range created {
			if t.Owner == n.Team && held[t.CustomerID] {
				n.ReleasedTasks++
			}
		}
		dirty[k] = true
		m.metrics.notes.WithLabelValues(NoteReleased).Inc()
		m.logger.Info("outreach released after an incident", "team", n.Team, "alert", n.Alert, "held", n.Held, "tasks", n.ReleasedTasks)
		m.audit(now, map[string]any{
			"event": "incident_released", "team": n.Team, "alert": n.Alert, "labels": n.Labels,
			"held": n.Held, "tasks": n.ReleasedTasks,
		})
	}
	for _, k := range order {
		if m.deliverNote(ctx, now, notes[k]) {
			dirty[k] = true
		}
	}
	var out []Note
	for _, k := range order {
		if dirty[k] {
			n := notes[k]
			n.Time = now
			out = append(out, *n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	if err := m.deps.Store.AppendNotes(ctx, out); err != nil {
		return fmt.Errorf("outreach: write incident notes: %w", err)
	}
	return nil
}

// deliverNote brings the team's Slack message and webhook up to date with n; it reports whether
// n changed. Failures worth retrying are retried at later evaluations, not before Retry-After.
func (m *Manager) deliverNote(ctx context.Context, now time.Time, n *Note) bool {
	tm := m.teams[n.Team]
	if tm == nil || now.Before(m.noteNext[n.key()]) {
		return false
	}
	changed := false
	failed := func(integration string, err error) bool {
		retry, after := classify(err)
		m.logger.Warn("outreach incident note not delivered", "team", n.Team, "alert", n.Alert, "integration", integration,
			"retry", retry, "err", err)
		if !retry {
			m.metrics.deliveries.WithLabelValues(integration, DeliveryRejected).Inc()
			return true
		}
		m.metrics.deliveries.WithLabelValues(integration, DeliveryFailed).Inc()
		m.noteNext[n.key()] = now.Add(max(after, minBackoff))
		return false
	}
	want := fmt.Sprintf("%s:%d", n.State, n.Held)
	if tm.slack != nil && n.SlackShown != want {
		text, blocks := noteBlocks(n)
		var err error
		if n.SlackTS == "" {
			var ch, ts string
			ch, ts, err = tm.slack.post(ctx, text, blocks, "", "")
			if err == nil {
				n.SlackChannel, n.SlackTS = ch, ts
			}
		} else {
			err = tm.slack.update(ctx, n.SlackChannel, n.SlackTS, text, blocks)
			if err == nil && n.State == NoteReleased && !strings.HasPrefix(n.SlackShown, NoteReleased) {
				_, _, err = tm.slack.post(ctx, fmt.Sprintf(":white_check_mark: Released: %d task(s) created for the %d customer(s) held.",
					n.ReleasedTasks, n.Held), nil, n.SlackChannel, n.SlackTS)
			}
		}
		if err == nil {
			m.metrics.deliveries.WithLabelValues(integrationSlack, DeliverySent).Inc()
			n.SlackShown, changed = want, true
		} else if failed(integrationSlack, err) {
			n.SlackShown, changed = want, true
		}
	}
	if tm.webhook != nil && n.WebhookSent != n.State {
		err := tm.webhook.post(ctx, WebhookMessage{Version: "1", Kind: "incident." + n.State, Incident: noteJSON(n)}, now)
		if err == nil {
			m.metrics.deliveries.WithLabelValues(integrationWebhook, DeliverySent).Inc()
			n.WebhookSent, changed = n.State, true
		} else if failed(integrationWebhook, err) {
			n.WebhookSent, changed = n.State, true
		}
	}
	return changed
}

// recover records the outcome of every contact whose recovery window has passed: the mean score
// of the customer's messages after the contact against before it.
func (m *Manager) recover(ctx context.Context, now time.Time) error {
	w := m.spec.Recovery.Window
	tasks, err := m.deps.Store.Tasks(ctx, Filter{Contacted: true, NoOutcome: true, CreatedFrom: now.Add(-90 * 24 * time.Hour), OldestFirst: true})
	if err != nil {
		return fmt.Errorf("outreach: recovery: %w", err)
	}
	var entries []Entry
	for _, t := range tasks {
		c := t.ContactedAt
		// The rollup is hourly: the last hour the window overlaps is complete an hour after the
		// window ends.
		if now.Before(c.Add(w + time.Hour)) {
			continue
		}
		before, err := m.deps.Store.Sentiment(ctx, t.CustomerID, c.Add(-w), c)
		if err != nil {
			return fmt.Errorf("outreach: recovery: %w", err)
		}
		after, err := m.deps.Store.Sentiment(ctx, t.CustomerID, c, c.Add(w))
		if err != nil {
			return fmt.Errorf("outreach: recovery: %w", err)
		}
		outcome := OutcomeNotRecovered
		switch {
		case after.Contacts < m.spec.Recovery.MinContacts:
			outcome = OutcomeSilent
		case after.Mean() >= m.spec.Recovery.MinScore && (before.Contacts == 0 || after.Mean() > before.Mean()):
			outcome = OutcomeRecovered
		}
		entries = append(entries, Entry{
			TaskID: t.ID, Kind: EntryOutcome, Time: now, CreatedAt: t.CreatedAt, CustomerID: t.CustomerID,
			Owner: t.Owner, Outcome: outcome, ScoreBefore: before.Mean(), ScoreAfter: after.Mean(),
			ContactsBefore: before.Contacts, ContactsAfter: after.Contacts,
		})
	}
	if len(entries) == 0 {
		return nil
	}
	if err := m.deps.Store.Append(ctx, entries); err != nil {
		return fmt.Errorf("outreach: write outcomes: %w", err)
	}
	for _, e := range entries {
		m.metrics.outcomes.WithLabelValues(e.Outcome).Inc()
		m.logger.Info("outreach outcome", "task", e.TaskID, "outcome", e.Outcome, "before", e.ScoreBefore, "after", e.ScoreAfter)
		m.audit(now, map[string]any{
			"event": "outcome", "task": e.TaskID, "customer": e.CustomerID, "team": e.Owner,
			"outcome": e.Outcome, "score_before": e.ScoreBefore, "score_after": e.ScoreAfter,
		})
	}
	return nil
}

// deliverDue sends every pending delivery that is due, records the attempts and schedules
// retries.
func (m *Manager) deliverDue(ctx context.Context, now time.Time) {
	keys := make([]string, 0, len(m.pending))
	for k, p := range m.pending {
		if !now.Before(p.next) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := m.pending[keys[i]], m.pending[keys[j]]
		if !a.task.CreatedAt.Equal(b.task.CreatedAt) {
			return a.task.CreatedAt.Before(b.task.CreatedAt)
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if ctx.Err() != nil {
			return
		}
		p := m.pending[k]
		t := &p.task
		tm := m.teams[t.Owner]
		if tm == nil || now.Sub(t.CreatedAt) > m.cfg.DeliverFor {
			delete(m.pending, k)
			m.metrics.deliveries.WithLabelValues(p.integration, "expired").Inc()
			m.logger.Warn("outreach task not delivered in time; giving up", "task", t.ID, "integration", p.integration)
			continue
		}
		p.attempt++
		e := Entry{
			TaskID: t.ID, Kind: EntryDelivery, Time: now, CreatedAt: t.CreatedAt, CustomerID: t.CustomerID, Owner: t.Owner,
			Integration: p.integration, Attempt: p.attempt,
		}
		var err error
		switch p.integration {
		case integrationSlack:
			if tm.slack == nil {
				delete(m.pending, k)
				continue
			}
			text, blocks := m.taskBlocks(t)
			var ch, ts string
			ch, ts, err = tm.slack.post(ctx, text, blocks, "", "")
			if err == nil {
				ref, _ := json.Marshal(map[string]string{"channel": ch, "ts": ts})
				e.Ref = string(ref)
			}
		case integrationWebhook:
			if tm.webhook == nil {
				delete(m.pending, k)
				continue
			}
			tj := m.JSON(t)
			err = tm.webhook.post(ctx, WebhookMessage{Version: "1", Kind: "task.created", Task: &tj}, now)
		}
		retry, after := classify(err)
		switch {
		case err == nil:
			e.Delivery = DeliverySent
			delete(m.pending, k)
		case retry:
			e.Delivery, e.Error = DeliveryFailed, err.Error()
			p.next = now.Add(max(backoff(p.attempt), after))
			e.RetryAt = p.next
			m.logger.Warn("outreach delivery failed; will retry", "task", t.ID, "integration", p.integration,
				"attempt", p.attempt, "next", p.next, "err", err)
		default:
			e.Delivery, e.Error = DeliveryRejected, err.Error()
			delete(m.pending, k)
			m.logger.Warn("outreach delivery rejected", "task", t.ID, "integration", p.integration, "err", err)
		}
		m.metrics.deliveries.WithLabelValues(p.integration, e.Delivery).Inc()
		m.unsaved = append(m.unsaved, e)
	}
	m.flushUnsaved(ctx)
}

// audit ships one audit line, when an audit trail is wired.
func (m *Manager) audit(t time.Time, fields map[string]any) {
	if m.deps.Audit == nil {
		return
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return
	}
	m.deps.Audit(t, "outreach", string(b))
}

// flushUnsaved writes the delivery records not yet stored; they stay for the next try when the
// store fails (the oldest are dropped past maxUnsaved).
func (m *Manager) flushUnsaved(ctx context.Context) {
	if len(m.unsaved) == 0 {
		return
	}
	if err := m.deps.Store.Append(ctx, m.unsaved); err != nil {
		m.logger.Warn("outreach delivery records not stored yet", "records", len(m.unsaved), "err", err)
		if len(m.unsaved) > maxUnsaved {
			m.unsaved = m.unsaved[len(m.unsaved)-maxUnsaved:]
		}
		return
	}
	m.unsaved = m.unsaved[:0]
}
