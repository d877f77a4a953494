package event

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// normalizeRef is normalize as it was before it relied on the decoder's strings being valid
// UTF-8 and checked a shared label map once.
func (p *Parser) normalizeRef(w *wire, index int, now time.Time, fx *Fixes) (Event, error) {
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
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
		fx.UTF8Repaired = true
	}
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
		{"source", ev.Source}, {"customer_id", ev.CustomerID}, {"product", ev.Product},
		{"region", ev.Region}, {"language", ev.Language},
	}
	for _, f := range fields {
		if len(f.v) > l.MaxFieldBytes {
			return bad(f.name, ReasonLimit, "is %d bytes long, more than the limit of %d", len(f.v), l.MaxFieldBytes)
		}
		if !utf8.ValidString(f.v) || hasControl(f.v) {
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
	for k, v := range w.Labels {
		if k == "" || len(k) > l.MaxFieldBytes || !utf8.ValidString(k) || hasControl(k) {
			return bad("labels", ReasonInvalid, "key %q must be 1 to %d bytes of UTF-8 without control characters", TruncateUTF8(k, 64), l.MaxFieldBytes)
		}
		if len(v) > l.MaxLabelValueBytes {
			return bad("labels."+k, ReasonLimit, "is %d bytes long, more than the limit of %d", len(v), l.MaxLabelValueBytes)
		}
		if !utf8.ValidString(v) {
			w.Labels[k] = strings.ToValidUTF8(v, "\uFFFD")
			fx.UTF8Repaired = true
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
		if !utf8.ValidString(id) || hasControl(id) {
			return bad("id", ReasonInvalid, "must be valid UTF-8 without control characters")
		}
		ev.ID = id
	} else {
		ev.ID = DefaultID(ev.Source, ev.CustomerID, ev.Text, ev.Time, gaveTime)
	}
	return ev, nil
}

// checkNormalize decodes data and compares normalize with normalizeRef on the result.
func checkNormalize(t *testing.T, p *Parser, data []byte) {
	t.Helper()
	var w wire
	if err := decodeWire(data, &w, p.intern); err != nil {
		return
	}
	for _, s := range []string{w.ID, w.Source, w.Channel, w.Text, w.CustomerID, w.Product, w.Region, w.Language} {
		if !utf8.ValidString(s) {
			t.Fatalf("%q: decoded %q, not valid UTF-8", data, s)
		}
	}
	for k, v := range w.Labels {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			t.Fatalf("%q: decoded label %q=%q, not valid UTF-8", data, k, v)
		}
	}
	ref := w
	if w.Labels != nil {
		ref.Labels = make(map[string]string, len(w.Labels))
		for k, v := range w.Labels {
			ref.Labels[k] = v
		}
	}
	var fx, refFx Fixes
	ev, err := p.normalize(&w, 3, now, &fx)
	want, refErr := p.normalizeRef(&ref, 3, now, &refFx)
	// With several bad labels, either may be reported first: compare only single-label cases.
	if len(w.Labels) > 1 && err != nil && strings.HasPrefix(fmt.Sprint(err), "event 3: labels") {
		return
	}
	if fmt.Sprint(err) != fmt.Sprint(refErr) || fx != refFx || !reflect.DeepEqual(ev, want) {
		t.Fatalf("%q:\n got %+v %+v %v\nwant %+v %+v %v", data, ev, fx, err, want, refFx, refErr)
	}
}

var normalizeSeeds = []string{
	`{"id":"a","time":"2026-11-25T14:03:11.250Z","source":"s","channel":"chat","customer_id":"c","product":"p","region":"r","language":"EN","text":"hi","labels":{"k":"v"}}`,
	"{\"text\":\"bad \xff utf8\",\"customer_id\":\"c\xfe\",\"labels\":{\"k\xff\":\"v\xff\"}}",
	"{\"text\":\"ctl\",\"customer_id\":\"c\\u0001\"}",
	"{\"text\":\"ctl\",\"product\":\"p\\u007f\"}",
	"{\"text\":\"ctl\",\"id\":\"i\\t\"}",
	"{\"text\":\"ctl\",\"labels\":{\"k\\n\":\"v\"}}",
	"{\"text\":\"ctl\",\"labels\":{\"\":\"v\"}}",
	"{\"text\":\"  \\u00e9  \",\"language\":\"\xc3\"}",
	"{\"text\":\"x\",\"source\":\"\"}",
	"{\"text\":\"x\",\"time\":\"2999-01-01T00:00:00Z\"}",
}

func TestNormalizeAgainstRef(t *testing.T) {
	for _, src := range []string{"api", "bad\xffdefault", "ctl\x01"} {
		p := NewParser(DefaultLimits(), Defaults{Source: src, Channel: ChannelChat})
		for _, s := range normalizeSeeds {
			checkNormalize(t, p, []byte(s))
		}
	}
}

func FuzzNormalizeAgainstRef(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add([]byte(s), false)
	}
	limits := DefaultLimits()
	limits.MaxFieldBytes, limits.MaxLabelValueBytes, limits.MaxTextBytes = 8, 8, 16
	f.Fuzz(func(t *testing.T, data []byte, badDefault bool) {
		src := "api"
		if badDefault {
			src = "a\xff\x01"
		}
		checkNormalize(t, NewParser(limits, Defaults{Source: src, Channel: ChannelChat}), data)
		checkNormalize(t, NewParser(DefaultLimits(), Defaults{Source: src}), data)
	})
}
