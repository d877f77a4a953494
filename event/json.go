package event

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Limits bound what one event may carry.
type Limits struct {
	// MaxTextBytes truncates longer text (on a UTF-8 boundary); the truncation is reported.
	MaxTextBytes int `yaml:"max_text_bytes"`
	// MaxLabels rejects events with more label pairs.
	MaxLabels int `yaml:"max_labels"`
	// MaxFieldBytes rejects longer id, source, customer_id, product, region, language, label keys.
	MaxFieldBytes int `yaml:"max_field_bytes"`
	// MaxLabelValueBytes rejects longer label values.
	MaxLabelValueBytes int `yaml:"max_label_value_bytes"`
	// MaxFuture rejects events whose time is further ahead of the receive time.
	MaxFuture time.Duration `yaml:"max_future"`
}

// DefaultLimits are the limits used when a config leaves them out.
func DefaultLimits() Limits {
	return Limits{MaxTextBytes: 8 << 10, MaxLabels: 32, MaxFieldBytes: 256, MaxLabelValueBytes: 1024, MaxFuture: time.Hour}
}

// Validate reports a limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxTextBytes < 16:
		return fmt.Errorf("max_text_bytes must be at least 16, got %d", l.MaxTextBytes)
	case l.MaxLabels < 0:
		return fmt.Errorf("max_labels must not be negative, got %d", l.MaxLabels)
	case l.MaxFieldBytes < 8:
		return fmt.Errorf("max_field_bytes must be at least 8, got %d", l.MaxFieldBytes)
	case l.MaxLabelValueBytes < 8:
		return fmt.Errorf("max_label_value_bytes must be at least 8, got %d", l.MaxLabelValueBytes)
	case l.MaxFuture < 0:
		return fmt.Errorf("max_future must not be negative, got %s", l.MaxFuture)
	}
	return nil
}

// Defaults fill fields a sender left out; they depend on the door the event came through.
type Defaults struct {
	Source  string
	Channel Channel
}

// Fixes reports what normalization changed in an accepted event.
type Fixes struct {
	// TextTruncated is set when the text was cut at Limits.MaxTextBytes.
	TextTruncated bool
	// UTF8Repaired is set when invalid UTF-8 was replaced by U+FFFD.
	UTF8Repaired bool
}

// Error is a rejected event: which one (Index, counted from 0 within its request or file), which
// field, and why. Reason is a short fixed token for metrics.
type Error struct {
	Index  int
	Field  string
	Reason string
	Msg    string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("event %d: %s: %s", e.Index, e.Field, e.Msg)
	}
	return fmt.Sprintf("event %d: %s", e.Index, e.Msg)
}

// Reasons for rejecting an event, used as metric label values.
const (
	ReasonSyntax  = "syntax"
	ReasonInvalid = "invalid"
	ReasonLimit   = "limit"
)

// RejectReasons lists every Reason an *Error may carry.
func RejectReasons() []string { return []string{ReasonSyntax, ReasonInvalid, ReasonLimit} }

// wire is the JSON form of an event as decoded. has says which of the optional fields were
// present (and not null), to tell "absent" from "empty". Its strings are valid UTF-8 (the decoder
// replaces invalid bytes with U+FFFD).
type wire struct {
	ID, Source, Channel, Text             string
	CustomerID, Product, Region, Language string
	Time                                  []byte
	Labels                                map[string]string
	// labelsOK, when not nil, records that Labels (a map shared by events) passed the checks.
	labelsOK *bool
	has      uint16
}

// Bits of wire.has.
const (
	hasID uint16 = 1 << iota
	hasSource
	hasChannel
	hasText
)

// Parser turns the JSON wire form into normalized events. It is safe for concurrent use.
type Parser struct {
	Limits   Limits
	Defaults Defaults
	intern   *interner
}

// NewParser returns a parser with the given limits and defaults.
func NewParser(l Limits, d Defaults) *Parser {
	return &Parser{Limits: l, Defaults: d, intern: newInterner()}
}

// ParseObject decodes and normalizes one JSON object. index is only used in the error. now is the
// receive time, used when the event has no time.
func (p *Parser) ParseObject(data []byte, index int, now time.Time) (Event, Fixes, error) {
	return p.parseObject(data, "", nil, index, now)
}

// parseObject is ParseObject where src, when not empty, holds the same bytes as data and the
// event's strings may be substrings of it, and where ls, when not nil, lends label maps.
func (p *Parser) parseObject(data []byte, src string, ls *labelSets, index int, now time.Time) (Event, Fixes, error) {
	var w wire
	var fx Fixes
	if !utf8.Valid(data) {
		fx.UTF8Repaired = true
	}
	if err := decodeWireShared(data, src, ls, &w, p.intern); err != nil {
		err.(*Error).Index = index
		return Event{}, fx, err
	}
	ev, err := p.normalize(&w, index, now, &fx)
	return ev, fx, err
}

func syntaxError(index int, err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return &Error{Index: index, Reason: ReasonSyntax, Msg: fmt.Sprintf("want a JSON object, got %s", te.Value)}
		}
		return &Error{Index: index, Field: field, Reason: ReasonInvalid, Msg: fmt.Sprintf("want %s, got %s", jsonKind(te.Type.Kind().String()), te.Value)}
	case errors.As(err, &se):
		return &Error{Index: index, Reason: ReasonSyntax, Msg: fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Index: index, Reason: ReasonSyntax, Msg: "invalid JSON: unexpected end of input"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return &Error{Index: index, Field: strings.Trim(f, `"`), Reason: ReasonInvalid, Msg: "unknown field"}
	}
	return &Error{Index: index, Reason: ReasonSyntax, Msg: "invalid JSON: " + msg}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "map":
		return "an object of strings"
	case "struct":
		return "an object"
	}
	return goKind
}

func (p *Parser) normalize(w *wire, index int, now time.Time, fx *Fixes) (Event, error) {
	l := p.Limits
	bad := func(field, reason, format string, args ...any) (Event, error) {
		return Event{}, &Error{Index: index, Field: field, Reason: reason, Msg: fmt.Sprintf(format, args...)}
	}
	var ev Event
	if w.has&hasText == 0 {
		return bad("text", ReasonInvalid, "is required")
	}
	text := strings.TrimSpace(w.Text)
	if text == "" {
		return bad("text", ReasonInvalid, "must not be empty")
	}
	// The decoder's strings are valid UTF-8: it repairs them and reports it in fx.
	if len(text) > l.MaxTextBytes {
		text = TruncateUTF8(text, l.MaxTextBytes)
		fx.TextTruncated = true
	}
	ev.Text = text

	ev.Source = p.Defaults.Source
	if w.has&hasSource != 0 {
		ev.Source = w.Source
	}
	if ev.Source == "" {
		return bad("source", ReasonInvalid, "is required")
	}
	ev.Channel = p.Defaults.Channel
	if w.has&hasChannel != 0 {
		ch, err := ParseChannel(w.Channel)
		if err != nil {
			return bad("channel", ReasonInvalid, "%s", err)
		}
		ev.Channel = ch
	}
	if ev.Channel == ChannelUnknown {
		return bad("channel", ReasonInvalid, "is required (one of %s)", strings.Join(channelNames[1:], ", "))
	}
	ev.CustomerID, ev.Product, ev.Region, ev.Language = w.CustomerID, w.Product, w.Region, strings.ToLower(w.Language)
	fields := [...]struct{ name, v string }{
		{"source", ev.Source},
		{"customer_id", ev.CustomerID},
		{"product", ev.Product},
		{"region", ev.Region},
		{"language", ev.Language},
	}
	for _, f := range fields {
		if len(f.v) > l.MaxFieldBytes {
			return bad(f.name, ReasonLimit, "is %d bytes long, more than the limit of %d", len(f.v), l.MaxFieldBytes)
		}
		// Only the default source did not come from the decoder.
		if hasControl(f.v) || f.name == "source" && w.has&hasSource == 0 && !utf8.ValidString(f.v) {
			return bad(f.name, ReasonInvalid, "must be valid UTF-8 without control characters")
		}
	}

	gaveTime := len(w.Time) > 0 && string(w.Time) != "null"
	ev.Time = now
	if gaveTime {
		t, err := parseTime(w.Time)
		if err != nil {
			return bad("time", ReasonInvalid, "%s", err)
		}
		if t.After(now.Add(l.MaxFuture)) {
			return bad("time", ReasonInvalid, "%s is more than %s ahead of the receive time", t.Format(time.RFC3339), l.MaxFuture)
		}
		ev.Time = t
	}
	ev.Time = ev.Time.UTC().Truncate(time.Millisecond)

	if len(w.Labels) > l.MaxLabels {
		return bad("labels", ReasonLimit, "has %d pairs, more than the limit of %d", len(w.Labels), l.MaxLabels)
	}
	// A map shared by several events of a body is checked once.
	if w.labelsOK == nil || !*w.labelsOK {
		for k, v := range w.Labels {
			if k == "" || len(k) > l.MaxFieldBytes || hasControl(k) {
				return bad("labels", ReasonInvalid, "key %q must be 1 to %d bytes of UTF-8 without control characters", TruncateUTF8(k, 64), l.MaxFieldBytes)
			}
			if len(v) > l.MaxLabelValueBytes {
				return bad("labels."+k, ReasonLimit, "is %d bytes long, more than the limit of %d", len(v), l.MaxLabelValueBytes)
			}
		}
		if w.labelsOK != nil {
			*w.labelsOK = true
		}
	}
	if len(w.Labels) > 0 {
		ev.Labels = w.Labels
	}

	if w.has&hasID != 0 {
		id := w.ID
		if id == "" {
			return bad("id", ReasonInvalid, "must not be empty when given")
		}
		if len(id) > l.MaxFieldBytes {
			return bad("id", ReasonLimit, "is %d bytes long, more than the limit of %d", len(id), l.MaxFieldBytes)
		}
		if hasControl(id) {
			return bad("id", ReasonInvalid, "must be valid UTF-8 without control characters")
		}
		ev.ID = id
	} else {
		ev.ID = DefaultID(ev.Source, ev.CustomerID, ev.Text, ev.Time, gaveTime)
	}
	return ev, nil
}

// minTime is the earliest time ClickHouse's DateTime stores.
var minTime = time.Unix(0, 0)

// parseTime accepts an RFC 3339 string or a number of Unix seconds (with a fraction), as the
// Prometheus HTTP API does.
func parseTime(raw []byte) (time.Time, error) {
	var t time.Time
	if raw[0] == '"' {
		if t, ok := parseRFC3339Quoted(raw); ok && !t.Before(minTime) && t.Year() <= 2105 {
			return t, nil
		}
		d := decoder{data: raw}
		s, err := d.str()
		if err != nil {
			return t, fmt.Errorf("want an RFC 3339 string or Unix seconds")
		}
		t, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return t, fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-25T14:03:11.250Z", s)
		}
	} else {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return t, fmt.Errorf("want an RFC 3339 string or Unix seconds, got %s", TruncateUTF8(string(raw), 40))
		}
		if f > 1e11 {
			return t, fmt.Errorf("%s looks like milliseconds; send Unix seconds or an RFC 3339 string", raw)
		}
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(frac*1e9))
	}
	if t.Before(minTime) || t.Year() > 2105 {
		return t, fmt.Errorf("%s is outside the storable range 1970..2105", t.Format(time.RFC3339))
	}
	return t, nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// TruncateUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func TruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Format is the framing of a request or file holding events.
type Format uint8

// Framings: one object or a JSON array (FormatJSON), or one object a line (FormatNDJSON).
const (
	FormatJSON Format = iota
	FormatNDJSON
)

// ReadAll parses every event of body in the given framing, calling fn for each in order. It stops
// at the first malformed event and returns its *Error (with its index); fn's error is returned as
// is.
func (p *Parser) ReadAll(body []byte, f Format, now time.Time, fn func(ev Event, fx Fixes) error) error {
	if f == FormatNDJSON {
		return p.readNDJSON(body, now, fn)
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return &Error{Index: 0, Reason: ReasonSyntax, Msg: "empty body: want a JSON object or array of objects"}
	}
	if trimmed[0] != '[' {
		ev, fx, err := p.ParseObject(trimmed, 0, now)
		if err != nil {
			return err
		}
		return fn(ev, fx)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		// Find the first element that is broken to report its index.
		return p.locateArrayError(trimmed, err)
	}
	for i, raw := range items {
		ev, fx, err := p.ParseObject(raw, i, now)
		if err != nil {
			return err
		}
		if err := fn(ev, fx); err != nil {
			return err
		}
	}
	return nil
}

// ReadAllOwned is ReadAll for a body handed over by the caller, who must never modify it
// afterwards: the ids, texts and customer ids of events in NDJSON (or a single object) are then
// substrings of one string sharing body's memory, instead of one copy each. The values many
// events repeat (sources, products, label keys and values, ...) are still copies made once by
// the parser, so what outlives the events -- the parser's table of those -- never holds on to a
// body. Once the events are gone, body is freed like any other allocation.
func (p *Parser) ReadAllOwned(body []byte, f Format, now time.Time, fn func(ev Event, fx Fixes) error) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || f != FormatNDJSON && trimmed[0] == '[' {
		return p.ReadAll(body, f, now, fn)
	}
	// body is not modified from here on (the caller's promise), which is what makes this string
	// sound.
	src := unsafe.String(unsafe.SliceData(body), len(body))
	if f == FormatNDJSON {
		return p.readNDJSONShared(body, src, now, fn)
	}
	off := cap(body) - cap(trimmed)
	ev, fx, err := p.parseObject(trimmed, src[off:], nil, 0, now)
	if err != nil {
		return err
	}
	return fn(ev, fx)
}

// locateArrayError walks a JSON array element by element to attribute a syntax error to an index.
func (p *Parser) locateArrayError(body []byte, cause error) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return syntaxError(0, err)
	}
	i := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(i, err)
		}
		i++
	}
	if _, err := dec.Token(); err != nil {
		return syntaxError(i, err)
	}
	return syntaxError(i, cause)
}

func (p *Parser) readNDJSON(body []byte, now time.Time, fn func(ev Event, fx Fixes) error) error {
	return p.readNDJSONShared(body, "", now, fn)
}

// readNDJSONShared is readNDJSON where src, when not empty, holds the same bytes as body.
func (p *Parser) readNDJSONShared(body []byte, src string, now time.Time, fn func(ev Event, fx Fixes) error) error {
	var sets labelSets
	i := 0
	for pos := 0; pos < len(body); {
		start, end := pos, len(body)
		if j := bytes.IndexByte(body[pos:], '\n'); j >= 0 {
			end = pos + j
			pos = end + 1
		} else {
			pos = end
		}
		line := bytes.TrimSpace(body[start:end])
		if len(line) == 0 {
			continue
		}
		var lineSrc string
		if src != "" {
			off := cap(body) - cap(line) // line is a subslice of body
			lineSrc = src[off : off+len(line)]
		}
		ev, fx, err := p.parseObject(line, lineSrc, &sets, i, now)
		if err != nil {
			return err
		}
		if err := fn(ev, fx); err != nil {
			return err
		}
		i++
	}
	return nil
}

// ScanNDJSON reads one JSON object a line from r (blank lines skipped) and calls fn with each
// line, which is only valid during the call. maxLine bounds a line's length.
func ScanNDJSON(r io.Reader, maxLine int, fn func(line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("a line is longer than %d bytes", maxLine)
		}
		return err
	}
	return nil
}

// AppendJSON appends the wire form of ev to dst. Labels are written in key order so the output
// is stable.
func AppendJSON(dst []byte, ev *Event) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, ev.ID)
	dst = append(dst, `,"time":"`...)
	dst = ev.Time.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
	dst = append(dst, `","source":`...)
	dst = appendString(dst, ev.Source)
	dst = append(dst, `,"channel":`...)
	dst = appendString(dst, ev.Channel.String())
	for _, f := range [...]struct{ k, v string }{
		{"customer_id", ev.CustomerID}, {"product", ev.Product}, {"region", ev.Region}, {"language", ev.Language},
	} {
		if f.v != "" {
			dst = append(dst, ',', '"')
			dst = append(dst, f.k...)
			dst = append(dst, '"', ':')
			dst = appendString(dst, f.v)
		}
	}
	dst = append(dst, `,"text":`...)
	dst = appendString(dst, ev.Text)
	if len(ev.Labels) > 0 {
		keys := make([]string, 0, len(ev.Labels))
		for k := range ev.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, `,"labels":{`...)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			dst = appendString(dst, ev.Labels[k])
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// AppendString appends s as a JSON string literal.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s) }

// appendString appends s as a JSON string, escaping what JSON requires and, as encoding/json
// does, <, > and & (for HTML safety) and U+2028/U+2029.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// MarshalJSON implements json.Marshaler with the wire form.
func (ev Event) MarshalJSON() ([]byte, error) { return AppendJSON(nil, &ev), nil }
