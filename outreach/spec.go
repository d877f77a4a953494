package outreach

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// Defaults of the `outreach:` section.
const (
	DefaultInterval      = time.Minute
	DefaultWindow        = 7 * 24 * time.Hour
	DefaultRecent        = 24 * time.Hour
	DefaultCooldown      = 7 * 24 * time.Hour
	DefaultMaxCandidates = 10000
	DefaultEvidence      = 3
	DefaultRecovery      = 3 * 24 * time.Hour
)

// Priority says how soon a task should be worked on.
type Priority uint8

// The priorities, lowest first.
const (
	PriorityLow Priority = iota
	PriorityNormal
	PriorityHigh
	PriorityUrgent
)

var priorityNames = [...]string{"low", "normal", "high", "urgent"}

// String returns low, normal, high or urgent.
func (p Priority) String() string {
	if int(p) < len(priorityNames) {
		return priorityNames[p]
	}
	return fmt.Sprintf("priority(%d)", uint8(p))
}

// ParsePriority maps a priority's name to a Priority.
func ParsePriority(s string) (Priority, error) {
	for i, n := range priorityNames {
		if n == s {
			return Priority(i), nil
		}
	}
	return PriorityNormal, fmt.Errorf("unknown priority %q (want low, normal, high or urgent)", s)
}

// Secret is a credential written in the rule file as ${ENV}; Name is the variable. Its Resolve
// reads the variable through a getenv function ("" when unset).
type Secret = yamlcheck.Secret

// SlackSpec posts a team's tasks and incident notes with a bot token (chat.postMessage).
type SlackSpec struct {
	Channel string
	Token   Secret
	// APIURL overrides Slack's API base URL (https://slack.com/api/).
	APIURL string
}

// WebhookSpec posts a team's tasks and incident notes as JSON, for CRMs.
type WebhookSpec struct {
	URL Secret
}

// Team owns tasks: where they are delivered and how many a day it takes.
type Team struct {
	Name string
	// DailyCap bounds the tasks created for the team in any 24 hours; 0 is no bound.
	DailyCap int
	Slack    *SlackSpec
	Webhook  *WebhookSpec
	Pos      Pos
}

// Owner routes a policy's task to Team when the customer's product, region and labels match
// (each listed field: any of its values; an empty field matches all).
type Owner struct {
	Team    string
	Product []string
	Region  []string
	Labels  map[string][]string
}

func (o *Owner) matches(h *Health) bool {
	in := func(v string, vals []string) bool {
		if len(vals) == 0 {
			return true
		}
		for _, x := range vals {
			if x == v {
				return true
			}
		}
		return false
	}
	if !in(h.Product, o.Product) || !in(h.Region, o.Region) {
		return false
	}
	for k, vals := range o.Labels {
		if !in(h.Labels[k], vals) {
			return false
		}
	}
	return true
}

// Policy turns a customer's health into a task: when `When` holds, a task of Priority for the
// first matching owner.
type Policy struct {
	Name     string
	When     string
	Priority Priority
	// Cooldown: no task of this policy for a customer who got any task this recently.
	Cooldown time.Duration
	// For is how long the condition must hold before the task is created, so an alert about the
	// incident behind a complaint has time to fire and hold it (the alert's own `for` and
	// window). Kept in memory: after a restart the wait starts again.
	For    time.Duration
	Owners []Owner
	Pos    Pos

	prog *vm.Program
}

// Matches evaluates the policy's condition on h.
func (p *Policy) Matches(h *Health) (bool, error) {
	out, err := expr.Run(p.prog, h)
	if err != nil {
		return false, fmt.Errorf("policy %s: when: %w", p.Name, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// Route returns the team of the first owner matching h, "" when none does.
func (p *Policy) Route(h *Health) string {
	for i := range p.Owners {
		if p.Owners[i].matches(h) {
			return p.Owners[i].Team
		}
	}
	return ""
}

// IncidentSpec says which alerts hold per-customer tasks.
type IncidentSpec struct {
	// HoldWhile lists the alert states that hold tasks: pending, firing.
	HoldWhile []string
	// MatchOn lists the alert labels compared with the places of a customer's complaints:
	// product, region. An alert covers a customer when it carries at least one of them and a
	// recent negative contact of the customer has every value it carries.
	MatchOn []string
	// Alerts restricts holds to these alert names; empty: every alert.
	Alerts []string
}

// RecoverySpec says how the outcome of a contact is judged.
type RecoverySpec struct {
	// Window is compared before and after the contact (whole hours: the hours starting in
	// [contact-window, contact) against [contact, contact+window)); the outcome is recorded an
	// hour after it passed.
	Window time.Duration
	// MinContacts after the contact are needed to judge; fewer is the outcome "silent".
	MinContacts int
	// MinScore: recovered when the mean score after the contact is at least this and higher
	// than before.
	MinScore float64
}

// Spec is the parsed `outreach:` sections of the rule files. Customer health comes from an hourly
// rollup: Window and Recent hold the hours that overlap them (a `recent` of 10m is the current
// hour, and the previous one in its first ten minutes); cooldowns and caps are exact.
type Spec struct {
	Interval      time.Duration
	Window        time.Duration
	Recent        time.Duration
	Cooldown      time.Duration
	MaxCandidates int
	// Evidence is how many recent negative messages a task carries.
	Evidence     int
	DashboardURL string
	CRMURL       string
	Incidents    IncidentSpec
	Recovery     RecoverySpec
	Teams        []*Team
	Policies     []*Policy

	dashboard, crm *template.Template
}

// Team returns the named team or nil.
func (s *Spec) Team(name string) *Team {
	for _, t := range s.Teams {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// holds reports whether an alert in state holds tasks.
func (s *Spec) holds(state string) bool {
	for _, st := range s.Incidents.HoldWhile {
		if st == state {
			return true
		}
	}
	return false
}

// Section is one rule file's `outreach:` section.
type Section struct {
	File string
	// Src is the file's content (for the positions of errors inside block scalars).
	Src  []byte
	Node *yaml.Node
}

// LinkData is what the dashboard_url and crm_url templates see.
type LinkData struct {
	CustomerID string
	TaskID     string
	Product    string
	Region     string
	Labels     map[string]string
}

// Links renders the dashboard and CRM links of a task; "" when not configured.
func (s *Spec) Links(d LinkData) (dashboard, crm string) {
	render := func(t *template.Template) string {
		if t == nil {
			return ""
		}
		var b bytes.Buffer
		if t.Execute(&b, d) != nil {
			return ""
		}
		return b.String()
	}
	return render(s.dashboard), render(s.crm)
}

var (
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	labelRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ParseFile reads a rule file and parses its `outreach:` section, ignoring the others (package
// alerting checks those). A file without the section gives nil.
func ParseFile(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	top := yamlcheck.Deref(&root)
	if top == nil || top.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "outreach" {
			return ParseSections([]Section{{File: path, Src: b, Node: top.Content[i+1]}})
		}
	}
	return nil, nil
}

// ParseSections parses and checks the `outreach:` sections of one rule set together: teams and
// policies accumulate, settings may be given in one section only. It returns every error at
// once, as Errors. No section gives nil.
func ParseSections(sections []Section) (*Spec, error) {
	if len(sections) == 0 {
		return nil, nil
	}
	s := &Spec{
		Interval: DefaultInterval, Window: DefaultWindow, Recent: DefaultRecent, Cooldown: DefaultCooldown,
		MaxCandidates: DefaultMaxCandidates, Evidence: DefaultEvidence,
		Incidents: IncidentSpec{HoldWhile: []string{"pending", "firing"}, MatchOn: []string{"product", "region"}},
		Recovery:  RecoverySpec{Window: DefaultRecovery, MinContacts: 1},
	}
	var errs Errors
	setAt := map[string]Pos{}
	type pending struct {
		p         *Policy
		cooldown  bool
		ownerNode map[int]*yaml.Node
	}
	var policies []pending
	for _, sec := range sections {
		c := &checker{yamlcheck.Checker{File: sec.File, Src: sec.Src, NullIsEmpty: true}}
		fs := c.Mapping(sec.Node, "outreach", "interval", "window", "recent", "cooldown", "max_candidates", "evidence",
			"dashboard_url", "crm_url", "incidents", "recovery", "teams", "policies")
		once := func(key string) bool {
			e, ok := fs[key]
			if !ok {
				return false
			}
			if prev, dup := setAt[key]; dup {
				c.At(e.Key, "%s is already set at %s", key, prev)
				return false
			}
			setAt[key] = c.Pos(e.Key)
			return true
		}
		for _, key := range []string{"interval", "window", "recent", "cooldown"} {
			if !once(key) {
				continue
			}
			d, ok := c.Duration(fs[key].Val, key)
			if !ok {
				continue
			}
			switch key {
			case "interval":
				if d <= 0 {
					c.At(fs[key].Val, "interval must be positive")
				} else {
					s.Interval = d
				}
			case "window", "recent":
				if d < time.Minute || d%time.Minute != 0 {
					c.At(fs[key].Val, "%s must be a whole number of minutes, at least 1m", key)
				} else if key == "window" {
					s.Window = d
				} else {
					s.Recent = d
				}
			case "cooldown":
				s.Cooldown = d
			}
		}
		if once("max_candidates") {
			if v := c.Int(fs["max_candidates"].Val, "max_candidates"); v > 0 {
				s.MaxCandidates = v
			} else {
				c.At(fs["max_candidates"].Val, "max_candidates must be at least 1")
			}
		}
		if once("evidence") {
			s.Evidence = c.Int(fs["evidence"].Val, "evidence")
			if s.Evidence > 20 {
				c.At(fs["evidence"].Val, "evidence must be at most 20 messages")
			}
		}
		for key, dst := range map[string]**template.Template{"dashboard_url": &s.dashboard, "crm_url": &s.crm} {
			if !once(key) {
				continue
			}
			src := c.Str(fs[key].Val, key)
			t, err := linkTemplate(key, src)
			if err != nil {
				c.At(fs[key].Val, "%s: %v", key, err)
				continue
			}
			*dst = t
			if key == "dashboard_url" {
				s.DashboardURL = src
			} else {
				s.CRMURL = src
			}
		}
		if once("incidents") {
			s.Incidents = c.incidents(fs["incidents"].Val, s.Incidents)
		}
		if once("recovery") {
			s.Recovery = c.recovery(fs["recovery"].Val, s.Recovery)
		}
		for _, n := range c.Seq(fs["teams"].Val, "teams") {
			s.Teams = append(s.Teams, c.team(n))
		}
		for _, n := range c.Seq(fs["policies"].Val, "policies") {
			p, hasCooldown, owners := c.policy(n)
			policies = append(policies, pending{p: p, cooldown: hasCooldown, ownerNode: owners})
		}
		errs = append(errs, c.Errs...)
	}
	// Checks across sections.
	x := &checker{}
	teams := map[string]*Team{}
	for _, t := range s.Teams {
		if prev, ok := teams[t.Name]; ok && t.Name != "" {
			x.Errs = append(x.Errs, &PosError{
				File: t.Pos.File, Line: t.Pos.Line, Col: t.Pos.Col,
				Msg: fmt.Sprintf("team %q is already defined at %s", t.Name, prev.Pos),
			})
			continue
		}
		teams[t.Name] = t
	}
	names := map[string]Pos{}
	for _, pp := range policies {
		p := pp.p
		if prev, ok := names[p.Name]; ok && p.Name != "" {
			x.Errs = append(x.Errs, &PosError{
				File: p.Pos.File, Line: p.Pos.Line, Col: p.Pos.Col,
				Msg: fmt.Sprintf("policy %q is already defined at %s", p.Name, prev),
			})
		}
		names[p.Name] = p.Pos
		if !pp.cooldown {
			p.Cooldown = s.Cooldown
		}
		for i, o := range p.Owners {
			if o.Team != "" && teams[o.Team] == nil {
				n := pp.ownerNode[i]
				x.Errs = append(x.Errs, &PosError{
					File: p.Pos.File, Line: n.Line, Col: n.Column,
					Msg: fmt.Sprintf("policy %q: owner team %q is not defined under teams", p.Name, o.Team),
				})
			}
		}
		s.Policies = append(s.Policies, p)
	}
	if s.Recent > s.Window {
		p := setAt["recent"]
		if p.File == "" {
			p = setAt["window"]
		}
		if p.File == "" {
			p = Pos{File: sections[0].File}
		}
		x.Errs = append(x.Errs, &PosError{
			File: p.File, Line: p.Line, Col: p.Col,
			Msg: fmt.Sprintf("recent (%s) must not be longer than window (%s)", yamlcheck.FormatDays(s.Recent), yamlcheck.FormatDays(s.Window)),
		})
	}
	if len(s.Policies) == 0 {
		n := sections[0].Node
		x.Errs = append(x.Errs, &PosError{
			File: sections[0].File, Line: n.Line, Col: n.Column,
			Msg: "outreach has no policies: add at least one under policies",
		})
	}
	errs = append(errs, x.Errs...)
	if len(errs) > 0 {
		errs.Sort()
		return s, errs
	}
	return s, nil
}

func linkTemplate(name, src string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, err
	}
	// Unknown fields only show when the template runs.
	if err := t.Execute(&bytes.Buffer{}, LinkData{Labels: map[string]string{}}); err != nil {
		return nil, fmt.Errorf("%v (fields: .CustomerID, .TaskID, .Product, .Region, .Labels)", err)
	}
	return t, nil
}

func (c *checker) incidents(n *yaml.Node, def IncidentSpec) IncidentSpec {
	fs := c.Mapping(n, "incidents", "hold_while", "match_on", "alerts")
	out := def
	if e, ok := fs["hold_while"]; ok {
		out.HoldWhile = c.StrList(e.Val, "incidents.hold_while")
		for _, st := range out.HoldWhile {
			if st != "pending" && st != "firing" {
				c.At(e.Val, "incidents.hold_while: unknown alert state %q (want pending, firing)", st)
			}
		}
	}
	if e, ok := fs["match_on"]; ok {
		out.MatchOn = c.StrList(e.Val, "incidents.match_on")
		for _, l := range out.MatchOn {
			if l != "product" && l != "region" {
				c.At(e.Val, "incidents.match_on: unknown field %q (want product, region)", l)
			}
		}
		if len(out.MatchOn) == 0 {
			c.At(e.Val, "incidents.match_on needs product, region or both")
		}
	}
	if e, ok := fs["alerts"]; ok {
		out.Alerts = c.StrList(e.Val, "incidents.alerts")
	}
	return out
}

func (c *checker) recovery(n *yaml.Node, def RecoverySpec) RecoverySpec {
	fs := c.Mapping(n, "recovery", "window", "min_contacts", "min_score")
	out := def
	if d, ok := c.Duration(fs["window"].Val, "recovery.window"); ok {
		if d < time.Hour || d%time.Hour != 0 {
			c.At(fs["window"].Val, "recovery.window must be a whole number of hours (the customer rollup is hourly)")
		} else {
			out.Window = d
		}
	}
	if e, ok := fs["min_contacts"]; ok {
		out.MinContacts = c.Int(e.Val, "recovery.min_contacts")
		if out.MinContacts < 1 {
			c.At(e.Val, "recovery.min_contacts must be at least 1")
		}
	}
	if e, ok := fs["min_score"]; ok {
		out.MinScore = c.Number(e.Val, "recovery.min_score")
		if out.MinScore < -1 || out.MinScore > 1 {
			c.At(e.Val, "recovery.min_score must be within [-1, 1]")
		}
	}
	return out
}

func (c *checker) team(n *yaml.Node) *Team {
	fs := c.Mapping(n, "team", "name", "daily_cap", "slack", "webhook")
	t := &Team{Pos: c.Pos(n)}
	t.Name = c.Str(fs["name"].Val, "team name")
	switch {
	case fs["name"].Val == nil:
		c.At(n, "team needs a name")
	case !nameRE.MatchString(t.Name):
		c.At(fs["name"].Val, "team name %q must match %s", t.Name, nameRE)
	}
	t.DailyCap = c.Int(fs["daily_cap"].Val, "daily_cap")
	if e, ok := fs["slack"]; ok {
		sf := c.Mapping(e.Val, "slack", "channel", "token", "api_url")
		t.Slack = &SlackSpec{
			Channel: c.Str(sf["channel"].Val, "slack.channel"), Token: c.Secret(sf["token"].Val, "slack.token"),
			APIURL: c.Str(sf["api_url"].Val, "slack.api_url"),
		}
		if t.Slack.Channel == "" || sf["token"].Val == nil {
			c.At(e.Val, "slack needs a channel and a bot token (token: \"${SLACK_BOT_TOKEN}\")")
		}
	}
	if e, ok := fs["webhook"]; ok {
		wf := c.Mapping(e.Val, "webhook", "url")
		t.Webhook = &WebhookSpec{URL: c.Secret(wf["url"].Val, "webhook.url")}
		if wf["url"].Val == nil {
			c.At(e.Val, "webhook needs a url")
		}
	}
	return t
}

func (c *checker) owner(n *yaml.Node) Owner {
	if n.Kind == yaml.ScalarNode {
		return Owner{Team: c.Str(n, "owner")}
	}
	fs := c.Mapping(n, "owner", "team", "product", "region", "labels")
	o := Owner{
		Team: c.Str(fs["team"].Val, "owner team"), Product: c.StrList(fs["product"].Val, "owner product"),
		Region: c.StrList(fs["region"].Val, "owner region"),
	}
	if fs["team"].Val == nil {
		c.At(n, "owner needs a team")
	}
	if e, ok := fs["labels"]; ok {
		if e.Val.Kind != yaml.MappingNode {
			c.At(e.Val, "owner labels must be a mapping of label names to values")
		} else {
			o.Labels = map[string][]string{}
			for i := 0; i+1 < len(e.Val.Content); i += 2 {
				k := e.Val.Content[i]
				if !labelRE.MatchString(k.Value) {
					c.At(k, "owner labels: bad label name %q", k.Value)
				}
				o.Labels[k.Value] = c.StrList(yamlcheck.Deref(e.Val.Content[i+1]), "owner labels."+k.Value)
			}
		}
	}
	return o
}

func (c *checker) policy(n *yaml.Node) (p *Policy, hasCooldown bool, ownerNodes map[int]*yaml.Node) {
	fs := c.Mapping(n, "policy", "name", "when", "for", "priority", "cooldown", "owner", "owners")
	p = &Policy{Pos: c.Pos(n), Priority: PriorityNormal}
	ownerNodes = map[int]*yaml.Node{}
	p.Name = c.Str(fs["name"].Val, "policy name")
	switch {
	case fs["name"].Val == nil:
		c.At(n, "policy needs a name")
	case !nameRE.MatchString(p.Name):
		c.At(fs["name"].Val, "policy name %q must match %s", p.Name, nameRE)
	}
	if e, ok := fs["priority"]; ok {
		pr, err := ParsePriority(c.Str(e.Val, "priority"))
		if err != nil {
			c.At(e.Val, "%v", err)
		}
		p.Priority = pr
	}
	if d, ok := c.Duration(fs["cooldown"].Val, "cooldown"); ok {
		p.Cooldown, hasCooldown = d, true
	}
	if d, ok := c.Duration(fs["for"].Val, "for"); ok {
		p.For = d
	}
	_, one := fs["owner"]
	_, many := fs["owners"]
	switch {
	case one && many:
		c.At(fs["owners"].Key, "policy %q: give owner or owners, not both", p.Name)
	case one:
		p.Owners = []Owner{c.owner(fs["owner"].Val)}
		ownerNodes[0] = fs["owner"].Val
	case many:
		for i, on := range c.Seq(fs["owners"].Val, "owners") {
			p.Owners = append(p.Owners, c.owner(on))
			ownerNodes[i] = on
		}
		if len(p.Owners) == 0 {
			c.At(fs["owners"].Val, "policy %q: owners is empty", p.Name)
		}
	default:
		c.At(n, "policy %q needs an owner (a team) or owners (teams chosen by the customer's labels)", p.Name)
	}
	if e, ok := fs["when"]; ok {
		p.When = c.Str(e.Val, "when")
		if strings.TrimSpace(p.When) == "" {
			c.At(e.Val, "when is empty")
		} else {
			p.prog = c.compileWhen(p.When, e.Val)
		}
	} else {
		c.At(n, "policy %q needs a `when` condition over the customer's health", p.Name)
	}
	return p, hasCooldown, ownerNodes
}

// compileWhen compiles a condition against Health, reporting errors at their position in the
// file. n is the scalar src was read from.
func (c *checker) compileWhen(src string, n *yaml.Node) *vm.Program {
	prog, err := expr.Compile(src, expr.Env(Health{}), expr.AsBool())
	if err == nil {
		return prog
	}
	var fe *file.Error
	if !errors.As(err, &fe) {
		c.At(n, "when: %v", err)
		return nil
	}
	msg := fe.Message
	if strings.HasPrefix(msg, "unknown name ") {
		msg += " (known: " + strings.Join(HealthNames(), ", ") + ")"
	}
	c.AtOffset(n, fe.From, "when: %s", msg)
	return nil
}
