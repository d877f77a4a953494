package lokipush

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Label is one name="value" pair of a stream's label set.
type Label struct {
	Name, Value string
}

// ParseLabels parses a Loki/Prometheus label set as a push request carries it:
// `{job="app", msg="say \"hi\""}`. Names are identifiers ([a-zA-Z_][a-zA-Z0-9_]*) or, as
// Prometheus 3 allows, double-quoted strings; values are double-quoted strings with Go escapes
// or back-quoted raw strings. A trailing comma is allowed. Pairs with an empty value are
// dropped (an empty value means "no such label"); a name given twice or a set without any pair
// is an error, as in Loki.
func ParseLabels(s string) ([]Label, error) {
	p := labelParser{s: s}
	p.space()
	if !p.eat('{') {
		return nil, p.errorf("expected '{'")
	}
	var out []Label
	for {
		p.space()
		if p.eat('}') {
			break
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		p.space()
		if !p.eat('=') {
			return nil, p.errorf("expected '=' after label name %q", name)
		}
		p.space()
		val, err := p.str()
		if err != nil {
			return nil, err
		}
		for _, l := range out {
			if l.Name == name {
				return nil, fmt.Errorf("duplicate label name %q", name)
			}
		}
		out = append(out, Label{Name: name, Value: val})
		p.space()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			break
		}
		return nil, p.errorf("expected ',' or '}'")
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected text after '}'")
	}
	kept := out[:0]
	for _, l := range out {
		if l.Value != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("at least one label pair is required per stream")
	}
	return kept, nil
}

type labelParser struct {
	s string
	i int
}

func (p *labelParser) errorf(format string, args ...any) error {
	return fmt.Errorf("labels %s at byte %d: %s", quoteShort(p.s), p.i, fmt.Sprintf(format, args...))
}

func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

func (p *labelParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *labelParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *labelParser) name() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		n, err := p.str()
		if err != nil {
			return "", err
		}
		if n == "" || !utf8.ValidString(n) {
			return "", p.errorf("a quoted label name must be non-empty UTF-8")
		}
		return n, nil
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.i > start && c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	if p.i == start {
		return "", p.errorf("expected a label name")
	}
	return p.s[start:p.i], nil
}

// str reads a double-quoted (Go escapes) or back-quoted (raw) string.
func (p *labelParser) str() (string, error) {
	if p.i >= len(p.s) {
		return "", p.errorf("expected a quoted string")
	}
	start := p.i
	switch p.s[p.i] {
	case '`':
		end := strings.IndexByte(p.s[p.i+1:], '`')
		if end < 0 {
			return "", p.errorf("unterminated raw string")
		}
		p.i += end + 2
		return p.s[start+1 : p.i-1], nil
	case '"':
		for j := p.i + 1; j < len(p.s); j++ {
			switch p.s[j] {
			case '\\':
				j++
			case '"':
				v, err := strconv.Unquote(p.s[start : j+1])
				if err != nil {
					return "", p.errorf("bad escape in %s", quoteShort(p.s[start:j+1]))
				}
				p.i = j + 1
				return v, nil
			case '\n':
				return "", p.errorf("newline in quoted string")
			}
		}
		return "", p.errorf("unterminated quoted string")
	}
	return "", p.errorf("expected a quoted string")
}
