package outreach

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// PosError is an error at a position of a rule file; it prints as file:line:col: message.
type PosError struct {
	File      string
	Line, Col int
	Msg       string
}

// Error implements error.
func (e *PosError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every error of the outreach sections, one a line, sorted by file and position.
type Errors []*PosError

// Error implements error.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the errors, for errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Pos is a position in a rule file.
type Pos struct {
	File      string
	Line, Col int
}

// String prints file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// checker walks a yaml.Node tree by hand, so that every mistake is reported with its position
// and unknown keys are errors.
type checker struct {
	file string
	errs Errors
}

func (c *checker) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: c.file}
	}
	return Pos{File: c.file, Line: n.Line, Col: n.Column}
}

func (c *checker) at(n *yaml.Node, format string, args ...any) {
	p := c.pos(n)
	c.atPos(p.Line, p.Col, format, args...)
}

func (c *checker) atPos(line, col int, format string, args ...any) {
	c.errs = append(c.errs, &PosError{File: c.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

type entry struct{ key, val *yaml.Node }

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

func isNull(n *yaml.Node) bool { return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindOf(n *yaml.Node) string {
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

// mapping returns the entries of a mapping, reporting unknown and duplicate keys.
func (c *checker) mapping(n *yaml.Node, what string, known ...string) map[string]entry {
	out := map[string]entry{}
	n = deref(n)
	if n == nil || isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		c.at(n, "%s must be a mapping, not %s", what, kindOf(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		ok := false
		for _, name := range known {
			ok = ok || name == k.Value
		}
		switch _, dup := out[k.Value]; {
		case !ok:
			c.at(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
		case dup:
			c.at(k, "duplicate key %q in %s", k.Value, what)
		default:
			out[k.Value] = entry{k, v}
		}
	}
	return out
}

func (c *checker) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		c.at(n, "%s must be a string, not %s", what, kindOf(n))
		return ""
	}
	return n.Value
}

func (c *checker) integer(n *yaml.Node, what string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		c.at(n, "%s must be a non-negative integer", what)
		return 0
	}
	return v
}

func (c *checker) number(n *yaml.Node, what string) float64 {
	if n == nil {
		return 0
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		c.at(n, "%s must be a number", what)
		return 0
	}
	return v
}

// duration reads a duration; ok is false when absent or wrong.
func (c *checker) duration(n *yaml.Node, what string) (time.Duration, bool) {
	if n == nil {
		return 0, false
	}
	s := c.str(n, what)
	if s == "" {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		c.at(n, "%s: %v", what, err)
		return 0, false
	}
	return d, true
}

// strList accepts a list of strings or a single string.
func (c *checker) strList(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		c.at(n, "%s must be a string or a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			c.at(e, "%s must hold strings, not %s", what, kindOf(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

func (c *checker) list(n *yaml.Node, what string) []*yaml.Node {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		c.at(n, "%s must be a list, not %s", what, kindOf(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		out[i] = deref(e)
	}
	return out
}

// ParseDuration reads a duration as Prometheus writes them: numbers with the units ms, s, m, h,
// d (24h) and w (7d), such as "90s", "1h30m" or "7d". Negative durations are rejected.
func ParseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total time.Duration
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 30s, 5m, 1h, 7d)", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		unit, ok := durationUnits[rest[:j]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (want ms, s, m, h, d or w)", s, rest[:j])
		}
		if n > int64((1<<63-1)/unit) || total > (1<<63-1)-time.Duration(n)*unit {
			return 0, fmt.Errorf("invalid duration %q: too large", s)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	return total, nil
}

var durationUnits = map[string]time.Duration{
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// FormatDuration prints d as ParseDuration reads it ("7d", "1h30m", "0s"), weeks as days.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if d >= u.d {
			fmt.Fprintf(&b, "%d%s", d/u.d, u.s)
			d %= u.d
		}
	}
	return b.String()
}
