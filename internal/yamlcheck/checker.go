package yamlcheck

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Checker reads the yaml.Node tree of one file by hand and collects every error with its
// position. Its readers take a value node and what the value is called in messages ("interval",
// "slack.channel"); a nil node is an absent key: nothing is read and nothing reported. A reader
// that finds the wrong kind of value records an error in Errs and returns the zero value.
// A Checker is not safe for concurrent use.
type Checker struct {
	// File names the file in every error.
	File string
	// Src is the file's content, when known: AtOffset reads the indentation of block scalars
	// from it.
	Src []byte
	// NullIsEmpty makes Mapping and Seq read an explicit null (`key:` or `key: ~`) as an empty
	// mapping or list; without it a null is reported as the wrong kind of value.
	NullIsEmpty bool
	// Errs holds the errors in the order they were found; Errs.Sort orders them by position.
	Errs Errors
}

// Entry is a key of a mapping and its value, aliases resolved.
type Entry struct {
	Key, Val *yaml.Node
}

// Pos returns the position of n in the file; line and column 0 for a nil n.
func (c *Checker) Pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: c.File}
	}
	return Pos{File: c.File, Line: n.Line, Col: n.Column}
}

// At records an error at n (at no position for a nil n); format and args are fmt.Sprintf's.
func (c *Checker) At(n *yaml.Node, format string, args ...any) {
	p := c.Pos(n)
	c.AtPos(p.Line, p.Col, format, args...)
}

// AtPos records an error at a line and column.
func (c *Checker) AtPos(line, col int, format string, args ...any) {
	c.Errs = append(c.Errs, &PosError{File: c.File, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// AtOffset records an error at the offset-th rune of the text of the scalar n, such as the
// place an expression parser reports in it: past an opening quote, and for a block scalar (`|`,
// `>`) on the line and column of the source that holds that rune, which needs c.Src (without it
// the text is taken to be indented two columns past the indicator). An offset outside the text
// is clamped to it.
func (c *Checker) AtOffset(n *yaml.Node, offset int, format string, args ...any) {
	runes := []rune(n.Value)
	before := runes[:min(max(offset, 0), len(runes))]
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line, col := c.blockPos(n, len(before))
		c.AtPos(line, col, format, args...)
		return
	}
	line, col := n.Line, n.Column
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	if i := lastNewline(before); i >= 0 {
		line += countNewlines(before)
		col = n.Column + len(before[i+1:])
	} else {
		col += len(before)
	}
	c.AtPos(line, col, format, args...)
}

// blockPos finds the line and column of the k-th rune of the block scalar n's text. The text's
// lines are the source lines below the indicator with their common indentation removed; a literal
// scalar keeps each line break and a folded one turns it into one character (a space or, before a
// blank line, nothing), so each source line holds its runes plus one.
func (c *Checker) blockPos(n *yaml.Node, k int) (line, col int) {
	lines := strings.Split(string(c.Src), "\n")
	if n.Line < 1 || n.Line >= len(lines) { // no source: the guess of two columns past n
		lines = nil
	}
	indent := -1
	for i := n.Line; i < len(lines); i++ { // lines[n.Line] is the line below the indicator
		if t := strings.TrimLeft(lines[i], " "); strings.TrimSpace(t) != "" {
			indent = len(lines[i]) - len(t)
			break
		}
	}
	if indent < 0 {
		before := []rune(n.Value)[:k]
		line, col = n.Line+1, n.Column+2
		if i := lastNewline(before); i >= 0 {
			return line + countNewlines(before), col + len(before[i+1:])
		}
		return line, col + len(before)
	}
	folded := n.Style&yaml.FoldedStyle != 0
	for i := n.Line; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" {
			if !folded {
				k-- // a literal scalar keeps the empty line's break
			}
			if k < 0 {
				return i + 1, indent + 1
			}
			continue
		}
		if len(l)-len(strings.TrimLeft(l, " ")) < indent {
			break // the scalar ended
		}
		w := len([]rune(l[indent:]))
		if k <= w {
			return i + 1, indent + 1 + k
		}
		k -= w + 1
	}
	last := len(lines)
	return last, indent + 1
}

func lastNewline(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == '\n' {
			return i
		}
	}
	return -1
}

func countNewlines(rs []rune) int {
	k := 0
	for _, r := range rs {
		if r == '\n' {
			k++
		}
	}
	return k
}

// Deref follows a document node to its content and an alias to its anchor; nil for an empty
// document.
func Deref(n *yaml.Node) *yaml.Node {
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

// kindName names the kind of n for messages: "a mapping", "a list", "null" or "a scalar".
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

// Mapping returns the entries of the mapping n (n itself may be an alias or a document) by key.
// A key not among known is reported with the known keys, and left out; so is a second entry
// with the same key. It returns an empty map, never nil, when n is absent or wrong.
func (c *Checker) Mapping(n *yaml.Node, what string, known ...string) map[string]Entry {
	out := map[string]Entry{}
	n = Deref(n)
	if n == nil || (c.NullIsEmpty && isNull(n)) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		c.At(n, "%s must be a mapping, not %s", what, kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, name := range known {
			ok = ok || name == k.Value
		}
		switch _, dup := out[k.Value]; {
		case !ok:
			c.At(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
		case dup:
			c.At(k, "duplicate key %q in %s", k.Value, what)
		default:
			out[k.Value] = Entry{k, Deref(v)}
		}
	}
	return out
}

// Str reads a string (any non-null scalar, as written).
func (c *Checker) Str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		c.At(n, "%s must be a string, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

// Bool reads true or false.
func (c *Checker) Bool(n *yaml.Node, what string) bool {
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		c.At(n, "%s must be true or false", what)
		return false
	}
	b, _ := strconv.ParseBool(n.Value)
	return b
}

// Int reads a non-negative integer.
func (c *Checker) Int(n *yaml.Node, what string) int {
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		c.At(n, "%s must be a non-negative integer", what)
		return 0
	}
	return v
}

// Number reads a number.
func (c *Checker) Number(n *yaml.Node, what string) float64 {
	if n == nil {
		return 0
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		c.At(n, "%s must be a number", what)
		return 0
	}
	return v
}

// Duration reads a duration in ParseDuration's syntax; ok is false when it is absent or wrong.
func (c *Checker) Duration(n *yaml.Node, what string) (d time.Duration, ok bool) {
	if n == nil {
		return 0, false
	}
	s := c.Str(n, what)
	if s == "" {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		c.At(n, "%s: %v", what, err)
		return 0, false
	}
	return d, true
}

// StrList reads a list of strings, or a single string as a list of one.
func (c *Checker) StrList(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		c.At(n, "%s must be a string or a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		e = Deref(e)
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			c.At(e, "%s must hold strings, not %s", what, kindName(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// StrMap reads a mapping of strings to strings; nodes holds the value node of each key, to
// report errors about a value at its position.
func (c *Checker) StrMap(n *yaml.Node, what string) (m map[string]string, nodes map[string]*yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		c.At(n, "%s must be a mapping of strings", what)
		return nil, nil
	}
	m, nodes = map[string]string{}, map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], Deref(n.Content[i+1])
		if _, dup := m[k.Value]; dup {
			c.At(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			c.At(v, "%s.%s must be a string, not %s", what, k.Value, kindName(v))
			continue
		}
		m[k.Value] = v.Value
		nodes[k.Value] = v
	}
	return m, nodes
}

// Seq returns the items of a list, aliases resolved.
func (c *Checker) Seq(n *yaml.Node, what string) []*yaml.Node {
	if n == nil || (c.NullIsEmpty && isNull(n)) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		c.At(n, "%s must be a list, not %s", what, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		out[i] = Deref(e)
	}
	return out
}

// Secret is a credential that a file names as ${ENV} instead of writing it; Name is the
// variable, "" when the secret is absent.
type Secret struct {
	Name string
}

// Resolve reads the variable through getenv; "" when unset or when the secret is absent.
func (s Secret) Resolve(getenv func(string) string) string {
	if s.Name == "" {
		return ""
	}
	return getenv(s.Name)
}

var envRE = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// Secret reads a secret written as ${NAME}; anything else is reported, so that no credential
// is ever written in a file.
func (c *Checker) Secret(n *yaml.Node, what string) Secret {
	if n == nil {
		return Secret{}
	}
	m := envRE.FindStringSubmatch(c.Str(n, what))
	if m == nil {
		c.At(n, "%s must name an environment variable as ${NAME}; secrets are never written in rule files", what)
		return Secret{}
	}
	return Secret{Name: m[1]}
}
