package alerting

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// maxBacktestSteps bounds the evaluations of a backtest; longer ranges evaluate less often.
const maxBacktestSteps = 200000

// BacktestAlert is one alert a backtest saw fire.
type BacktestAlert struct {
	Group   string
	Rule    string
	Labels  Labels
	FiredAt time.Time
	// ResolvedAt is zero when the alert still fired at the end of the range.
	ResolvedAt time.Time
	Value      float64
}

// BacktestResult is what a rule set would have done over a time range.
type BacktestResult struct {
	From, To time.Time
	// Step is the time between two evaluations.
	Step   time.Duration
	Alerts []BacktestAlert
	// Notifications counts the notifications per receiver and integration
	// ("cx-slack/slack"); empty when the rule files have no route.
	Notifications map[string]int
	// Errors lists rule evaluation errors (a rule's first error, once).
	Errors []string
}

// BacktestDeps are the seams of a backtest.
type BacktestDeps struct {
	Query     QueryFunc
	Detectors DetectorFactory
}

// countingNotifier stands in for an integration during a backtest: it sends nothing and counts.
type countingNotifier struct {
	name  string
	mu    sync.Mutex
	count int
}

func (c *countingNotifier) Name() string { return c.name }

func (c *countingNotifier) Notify(context.Context, *notify.Notification) (notify.Ref, error) {
	c.mu.Lock()
	c.count++
	c.mu.Unlock()
	return nil, nil
}

// Backtest replays the rules of set over [from, to] against stored history: each rule's data is
// fetched with one range query, the evaluator runs at every step as it would have live, and the
// routing tree (when set has one) counts the notifications that would have gone out.
func Backtest(ctx context.Context, set *RuleSet, deps BacktestDeps, from, to time.Time) (*BacktestResult, error) {
	if !to.After(from) {
		return nil, fmt.Errorf("backtest: --to must be after --from")
	}
	step := time.Duration(0)
	for _, g := range set.Groups {
		step = gcd(step, g.Interval)
	}
	if step <= 0 {
		step = time.Minute
	}
	for to.Sub(from)/step > maxBacktestSteps {
		step *= 2
	}
	res := &BacktestResult{From: from, To: to, Step: step, Notifications: map[string]int{}}
	open := map[string]int{} // alert key → index in res.Alerts while firing
	cache := map[string]map[string][]Series{}
	var cacheMu sync.Mutex
	query := func(ctx context.Context, q Query, f, t time.Time, s time.Duration) ([]Series, error) {
		if !f.Equal(t) {
			return deps.Query(ctx, q, f, t, s)
		}
		key := fmt.Sprint(q)
		cacheMu.Lock()
		byT, ok := cache[key]
		cacheMu.Unlock()
		if !ok {
			series, err := deps.Query(ctx, q, from, to, step)
			if err != nil {
				return nil, err
			}
			byT = map[string][]Series{}
			for _, s := range series {
				for _, p := range s.Points {
					k := p.T.UTC().Format(time.RFC3339Nano)
					byT[k] = append(byT[k], Series{Labels: s.Labels, Points: []Point{p}})
				}
			}
			cacheMu.Lock()
			cache[key] = byT
			cacheMu.Unlock()
		}
		return byT[f.UTC().Format(time.RFC3339Nano)], nil
	}
	onChange := func(r AlertRecord) {
		key := r.Group + "\x00" + r.Rule + "\x00" + r.Fingerprint
		switch r.State {
		case StateFiring.String():
			open[key] = len(res.Alerts)
			res.Alerts = append(res.Alerts, BacktestAlert{Group: r.Group, Rule: r.Rule, Labels: Labels(r.Labels), FiredAt: r.FiredAt, Value: r.Value})
		case StateResolved.String():
			if i, ok := open[key]; ok {
				res.Alerts[i].ResolvedAt = r.ResolvedAt
				delete(open, key)
			}
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := newMetrics(nil)
	errSeen := map[string]bool{}
	if deps.Detectors == nil {
		deps.Detectors = AnomalyDetectors
	}
	ev, err := NewEvaluator(set, EvaluatorDeps{Query: query, Detectors: deps.Detectors, OnChange: onChange}, logger, m)
	if err != nil {
		return nil, err
	}
	var disp *Dispatcher
	counters := map[string]*countingNotifier{}
	if set.Route != nil {
		integrations := map[string][]Integration{}
		for name, rc := range set.Receivers {
			add := func(kind string, sendResolved bool) {
				c := &countingNotifier{name: kind}
				counters[name+"/"+kind] = c
				integrations[name] = append(integrations[name], Integration{Notifier: c, SendResolved: sendResolved})
			}
			if rc.Slack != nil {
				add("slack", rc.Slack.SendResolved)
			}
			if rc.PagerDuty != nil {
				add("pagerduty", rc.PagerDuty.SendResolved)
			}
			if rc.Webhook != nil {
				add("webhook", rc.Webhook.SendResolved)
			}
			if rc.Console != nil {
				add("console", rc.Console.SendResolved)
			}
		}
		disp, err = NewDispatcher(DispatcherConfig{}, set, integrations, nil, nil, nil, logger, m)
		if err != nil {
			return nil, err
		}
	}
	for t := from; !t.After(to); t = t.Add(step) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, g := range set.Groups {
			if err := ev.EvalGroupAt(ctx, g.Name, t); err != nil && !errSeen[g.Name] {
				errSeen[g.Name] = true
				res.Errors = append(res.Errors, err.Error())
			}
		}
		if disp != nil {
			disp.Put(t, ev.active(t))
			disp.Flush(ctx, t)
		}
	}
	sort.SliceStable(res.Alerts, func(i, j int) bool { return res.Alerts[i].FiredAt.Before(res.Alerts[j].FiredAt) })
	for k, c := range counters {
		res.Notifications[k] = c.count
	}
	return res, nil
}

// Print writes the result as a table: one line per alert, then the notification counts.
func (r *BacktestResult) Print(w io.Writer) {
	_, _ = fmt.Fprintf(w, "backtest %s .. %s, every %s\n", r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339), yamlcheck.FormatDuration(r.Step))
	if len(r.Alerts) == 0 {
		_, _ = fmt.Fprintln(w, "no alert would have fired")
	}
	for _, a := range r.Alerts {
		labels := a.Labels.Clone()
		delete(labels, LabelAlertName)
		end, dur := "still firing", ""
		if !a.ResolvedAt.IsZero() {
			end = "resolved " + a.ResolvedAt.UTC().Format(time.RFC3339)
			dur = " (" + a.ResolvedAt.Sub(a.FiredAt).String() + ")"
		}
		_, _ = fmt.Fprintf(w, "%-28s %s  fired %s  %s%s\n", a.Rule, labels, a.FiredAt.UTC().Format(time.RFC3339), end, dur)
	}
	if len(r.Notifications) > 0 {
		total := 0
		for _, k := range sortedKeys(r.Notifications) {
			total += r.Notifications[k]
		}
		_, _ = fmt.Fprintf(w, "notifications: %d", total)
		for _, k := range sortedKeys(r.Notifications) {
			_, _ = fmt.Fprintf(w, "  %s=%d", k, r.Notifications[k])
		}
		_, _ = fmt.Fprintln(w)
	}
	for _, e := range r.Errors {
		_, _ = fmt.Fprintf(w, "error: %s\n", e)
	}
}
