package event

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// checkNormalize decodes data and checks what normalize relies on and what it promises: the
// decoder hands it valid UTF-8, and an event it accepts has valid UTF-8 fields without control
// characters, within the limits, an id and a time in UTC to the millisecond.
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
	var fx Fixes
	ev, err := p.normalize(&w, 3, now, &fx)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "event 3: ") {
			t.Fatalf("%q: error %q does not name the event", data, err)
		}
		return
	}
	l := p.Limits
	for _, s := range []string{ev.ID, ev.Source, ev.CustomerID, ev.Product, ev.Region, ev.Language} {
		// (A generated id, "h-" and 32 hex digits, may be longer than the field limit.)
		if !utf8.ValidString(s) || hasControl(s) || len(s) > l.MaxFieldBytes && s != ev.ID {
			t.Fatalf("%q: accepted field %q", data, s)
		}
	}
	if ev.ID == "" || ev.Text == "" || !utf8.ValidString(ev.Text) || len(ev.Text) > l.MaxTextBytes {
		t.Fatalf("%q: accepted id %q, text %q", data, ev.ID, ev.Text)
	}
	if len(ev.Labels) > l.MaxLabels {
		t.Fatalf("%q: accepted %d labels", data, len(ev.Labels))
	}
	for k, v := range ev.Labels {
		if k == "" || !utf8.ValidString(k) || hasControl(k) || len(k) > l.MaxFieldBytes || !utf8.ValidString(v) || len(v) > l.MaxLabelValueBytes {
			t.Fatalf("%q: accepted label %q=%q", data, k, v)
		}
	}
	if !ev.Time.Equal(ev.Time.UTC().Truncate(time.Millisecond)) || ev.Time.Location() != time.UTC {
		t.Fatalf("%q: time %v", data, ev.Time)
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

// TestNormalize runs normalize on the seeds, with a default source that is fine and with two
// that are not (invalid UTF-8, a control character): only events that name their own valid
// source pass then.
func TestNormalize(t *testing.T) {
	want := []string{ // per seed with the default source "api": the error, or "" and the id
		"", "", "customer_id: must be valid UTF-8 without control characters",
		"product: must be valid UTF-8 without control characters",
		"id: must be valid UTF-8 without control characters",
		`labels: key "k\n" must be 1 to 256 bytes of UTF-8 without control characters`,
		`labels: key "" must be 1 to 256 bytes of UTF-8 without control characters`,
		"", "source: is required", "time: 2999-01-01T00:00:00Z is outside the storable range 1970..2105",
	}
	for _, src := range []string{"api", "bad\xffdefault", "ctl\x01"} {
		p := NewParser(DefaultLimits(), Defaults{Source: src, Channel: ChannelChat})
		for i, s := range normalizeSeeds {
			checkNormalize(t, p, []byte(s))
			var w wire
			require.NoError(t, decodeWire([]byte(s), &w, p.intern))
			var fx Fixes
			ev, err := p.normalize(&w, 3, now, &fx)
			switch {
			case i == 0: // names its own source
				require.NoError(t, err)
				require.Equal(t, Event{
					ID: "a", Time: time.Date(2026, 11, 25, 14, 3, 11, 250e6, time.UTC), Source: "s", Channel: ChannelChat,
					CustomerID: "c", Product: "p", Region: "r", Language: "en", Text: "hi", Labels: map[string]string{"k": "v"},
				}, ev)
			case src != "api" && i == 8:
				require.EqualError(t, err, "event 3: source: is required")
			case src != "api":
				require.EqualError(t, err, "event 3: source: must be valid UTF-8 without control characters", "seed %d", i)
			case want[i] != "":
				require.EqualError(t, err, "event 3: "+want[i], "seed %d", i)
			default:
				require.NoError(t, err, "seed %d", i)
				require.Equal(t, "api", ev.Source)
				require.True(t, strings.HasPrefix(ev.ID, "h-"), ev.ID)
			}
		}
	}
	// The decoder repairs invalid UTF-8 before normalize sees it (seed 1).
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	var w wire
	require.NoError(t, decodeWire([]byte(normalizeSeeds[1]), &w, p.intern))
	var fx Fixes
	ev, err := p.normalize(&w, 3, now, &fx)
	require.NoError(t, err)
	require.Equal(t, "c\uFFFD", ev.CustomerID)
	require.Equal(t, map[string]string{"k\uFFFD": "v\uFFFD"}, ev.Labels)
}

func FuzzNormalize(f *testing.F) {
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
