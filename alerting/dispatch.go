package alerting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// Retry bounds of failed notifications.
const (
	retryInitial  = time.Second
	retryMax      = time.Minute
	retryAfterMax = 10 * time.Minute
)

// Integration is one notifier of a receiver.
type Integration struct {
	Notifier     notify.Notifier
	SendResolved bool
}

// dAlert is an alert as the dispatcher holds it.
type dAlert struct {
	a        notify.Alert
	lastSeen time.Time
}

// nflogEntry is what was last delivered to one integration for one group.
type nflogEntry struct {
	firing   map[string]bool
	resolved map[string]bool
	sentAt   time.Time
	ref      notify.Ref
}

type retryState struct {
	attempt int
	at      time.Time
}

type aggrGroup struct {
	key      string
	route    *Route
	labels   Labels
	alerts   map[string]notify.Alert
	tick     time.Time
	retries  map[string]*retryState
	dedupKey string
}

func (g *aggrGroup) next() time.Time {
	t := g.tick
	for _, r := range g.retries {
		if r.at.Before(t) {
			t = r.at
		}
	}
	return t
}

type receiverState struct {
	cfg          *Receiver
	integrations []Integration
	limiter      *rate.Limiter
	digest       map[string]*notify.Notification
	digestRetry  *retryState
}

// DispatcherConfig configures a Dispatcher.
type DispatcherConfig struct {
	// ExternalURL is cxpulse's own URL, for links in notifications.
	ExternalURL string
	// GrafanaURL prefixes relative dashboard annotations ("d/cx-overview?...").
	GrafanaURL string
	// ResolveTimeout resolves a firing alert the evaluator stopped reporting.
	ResolveTimeout time.Duration
}

// Dispatcher routes alerts to receivers as Alertmanager does: routing tree, aggregation groups
// with group_wait, group_interval and repeat_interval, inhibition, silences, a notification log
// that keeps a restart from re-sending, retries with backoff, and a per-receiver rate limit with
// a digest. It is driven by its caller's clock: Put hands it alerts, Flush sends what is due.
// Methods are safe for concurrent use; Flush calls are serialized.
type Dispatcher struct {
	cfg       DispatcherConfig
	route     *Route
	inhibit   []*InhibitRule
	receivers map[string]*receiverState
	silences  *Silences
	store     StateStore
	audit     AuditFunc
	logger    *slog.Logger
	metrics   *metrics

	flushMu sync.Mutex
	mu      sync.Mutex
	alerts  map[string]*dAlert
	groups  map[string]*aggrGroup
	nflog   map[string]*nflogEntry
}

// NewDispatcher wires a dispatcher for the routing of set; integrations maps receiver names to
// their notifiers. It starts nothing.
func NewDispatcher(cfg DispatcherConfig, set *RuleSet, integrations map[string][]Integration, silences *Silences,
	store StateStore, audit AuditFunc, logger *slog.Logger, m *metrics,
) (*Dispatcher, error) {
	if set.Route == nil {
		return nil, fmt.Errorf("dispatcher: no route")
	}
	if m == nil {
		m = newMetrics(nil)
	}
	if cfg.ResolveTimeout == 0 {
		cfg.ResolveTimeout = 5 * time.Minute
	}
	d := &Dispatcher{
		cfg: cfg, route: set.Route, inhibit: set.InhibitRules, receivers: map[string]*receiverState{},
		silences: silences, store: store, audit: audit, logger: logger, metrics: m,
		alerts: map[string]*dAlert{}, groups: map[string]*aggrGroup{}, nflog: map[string]*nflogEntry{},
	}
	for name, rc := range set.Receivers {
		rs := &receiverState{cfg: rc, integrations: integrations[name], digest: map[string]*notify.Notification{}}
		if rc.RateLimit != nil {
			rs.limiter = rate.NewLimiter(rate.Every(rc.RateLimit.Per/time.Duration(rc.RateLimit.Max)), rc.RateLimit.Max)
		}
		for _, in := range rs.integrations {
			for _, o := range []string{OutcomeSent, OutcomeFailed, OutcomeRejected, OutcomeDigested} {
				m.notifications.WithLabelValues(name, in.Notifier.Name(), o)
			}
		}
		d.receivers[name] = rs
	}
	if d.silences == nil {
		d.silences = newSilences(nil, m)
	}
	return d, nil
}

// Restore reloads the notification log from the store.
func (d *Dispatcher) Restore(ctx context.Context, now time.Time) error {
	if d.store == nil {
		return nil
	}
	recs, err := d.store.LoadNotifications(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		d.metrics.storeErrors.WithLabelValues("notifications").Inc()
		return fmt.Errorf("restore notification log: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range recs {
		if !r.Delivered() {
			continue
		}
		d.nflog[nflogKey(r.Receiver, r.Integration, r.GroupKey)] = &nflogEntry{
			firing: toSet(r.Firing), resolved: toSet(r.Resolved), sentAt: r.Time, ref: r.Ref,
		}
	}
	d.logger.Info("notification log restored", "entries", len(recs))
	return nil
}

func toSet(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

func nflogKey(receiver, integration, groupKey string) string {
	return receiver + "\x00" + integration + "\x00" + groupKey
}

// DedupKey is the stable key of a receiver's group: a hash of the receiver's name and the
// group's labels, the same in every process and version.
func DedupKey(receiver string, groupLabels Labels) string {
	h := sha256.Sum256([]byte(receiver + "\x00" + groupLabels.String()))
	return hex.EncodeToString(h[:16])
}

// Put hands the dispatcher the current alerts (firing, or resolved with EndsAt set).
func (d *Dispatcher) Put(now time.Time, alerts []notify.Alert) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range alerts {
		if prev, ok := d.alerts[a.Fingerprint]; ok && prev.a.Resolved() && a.Resolved() && prev.a.EndsAt.Equal(a.EndsAt) {
			prev.lastSeen = now
			continue
		}
		d.alerts[a.Fingerprint] = &dAlert{a: a, lastSeen: now}
		d.insert(now, a)
	}
}

func (d *Dispatcher) insert(now time.Time, a notify.Alert) {
	for _, r := range matchRoutes(d.route, Labels(a.Labels)) {
		gl := Labels{}
		if r.GroupByAll {
			gl = Labels(a.Labels).Clone()
		} else {
			for _, k := range r.GroupBy {
				if v, ok := a.Labels[k]; ok {
					gl[k] = v
				}
			}
		}
		key := r.ID() + ":" + gl.String()
		g := d.groups[key]
		if g == nil {
			g = &aggrGroup{
				key: key, route: r, labels: gl, alerts: map[string]notify.Alert{}, tick: now.Add(r.GroupWait),
				retries: map[string]*retryState{}, dedupKey: DedupKey(r.Receiver, gl),
			}
			d.groups[key] = g
		}
		g.alerts[a.Fingerprint] = a
	}
}

// matchRoutes returns the routes an alert goes to, Alertmanager style: depth first, the first
// matching child wins unless it has `continue`; a route no child takes keeps the alert.
func matchRoutes(r *Route, ls Labels) []*Route {
	if !r.Matchers.Matches(ls) {
		return nil
	}
	var out []*Route
	for _, c := range r.Routes {
		m := matchRoutes(c, ls)
		out = append(out, m...)
		if len(m) > 0 && !c.Continue {
			break
		}
	}
	if len(out) == 0 {
		out = append(out, r)
	}
	return out
}

// Next returns when Flush next has work (zero when nothing is pending).
func (d *Dispatcher) Next() time.Time {
	d.flushMu.Lock()
	defer d.flushMu.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	var t time.Time
	for _, g := range d.groups {
		if n := g.next(); t.IsZero() || n.Before(t) {
			t = n
		}
	}
	return t
}

// Flush sends the notifications due at now. It blocks while notifiers are called.
func (d *Dispatcher) Flush(ctx context.Context, now time.Time) {
	d.flushMu.Lock()
	defer d.flushMu.Unlock()
	d.mu.Lock()
	// Firing alerts the evaluator no longer reports are resolved.
	for fp, da := range d.alerts {
		if !da.a.Resolved() && now.Sub(da.lastSeen) > d.cfg.ResolveTimeout {
			da.a.EndsAt = da.lastSeen
			d.insert(now, da.a)
		}
		if da.a.Resolved() && now.Sub(da.lastSeen) > ResolvedRetention+d.cfg.ResolveTimeout {
			delete(d.alerts, fp)
		}
	}
	var due []*aggrGroup
	for _, g := range d.groups {
		if !g.next().After(now) {
			due = append(due, g)
		}
	}
	d.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].key < due[j].key })
	for _, g := range due {
		d.flushGroup(ctx, g, now)
	}
	for name, rs := range d.receivers {
		d.flushDigest(ctx, name, rs, now)
	}
}

func (d *Dispatcher) flushGroup(ctx context.Context, g *aggrGroup, now time.Time) {
	d.mu.Lock()
	scheduled := !g.tick.After(now)
	if scheduled {
		g.tick = now.Add(g.route.GroupInterval)
	}
	var alerts []notify.Alert
	for _, fp := range sortedKeys(g.alerts) {
		a := g.alerts[fp]
		if !a.Resolved() {
			if ids := d.silences.Mutes(Labels(a.Labels), now); len(ids) > 0 {
				d.metrics.suppressed.WithLabelValues(suppressSilenced).Inc()
				continue
			}
			if inhibited(d.inhibit, &a, d.alerts) {
				d.metrics.suppressed.WithLabelValues(suppressInhibited).Inc()
				continue
			}
		}
		alerts = append(alerts, a)
	}
	rs := d.receivers[g.route.Receiver]
	d.mu.Unlock()
	if rs == nil {
		// A receiver without integrations (a blackhole) settles every notification at once.
		rs = &receiverState{}
	}
	allDone := true
	limited := false
	for _, in := range rs.integrations {
		name := in.Notifier.Name()
		if r := g.retries[name]; r != nil && r.at.After(now) {
			allDone = false
			continue
		}
		key := nflogKey(g.route.Receiver, name, g.key)
		d.mu.Lock()
		entry := d.nflog[key]
		d.mu.Unlock()
		n, ok := d.build(g, rs, in, alerts, entry, now)
		if !ok {
			delete(g.retries, name)
			continue
		}
		if rs.limiter != nil && g.retries[name] == nil {
			if limited || !rs.limiter.AllowN(now, 1) {
				limited = true
				d.holdForDigest(ctx, rs, in, n, now)
				continue
			}
		}
		if !d.send(ctx, g.key, g.retries, in, n, now) {
			allDone = false
		}
	}
	if allDone {
		d.mu.Lock()
		for _, a := range alerts {
			if a.Resolved() {
				if cur, ok := g.alerts[a.Fingerprint]; ok && cur.Resolved() {
					delete(g.alerts, a.Fingerprint)
				}
			}
		}
		if len(g.alerts) == 0 {
			delete(d.groups, g.key)
		}
		d.mu.Unlock()
	}
}

// build decides, from the notification log, whether an integration needs a notification, and
// builds it.
func (d *Dispatcher) build(g *aggrGroup, rs *receiverState, in Integration, alerts []notify.Alert, entry *nflogEntry,
	now time.Time,
) (*notify.Notification, bool) {
	firing, resolved := map[string]bool{}, map[string]bool{}
	var send []notify.Alert
	for _, a := range alerts {
		if a.Resolved() {
			resolved[a.Fingerprint] = true
			if in.SendResolved {
				send = append(send, a)
			}
		} else {
			firing[a.Fingerprint] = true
			send = append(send, a)
		}
	}
	reason, ok := needsUpdate(entry, firing, resolved, in.SendResolved, g.route.RepeatInterval, now)
	if !ok {
		return nil, false
	}
	if len(firing) == 0 && !in.SendResolved {
		// Record the resolution silently so the log no longer holds firing alerts.
		d.logDelivered(g.route.Receiver, in.Notifier.Name(), g.key, g.dedupKey, nil, resolved, entry, now)
		return nil, false
	}
	n := &notify.Notification{
		Receiver: g.route.Receiver, GroupKey: g.key, DedupKey: g.dedupKey,
		GroupLabels: g.labels, Status: notify.StatusFiring, Reason: reason, Alerts: send,
		ExternalURL: d.cfg.ExternalURL, Now: now,
	}
	if len(firing) == 0 {
		n.Status = notify.StatusResolved
	}
	if entry != nil {
		n.Ref = entry.ref
	}
	n.CommonLabels, n.CommonAnnotations = common(alerts)
	n.DashboardURL = d.link(first(alerts, "dashboard"))
	n.RunbookURL = first(alerts, "runbook_url")
	return n, true
}

func first(alerts []notify.Alert, ann string) string {
	for _, a := range alerts {
		if v := a.Annotations[ann]; v != "" {
			return v
		}
	}
	return ""
}

func (d *Dispatcher) link(s string) string {
	if s == "" || strings.Contains(s, "://") || d.cfg.GrafanaURL == "" {
		return s
	}
	return strings.TrimRight(d.cfg.GrafanaURL, "/") + "/" + strings.TrimLeft(s, "/")
}

func common(alerts []notify.Alert) (map[string]string, map[string]string) {
	if len(alerts) == 0 {
		return map[string]string{}, map[string]string{}
	}
	labels, anns := map[string]string{}, map[string]string{}
	for k, v := range alerts[0].Labels {
		labels[k] = v
	}
	for k, v := range alerts[0].Annotations {
		anns[k] = v
	}
	for _, a := range alerts[1:] {
		for k, v := range labels {
			if a.Labels[k] != v {
				delete(labels, k)
			}
		}
		for k, v := range anns {
			if a.Annotations[k] != v {
				delete(anns, k)
			}
		}
	}
	return labels, anns
}

// needsUpdate follows Alertmanager's notification log rules: notify a new group with firing
// alerts; notify when alerts fire that were not notified; when every alert resolved (always, so
// the log forgets them); when resolved alerts are new and resolutions are wanted; otherwise only
// after the repeat interval.
func needsUpdate(entry *nflogEntry, firing, resolved map[string]bool, sendResolved bool, repeat time.Duration,
	now time.Time,
) (notify.Reason, bool) {
	if entry == nil {
		return notify.ReasonNew, len(firing) > 0
	}
	for fp := range firing {
		if !entry.firing[fp] {
			return notify.ReasonChanged, true
		}
	}
	if len(firing) == 0 {
		return notify.ReasonResolved, len(entry.firing) > 0
	}
	if sendResolved {
		for fp := range resolved {
			if !entry.resolved[fp] {
				return notify.ReasonChanged, true
			}
		}
	}
	return notify.ReasonRepeat, !now.Before(entry.sentAt.Add(repeat))
}

// send makes one attempt and records it; it reports whether the notification is settled (sent
// or rejected for good).
func (d *Dispatcher) send(ctx context.Context, groupKey string, retries map[string]*retryState, in Integration,
	n *notify.Notification, now time.Time,
) bool {
	name := in.Notifier.Name()
	start := time.Now()
	ref, err := in.Notifier.Notify(ctx, n)
	d.metrics.notifyLatency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	firing, resolved := fpLists(n.Alerts)
	rec := NotificationRecord{
		Time: now, Receiver: n.Receiver, Integration: name, GroupKey: groupKey,
		DedupKey: n.DedupKey, Status: n.Status, Reason: n.Reason.String(), Firing: firing, Resolved: resolved,
	}
	r := retries[name]
	if r == nil {
		r = &retryState{}
	}
	rec.Attempt = r.attempt + 1
	if err == nil {
		if ref == nil {
			ref = n.Ref
		}
		rec.Outcome, rec.Ref = OutcomeSent, ref
		delete(retries, name)
		d.logDelivered(n.Receiver, name, groupKey, n.DedupKey, n.Alerts, nil, nil, now)
		d.mu.Lock()
		d.nflog[nflogKey(n.Receiver, name, groupKey)].ref = ref
		d.mu.Unlock()
		d.record(ctx, rec)
		return true
	}
	rec.Error = err.Error()
	retry, after := notify.Retryable(err)
	if !retry {
		rec.Outcome = OutcomeRejected
		delete(retries, name)
		d.logger.Error("notification rejected, not retried", "receiver", n.Receiver, "integration", name, "err", err)
		d.logDelivered(n.Receiver, name, groupKey, n.DedupKey, n.Alerts, nil, nil, now)
		d.record(ctx, rec)
		return true
	}
	r.attempt++
	wait := retryInitial << min(r.attempt-1, 10)
	if wait > retryMax {
		wait = retryMax
	}
	if after > 0 {
		wait = min(after, retryAfterMax)
	}
	r.at = now.Add(wait)
	retries[name] = r
	rec.Outcome = OutcomeFailed
	d.logger.Warn("notification failed, will retry", "receiver", n.Receiver, "integration", name,
		"attempt", r.attempt, "retry_in", wait, "err", err)
	d.record(ctx, rec)
	return false
}

func fpLists(alerts []notify.Alert) (firing, resolved []string) {
	for _, a := range alerts {
		if a.Resolved() {
			resolved = append(resolved, a.Fingerprint)
		} else {
			firing = append(firing, a.Fingerprint)
		}
	}
	return firing, resolved
}

// logDelivered updates the in-memory notification log. Alerts given are split into firing and
// resolved; extraResolved adds resolved fingerprints.
func (d *Dispatcher) logDelivered(receiver, integration, groupKey, dedupKey string, alerts []notify.Alert,
	extraResolved map[string]bool, prev *nflogEntry, now time.Time,
) {
	e := &nflogEntry{firing: map[string]bool{}, resolved: map[string]bool{}, sentAt: now}
	for _, a := range alerts {
		if a.Resolved() {
			e.resolved[a.Fingerprint] = true
		} else {
			e.firing[a.Fingerprint] = true
		}
	}
	for fp := range extraResolved {
		e.resolved[fp] = true
	}
	d.mu.Lock()
	key := nflogKey(receiver, integration, groupKey)
	if old := d.nflog[key]; old != nil {
		e.ref = old.ref
	} else if prev != nil {
		e.ref = prev.ref
	}
	d.nflog[key] = e
	d.mu.Unlock()
	_ = dedupKey
}

func (d *Dispatcher) record(ctx context.Context, rec NotificationRecord) {
	d.metrics.notifications.WithLabelValues(rec.Receiver, rec.Integration, rec.Outcome).Inc()
	if d.audit != nil {
		line := fmt.Sprintf("receiver=%s integration=%s status=%s reason=%s outcome=%s attempt=%d firing=%d resolved=%d",
			rec.Receiver, rec.Integration, rec.Status, rec.Reason, rec.Outcome, rec.Attempt, len(rec.Firing), len(rec.Resolved))
		if rec.Error != "" {
			line += fmt.Sprintf(" err=%q", rec.Error)
		}
		d.audit(rec.Time, "notification", line)
	}
	if d.store == nil {
		return
	}
	if err := d.store.AppendNotifications(ctx, []NotificationRecord{rec}); err != nil {
		d.metrics.storeErrors.WithLabelValues("notifications").Inc()
		d.logger.Warn("write notification log", "receiver", rec.Receiver, "err", err)
	}
}

// holdForDigest keeps a rate-limited notification for the receiver's next digest; the log
// records it so it is not sent again on its own.
func (d *Dispatcher) holdForDigest(ctx context.Context, rs *receiverState, in Integration, n *notify.Notification,
	now time.Time,
) {
	d.metrics.suppressed.WithLabelValues(suppressRateLimited).Inc()
	d.mu.Lock()
	rs.digest[n.GroupKey+"\x00"+in.Notifier.Name()] = n
	d.mu.Unlock()
	d.logDelivered(n.Receiver, in.Notifier.Name(), n.GroupKey, n.DedupKey, n.Alerts, nil, nil, now)
	firing, resolved := fpLists(n.Alerts)
	d.record(ctx, NotificationRecord{
		Time: now, Receiver: n.Receiver, Integration: in.Notifier.Name(),
		GroupKey: n.GroupKey, DedupKey: n.DedupKey, Status: n.Status, Reason: n.Reason.String(),
		Outcome: OutcomeDigested, Attempt: 1, Firing: firing, Resolved: resolved, Ref: n.Ref,
	})
}

// flushDigest sends the held notifications of a receiver as one digest per integration once the
// rate limit allows.
func (d *Dispatcher) flushDigest(ctx context.Context, name string, rs *receiverState, now time.Time) {
	d.mu.Lock()
	if len(rs.digest) == 0 || (rs.digestRetry != nil && rs.digestRetry.at.After(now)) {
		d.mu.Unlock()
		return
	}
	if rs.digestRetry == nil && !rs.limiter.AllowN(now, 1) {
		d.mu.Unlock()
		return
	}
	byIntegration := map[string][]*notify.Notification{}
	for _, k := range sortedKeys(rs.digest) {
		n := rs.digest[k]
		in := k[strings.IndexByte(k, 0)+1:]
		byIntegration[in] = append(byIntegration[in], n)
	}
	d.mu.Unlock()
	allSent := true
	retries := map[string]*retryState{}
	if rs.digestRetry != nil {
		for _, in := range rs.integrations {
			retries[in.Notifier.Name()] = &retryState{attempt: rs.digestRetry.attempt}
		}
	}
	for _, in := range rs.integrations {
		held := byIntegration[in.Notifier.Name()]
		if len(held) == 0 {
			continue
		}
		dn := &notify.Notification{
			Receiver: name, GroupKey: "digest:" + name, DedupKey: DedupKey(name, Labels{"digest": "true"}),
			GroupLabels: map[string]string{}, Status: notify.StatusResolved, Reason: notify.ReasonDigest,
			ExternalURL: d.cfg.ExternalURL, Now: now,
		}
		for _, n := range held {
			dn.Alerts = append(dn.Alerts, n.Alerts...)
			if n.Status == notify.StatusFiring {
				dn.Status = notify.StatusFiring
			}
		}
		dn.CommonLabels, dn.CommonAnnotations = common(dn.Alerts)
		if !d.send(ctx, dn.GroupKey, retries, in, dn, now) {
			allSent = false
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if allSent {
		rs.digest = map[string]*notify.Notification{}
		rs.digestRetry = nil
		return
	}
	rs.digestRetry = &retryState{attempt: 1, at: now.Add(retryInitial)}
	for _, r := range retries {
		if r.at.After(rs.digestRetry.at) {
			rs.digestRetry = r
		}
	}
}

// Groups returns a snapshot of the aggregation groups: key, receiver and alert count.
func (d *Dispatcher) Groups() []GroupInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]GroupInfo, 0, len(d.groups))
	for _, g := range d.groups {
		out = append(out, GroupInfo{Key: g.key, Receiver: g.route.Receiver, Labels: g.labels, Alerts: len(g.alerts)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// GroupInfo describes an aggregation group.
type GroupInfo struct {
	Key      string `json:"key"`
	Receiver string `json:"receiver"`
	Labels   Labels `json:"labels"`
	Alerts   int    `json:"alerts"`
}
