package alerting

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/anomaly"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// Defaults of the rule file format.
const (
	DefaultInterval       = time.Minute
	DefaultWindow         = 5 * time.Minute
	DefaultGroupWait      = 30 * time.Second
	DefaultGroupInterval  = 5 * time.Minute
	DefaultRepeatInterval = 4 * time.Hour
)

// Pos is a position in a rule file; it prints as file:line:col.
type Pos = yamlcheck.Pos

// File is a parsed rule file: rule groups and, optionally, the routing configuration. Several
// files form one RuleSet; the routing may live in any one of them.
type File struct {
	Path         string
	Groups       []*Group
	Route        *Route
	Receivers    []*Receiver
	InhibitRules []*InhibitRule
	// Outreach is the file's `outreach:` section as written, nil without one. Package alerting
	// does not read it; package outreach does (see RuleSet.Outreach).
	Outreach *yaml.Node

	src []byte
}

// Group is a named set of rules evaluated together at one interval.
type Group struct {
	Name     string
	Interval time.Duration
	Rules    []*Rule
	Pos      Pos
}

// Select chooses the events a rule aggregates. Each field lists the accepted values (any of
// them); an empty field accepts everything. TextContains matches any of its words in the text,
// case-insensitively.
type Select struct {
	Source       []string
	Channel      []string
	Product      []string
	Region       []string
	Language     []string
	CustomerID   []string
	Sentiment    []string
	Topic        []string
	Labels       map[string][]string
	TextContains []string
}

// RollupOnly reports whether the selection uses only the dimensions of the per-minute rollups
// (source, channel, product, region), so the rule can be answered without the events table.
func (s *Select) RollupOnly() bool {
	return len(s.Language) == 0 && len(s.CustomerID) == 0 && len(s.Sentiment) == 0 &&
		len(s.Topic) == 0 && len(s.Labels) == 0 && len(s.TextContains) == 0
}

// Sensitivity tunes how unusual a value must be for an anomaly rule to fire.
type Sensitivity uint8

// The sensitivities of an anomaly rule.
const (
	SensitivityMedium Sensitivity = iota
	SensitivityLow
	SensitivityHigh
)

// String returns low, medium or high.
func (s Sensitivity) String() string {
	switch s {
	case SensitivityLow:
		return "low"
	case SensitivityHigh:
		return "high"
	}
	return "medium"
}

// Threshold is the anomaly score at or above which a value counts as anomalous: the anomaly
// package's threshold for the sensitivity.
func (s Sensitivity) Threshold() float64 {
	switch s {
	case SensitivityLow:
		return anomaly.SensitivityLow.Threshold()
	case SensitivityHigh:
		return anomaly.SensitivityHigh.Threshold()
	}
	return anomaly.SensitivityMedium.Threshold()
}

// Seasonality is the period a detector's baseline follows.
type Seasonality uint8

// The seasonalities of an anomaly rule.
const (
	SeasonalityNone Seasonality = iota
	SeasonalityDaily
	SeasonalityWeekly
	// SeasonalityAuto learns daily and weekly shapes and follows whichever predicts best.
	SeasonalityAuto
)

// String returns none, daily or weekly.
func (s Seasonality) String() string {
	switch s {
	case SeasonalityDaily:
		return "daily"
	case SeasonalityWeekly:
		return "weekly"
	case SeasonalityAuto:
		return "auto"
	}
	return "none"
}

// Period returns the length of a season (0 for none).
func (s Seasonality) Period() time.Duration {
	switch s {
	case SeasonalityDaily:
		return 24 * time.Hour
	case SeasonalityWeekly, SeasonalityAuto:
		return 7 * 24 * time.Hour
	}
	return 0
}

// AnomalySpec configures the detector of an anomaly rule.
type AnomalySpec struct {
	// Series is the aggregate watched: volume, negative_share, … or topic.NAME.
	Series      string
	Sensitivity Sensitivity
	Seasonality Seasonality
	// Threshold overrides the sensitivity's threshold when > 0.
	Threshold float64
	// Warmup is how much history re-warms a detector at start.
	Warmup time.Duration
}

// EffectiveThreshold returns Threshold or the sensitivity's default.
func (a *AnomalySpec) EffectiveThreshold() float64 {
	if a.Threshold > 0 {
		return a.Threshold
	}
	return a.Sensitivity.Threshold()
}

// Rule is an alerting rule: a selection of events, aggregated per group over a window, and a
// condition (`when`, an anomaly detector, or both).
type Rule struct {
	Alert         string
	Select        Select
	Window        time.Duration
	GroupBy       []string
	When          string
	Anomaly       *AnomalySpec
	For           time.Duration
	KeepFiringFor time.Duration
	Labels        Labels
	Annotations   map[string]string
	Pos           Pos

	// Topics lists the topics whose counts the rule needs (from `when` and the anomaly series).
	Topics []string
	// primary is the aggregate whose value is the alert's Value.
	primary     string
	prog        *vm.Program
	annotations map[string]*template.Template
}

// Route is a node of the routing tree (Alertmanager's vocabulary). Zero durations and a nil
// GroupBy inherit from the parent after Load.
type Route struct {
	Receiver       string
	Matchers       Matchers
	GroupBy        []string
	GroupByAll     bool
	GroupWait      time.Duration
	GroupInterval  time.Duration
	RepeatInterval time.Duration
	Continue       bool
	Routes         []*Route
	Pos            Pos

	id string
}

// ID identifies the route by its path of matchers, as Alertmanager's route keys do.
func (r *Route) ID() string { return r.id }

// InhibitRule mutes alerts matching Target while an alert matching Source fires with the same
// values of the Equal labels.
type InhibitRule struct {
	Source Matchers
	Target Matchers
	Equal  []string
	Pos    Pos
}

// Secret is a credential given in the rule file as ${ENV}; Name is the variable. Its Resolve
// reads the variable through a getenv function.
type Secret = yamlcheck.Secret

// SlackConfig sends to Slack with a bot token (chat.postMessage, chat.update) or, without a
// token, to an incoming webhook.
type SlackConfig struct {
	Channel      string
	Token        Secret
	WebhookURL   Secret
	APIURL       string
	SendResolved bool
}

// PagerDutyConfig sends to PagerDuty's Events API v2.
type PagerDutyConfig struct {
	RoutingKey   Secret
	URL          string
	Severity     string
	Source       string
	SendResolved bool
}

// WebhookConfig posts Alertmanager's webhook JSON to a URL.
type WebhookConfig struct {
	URL          Secret
	MaxAlerts    int
	SendResolved bool
}

// ConsoleConfig prints notifications on the service's standard output.
type ConsoleConfig struct {
	SendResolved bool
}

// RateLimit caps the notifications of a receiver: at most Max per Per; beyond that the
// notifications are held and sent as one digest when the limit allows again.
type RateLimit struct {
	Max int
	Per time.Duration
}

// Receiver is a named set of integrations.
type Receiver struct {
	Name      string
	Slack     *SlackConfig
	PagerDuty *PagerDutyConfig
	Webhook   *WebhookConfig
	Console   *ConsoleConfig
	RateLimit *RateLimit
	Pos       Pos
}

// Integrations counts the receiver's configured integrations.
func (r *Receiver) Integrations() int {
	n := 0
	if r.Slack != nil {
		n++
	}
	if r.PagerDuty != nil {
		n++
	}
	if r.Webhook != nil {
		n++
	}
	if r.Console != nil {
		n++
	}
	return n
}

// ParseFile reads and parses one rule file. It returns every error of the file at once (as
// Errors of *PosError).
func ParseFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	return Parse(path, b)
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse parses the content of a rule file named path.
func Parse(path string, content []byte) (*File, error) {
	l := &errList{yamlcheck.Checker{File: path, Src: content}}
	var root yaml.Node
	if err := yaml.Unmarshal(content, &root); err != nil {
		msg := err.Error()
		if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
			var line int
			_, _ = fmt.Sscan(m[1], &line)
			l.AtPos(line, 1, "%s", m[2])
		} else {
			l.AtPos(0, 0, "%s", msg)
		}
		return nil, l.Errs
	}
	f := &File{Path: path, src: content}
	top := yamlcheck.Deref(&root)
	if top == nil {
		return f, nil
	}
	fs := l.Mapping(top, "rule file", "groups", "route", "receivers", "inhibit_rules", "outreach")
	f.Outreach = fs["outreach"].Val
	for _, g := range l.Seq(fs["groups"].Val, "groups") {
		f.Groups = append(f.Groups, l.group(g))
	}
	if r := fs["route"]; r.Val != nil {
		f.Route = l.route(r.Val, true)
	}
	for _, n := range l.Seq(fs["receivers"].Val, "receivers") {
		f.Receivers = append(f.Receivers, l.receiver(n))
	}
	for _, n := range l.Seq(fs["inhibit_rules"].Val, "inhibit_rules") {
		f.InhibitRules = append(f.InhibitRules, l.inhibit(n))
	}
	if len(l.Errs) > 0 {
		l.Errs.Sort()
		return f, l.Errs
	}
	return f, nil
}

func (l *errList) group(n *yaml.Node) *Group {
	fs := l.Mapping(n, "group", "name", "interval", "rules")
	g := &Group{Pos: l.Pos(n), Interval: DefaultInterval}
	g.Name = l.Str(fs["name"].Val, "group name")
	if g.Name == "" {
		l.At(n, "group needs a name")
	}
	if d, ok := l.Duration(fs["interval"].Val, "interval"); ok {
		if d <= 0 {
			l.At(fs["interval"].Val, "interval must be positive")
		} else {
			g.Interval = d
		}
	}
	rules := l.Seq(fs["rules"].Val, "rules")
	if fs["rules"].Val == nil {
		l.At(n, "group %q has no rules", g.Name)
	}
	for _, rn := range rules {
		g.Rules = append(g.Rules, l.rule(rn))
	}
	return g
}

var selectKeys = []string{"source", "channel", "product", "region", "language", "customer_id", "sentiment", "topic", "labels", "text_contains"}

func (l *errList) rule(n *yaml.Node) *Rule {
	fs := l.Mapping(n, "rule", "alert", "select", "window", "group_by", "when", "anomaly", "for",
		"keep_firing_for", "labels", "annotations")
	r := &Rule{Pos: l.Pos(n), Window: DefaultWindow}
	r.Alert = l.Str(fs["alert"].Val, "alert")
	switch {
	case fs["alert"].Val == nil:
		l.At(n, "rule needs an alert name")
	case !labelNameRE.MatchString(r.Alert):
		l.At(fs["alert"].Val, "alert name %q must match %s", r.Alert, labelNameRE)
	}
	if s := fs["select"].Val; s != nil {
		sf := l.Mapping(s, "select", selectKeys...)
		r.Select = Select{
			Source:       l.StrList(sf["source"].Val, "select.source"),
			Channel:      l.StrList(sf["channel"].Val, "select.channel"),
			Product:      l.StrList(sf["product"].Val, "select.product"),
			Region:       l.StrList(sf["region"].Val, "select.region"),
			Language:     l.StrList(sf["language"].Val, "select.language"),
			CustomerID:   l.StrList(sf["customer_id"].Val, "select.customer_id"),
			Sentiment:    l.StrList(sf["sentiment"].Val, "select.sentiment"),
			Topic:        l.StrList(sf["topic"].Val, "select.topic"),
			TextContains: l.StrList(sf["text_contains"].Val, "select.text_contains"),
		}
		if cn := sf["channel"].Val; cn != nil {
			for _, c := range r.Select.Channel {
				if _, err := event.ParseChannel(c); err != nil {
					l.At(cn, "select.channel: %v", err)
				}
			}
		}
		if sn := sf["sentiment"].Val; sn != nil {
			for _, c := range r.Select.Sentiment {
				if _, err := event.ParseLabel(c); err != nil {
					l.At(sn, "select.sentiment: %v", err)
				}
			}
		}
		if ln := sf["labels"].Val; ln != nil {
			if ln.Kind != yaml.MappingNode {
				l.At(ln, "select.labels must be a mapping of label names to values")
			} else {
				r.Select.Labels = map[string][]string{}
				for i := 0; i+1 < len(ln.Content); i += 2 {
					k := ln.Content[i]
					if !labelNameRE.MatchString(k.Value) {
						l.At(k, "select.labels: bad label name %q", k.Value)
					}
					r.Select.Labels[k.Value] = l.StrList(yamlcheck.Deref(ln.Content[i+1]), "select.labels."+k.Value)
				}
			}
		}
		for _, w := range r.Select.TextContains {
			if strings.TrimSpace(w) == "" {
				l.At(sf["text_contains"].Val, "select.text_contains: empty word")
			}
		}
	}
	if d, ok := l.Duration(fs["window"].Val, "window"); ok {
		switch {
		case d < time.Minute:
			l.At(fs["window"].Val, "window must be at least 1m (the rollups are per minute)")
		case d%time.Minute != 0:
			l.At(fs["window"].Val, "window must be a whole number of minutes (the rollups are per minute)")
		default:
			r.Window = d
		}
	}
	if gb := fs["group_by"].Val; gb != nil {
		r.GroupBy = l.StrList(gb, "group_by")
		seen := map[string]bool{}
		for _, g := range r.GroupBy {
			if !groupableField(g) {
				l.At(gb, "group_by: unknown field %q (want source, channel, product, region, language, customer_id or labels.NAME)", g)
			}
			if seen[g] {
				l.At(gb, "group_by: %q listed twice", g)
			}
			seen[g] = true
		}
	}
	if d, ok := l.Duration(fs["for"].Val, "for"); ok {
		r.For = d
	}
	if d, ok := l.Duration(fs["keep_firing_for"].Val, "keep_firing_for"); ok {
		r.KeepFiringFor = d
	}
	if an := fs["anomaly"].Val; an != nil {
		r.Anomaly = l.anomaly(an)
	}
	if wn := fs["when"].Val; wn != nil {
		r.When = l.Str(wn, "when")
		if strings.TrimSpace(r.When) == "" {
			l.At(wn, "when is empty")
		} else {
			l.compileWhen(r, wn)
		}
	}
	if fs["when"].Val == nil && r.Anomaly == nil {
		l.At(n, "rule %q needs a `when` condition or an `anomaly` block", r.Alert)
	}
	if r.Anomaly != nil {
		r.primary = r.Anomaly.Series
		if t, ok := strings.CutPrefix(r.Anomaly.Series, "topic."); ok {
			r.Topics = appendUnique(r.Topics, t)
		}
	}
	if r.primary == "" {
		r.primary = AggVolume
	}
	labels, lpos := l.StrMap(fs["labels"].Val, "labels")
	r.Labels = Labels(labels)
	for _, k := range sortedKeys(labels) {
		if !labelNameRE.MatchString(k) {
			l.At(lpos[k], "labels: bad label name %q", k)
		}
		if k == LabelAlertName {
			l.At(lpos[k], "labels: %q is set from the rule's alert name", k)
		}
		for _, g := range r.GroupBy {
			if groupLabelName(g) == k {
				l.At(lpos[k], "labels: %q is also a group_by label", k)
			}
		}
	}
	ann, apos := l.StrMap(fs["annotations"].Val, "annotations")
	r.Annotations = ann
	r.annotations = map[string]*template.Template{}
	for _, k := range sortedKeys(ann) {
		t, err := newTemplate(k, ann[k])
		if err != nil {
			l.At(apos[k], "annotations.%s: %v", k, err)
			continue
		}
		r.annotations[k] = t
	}
	return r
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// groupableField reports whether a rule can group by f.
func groupableField(f string) bool {
	switch f {
	case "source", "channel", "product", "region", "language", "customer_id":
		return true
	}
	if name, ok := strings.CutPrefix(f, "labels."); ok {
		return labelNameRE.MatchString(name)
	}
	return false
}

// groupLabelName is the alert label a group_by field becomes ("labels.plan" → "plan").
func groupLabelName(f string) string {
	if name, ok := strings.CutPrefix(f, "labels."); ok {
		return name
	}
	return f
}

func (l *errList) anomaly(n *yaml.Node) *AnomalySpec {
	fs := l.Mapping(n, "anomaly", "series", "sensitivity", "seasonality", "threshold", "warmup")
	a := &AnomalySpec{Series: l.Str(fs["series"].Val, "anomaly.series")}
	switch {
	case fs["series"].Val == nil:
		l.At(n, "anomaly needs a series (one of %s or topic.NAME)", strings.Join(Aggregates, ", "))
	case !isAggregate(a.Series) && !strings.HasPrefix(a.Series, "topic."):
		l.At(fs["series"].Val, "anomaly.series: unknown aggregate %q (want one of %s or topic.NAME)", a.Series, strings.Join(Aggregates, ", "))
	}
	switch s := l.Str(fs["sensitivity"].Val, "anomaly.sensitivity"); s {
	case "", "medium":
	case "low":
		a.Sensitivity = SensitivityLow
	case "high":
		a.Sensitivity = SensitivityHigh
	default:
		l.At(fs["sensitivity"].Val, "anomaly.sensitivity: unknown value %q (want low, medium or high)", s)
	}
	switch s := l.Str(fs["seasonality"].Val, "anomaly.seasonality"); s {
	case "", "auto":
		a.Seasonality = SeasonalityAuto
	case "none":
	case "daily":
		a.Seasonality = SeasonalityDaily
	case "weekly":
		a.Seasonality = SeasonalityWeekly
	default:
		l.At(fs["seasonality"].Val, "anomaly.seasonality: unknown value %q (want auto, none, daily or weekly)", s)
	}
	if t := fs["threshold"].Val; t != nil {
		a.Threshold = l.Number(t, "anomaly.threshold")
		if a.Threshold <= 0 || a.Threshold > 1 {
			l.At(t, "anomaly.threshold must be in (0, 1]")
		}
	}
	a.Warmup = 6 * time.Hour
	if p := a.Seasonality.Period(); p > 0 {
		a.Warmup = 2 * p
	}
	if d, ok := l.Duration(fs["warmup"].Val, "anomaly.warmup"); ok {
		a.Warmup = d
	}
	return a
}

func (l *errList) matchers(n *yaml.Node, what string) Matchers {
	var out Matchers
	if n == nil {
		return nil
	}
	items := l.Seq(n, what)
	for _, c := range items {
		s := l.Str(c, what)
		if s == "" {
			continue
		}
		m, err := ParseMatcher(s)
		if err != nil {
			l.At(c, "%s: %v", what, err)
			continue
		}
		out = append(out, m)
	}
	return out
}

func (l *errList) route(n *yaml.Node, root bool) *Route {
	fs := l.Mapping(n, "route", "receiver", "matchers", "group_by", "group_wait", "group_interval",
		"repeat_interval", "continue", "routes")
	r := &Route{Pos: l.Pos(n)}
	r.Receiver = l.Str(fs["receiver"].Val, "receiver")
	if root && r.Receiver == "" {
		l.At(n, "the root route needs a receiver")
	}
	r.Matchers = l.matchers(fs["matchers"].Val, "matchers")
	if root && len(r.Matchers) > 0 {
		l.At(fs["matchers"].Val, "the root route must not have matchers: it receives every alert")
	}
	if gb := fs["group_by"].Val; gb != nil {
		r.GroupBy = l.StrList(gb, "group_by")
		if r.GroupBy == nil {
			r.GroupBy = []string{}
		}
		for _, g := range r.GroupBy {
			if g == "..." {
				r.GroupByAll = true
			} else if !labelNameRE.MatchString(g) {
				l.At(gb, "group_by: bad label name %q", g)
			}
		}
		if r.GroupByAll && len(r.GroupBy) > 1 {
			l.At(gb, "group_by: '...' must be alone")
		}
	}
	for key, dst := range map[string]*time.Duration{"group_wait": &r.GroupWait, "group_interval": &r.GroupInterval, "repeat_interval": &r.RepeatInterval} {
		if d, ok := l.Duration(fs[key].Val, key); ok {
			if d <= 0 && key != "group_wait" {
				l.At(fs[key].Val, "%s must be positive", key)
			}
			*dst = d
		}
	}
	if root && fs["continue"].Val != nil {
		l.At(fs["continue"].Val, "the root route cannot have continue")
	}
	r.Continue = l.Bool(fs["continue"].Val, "continue")
	for _, c := range l.Seq(fs["routes"].Val, "routes") {
		r.Routes = append(r.Routes, l.route(c, false))
	}
	return r
}

func (l *errList) sendResolved(n *yaml.Node) bool {
	if n == nil {
		return true
	}
	return l.Bool(n, "send_resolved")
}

func (l *errList) receiver(n *yaml.Node) *Receiver {
	fs := l.Mapping(n, "receiver", "name", "slack", "pagerduty", "webhook", "console", "rate_limit")
	r := &Receiver{Pos: l.Pos(n)}
	r.Name = l.Str(fs["name"].Val, "receiver name")
	if r.Name == "" {
		l.At(n, "receiver needs a name")
	}
	if s := fs["slack"].Val; s != nil {
		sf := l.Mapping(s, "slack", "channel", "token", "webhook_url", "api_url", "send_resolved")
		c := &SlackConfig{
			Channel:      l.Str(sf["channel"].Val, "slack.channel"),
			Token:        l.Secret(sf["token"].Val, "slack.token"),
			WebhookURL:   l.Secret(sf["webhook_url"].Val, "slack.webhook_url"),
			APIURL:       l.Str(sf["api_url"].Val, "slack.api_url"),
			SendResolved: l.sendResolved(sf["send_resolved"].Val),
		}
		switch {
		case sf["token"].Val == nil && sf["webhook_url"].Val == nil:
			l.At(s, "slack needs a token (bot) or a webhook_url (incoming webhook)")
		case sf["token"].Val != nil && c.Channel == "":
			l.At(s, "slack with a bot token needs a channel")
		}
		r.Slack = c
	}
	if p := fs["pagerduty"].Val; p != nil {
		pf := l.Mapping(p, "pagerduty", "routing_key", "url", "severity", "source", "send_resolved")
		c := &PagerDutyConfig{
			RoutingKey:   l.Secret(pf["routing_key"].Val, "pagerduty.routing_key"),
			URL:          l.Str(pf["url"].Val, "pagerduty.url"),
			Severity:     l.Str(pf["severity"].Val, "pagerduty.severity"),
			Source:       l.Str(pf["source"].Val, "pagerduty.source"),
			SendResolved: l.sendResolved(pf["send_resolved"].Val),
		}
		if pf["routing_key"].Val == nil {
			l.At(p, "pagerduty needs a routing_key")
		}
		if c.Severity != "" {
			if _, err := newTemplate("severity", c.Severity); err != nil {
				l.At(pf["severity"].Val, "pagerduty.severity: %v", err)
			}
		}
		r.PagerDuty = c
	}
	if w := fs["webhook"].Val; w != nil {
		wf := l.Mapping(w, "webhook", "url", "max_alerts", "send_resolved")
		c := &WebhookConfig{
			URL:          l.Secret(wf["url"].Val, "webhook.url"),
			MaxAlerts:    l.Int(wf["max_alerts"].Val, "webhook.max_alerts"),
			SendResolved: l.sendResolved(wf["send_resolved"].Val),
		}
		if wf["url"].Val == nil {
			l.At(w, "webhook needs a url")
		}
		r.Webhook = c
	}
	if c := fs["console"].Val; c != nil {
		cf := l.Mapping(c, "console", "send_resolved")
		r.Console = &ConsoleConfig{SendResolved: l.sendResolved(cf["send_resolved"].Val)}
	}
	if rl := fs["rate_limit"].Val; rl != nil {
		rf := l.Mapping(rl, "rate_limit", "max", "per")
		r.RateLimit = &RateLimit{Max: l.Int(rf["max"].Val, "rate_limit.max"), Per: time.Hour}
		if d, ok := l.Duration(rf["per"].Val, "rate_limit.per"); ok {
			r.RateLimit.Per = d
		}
		if r.RateLimit.Max <= 0 || r.RateLimit.Per <= 0 {
			l.At(rl, "rate_limit needs max > 0 and per > 0")
		}
	}
	return r
}

func (l *errList) inhibit(n *yaml.Node) *InhibitRule {
	fs := l.Mapping(n, "inhibit rule", "source_matchers", "target_matchers", "equal")
	r := &InhibitRule{Pos: l.Pos(n)}
	r.Source = l.matchers(fs["source_matchers"].Val, "source_matchers")
	r.Target = l.matchers(fs["target_matchers"].Val, "target_matchers")
	r.Equal = l.StrList(fs["equal"].Val, "equal")
	if len(r.Source) == 0 || len(r.Target) == 0 {
		l.At(n, "inhibit rule needs source_matchers and target_matchers")
	}
	for _, e := range r.Equal {
		if !labelNameRE.MatchString(e) {
			l.At(fs["equal"].Val, "equal: bad label name %q", e)
		}
	}
	return r
}
