package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// ResolvedRetention is how long a resolved alert is still handed to the dispatcher (so its
// resolution is delivered even across a restart).
const ResolvedRetention = 15 * time.Minute

// maxWarmupPoints bounds the history replayed into a fresh anomaly detector.
const maxWarmupPoints = 20000

// Alert is an alert of a rule as the evaluator tracks it.
type Alert struct {
	Group       string
	Rule        string
	Labels      Labels
	Annotations map[string]string
	State       AlertState
	Value       float64
	Values      map[string]float64
	ActiveAt    time.Time
	FiredAt     time.Time
	ResolvedAt  time.Time
	Samples     []string

	keepFiringSince time.Time
	fp              string
}

// Fingerprint is the hash of the alert's labels.
func (a *Alert) Fingerprint() string { return a.fp }

func (a *Alert) record(t time.Time) AlertRecord {
	return AlertRecord{
		Time: t, Group: a.Group, Rule: a.Rule, Fingerprint: a.fp, State: a.State.String(),
		Labels: a.Labels, Annotations: a.Annotations, Value: a.Value, ActiveAt: a.ActiveAt,
		FiredAt: a.FiredAt, ResolvedAt: a.ResolvedAt,
	}
}

// toNotify is the dispatcher's view of the alert.
func (a *Alert) toNotify(externalURL string) notify.Alert {
	n := notify.Alert{
		Labels: a.Labels, Annotations: a.Annotations, StartsAt: a.ActiveAt,
		Fingerprint: a.fp, Value: a.Value, Samples: a.Samples,
	}
	if a.State == StateResolved {
		n.EndsAt = a.ResolvedAt
	}
	if externalURL != "" {
		n.GeneratorURL = strings.TrimRight(externalURL, "/") + "/v1/alerts?alertname=" + a.Rule
	}
	return n
}

type detState struct {
	det    Detector
	labels Labels
}

type ruleState struct {
	group  *Group
	rule   *Rule
	alerts map[string]*Alert
	dets   map[string]*detState
	warmed bool
}

type groupState struct {
	g     *Group
	rules []*ruleState
	next  time.Time
}

// EvaluatorDeps are the seams of an Evaluator.
type EvaluatorDeps struct {
	Query QueryFunc
	// Samples fetches sample messages when an alert starts firing; optional.
	Samples SampleFunc
	// Detectors makes anomaly detectors; required when a rule has an `anomaly` block.
	Detectors DetectorFactory
	// Store persists state changes; optional (nil keeps state in memory only).
	Store StateStore
	// Audit receives every state change as a log line; optional.
	Audit AuditFunc
	// ExternalURL is cxpulse's own URL, for alert links.
	ExternalURL string
	// OnChange is called with every state change (backtests collect them); optional.
	OnChange func(AlertRecord)
}

// AuditFunc ships an audit line (alert transition or notification) of kind "alert" or
// "notification"; it must not block.
type AuditFunc func(t time.Time, kind, line string)

// Evaluator runs rule groups at their intervals and tracks their alerts. Its methods are safe for
// concurrent use; evaluations are serialized.
type Evaluator struct {
	deps    EvaluatorDeps
	logger  *slog.Logger
	metrics *metrics

	mu        sync.Mutex
	groups    []*groupState
	unsaved   []AlertRecord
	anomalies []AnomalyRecord
}

// NewEvaluator wires an evaluator for the rules of set. It starts nothing.
func NewEvaluator(set *RuleSet, deps EvaluatorDeps, logger *slog.Logger, m *metrics) (*Evaluator, error) {
	if deps.Query == nil {
		return nil, errors.New("evaluator: no query function")
	}
	if m == nil {
		m = newMetrics(nil)
	}
	e := &Evaluator{deps: deps, logger: logger, metrics: m}
	for _, g := range set.Groups {
		// Every group's series exist from the start, so dashboards and alerts on them see zero.
		m.evals.WithLabelValues(g.Name)
		m.evalDuration.WithLabelValues(g.Name)
		gs := &groupState{g: g}
		for _, r := range g.Rules {
			gs.rules = append(gs.rules, &ruleState{group: g, rule: r, alerts: map[string]*Alert{}, dets: map[string]*detState{}})
		}
		e.groups = append(e.groups, gs)
	}
	return e, nil
}

// Restore reloads alert state from the store: pending and firing alerts continue (with their
// original activation time, so `for` is not restarted), alerts resolved within
// ResolvedRetention are kept so their resolution is still delivered.
func (e *Evaluator) Restore(ctx context.Context, now time.Time) error {
	if e.deps.Store == nil {
		return nil
	}
	recs, err := e.deps.Store.LoadAlerts(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		e.metrics.storeErrors.WithLabelValues("alerts").Inc()
		return fmt.Errorf("restore alerts: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rules := map[string]*ruleState{}
	for _, g := range e.groups {
		for _, rs := range g.rules {
			rules[g.g.Name+"\x00"+rs.rule.Alert] = rs
		}
	}
	n := 0
	for _, rec := range recs {
		rs := rules[rec.Group+"\x00"+rec.Rule]
		if rs == nil {
			continue
		}
		st, err := ParseAlertState(rec.State)
		if err != nil {
			continue
		}
		switch st {
		case StatePending, StateFiring:
		case StateResolved:
			if now.Sub(rec.ResolvedAt) > ResolvedRetention {
				continue
			}
		default:
			continue
		}
		a := &Alert{
			Group: rec.Group, Rule: rec.Rule, Labels: Labels(rec.Labels), Annotations: rec.Annotations,
			State: st, Value: rec.Value, ActiveAt: rec.ActiveAt, FiredAt: rec.FiredAt, ResolvedAt: rec.ResolvedAt,
			fp: rec.Fingerprint,
		}
		rs.alerts[a.fp] = a
		n++
	}
	e.logger.Info("alert state restored", "alerts", n)
	e.updateGauges()
	return nil
}

// Due returns the earliest time a group is due.
func (e *Evaluator) Due() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	var t time.Time
	for _, g := range e.groups {
		if t.IsZero() || g.next.Before(t) {
			t = g.next
		}
	}
	return t
}

// EvalDue evaluates every group due at now and returns the alerts for the dispatcher: every
// firing alert and every alert resolved within ResolvedRetention of all groups. Evaluation
// errors of single rules are logged and counted; they do not stop the others.
func (e *Evaluator) EvalDue(ctx context.Context, now time.Time) []notify.Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range e.groups {
		if !g.next.IsZero() && now.Before(g.next) {
			continue
		}
		_ = e.evalGroup(ctx, g, now) // errors are logged and counted per rule
		if g.next.IsZero() {
			g.next = now
		}
		for !g.next.After(now) {
			g.next = g.next.Add(g.g.Interval)
		}
	}
	e.flushRecords(ctx)
	e.updateGauges()
	return e.active(now)
}

// EvalGroupAt evaluates one group at t regardless of its schedule (rule unit tests, backtests).
func (e *Evaluator) EvalGroupAt(ctx context.Context, group string, t time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range e.groups {
		if g.g.Name == group {
			err := e.evalGroup(ctx, g, t)
			e.flushRecords(ctx)
			return err
		}
	}
	return fmt.Errorf("no rule group %q", group)
}

// Alerts returns a copy of every tracked alert (pending, firing, recently resolved), ordered by
// group, rule and labels.
func (e *Evaluator) Alerts() []Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Alert
	for _, g := range e.groups {
		for _, rs := range g.rules {
			for _, a := range rs.alerts {
				out = append(out, *a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Labels.String() < out[j].Labels.String()
	})
	return out
}

func (e *Evaluator) active(now time.Time) []notify.Alert {
	var out []notify.Alert
	for _, g := range e.groups {
		for _, rs := range g.rules {
			for _, a := range rs.alerts {
				if a.State == StateFiring || (a.State == StateResolved && now.Sub(a.ResolvedAt) <= ResolvedRetention) {
					out = append(out, a.toNotify(e.deps.ExternalURL))
				}
			}
		}
	}
	return out
}

func (e *Evaluator) updateGauges() {
	counts := map[AlertState]int{}
	for _, g := range e.groups {
		for _, rs := range g.rules {
			for _, a := range rs.alerts {
				counts[a.State]++
			}
		}
	}
	for _, s := range []AlertState{StatePending, StateFiring, StateResolved} {
		e.metrics.alerts.WithLabelValues(s.String()).Set(float64(counts[s]))
	}
}

func (e *Evaluator) evalGroup(ctx context.Context, g *groupState, now time.Time) error {
	start := time.Now()
	defer func() {
		e.metrics.evalDuration.WithLabelValues(g.g.Name).Observe(time.Since(start).Seconds())
		e.metrics.evals.WithLabelValues(g.g.Name).Inc()
	}()
	var errs []error
	for _, rs := range g.rules {
		if err := e.evalRule(ctx, rs, now); err != nil {
			e.logger.Warn("rule evaluation failed", "group", g.g.Name, "rule", rs.rule.Alert, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (e *Evaluator) evalRule(ctx context.Context, rs *ruleState, now time.Time) error {
	r := rs.rule
	q := QueryOf(r)
	if r.Anomaly != nil && e.deps.Detectors == nil {
		e.metrics.evalFailures.WithLabelValues(failAnomaly).Inc()
		return fmt.Errorf("rule %s: anomaly rules need detectors, and none are wired", r.Alert)
	}
	if r.Anomaly != nil && !rs.warmed {
		if err := e.warm(ctx, rs, q, now); err != nil {
			e.metrics.evalFailures.WithLabelValues(failAnomaly).Inc()
			return fmt.Errorf("rule %s: warm up detectors: %w", r.Alert, err)
		}
		rs.warmed = true
	}
	series, err := e.deps.Query(ctx, q, now, now, 0)
	if err != nil {
		e.metrics.evalFailures.WithLabelValues(failQuery).Inc()
		return fmt.Errorf("rule %s: query: %w", r.Alert, err)
	}
	seen := map[string]bool{}
	var firstErr error
	type hit struct {
		labels Labels
		values Values
		out    *anomalyOut
	}
	var hits []hit
	for _, s := range series {
		if len(s.Points) == 0 {
			continue
		}
		v := s.Points[len(s.Points)-1].Values
		var out *anomalyOut
		if r.Anomaly != nil {
			key := s.Labels.Fingerprint()
			seen[key] = true
			out, err = e.detect(rs, key, s.Labels, now, &v)
			if err != nil {
				e.metrics.evalFailures.WithLabelValues(failAnomaly).Inc()
				firstErr = cmpErr(firstErr, err)
				continue
			}
			x, _ := v.Get(r.Anomaly.Series)
			e.anomalies = append(e.anomalies, AnomalyRecord{
				Time: now, Group: rs.group.Name, Rule: r.Alert, Fingerprint: key, Series: out.series,
				Labels: s.Labels, Value: x, Baseline: out.expected, Low: out.low, High: out.high, Score: out.score,
			})
		}
		ok, err := e.condition(r, &v, out)
		if err != nil {
			e.metrics.evalFailures.WithLabelValues(failExpr).Inc()
			firstErr = cmpErr(firstErr, err)
			continue
		}
		if ok {
			hits = append(hits, hit{s.Labels, v, out})
		}
	}
	if r.Anomaly != nil && countSeries(r.Anomaly.Series) {
		// Groups that went silent count as zero for count series: a drop is news.
		for key, d := range rs.dets {
			if !seen[key] {
				var zero Values
				out, err := e.detect(rs, key, d.labels, now, &zero)
				if err == nil {
					if ok, _ := e.condition(r, &zero, out); ok {
						hits = append(hits, hit{d.labels, zero, out})
					}
				}
			}
		}
	}
	active := map[string]bool{}
	for _, h := range hits {
		labels := make(Labels, len(r.Labels)+len(h.labels)+1)
		for k, v := range h.labels {
			labels[k] = v
		}
		for k, v := range r.Labels {
			labels[k] = v
		}
		labels[LabelAlertName] = r.Alert
		fp := labels.Fingerprint()
		active[fp] = true
		values := h.values.valueMap(r.Topics)
		if h.out != nil {
			values[AggAnomalyScore] = h.out.score
			values["baseline_"+h.out.series] = h.out.expected
		}
		value := values[r.primary]
		ann, err := e.annotations(r, labels, value, values)
		if err != nil {
			e.metrics.evalFailures.WithLabelValues(failTemplate).Inc()
			firstErr = cmpErr(firstErr, err)
		}
		a := rs.alerts[fp]
		if a == nil || a.State == StateResolved {
			a = &Alert{Group: rs.group.Name, Rule: r.Alert, Labels: labels, State: StatePending, ActiveAt: now, fp: fp}
			rs.alerts[fp] = a
			a.Annotations, a.Value, a.Values = ann, value, values
			e.change(a, now)
		}
		a.Annotations, a.Value, a.Values = ann, value, values
		a.keepFiringSince = time.Time{}
		if a.State == StatePending && now.Sub(a.ActiveAt) >= r.For {
			a.State, a.FiredAt = StateFiring, now
			if e.deps.Samples != nil && len(a.Samples) == 0 {
				samples, err := e.deps.Samples(ctx, q, h.labels, now.Add(-r.Window), now, 3)
				if err != nil {
					e.logger.Warn("sample messages", "rule", r.Alert, "err", err)
				}
				a.Samples = samples
			}
			e.change(a, now)
		}
	}
	for fp, a := range rs.alerts {
		if active[fp] {
			continue
		}
		switch a.State {
		case StatePending:
			a.State = StateInactive
			e.change(a, now)
			delete(rs.alerts, fp)
		case StateFiring:
			if r.KeepFiringFor > 0 {
				if a.keepFiringSince.IsZero() {
					a.keepFiringSince = now
				}
				if now.Sub(a.keepFiringSince) < r.KeepFiringFor {
					continue
				}
			}
			a.State, a.ResolvedAt = StateResolved, now
			e.change(a, now)
		case StateResolved:
			if now.Sub(a.ResolvedAt) > ResolvedRetention {
				delete(rs.alerts, fp)
			}
		}
	}
	return firstErr
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

func countSeries(s string) bool { return s == AggVolume || strings.HasPrefix(s, "topic.") }

func (e *Evaluator) condition(r *Rule, v *Values, out *anomalyOut) (bool, error) {
	if out != nil && out.score < r.Anomaly.EffectiveThreshold() {
		return false, nil
	}
	if r.prog == nil {
		return true, nil
	}
	return r.evalWhen(v.env(out))
}

func (e *Evaluator) detect(rs *ruleState, key string, labels Labels, now time.Time, v *Values) (*anomalyOut, error) {
	d := rs.dets[key]
	if d == nil {
		det, err := e.deps.Detectors(DetectorSpec{
			Series: rs.rule.Anomaly.Series, Sensitivity: rs.rule.Anomaly.Sensitivity,
			Seasonality: rs.rule.Anomaly.Seasonality, Step: rs.group.Interval,
		})
		if err != nil {
			return nil, fmt.Errorf("rule %s: new detector: %w", rs.rule.Alert, err)
		}
		d = &detState{det: det, labels: labels}
		rs.dets[key] = d
	}
	x, _ := v.Get(rs.rule.Anomaly.Series)
	score := d.det.Update(now, x)
	if math.IsNaN(score) {
		score = 0
	}
	exp, lo, hi := d.det.Baseline()
	return &anomalyOut{series: rs.rule.Anomaly.Series, score: score, expected: exp, low: lo, high: hi}, nil
}

// warm replays history into fresh detectors, so a restart does not forget a series' baseline.
func (e *Evaluator) warm(ctx context.Context, rs *ruleState, q Query, now time.Time) error {
	step := rs.group.Interval
	span := rs.rule.Anomaly.Warmup
	if max := step * maxWarmupPoints; span > max {
		span = max
	}
	from, to := now.Add(-span), now.Add(-step)
	if !to.After(from) {
		return nil
	}
	series, err := e.deps.Query(ctx, q, from, to, step)
	if err != nil {
		return err
	}
	fill := countSeries(rs.rule.Anomaly.Series)
	for _, s := range series {
		key := s.Labels.Fingerprint()
		pts := s.Points
		i := 0
		for t := from; !t.After(to); t = t.Add(step) {
			for i < len(pts) && pts[i].T.Before(t) {
				i++
			}
			switch {
			case i < len(pts) && pts[i].T.Equal(t):
				if _, err := e.detect(rs, key, s.Labels, t, &pts[i].Values); err != nil {
					return err
				}
			case fill && rs.dets[key] != nil:
				var zero Values
				if _, err := e.detect(rs, key, s.Labels, t, &zero); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (e *Evaluator) annotations(r *Rule, labels Labels, value float64, values map[string]float64) (map[string]string, error) {
	out := make(map[string]string, len(r.annotations))
	data := &TemplateData{Labels: labels, Value: value, Values: values}
	var firstErr error
	for k, t := range r.annotations {
		s, err := expand(t, data)
		if err != nil {
			firstErr = cmpErr(firstErr, fmt.Errorf("rule %s: annotation %s: %w", r.Alert, k, err))
			s = r.Annotations[k]
		}
		out[k] = s
	}
	return out, firstErr
}

func (e *Evaluator) change(a *Alert, now time.Time) {
	rec := a.record(now)
	if e.deps.OnChange != nil {
		e.deps.OnChange(rec)
	}
	e.unsaved = append(e.unsaved, rec)
	if e.deps.Audit != nil {
		e.deps.Audit(now, "alert", fmt.Sprintf("alert=%s group=%s state=%s labels=%s value=%g",
			a.Rule, a.Group, a.State, a.Labels, a.Value))
	}
}

// flushRecords writes pending state changes; on failure they are kept and written with the next
// evaluation. Detector outputs are written when the store keeps them, and dropped (counted) when
// it fails: they are for dashboards, not for state.
func (e *Evaluator) flushRecords(ctx context.Context) {
	if len(e.anomalies) > 0 {
		if as, ok := e.deps.Store.(AnomalyStore); ok {
			if err := as.AppendAnomalies(ctx, e.anomalies); err != nil {
				e.metrics.storeErrors.WithLabelValues("anomalies").Inc()
				e.logger.Warn("write anomaly detector outputs", "records", len(e.anomalies), "err", err)
			}
		}
		e.anomalies = e.anomalies[:0]
	}
	if len(e.unsaved) == 0 {
		return
	}
	if e.deps.Store == nil {
		e.unsaved = e.unsaved[:0]
		return
	}
	if err := e.deps.Store.AppendAlerts(ctx, e.unsaved); err != nil {
		e.metrics.storeErrors.WithLabelValues("alerts").Inc()
		e.logger.Warn("write alert state changes", "records", len(e.unsaved), "err", err)
		const maxUnsaved = 100000
		if len(e.unsaved) > maxUnsaved {
			e.unsaved = e.unsaved[len(e.unsaved)-maxUnsaved:]
		}
		return
	}
	e.unsaved = e.unsaved[:0]
}
