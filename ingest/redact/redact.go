// Package redact removes personal data from message text before it is stored: e-mail addresses,
// phone numbers, payment card numbers (Luhn checked), IBANs (mod-97 checked), IPv4 and IPv6
// addresses, and patterns a deployment configures. Each finding is replaced by a token naming
// its kind ("[email]", "[phone]", "[card]", "[iban]", "[ip]", "[<name>]") and counted.
//
// The built-in kinds are found by one hand-written pass over the text, not by regular
// expressions: text without personal data is returned as is, without allocating. The pass
// prefers missing an ambiguous number to destroying an order number, a date or a price; the
// rules are on the finders below and the fixture in testdata shows both sides.
package redact

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// Kind identifies a kind of personal data. The built-in kinds come first; configured patterns
// follow in configuration order.
type Kind uint8

// The built-in kinds.
const (
	Email Kind = iota
	Phone
	Card
	IBAN
	IP
	numBuiltin
)

var builtinNames = [numBuiltin]string{"email", "phone", "card", "iban", "ip"}

// String returns the kind's name for built-in kinds ("email", ...); names of configured
// patterns come from Redactor.Kinds.
func (k Kind) String() string {
	if k < numBuiltin {
		return builtinNames[k]
	}
	return fmt.Sprintf("pattern(%d)", uint8(k)-uint8(numBuiltin))
}

// MaxKinds bounds the number of kinds, built-in and configured, a Redactor handles.
const MaxKinds = 32

// Counts holds how many findings of each kind one call replaced, indexed by Kind. It is a value,
// so returning it costs no allocation.
type Counts [MaxKinds]uint32

// Of returns the count of kind k.
func (c *Counts) Of(k Kind) int { return int(c[k]) }

// Total returns the count of all kinds.
func (c *Counts) Total() int {
	n := 0
	for _, v := range c {
		n += int(v)
	}
	return n
}

// Config chooses what is redacted. YAML keys are snake_case; every built-in kind is on by
// default.
type Config struct {
	Email bool `yaml:"email"`
	Phone bool `yaml:"phone"`
	Card  bool `yaml:"card"`
	IBAN  bool `yaml:"iban"`
	IP    bool `yaml:"ip"`
	// Patterns are extra kinds: each match of Regexp (RE2 syntax) becomes "[<name>]".
	Patterns []Pattern `yaml:"patterns"`
}

// Pattern is a configured kind of personal data.
type Pattern struct {
	Name   string `yaml:"name"`
	Regexp string `yaml:"regexp"`
}

// DefaultConfig returns the configuration used when none is given: every built-in kind on, no
// patterns.
func DefaultConfig() Config {
	return Config{Email: true, Phone: true, Card: true, IBAN: true, IP: true}
}

var patternName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []string
	if len(c.Patterns) > MaxKinds-int(numBuiltin) {
		errs = append(errs, fmt.Sprintf("patterns: at most %d allowed, got %d", MaxKinds-int(numBuiltin), len(c.Patterns)))
	}
	seen := map[string]bool{}
	for _, n := range builtinNames {
		seen[n] = true
	}
	for i, p := range c.Patterns {
		switch {
		case !patternName.MatchString(p.Name):
			errs = append(errs, fmt.Sprintf("patterns[%d].name: %q must be 1 to 32 of a-z, 0-9, _ starting with a letter", i, p.Name))
		case seen[p.Name]:
			errs = append(errs, fmt.Sprintf("patterns[%d].name: %q is already used", i, p.Name))
		}
		seen[p.Name] = true
		if p.Regexp == "" {
			errs = append(errs, fmt.Sprintf("patterns[%d].regexp: must not be empty", i))
		} else if re, err := regexp.Compile(p.Regexp); err != nil {
			errs = append(errs, fmt.Sprintf("patterns[%d].regexp: %v", i, err))
		} else if re.MatchString("") {
			errs = append(errs, fmt.Sprintf("patterns[%d].regexp: %q matches the empty string", i, p.Regexp))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("redact: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Redactor replaces personal data in text. It is immutable after New and safe for concurrent
// use.
type Redactor struct {
	cfg      Config
	kinds    []string
	tokens   []string
	patterns []*regexp.Regexp
	counters []prometheus.Counter
}

// New returns a redactor for cfg. When reg is not nil, every replacement is also counted in
// cxpulse_ingest_redactions_total{kind}.
func New(cfg Config, reg prometheus.Registerer) (*Redactor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &Redactor{cfg: cfg}
	r.kinds = append(r.kinds, builtinNames[:]...)
	for _, p := range cfg.Patterns {
		r.kinds = append(r.kinds, p.Name)
		r.patterns = append(r.patterns, regexp.MustCompile(p.Regexp))
	}
	for _, k := range r.kinds {
		r.tokens = append(r.tokens, "["+k+"]")
	}
	if reg != nil {
		vec := prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_redactions_total",
			Help: "Personal data found and replaced in message text, by kind.",
		}, []string{"kind"})
		if err := reg.Register(vec); err != nil {
			return nil, fmt.Errorf("registering redaction metrics: %w", err)
		}
		for _, k := range r.kinds {
			r.counters = append(r.counters, vec.WithLabelValues(k))
		}
	}
	return r, nil
}

// Kinds returns the names of the kinds, indexed by Kind.
func (r *Redactor) Kinds() []string { return r.kinds }

// Redact returns s with every finding replaced by its token, and the counts per kind. When
// nothing is found it returns s itself and allocates nothing.
func (r *Redactor) Redact(s string) (string, Counts) {
	var c Counts
	if s == "" {
		return s, c
	}
	out := r.builtin(s, &c)
	for i, re := range r.patterns {
		if !re.MatchString(out) {
			continue
		}
		k := int(numBuiltin) + i
		locs := re.FindAllStringIndex(out, -1)
		var b strings.Builder
		b.Grow(len(out))
		last := 0
		for _, l := range locs {
			if l[0] == l[1] {
				continue
			}
			b.WriteString(out[last:l[0]])
			b.WriteString(r.tokens[k])
			last = l[1]
			c[k]++
		}
		b.WriteString(out[last:])
		out = b.String()
	}
	if r.counters != nil {
		for k, n := range c[:len(r.kinds)] {
			if n > 0 {
				r.counters[k].Add(float64(n))
			}
		}
	}
	return out, c
}

// span is a finding: s[start:end] is replaced by the token of kind.
type span struct {
	start, end int
	kind       Kind
}

// builtin replaces the findings of the built-in kinds. Each of them holds a digit (phone, card,
// IBAN check digits, IPv4), a ':' (IPv6) or an '@' (e-mail): text with none of these, as most
// messages are, is returned after one quick scan.
func (r *Redactor) builtin(s string, c *Counts) string {
	if !mayHoldBuiltin(s) {
		return s
	}
	return r.scan(s, c)
}

// mayHoldBuiltin reports whether s has a digit, ':' or '@'. It looks at eight bytes at a time.
func mayHoldBuiltin(s string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		// Bytes below 0x80 are 0x30..0x3a (digit or ':') when adding 0x50 sets the high bit
		// and adding 0x45 does not, or 0x40 when x^0x40 is zero. Bytes from 0x80 are left out
		// by the mask; adding to a low byte never carries into the next one.
		low := x &^ (x & highs >> 7 * 0x7f) & (highs - ones) // bytes from 0x80 as 0
		digitOrColon := (low + 0x50*ones) &^ (low + 0x45*ones) & highs
		at := x ^ 0x40*ones
		if digitOrColon|(at-ones)&^at&highs != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c-'0' <= ':'-'0' || c == '@' {
			return true
		}
	}
	return false
}

// scan is the pass that finds the built-in kinds.
func (r *Redactor) scan(s string, c *Counts) string {
	var buf [8]span
	spans := buf[:0]
	if r.cfg.Email && strings.IndexByte(s, '@') >= 0 {
		spans = findEmails(s, spans)
	}
	nEmail := len(spans)
	hasColon := r.cfg.IP && strings.IndexByte(s, ':') >= 0
	e := 0 // next email span
	for i := 0; i < len(s); {
		if e < nEmail && i >= spans[e].start {
			i = spans[e].end
			e++
			continue
		}
		limit := len(s)
		if e < nEmail {
			limit = spans[e].start
		}
		ch := s[i]
		switch {
		case isDigit(ch) || ch == '+' || ch == '(':
			if end, k, ok := r.number(s[:limit], i, hasColon); ok {
				spans = append(spans, span{i, end, k})
				i = end
				continue
			} else if end > i {
				i = end
				continue
			}
		case isAlpha(ch):
			if r.cfg.IBAN && (i == 0 || !isWord(s[i-1])) {
				end, ok := findIBAN(s[:limit], i)
				if ok {
					spans = append(spans, span{i, end, IBAN})
				}
				if end > i {
					i = end
					continue
				}
			}
			if hasColon && isHex(ch) && (i == 0 || !isWord(s[i-1]) && s[i-1] != ':' && s[i-1] != '.') {
				if end, ok := findIPv6(s[:limit], i); ok {
					spans = append(spans, span{i, end, IP})
					i = end
					continue
				}
			}
			// Skip the rest of the word: nothing starts inside one.
			for i++; i < len(s) && isWord(s[i]); i++ {
			}
			continue
		case ch == ':':
			if hasColon && (i == 0 || !isWord(s[i-1]) && s[i-1] != ':' && s[i-1] != '.') {
				if end, ok := findIPv6(s[:limit], i); ok {
					spans = append(spans, span{i, end, IP})
					i = end
					continue
				}
			}
		}
		i++
	}
	if len(spans) == 0 {
		return s
	}
	if nEmail > 0 && len(spans) > nEmail {
		sortSpans(spans)
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(r.tokens[sp.kind])
		last = sp.end
		c[sp.kind]++
	}
	b.WriteString(s[last:])
	return b.String()
}

// sortSpans orders spans by start (insertion sort: there are few).
func sortSpans(sp []span) {
	for i := 1; i < len(sp); i++ {
		for j := i; j > 0 && sp[j].start < sp[j-1].start; j-- {
			sp[j], sp[j-1] = sp[j-1], sp[j]
		}
	}
}

// number tries the kinds that start with a digit, '+' or '(' at s[i]: IPv4, IPv6 (hex digits),
// card, phone. On failure it returns the end of the numeric run it looked at (or i), so the
// caller does not look for a shorter number inside a longer one.
func (r *Redactor) number(s string, i int, hasColon bool) (end int, k Kind, ok bool) {
	prev := byte(' ')
	if i > 0 {
		prev = s[i-1]
	}
	if isWord(prev) || prev == '.' {
		return skipNumeric(s, i), 0, false
	}
	if r.cfg.IP && isDigit(s[i]) {
		if end, ok := findIPv4(s, i); ok {
			return end, IP, true
		}
		if hasColon && prev != ':' {
			if end, ok := findIPv6(s, i); ok {
				return end, IP, true
			}
		}
	}
	if strings.IndexByte("$#/_-,@&=%*^~\\", prev) >= 0 {
		return skipNumeric(s, i), 0, false
	}
	run, runEnd := numericRun(s, i)
	if run.digits == 0 || !rightBoundary(s, run.end) {
		return runEnd, 0, false
	}
	if r.cfg.Card && run.cardChars && run.digits >= 13 && run.digits <= 19 && luhn(s[i:run.end]) {
		return run.end, Card, true
	}
	if r.cfg.Phone && run.isPhone() {
		return run.end, Phone, true
	}
	return runEnd, 0, false
}

func skipNumeric(s string, i int) int {
	for i < len(s) && (isWord(s[i]) || s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) {
		i++
	}
	return i
}

// rightBoundary reports whether a number ending at s[end] stands alone: not followed by a word
// character, ':' or '/', nor by ',' or '.' and a digit (a decimal or thousands separator).
func rightBoundary(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	ch := s[end]
	switch {
	case isWord(ch), ch == ':', ch == '/', ch == '@', ch == '%':
		return false
	case ch == ',' || ch == '.':
		return end+1 >= len(s) || !isDigit(s[end+1])
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isHex(c byte) bool   { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }

// isWord reports letters, digits, '_' and any byte of a multi-byte UTF-8 sequence (letters of
// other scripts, and also symbols such as '€': a number right after one is not taken).
func isWord(c byte) bool { return isDigit(c) || isAlpha(c) || c == '_' || c >= 0x80 }
