package event

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func parser() *Parser { return NewParser(DefaultLimits(), Defaults{Source: "api"}) }

func TestParseObject(t *testing.T) {
	ev, fx, err := parser().ParseObject([]byte(`{"id": "zd-48213-3", "time": "2026-11-25T14:03:11.250Z", "source": "zendesk", "channel": "ticket",
 "customer_id": "acct-991", "product": "checkout", "region": "eu", "language": "EN",
 "text": "  Still waiting for my refund, third time I'm asking!!  ",
 "labels": {"plan": "enterprise", "agent": "a-17"}}`), 0, now)
	require.NoError(t, err)
	require.Equal(t, Fixes{}, fx)
	require.Equal(t, Event{
		ID: "zd-48213-3", Time: time.Date(2026, 11, 25, 14, 3, 11, 250e6, time.UTC), Source: "zendesk",
		Channel: ChannelTicket, CustomerID: "acct-991", Product: "checkout", Region: "eu", Language: "en",
		Text: "Still waiting for my refund, third time I'm asking!!", Labels: map[string]string{"plan": "enterprise", "agent": "a-17"},
	}, ev)

	// Round trip through the wire form.
	back, _, err := parser().ParseObject(AppendJSON(nil, &ev), 0, now)
	require.NoError(t, err)
	require.Equal(t, ev, back)
}

func TestParseObjectDefaults(t *testing.T) {
	p := NewParser(DefaultLimits(), Defaults{Source: "loki", Channel: ChannelLog})
	ev, _, err := p.ParseObject([]byte(`{"text":"payment service timeout", "customer_id": "c1"}`), 0, now)
	require.NoError(t, err)
	require.Equal(t, "loki", ev.Source)
	require.Equal(t, ChannelLog, ev.Channel)
	require.Equal(t, now, ev.Time)
	require.Equal(t, DefaultID("loki", "c1", "payment service timeout", now, false), ev.ID)

	// Re-sent later without id or time: same id, so it collapses into the first.
	again, _, err := p.ParseObject([]byte(`{"text":"payment service timeout", "customer_id": "c1"}`), 0, now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, ev.ID, again.ID)

	// With a time given, the time is part of the id.
	withTime, _, err := p.ParseObject([]byte(`{"text":"payment service timeout", "customer_id": "c1", "time": 1764079200.5}`), 0, now)
	require.NoError(t, err)
	require.NotEqual(t, ev.ID, withTime.ID)
	require.Equal(t, time.Unix(1764079200, 500e6).UTC(), withTime.Time)
}

func TestParseObjectErrors(t *testing.T) {
	for _, tc := range []struct {
		in, field, reason, msg string
	}{
		{`{"channel":"chat"}`, "text", ReasonInvalid, "is required"},
		{`{"channel":"chat","text":"   "}`, "text", ReasonInvalid, "must not be empty"},
		{`{"text":"hi"}`, "channel", ReasonInvalid, "is required"},
		{`{"channel":"fax","text":"hi"}`, "channel", ReasonInvalid, `unknown channel "fax"`},
		{`{"channel":"chat","text":42}`, "text", ReasonInvalid, "want a string, got number"},
		{`{"channel":"chat","text":"hi","custmer_id":"x"}`, "custmer_id", ReasonInvalid, "unknown field"},
		{`{"channel":"chat","text":"hi","time":"yesterday"}`, "time", ReasonInvalid, "not an RFC 3339 time"},
		{`{"channel":"chat","text":"hi","time":1764079200000}`, "time", ReasonInvalid, "looks like milliseconds"},
		{`{"channel":"chat","text":"hi","time":"2027-01-01T00:00:00Z"}`, "time", ReasonInvalid, "ahead of the receive time"},
		{`{"channel":"chat","text":"hi","time":"1960-01-01T00:00:00Z"}`, "time", ReasonInvalid, "outside the storable range"},
		{`{"channel":"chat","text":"hi","id":""}`, "id", ReasonInvalid, "must not be empty"},
		{`{"channel":"chat","text":"hi","customer_id":"` + strings.Repeat("x", 300) + `"}`, "customer_id", ReasonLimit, "more than the limit of 256"},
		{`{"channel":"chat","text":"hi","product":"a\u0000b"}`, "product", ReasonInvalid, "control characters"},
		{`{"channel":"chat","text":"hi","labels":{"a":1}}`, "labels", ReasonInvalid, `want a string for label "a", got number`},
		{`{"channel":"chat","text":"hi"} x`, "", ReasonSyntax, "unexpected data after"},
		{`{"channel":"chat","text":"hi"`, "", ReasonSyntax, "unexpected end"},
		{`[1]`, "", ReasonSyntax, "want a JSON object"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, _, err := parser().ParseObject([]byte(tc.in), 7, now)
			var e *Error
			require.True(t, errors.As(err, &e), "got %v", err)
			require.Equal(t, 7, e.Index)
			require.Equal(t, tc.field, e.Field)
			require.Equal(t, tc.reason, e.Reason)
			require.Contains(t, e.Msg, tc.msg)
		})
	}
}

func TestLimits(t *testing.T) {
	labels := make([]string, 33)
	for i := range labels {
		labels[i] = `"k` + strings.Repeat("x", i) + `":"v"`
	}
	_, _, err := parser().ParseObject([]byte(`{"channel":"chat","text":"hi","labels":{`+strings.Join(labels, ",")+`}}`), 0, now)
	require.ErrorContains(t, err, "labels: has 33 pairs, more than the limit of 32")

	long := strings.Repeat("é", 5000) // 10,000 bytes
	ev, fx, err := parser().ParseObject([]byte(`{"channel":"chat","text":"`+long+`"}`), 0, now)
	require.NoError(t, err)
	require.True(t, fx.TextTruncated)
	require.Len(t, ev.Text, 8192)

	ev, fx, err = parser().ParseObject([]byte("{\"channel\":\"chat\",\"text\":\"bad \xff byte\"}"), 0, now)
	require.NoError(t, err)
	require.True(t, fx.UTF8Repaired)
	require.Equal(t, "bad \uFFFD byte", ev.Text)
}

func TestReadAll(t *testing.T) {
	collect := func(body string, f Format) ([]Event, error) {
		var out []Event
		err := parser().ReadAll([]byte(body), f, now, func(ev Event, _ Fixes) error {
			out = append(out, ev)
			return nil
		})
		return out, err
	}
	evs, err := collect(`{"channel":"chat","text":"one"}`, FormatJSON)
	require.NoError(t, err)
	require.Len(t, evs, 1)

	evs, err = collect(` [{"channel":"chat","text":"one"}, {"channel":"chat","text":"two"}]`, FormatJSON)
	require.NoError(t, err)
	require.Len(t, evs, 2)

	evs, err = collect("{\"channel\":\"chat\",\"text\":\"one\"}\n\n{\"channel\":\"chat\",\"text\":\"two\"}\r\n", FormatNDJSON)
	require.NoError(t, err)
	require.Len(t, evs, 2)

	_, err = collect("{\"channel\":\"chat\",\"text\":\"one\"}\n{\"channel\":\"chat\",\"text\":\"two\"\n{\"channel\":\"chat\",\"text\":\"3\"}", FormatNDJSON)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, 1, e.Index)

	_, err = collect(`[{"channel":"chat","text":"one"}, {"channel":"chat","text":"two",}]`, FormatJSON)
	require.ErrorAs(t, err, &e)
	require.Equal(t, 1, e.Index)
	require.Equal(t, ReasonSyntax, e.Reason)

	_, err = collect(`[{"channel":"chat","text":"one"}, {"channel":"chat"}]`, FormatJSON)
	require.ErrorAs(t, err, &e)
	require.Equal(t, 1, e.Index)
	require.Equal(t, "text", e.Field)

	_, err = collect("  ", FormatJSON)
	require.ErrorContains(t, err, "empty body")
}

func TestChannelAndLabelText(t *testing.T) {
	for _, c := range Channels() {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back Channel
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, c, back)
	}
	_, err := ChannelUnknown.MarshalText()
	require.Error(t, err)
	for _, l := range []Label{Negative, Neutral, Positive} {
		got, err := ParseLabel(l.String())
		require.NoError(t, err)
		require.Equal(t, l, got)
	}
}

func TestTruncateUTF8(t *testing.T) {
	require.Equal(t, "ab", TruncateUTF8("abc", 2))
	require.Equal(t, "a", TruncateUTF8("aé", 2))
	require.Equal(t, "abc", TruncateUTF8("abc", 5))
}

func FuzzParseObject(f *testing.F) {
	for _, s := range []string{
		`{"channel":"chat","text":"hi","labels":{"a":"b"},"time":"2026-11-25T14:03:11.250Z"}`,
		`{"text":"x","time":12.5}`, `[]`, `{"text":null}`, "{\"text\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, _, err := p.ParseObject(data, 0, now)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if ev.Text == "" || ev.ID == "" || ev.Channel == ChannelUnknown || ev.Source == "" {
			t.Fatalf("accepted an incomplete event: %+v", ev)
		}
		if len(ev.Text) > p.Limits.MaxTextBytes {
			t.Fatalf("text longer than the limit: %d", len(ev.Text))
		}
		back, _, err := p.ParseObject(AppendJSON(nil, &ev), 0, now)
		if err != nil {
			t.Fatalf("wire form of an accepted event does not parse: %v", err)
		}
		if back.ID != ev.ID || back.Text != ev.Text || !back.Time.Equal(ev.Time) {
			t.Fatalf("round trip changed the event: %+v != %+v", back, ev)
		}
	})
}

func FuzzReadAll(f *testing.F) {
	f.Add([]byte("{\"text\":\"a\"}\n{\"text\":\"b\"}"), true)
	f.Add([]byte(`[{"text":"a"},{"text":"b"}]`), false)
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	f.Fuzz(func(t *testing.T, data []byte, nd bool) {
		format := FormatJSON
		if nd {
			format = FormatNDJSON
		}
		n := 0
		err := p.ReadAll(data, format, now, func(Event, Fixes) error { n++; return nil })
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		// Events before the bad one may have been delivered, never one after it.
		if err != nil && e.Index < n {
			t.Fatalf("error index %d after %d delivered events", e.Index, n)
		}
	})
}

func BenchmarkParseObject(b *testing.B) {
	line := []byte(`{"id":"zd-48213-3","time":"2026-11-25T14:03:11.250Z","source":"zendesk","channel":"ticket","customer_id":"acct-991","product":"checkout","region":"eu","text":"Still waiting for my refund, third time I'm asking!!","labels":{"plan":"enterprise"}}`)
	p := parser()
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, _, err := p.ParseObject(line, 0, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	ev, _, err := parser().ParseObject([]byte(`{"id":"zd-1","channel":"ticket","customer_id":"acct-991","text":"Still waiting for my refund","labels":{"plan":"enterprise"}}`), 0, now)
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSON(buf[:0], &ev)
	}
}
