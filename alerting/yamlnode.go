package alerting

import (
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The helpers below walk a yaml.Node tree by hand so that every mistake of a file is reported
// with its position, not only the first one, and unknown keys are errors.

type field struct {
	key, val *yaml.Node
}

// fields returns the key/value pairs of a mapping, reporting unknown and duplicate keys.
func (l *errList) fields(n *yaml.Node, what string, known ...string) map[string]field {
	out := map[string]field{}
	n = deref(n)
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		l.at(n, "%s must be a mapping, not %s", what, kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		ok := false
		for _, kn := range known {
			if kn == name {
				ok = true
				break
			}
		}
		if !ok {
			l.at(k, "unknown key %q in %s (known: %s)", name, what, strings.Join(known, ", "))
			continue
		}
		if _, dup := out[name]; dup {
			l.at(k, "duplicate key %q in %s", name, what)
			continue
		}
		out[name] = field{k, deref(v)}
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode) {
		if n.Kind == yaml.DocumentNode {
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		} else {
			n = n.Alias
		}
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "unknown"
}

func (l *errList) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.at(n, "%s must be a string, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

func (l *errList) boolean(n *yaml.Node, what string) bool {
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		l.at(n, "%s must be true or false", what)
		return false
	}
	b, _ := strconv.ParseBool(n.Value)
	return b
}

func (l *errList) integer(n *yaml.Node, what string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		l.at(n, "%s must be a non-negative integer", what)
		return 0
	}
	return v
}

func (l *errList) number(n *yaml.Node, what string) float64 {
	if n == nil {
		return 0
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		l.at(n, "%s must be a number", what)
		return 0
	}
	return v
}

func (l *errList) duration(n *yaml.Node, what string) (time.Duration, bool) {
	if n == nil {
		return 0, false
	}
	s := l.str(n, what)
	if s == "" {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		l.at(n, "%s: %v", what, err)
		return 0, false
	}
	return d, true
}

// strList accepts a list of strings or a single string.
func (l *errList) strList(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		l.at(n, "%s must be a string or a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			l.at(c, "%s must hold strings, not %s", what, kindName(c))
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// strMap reads a mapping of strings; it returns the value nodes too, for positions.
func (l *errList) strMap(n *yaml.Node, what string) (map[string]string, map[string]*yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		l.at(n, "%s must be a mapping of strings", what)
		return nil, nil
	}
	out := map[string]string{}
	pos := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if _, dup := out[k.Value]; dup {
			l.at(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			l.at(v, "%s.%s must be a string, not %s", what, k.Value, kindName(v))
			continue
		}
		out[k.Value] = v.Value
		pos[k.Value] = v
	}
	return out, pos
}

func (l *errList) seq(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.at(n, "%s must be a list, not %s", what, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

// valueCol returns the column where the text of a scalar starts (after an opening quote).
func valueCol(n *yaml.Node) int {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return n.Column + 1
	}
	return n.Column
}
