package alerting

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LabelAlertName is the label that carries the alert's name.
const LabelAlertName = "alertname"

// Labels is a set of label names and values. It is never modified after it is shared.
type Labels map[string]string

// Names returns the label names, sorted.
func (ls Labels) Names() []string {
	names := make([]string, 0, len(ls))
	for k := range ls {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// String prints the set as {a="1", b="2"}, names sorted.
func (ls Labels) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range ls.Names() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(ls[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// Fingerprint is a stable hash of the set: the same labels give the same fingerprint in every
// process and version.
func (ls Labels) Fingerprint() string {
	h := sha256.New()
	for _, k := range ls.Names() {
		h.Write([]byte(k))
		h.Write([]byte{0xff})
		h.Write([]byte(ls[k]))
		h.Write([]byte{0xff})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Clone returns a copy of the set.
func (ls Labels) Clone() Labels {
	out := make(Labels, len(ls))
	for k, v := range ls {
		out[k] = v
	}
	return out
}

var labelNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// MatchType is the operator of a Matcher.
type MatchType uint8

// The matcher operators of Alertmanager.
const (
	MatchEqual MatchType = iota
	MatchNotEqual
	MatchRegexp
	MatchNotRegexp
)

// String returns the operator as written: =, !=, =~ or !~.
func (t MatchType) String() string {
	switch t {
	case MatchEqual:
		return "="
	case MatchNotEqual:
		return "!="
	case MatchRegexp:
		return "=~"
	case MatchNotRegexp:
		return "!~"
	}
	return fmt.Sprintf("matchtype(%d)", uint8(t))
}

// Matcher selects alerts by one label, as Alertmanager's matchers do: a label that is absent
// matches as the empty string; regular expressions are anchored.
type Matcher struct {
	Name  string
	Type  MatchType
	Value string
	re    *regexp.Regexp
}

// String prints the matcher in the form ParseMatcher reads.
func (m *Matcher) String() string {
	return m.Name + m.Type.String() + strconv.Quote(m.Value)
}

// Matches reports whether the matcher accepts the value v.
func (m *Matcher) Matches(v string) bool {
	switch m.Type {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegexp:
		return m.re.MatchString(v)
	case MatchNotRegexp:
		return !m.re.MatchString(v)
	}
	return false
}

// ParseMatcher reads a matcher such as severity="critical", team=~"pay.*" or env!=prod.
func ParseMatcher(s string) (*Matcher, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return nil, fmt.Errorf("invalid matcher %q (want name=\"value\", name!=\"value\", name=~\"re\" or name!~\"re\")", s)
	}
	m := &Matcher{Name: strings.TrimSpace(s[:i])}
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "=~"):
		m.Type, rest = MatchRegexp, rest[2:]
	case strings.HasPrefix(rest, "!~"):
		m.Type, rest = MatchNotRegexp, rest[2:]
	case strings.HasPrefix(rest, "!="):
		m.Type, rest = MatchNotEqual, rest[2:]
	case strings.HasPrefix(rest, "="):
		m.Type, rest = MatchEqual, rest[1:]
	default:
		return nil, fmt.Errorf("invalid matcher %q: unknown operator", s)
	}
	if !labelNameRE.MatchString(m.Name) {
		return nil, fmt.Errorf("invalid matcher %q: bad label name %q", s, m.Name)
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, `"`) {
		v, err := strconv.Unquote(rest)
		if err != nil {
			return nil, fmt.Errorf("invalid matcher %q: bad quoted value", s)
		}
		rest = v
	} else if strings.ContainsAny(rest, "\"=~") {
		return nil, fmt.Errorf("invalid matcher %q: quote the value", s)
	}
	m.Value = rest
	if m.Type == MatchRegexp || m.Type == MatchNotRegexp {
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return nil, fmt.Errorf("invalid matcher %q: %w", s, err)
		}
		m.re = re
	}
	return m, nil
}

// Matchers is a conjunction of matchers.
type Matchers []*Matcher

// Matches reports whether every matcher accepts ls.
func (ms Matchers) Matches(ls Labels) bool {
	for _, m := range ms {
		if !m.Matches(ls[m.Name]) {
			return false
		}
	}
	return true
}

// String prints the matchers as {a="1",b=~"x"}.
func (ms Matchers) String() string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}
