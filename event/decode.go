package event

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeWire parses one JSON object of the event wire form into w. It is a strict, allocation-lean
// replacement for encoding/json on the hot path: unknown and duplicate keys are errors, a value of
// the wrong type names its field. Invalid UTF-8 in strings is replaced by U+FFFD, as encoding/json
// does. The returned error is an *Error with Index 0.
func decodeWire(data []byte, w *wire, in *interner) error {
	return decodeWireShared(data, "", nil, w, in)
}

// decodeWireShared is decodeWire where src, when not empty, holds the same bytes as data: the
// strings decoded without escapes are then substrings of src instead of copies. ls, when not
// nil, lends the maps of label objects seen before.
func decodeWireShared(data []byte, src string, ls *labelSets, w *wire, in *interner) error {
	d := decoder{data: data, src: src, intern: in, sets: ls}
	d.skipSpace()
	if d.eof() {
		return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
	}
	if d.data[d.pos] != '{' {
		return d.fail("", ReasonSyntax, "want a JSON object, got %s", d.kind())
	}
	d.pos++
	var seen uint16
	first := true
	for {
		d.skipSpace()
		if d.eof() {
			return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		if d.data[d.pos] == '}' {
			if !first {
				return d.syntax("unexpected '}' after ','")
			}
			d.pos++
			break
		}
		if d.data[d.pos] != '"' {
			return d.syntax("want a quoted field name")
		}
		key, err := d.key()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.eof() || d.data[d.pos] != ':' {
			return d.syntax("want ':' after a field name")
		}
		d.pos++
		d.skipSpace()
		bit, err := d.field(key, w)
		if err != nil {
			return err
		}
		if seen&bit != 0 {
			return d.fail(string(key), ReasonInvalid, "appears twice")
		}
		seen |= bit
		d.skipSpace()
		if d.eof() {
			return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		first = false
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			if !d.eof() && d.data[d.pos] == '}' {
				return d.syntax("unexpected '}' after ','")
			}
			continue
		case '}':
			d.pos++
		default:
			return d.syntax("want ',' or '}' after a value")
		}
		break
	}
	d.skipSpace()
	if !d.eof() {
		return d.fail("", ReasonSyntax, "unexpected data after the JSON object")
	}
	return nil
}

type decoder struct {
	data []byte
	// src is empty or the same bytes as data, for strings to share.
	src    string
	pos    int
	intern *interner
	sets   *labelSets
}

// labelSets remembers the last few label objects decoded from one body, by their JSON text, so
// that events with the same labels (a plan, a team: few distinct sets are common) share one map
// instead of allocating one each. Events parsed together may therefore share a map, which is
// why nothing may modify an event's labels.
type labelSets struct {
	raw  [8][]byte
	m    [8]map[string]string
	ok   [8]bool // the map passed normalize's checks
	next int
}

func (ls *labelSets) get(raw []byte) (map[string]string, *bool) {
	for i := range ls.raw {
		if ls.m[i] != nil && string(ls.raw[i]) == string(raw) {
			return ls.m[i], &ls.ok[i]
		}
	}
	return nil, nil
}

func (ls *labelSets) put(raw []byte, m map[string]string) *bool {
	i := ls.next
	ls.raw[i], ls.m[i], ls.ok[i] = raw, m, false
	ls.next = (i + 1) % len(ls.raw)
	return &ls.ok[i]
}

// interner shares one copy of each short, frequent string (sources, products, label keys)
// among the events a parser decodes, instead of allocating it for every event. It is a fixed
// table of the last string seen per hash slot, safe for concurrent use without locks.
type interner struct {
	seed  maphash.Seed
	slots [1 << 12]atomic.Pointer[string]
}

func newInterner() *interner { return &interner{seed: maphash.MakeSeed()} }

func (in *interner) get(b []byte) string {
	if len(b) > 64 {
		return string(b)
	}
	slot := &in.slots[maphash.Bytes(in.seed, b)&(1<<12-1)]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}

func (d *decoder) eof() bool { return d.pos >= len(d.data) }

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) fail(field, reason, format string, args ...any) error {
	return &Error{Field: field, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) syntax(what string) error {
	return d.fail("", ReasonSyntax, "invalid JSON at byte %d: %s", d.pos, what)
}

// kind names the JSON type of the value at pos, for messages.
func (d *decoder) kind() string {
	if d.eof() {
		return "nothing"
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "bool"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	}
	return "invalid JSON"
}

// key returns the field name at pos (which is '"') without copying it when it has no escapes;
// the bytes are only valid until data changes.
func (d *decoder) key() ([]byte, error) {
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.data[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	s, err := d.str()
	return []byte(s), err
}

// field decodes the value of key into w and returns the key's bit for duplicate detection.
func (d *decoder) field(keyBytes []byte, w *wire) (uint16, error) {
	var dst *string
	var bit, has uint16
	lowCard := true
	switch string(keyBytes) {
	case "id":
		dst, bit, has, lowCard = &w.ID, 1, hasID, false
	case "source":
		dst, bit, has = &w.Source, 2, hasSource
	case "channel":
		dst, bit, has = &w.Channel, 4, hasChannel
	case "text":
		dst, bit, has, lowCard = &w.Text, 8, hasText, false
	case "customer_id":
		dst, bit, lowCard = &w.CustomerID, 16, false
	case "product":
		dst, bit = &w.Product, 32
	case "region":
		dst, bit = &w.Region, 64
	case "language":
		dst, bit = &w.Language, 128
	case "time":
		start := d.pos
		if err := d.skipValue(); err != nil {
			return 0, err
		}
		w.Time = d.data[start:d.pos]
		return 256, nil
	case "labels":
		return 512, d.labels(w)
	default:
		if err := d.skipValue(); err != nil {
			return 0, err
		}
		return 0, d.fail(string(keyBytes), ReasonInvalid, "unknown field")
	}
	if d.literal("null") {
		*dst = ""
		w.has &^= has
		return bit, nil
	}
	if d.eof() || d.data[d.pos] != '"' {
		return 0, d.typeError(string(keyBytes))
	}
	var s string
	var err error
	if lowCard {
		s, err = d.lowCard()
	} else {
		s, err = d.str()
	}
	if err != nil {
		return 0, err
	}
	*dst = s
	w.has |= has
	return bit, nil
}

func (d *decoder) typeError(field string) error {
	got := d.kind()
	if got == "invalid JSON" {
		return d.syntax("invalid value")
	}
	return d.fail(field, ReasonInvalid, "want a string, got %s", got)
}

func (d *decoder) labels(w *wire) error {
	if d.sets == nil || d.eof() || d.data[d.pos] != '{' {
		return d.labelsMap(w)
	}
	// Find the object's end; on any error decode it again the usual way, for the usual message.
	start := d.pos
	if d.skipValue() != nil || d.pos-start > maxSharedLabels {
		d.pos = start
		return d.labelsMap(w)
	}
	raw := d.data[start:d.pos]
	if m, ok := d.sets.get(raw); m != nil {
		w.Labels, w.labelsOK = m, ok
		return nil
	}
	d.pos = start
	if err := d.labelsMap(w); err != nil {
		return err
	}
	w.labelsOK = d.sets.put(raw, w.Labels)
	return nil
}

// maxSharedLabels bounds the JSON text of a label object whose map events may share.
const maxSharedLabels = 512

// labelsMap decodes the label object (or null) at pos into a new map.
func (d *decoder) labelsMap(w *wire) error {
	if d.literal("null") {
		w.Labels = nil
		return nil
	}
	if d.eof() || d.data[d.pos] != '{' {
		got := d.kind()
		if got == "invalid JSON" {
			return d.syntax("invalid value")
		}
		return d.fail("labels", ReasonInvalid, "want an object of strings, got %s", got)
	}
	d.pos++
	w.Labels = make(map[string]string, 4)
	first := true
	for {
		d.skipSpace()
		if d.eof() {
			return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		if d.data[d.pos] == '}' {
			if !first {
				return d.syntax("unexpected '}' after ','")
			}
			d.pos++
			return nil
		}
		if d.data[d.pos] != '"' {
			return d.syntax("want a quoted label name")
		}
		k, err := d.lowCard()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.eof() || d.data[d.pos] != ':' {
			return d.syntax("want ':' after a label name")
		}
		d.pos++
		d.skipSpace()
		if d.eof() || d.data[d.pos] != '"' {
			if !d.eof() && d.kind() != "invalid JSON" {
				return d.fail("labels", ReasonInvalid, "want a string for label %q, got %s", k, d.kind())
			}
			return d.syntax("invalid value")
		}
		v, err := d.lowCard()
		if err != nil {
			return err
		}
		w.Labels[k] = v
		d.skipSpace()
		if d.eof() {
			return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		first = false
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			if !d.eof() && d.data[d.pos] == '}' {
				return d.syntax("unexpected '}' after ','")
			}
		case '}':
			d.pos++
			return nil
		default:
			return d.syntax("want ',' or '}' after a label value")
		}
	}
}

// literal consumes lit (true, false, null) if it is next.
func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// str decodes the JSON string at pos (which is '"'). A string without escapes is a substring of
// src when the decoder has one.
func (d *decoder) str() (string, error) {
	if d.src != "" {
		start := d.pos + 1
		for i := start; i < len(d.data); i++ {
			c := d.data[i]
			if c == '"' {
				s := d.src[start:i]
				if !utf8.ValidString(s) {
					break
				}
				d.pos = i + 1
				return s, nil
			}
			if c == '\\' || c < 0x20 {
				break
			}
		}
	}
	b, err := d.strBytes()
	return string(b), err
}

// lowCard decodes a JSON string that takes few distinct values (source, product, a label key),
// sharing one copy of each value through the parser's interner.
func (d *decoder) lowCard() (string, error) {
	b, err := d.strBytes()
	if err != nil || d.intern == nil {
		return string(b), err
	}
	return d.intern.get(b), nil
}

// strBytes decodes the JSON string at pos (which is '"'). Without escapes the result aliases
// data; it is only valid until data changes.
func (d *decoder) strBytes() ([]byte, error) {
	d.pos++
	start := d.pos
	// Fast path: no escapes, valid UTF-8, no control characters.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := d.data[start:d.pos]
			d.pos++
			if utf8.Valid(s) {
				return s, nil
			}
			return fixUTF8(nil, s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.pos++
	}
	// Slow path: unescape into a buffer.
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.data[start:d.pos]...)
	for {
		if d.eof() {
			return nil, d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				buf = fixUTF8(nil, buf)
			}
			return buf, nil
		case c < 0x20:
			return nil, d.syntax("control character in string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			return nil, d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
		}
		e := d.data[d.pos+1]
		d.pos += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, d.syntax("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by \uDC00-\uDFFF forms one rune; a lone one is U+FFFD.
				save := d.pos
				if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					d.pos += 2
					if r2, ok := d.hex4(); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
					d.pos = save
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			d.pos--
			return nil, d.syntax("invalid escape")
		}
	}
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.pos += 4
	return rune(v), true
}

// fixUTF8 appends s to dst with each invalid byte replaced by U+FFFD, as encoding/json does.
func fixUTF8(dst, s []byte) []byte {
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return dst
}

// skipValue moves past one JSON value of any type, checking its syntax.
func (d *decoder) skipValue() error {
	if d.eof() {
		return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		_, err := d.strBytes()
		return err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		d.pos++
		d.skipSpace()
		if !d.eof() && d.data[d.pos] == closer {
			d.pos++
			return nil
		}
		for {
			d.skipSpace()
			if c == '{' {
				if d.eof() || d.data[d.pos] != '"' {
					return d.syntax("want a quoted field name")
				}
				if _, err := d.strBytes(); err != nil {
					return err
				}
				d.skipSpace()
				if d.eof() || d.data[d.pos] != ':' {
					return d.syntax("want ':' after a field name")
				}
				d.pos++
				d.skipSpace()
			}
			if err := d.skipValue(); err != nil {
				return err
			}
			d.skipSpace()
			if d.eof() {
				return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
			}
			if d.data[d.pos] == ',' {
				d.pos++
				continue
			}
			if d.data[d.pos] == closer {
				d.pos++
				return nil
			}
			return d.syntax("want ',' or a closing bracket")
		}
	case c == 't':
		if d.literal("true") {
			return nil
		}
	case c == 'f':
		if d.literal("false") {
			return nil
		}
	case c == 'n':
		if d.literal("null") {
			return nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return d.syntax("invalid value")
}

// number moves past a JSON number, checking its grammar.
func (d *decoder) number() error {
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	if d.eof() {
		return d.fail("", ReasonSyntax, "invalid JSON: unexpected end of input")
	}
	if d.data[d.pos] == '0' {
		d.pos++
	} else if digits() == 0 {
		return d.syntax("invalid number")
	}
	if !d.eof() && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return d.syntax("invalid number")
		}
	}
	if !d.eof() && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if !d.eof() && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return d.syntax("invalid number")
		}
	}
	return nil
}
