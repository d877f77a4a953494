package alerting

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// RuleSet is the union of rule files: every group, and the one routing configuration.
type RuleSet struct {
	Files        []string
	Groups       []*Group
	Route        *Route
	Receivers    map[string]*Receiver
	InhibitRules []*InhibitRule
	// Outreach lists the files' `outreach:` sections, in file order, for package outreach.
	Outreach []Section
}

// Section is a top-level section of a rule file that another package reads.
type Section struct {
	File string
	// Src is the file's content (for the positions of errors inside block scalars).
	Src  []byte
	Node *yaml.Node
}

// Receiver returns the named receiver or nil.
func (s *RuleSet) Receiver(name string) *Receiver { return s.Receivers[name] }

// LoadFiles parses rule files and checks them together: it returns every syntax and semantic
// error of all files at once, each as file:line:col (Errors of *PosError).
func LoadFiles(paths ...string) (*RuleSet, error) {
	return loadFiles(paths, true)
}

// LoadRuleFiles is LoadFiles for uses that deliver nothing (backtests): a missing route is not
// an error.
func LoadRuleFiles(paths ...string) (*RuleSet, error) {
	return loadFiles(paths, false)
}

func loadFiles(paths []string, needRoute bool) (*RuleSet, error) {
	var files []*File
	var errs Errors
	for _, p := range paths {
		f, err := ParseFile(p)
		if err != nil {
			if es, ok := err.(Errors); ok {
				errs = append(errs, es...)
			} else {
				errs = append(errs, err)
			}
		}
		if f != nil {
			files = append(files, f)
		}
	}
	set, serrs := assemble(files, needRoute)
	errs = append(errs, serrs...)
	if len(errs) > 0 {
		errs.Sort()
		return set, errs
	}
	return set, nil
}

// Assemble joins parsed files into a RuleSet and runs the checks that span files: unique group
// and receiver names, routes to defined receivers, every rule deliverable by some route.
func Assemble(files []*File) (*RuleSet, Errors) { return assemble(files, true) }

func assemble(files []*File, needRoute bool) (*RuleSet, Errors) {
	set := &RuleSet{Receivers: map[string]*Receiver{}}
	var errs Errors
	add := func(p Pos, format string, args ...any) {
		errs = append(errs, &PosError{File: p.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
	}
	groups := map[string]*Group{}
	for _, f := range files {
		set.Files = append(set.Files, f.Path)
		for _, g := range f.Groups {
			if prev, ok := groups[g.Name]; ok && g.Name != "" {
				add(g.Pos, "group %q is already defined at %s", g.Name, prev.Pos)
				continue
			}
			groups[g.Name] = g
			set.Groups = append(set.Groups, g)
			alerts := map[string]Pos{}
			for _, r := range g.Rules {
				if prev, ok := alerts[r.Alert]; ok && r.Alert != "" {
					add(r.Pos, "alert %q is already defined in group %q at %s", r.Alert, g.Name, prev)
				}
				alerts[r.Alert] = r.Pos
			}
		}
		if f.Route != nil {
			if set.Route != nil {
				add(f.Route.Pos, "a second route: the routing tree is already defined at %s", set.Route.Pos)
			} else {
				set.Route = f.Route
			}
		}
		for _, r := range f.Receivers {
			if prev, ok := set.Receivers[r.Name]; ok {
				add(r.Pos, "receiver %q is already defined at %s", r.Name, prev.Pos)
				continue
			}
			set.Receivers[r.Name] = r
		}
		set.InhibitRules = append(set.InhibitRules, f.InhibitRules...)
		if f.Outreach != nil {
			set.Outreach = append(set.Outreach, Section{File: f.Path, Src: f.src, Node: f.Outreach})
		}
	}
	if set.Route == nil {
		if len(set.Groups) > 0 && needRoute {
			var p Pos
			for _, g := range set.Groups {
				if len(g.Rules) > 0 {
					p = g.Rules[0].Pos
					break
				}
			}
			if p.File == "" {
				p = set.Groups[0].Pos
			}
			add(p, "no route in %s: alerts of these rules cannot be delivered (add a `route` and `receivers`)", strings.Join(set.Files, ", "))
		}
		return set, errs
	}
	finishRoute(set.Route, nil, "{}")
	var checkRoute func(r *Route)
	checkRoute = func(r *Route) {
		if r.Receiver != "" {
			if _, ok := set.Receivers[r.Receiver]; !ok {
				add(r.Pos, "route to undefined receiver %q", r.Receiver)
			}
		}
		for _, c := range r.Routes {
			checkRoute(c)
		}
	}
	checkRoute(set.Route)
	for _, g := range set.Groups {
		for _, r := range g.Rules {
			recv := possibleReceivers(set.Route, ruleLabelKnowledge(r))
			deliverable := false
			for _, name := range recv {
				// An undefined receiver is reported at its route already.
				if rc := set.Receivers[name]; rc == nil || rc.Integrations() > 0 {
					deliverable = true
				}
			}
			if !deliverable && len(recv) > 0 {
				add(r.Pos, "alert %q cannot be delivered: its routes end at receivers without integrations (%s)", r.Alert, strings.Join(recv, ", "))
			}
		}
	}
	return set, errs
}

// finishRoute fills inherited settings and route ids, Alertmanager style.
func finishRoute(r, parent *Route, parentID string) {
	if parent != nil {
		if r.Receiver == "" {
			r.Receiver = parent.Receiver
		}
		if r.GroupBy == nil {
			r.GroupBy = parent.GroupBy
			r.GroupByAll = parent.GroupByAll
		}
		if r.GroupWait == 0 {
			r.GroupWait = parent.GroupWait
		}
		if r.GroupInterval == 0 {
			r.GroupInterval = parent.GroupInterval
		}
		if r.RepeatInterval == 0 {
			r.RepeatInterval = parent.RepeatInterval
		}
		r.id = parentID + "/" + r.Matchers.String()
	} else {
		if r.GroupWait == 0 {
			r.GroupWait = DefaultGroupWait
		}
		if r.GroupInterval == 0 {
			r.GroupInterval = DefaultGroupInterval
		}
		if r.RepeatInterval == 0 {
			r.RepeatInterval = DefaultRepeatInterval
		}
		r.id = parentID
	}
	for i, c := range r.Routes {
		finishRoute(c, r, fmt.Sprintf("%s/%d", r.id, i))
	}
}

// labelKnowledge says what is known of an alert's labels before it fires: fixed values, and
// names whose values depend on the data.
type labelKnowledge struct {
	fixed   Labels
	dynamic map[string]bool
}

func ruleLabelKnowledge(r *Rule) labelKnowledge {
	k := labelKnowledge{fixed: r.Labels.Clone(), dynamic: map[string]bool{}}
	k.fixed[LabelAlertName] = r.Alert
	for _, g := range r.GroupBy {
		k.dynamic[groupLabelName(g)] = true
	}
	return k
}

// matchKind is the outcome of matching known labels: no, maybe (depends on data), yes.
type matchKind uint8

const (
	matchNo matchKind = iota
	matchMaybe
	matchYes
)

func (k labelKnowledge) match(ms Matchers) matchKind {
	out := matchYes
	for _, m := range ms {
		if k.dynamic[m.Name] {
			out = matchMaybe
			continue
		}
		if !m.Matches(k.fixed[m.Name]) {
			return matchNo
		}
	}
	return out
}

// possibleReceivers walks the routing tree as Alertmanager does, keeping every branch an alert
// of the rule could take.
func possibleReceivers(root *Route, k labelKnowledge) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(r *Route)
	walk = func(r *Route) {
		sure := false
		for _, c := range r.Routes {
			m := k.match(c.Matchers)
			if m == matchNo {
				continue
			}
			walk(c)
			if m == matchYes {
				sure = true
				if !c.Continue {
					break
				}
			}
		}
		if !sure {
			if !seen[r.Receiver] {
				seen[r.Receiver] = true
				out = append(out, r.Receiver)
			}
		}
	}
	walk(root)
	return out
}

// Rules returns every rule of the set with its group.
func (s *RuleSet) Rules() []RuleRef {
	var out []RuleRef
	for _, g := range s.Groups {
		for _, r := range g.Rules {
			out = append(out, RuleRef{Group: g, Rule: r})
		}
	}
	return out
}

// RuleRef is a rule and its group.
type RuleRef struct {
	Group *Group
	Rule  *Rule
}
