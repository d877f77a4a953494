package alerting

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"go.yaml.in/yaml/v3"
)

// checkEnv is the environment `when` is compiled against: the names a rule may use, typed.
func checkEnv(anomaly *AnomalySpec) map[string]any {
	env := map[string]any{}
	for _, a := range Aggregates {
		env[a] = 0.0
	}
	env["topic"] = map[string]any{}
	env["topics"] = map[string]any{}
	if anomaly != nil {
		env[AggAnomalyScore] = 0.0
		env["baseline_"+anomaly.Series] = 0.0
		env["baseline_low"] = 0.0
		env["baseline_high"] = 0.0
	}
	return env
}

type identCollector struct {
	callees  map[ast.Node]bool
	declared map[string]bool
	idents   []*ast.IdentifierNode
	members  []*ast.MemberNode
}

func (c *identCollector) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		c.callees[x.Callee] = true
	case *ast.VariableDeclaratorNode:
		c.declared[x.Name] = true
	case *ast.IdentifierNode:
		c.idents = append(c.idents, x)
	case *ast.MemberNode:
		c.members = append(c.members, x)
	}
}

// compileWhen checks a rule's `when` against the known aggregates, reporting every unknown name
// at its position in the file, then compiles it to a boolean program. n is the scalar r.When
// was read from.
func (l *errList) compileWhen(r *Rule, n *yaml.Node) {
	src := r.When
	tree, err := parser.Parse(src)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			l.AtOffset(n, fe.From, "when: %s", fe.Message)
		} else {
			l.At(n, "when: %v", err)
		}
		return
	}
	env := checkEnv(r.Anomaly)
	c := &identCollector{callees: map[ast.Node]bool{}, declared: map[string]bool{}}
	ast.Walk(&tree.Node, c)
	bad := false
	known := strings.Join(append(append([]string{}, Aggregates...), "topic.NAME", "topics[\"NAME\"]"), ", ")
	for _, id := range c.idents {
		if c.callees[id] || c.declared[id.Value] {
			continue
		}
		if _, ok := env[id.Value]; ok {
			continue
		}
		bad = true
		switch {
		case id.Value == AggAnomalyScore || strings.HasPrefix(id.Value, "baseline_"):
			if r.Anomaly == nil {
				l.AtOffset(n, id.Location().From, "when: %q needs an `anomaly` block in the rule", id.Value)
			} else {
				l.AtOffset(n, id.Location().From, "when: unknown name %q (this rule's detector gives anomaly_score, baseline_%s, baseline_low, baseline_high)", id.Value, r.Anomaly.Series)
			}
		default:
			l.AtOffset(n, id.Location().From, "when: unknown aggregate or field %q (known: %s)", id.Value, known)
		}
	}
	for _, m := range c.members {
		id, ok := m.Node.(*ast.IdentifierNode)
		if !ok || (id.Value != "topic" && id.Value != "topics") {
			continue
		}
		if s, ok := m.Property.(*ast.StringNode); ok {
			r.Topics = appendUnique(r.Topics, s.Value)
		} else {
			bad = true
			l.AtOffset(n, m.Location().From, "when: %s[...] needs a literal topic name", id.Value)
		}
	}
	if bad {
		return
	}
	prog, err := expr.Compile(src, expr.Env(env), expr.AsBool())
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			l.AtOffset(n, fe.From, "when: %s", fe.Message)
		} else {
			l.At(n, "when: %v", err)
		}
		return
	}
	r.prog = prog
	// The alert's value is the first aggregate the condition names.
	first := -1
	for _, id := range c.idents {
		if isAggregate(id.Value) && (first < 0 || id.Location().From < first) {
			first, r.primary = id.Location().From, id.Value
		}
	}
	for _, m := range c.members {
		if s, ok := m.Property.(*ast.StringNode); ok && (first < 0 || m.Location().From < first) {
			if id, ok := m.Node.(*ast.IdentifierNode); ok && (id.Value == "topic" || id.Value == "topics") {
				first, r.primary = m.Location().From, "topic."+s.Value
			}
		}
	}
}

// evalWhen runs the compiled condition on an environment.
func (r *Rule) evalWhen(env map[string]any) (bool, error) {
	if r.prog == nil {
		return true, nil
	}
	out, err := expr.Run(r.prog, env)
	if err != nil {
		return false, fmt.Errorf("rule %s: when: %w", r.Alert, err)
	}
	b, _ := out.(bool)
	return b, nil
}
