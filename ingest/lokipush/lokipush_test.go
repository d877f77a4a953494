package lokipush

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intaketest"
)

var t0 = time.Date(2026, 11, 25, 14, 3, 11, 250_000_000, time.UTC)

func newHandler(t *testing.T, cfg Config) (*Handler, *intaketest.Submitter, *prometheus.Registry) {
	t.Helper()
	return newLimitedHandler(t, cfg, event.DefaultLimits())
}

func newLimitedHandler(t *testing.T, cfg Config, limits event.Limits) (*Handler, *intaketest.Submitter, *prometheus.Registry) {
	t.Helper()
	sub := intaketest.New()
	reg := prometheus.NewPedanticRegistry()
	h, err := New(cfg, limits, sub, nil, reg, ingest.NewMetrics(reg))
	require.NoError(t, err)
	h.now = func() time.Time { return t0.Add(time.Minute) }
	return h, sub, reg
}

// protoBody builds a push request in Loki's wire format: a protobuf push.PushRequest, snappy
// block-compressed, exactly as Promtail and Alloy send it.
func protoBody(t *testing.T, req *push.PushRequest) []byte {
	t.Helper()
	raw, err := req.Marshal()
	require.NoError(t, err)
	return snappy.Encode(nil, raw)
}

func post(h http.Handler, contentType, encoding string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/loki/api/v1/push", bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if encoding != "" {
		r.Header.Set("Content-Encoding", encoding)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s %v", name, labels)
	return 0
}

func TestProtobufPush(t *testing.T) {
	h, sub, reg := newHandler(t, DefaultConfig())
	req := &push.PushRequest{Streams: []push.Stream{{
		Labels: `{job="chat", region="eu", product="checkout", note="say \"hi\"\n"}`,
		Entries: []push.Entry{
			{Timestamp: t0, Line: "Still waiting for my refund!!", StructuredMetadata: push.LabelsAdapter{
				{Name: "customer_id", Value: "acct-991"}, {Name: "trace_id", Value: "abc"},
			}},
			{Timestamp: t0.Add(time.Second), Line: "   "},
			{Timestamp: t0.Add(2 * time.Second), Line: "thanks, sorted", StructuredMetadata: push.LabelsAdapter{
				{Name: "event_id", Value: "chat-7"}, {Name: "channel", Value: "chat"},
			}},
		},
	}}}
	w := post(h, "application/x-protobuf", "", protoBody(t, req))
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())

	evs := sub.Events()
	require.Len(t, evs, 2)
	a := evs[0]
	require.Equal(t, "loki", a.Source)
	require.Equal(t, event.ChannelLog, a.Channel)
	require.Equal(t, "acct-991", a.CustomerID)
	require.Equal(t, "checkout", a.Product)
	require.Equal(t, "eu", a.Region)
	require.Equal(t, t0, a.Time)
	require.Equal(t, "Still waiting for my refund!!", a.Text)
	require.Equal(t, map[string]string{"job": "chat", "note": "say \"hi\"\n", "trace_id": "abc"}, a.Labels)
	require.True(t, strings.HasPrefix(a.ID, "lk-"), a.ID)
	b := evs[1]
	require.Equal(t, "chat-7", b.ID)
	require.Equal(t, event.ChannelChat, b.Channel)
	require.Equal(t, map[string]string{"job": "chat", "note": "say \"hi\"\n"}, b.Labels)

	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_events_received_total", map[string]string{"source": "loki"}))
	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_events_accepted_total", map[string]string{"source": "loki"}))
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_skipped_total", map[string]string{"source": "loki", "reason": "empty"}))

	// A shipper retrying the same push stores nothing twice.
	w = post(h, "application/x-protobuf", "", protoBody(t, req))
	require.Equal(t, http.StatusNoContent, w.Code)
	require.Len(t, sub.Events(), 2)
	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_events_duplicate_total", map[string]string{"source": "loki"}))
}

func jsonBody(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"streams": []any{map[string]any{
		"stream": map[string]string{"service_name": "shop", "customer_id": "c-1"},
		"values": []any{
			[]any{"1795615391250000000", "the app keeps crashing"},
			[]any{"1795615392000000000", "checkout is broken again", map[string]string{"product": "checkout"}},
		},
	}}})
	require.NoError(t, err)
	return b
}

func TestJSONPush(t *testing.T) {
	for _, gz := range []bool{false, true} {
		h, sub, _ := newHandler(t, DefaultConfig())
		body, enc := jsonBody(t), ""
		if gz {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, err := zw.Write(body)
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			body, enc = buf.Bytes(), "gzip"
		}
		w := post(h, "application/json; charset=utf-8", enc, body)
		require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
		evs := sub.Events()
		require.Len(t, evs, 2)
		require.Equal(t, "c-1", evs[0].CustomerID)
		require.Equal(t, time.Unix(0, 1795615391250000000).UTC(), evs[0].Time)
		require.Equal(t, map[string]string{"service_name": "shop"}, evs[0].Labels)
		require.Equal(t, "checkout", evs[1].Product)
	}
}

func TestMappingConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Fields.Source = []string{"service_name"}
	cfg.Fields.CustomerID = []string{"account"}
	cfg.Labels = "none"
	h, sub, _ := newHandler(t, cfg)
	req := &push.PushRequest{Streams: []push.Stream{{
		Labels:  `{service_name="app-feedback", account="acct-1", pod="x"}`,
		Entries: []push.Entry{{Timestamp: t0, Line: "love the new release"}},
	}}}
	w := post(h, "", "", protoBody(t, req))
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	ev := sub.Events()[0]
	require.Equal(t, "app-feedback", ev.Source)
	require.Equal(t, "acct-1", ev.CustomerID)
	require.Nil(t, ev.Labels)
}

func TestLabelLimit(t *testing.T) {
	limits := event.DefaultLimits()
	limits.MaxLabels = 2
	h, sub, reg := newLimitedHandler(t, DefaultConfig(), limits)
	req := &push.PushRequest{Streams: []push.Stream{{
		Labels:  `{a="1", b="2", c="3", d="4"}`,
		Entries: []push.Entry{{Timestamp: t0, Line: "hello"}},
	}}}
	require.Equal(t, http.StatusNoContent, post(h, "", "", protoBody(t, req)).Code)
	require.Len(t, sub.Events()[0].Labels, 2)
	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_loki_labels_dropped_total", nil))
}

func TestBadPushes(t *testing.T) {
	valid := &push.PushRequest{Streams: []push.Stream{{Labels: `{a="b"}`, Entries: []push.Entry{{Timestamp: t0, Line: "x"}}}}}
	for name, tc := range map[string]struct {
		ct   string
		body []byte
		want string
	}{
		"not snappy":        {"application/x-protobuf", []byte("\xff\xff\xff\xff\xff"), "not snappy-compressed"},
		"not protobuf":      {"application/x-protobuf", snappy.Encode(nil, []byte("\x0a\xff\xff")), "not a valid protobuf"},
		"bad labels":        {"application/x-protobuf", protoBody(t, &push.PushRequest{Streams: []push.Stream{{Labels: `{a="b}`}}}), "unterminated"},
		"empty labels":      {"application/x-protobuf", protoBody(t, &push.PushRequest{Streams: []push.Stream{{Labels: `{}`}}}), "at least one label"},
		"json raw protobuf": {"application/json", protoBody(t, valid), "not valid JSON"},
		"json bad ts":       {"application/json", []byte(`{"streams":[{"stream":{"a":"b"},"values":[["soon","x"]]}]}`), "not Unix nanoseconds"},
		"json short value":  {"application/json", []byte(`{"streams":[{"stream":{"a":"b"},"values":[["1"]]}]}`), "got 1 elements"},
		"json no labels":    {"application/json", []byte(`{"streams":[{"stream":{},"values":[]}]}`), "at least one label"},
		"bad content type":  {"application/json; =", []byte(`{}`), "bad Content-Type"},
	} {
		t.Run(name, func(t *testing.T) {
			h, sub, reg := newHandler(t, DefaultConfig())
			w := post(h, tc.ct, "", tc.body)
			require.Equal(t, http.StatusBadRequest, w.Code)
			require.Contains(t, w.Body.String(), tc.want)
			require.Empty(t, sub.Events())
			require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "loki", "reason": "syntax"}))
		})
	}
}

func TestPartialRejection(t *testing.T) {
	h, sub, reg := newHandler(t, DefaultConfig())
	req := &push.PushRequest{Streams: []push.Stream{
		{Labels: `{job="a"}`, Entries: []push.Entry{{Timestamp: t0, Line: "fine"}, {Timestamp: t0.Add(48 * time.Hour), Line: "from the future"}}},
		{Labels: `{job="b", channel="carrier-pigeon"}`, Entries: []push.Entry{{Timestamp: t0, Line: "bad channel"}}},
	}}
	w := post(h, "application/x-protobuf", "", protoBody(t, req))
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Contains(t, w.Body.String(), "2 of 3 lines rejected, the others were stored")
	require.Contains(t, w.Body.String(), "ahead of the receive time")
	require.Len(t, sub.Events(), 1)
	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "loki", "reason": "invalid"}))
}

func TestBackPressure(t *testing.T) {
	h, sub, reg := newHandler(t, DefaultConfig())
	sub.FailNext(intaketest.Busy(1500 * time.Millisecond))
	req := &push.PushRequest{Streams: []push.Stream{{Labels: `{a="b"}`, Entries: []push.Entry{{Timestamp: t0, Line: "x"}}}}}
	w := post(h, "application/x-protobuf", "", protoBody(t, req))
	require.Equal(t, http.StatusTooManyRequests, w.Code)
	require.Equal(t, "2", w.Header().Get("Retry-After"))
	require.Empty(t, sub.Events())
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "loki", "reason": "queue_full"}))
	// The shipper's retry goes through.
	require.Equal(t, http.StatusNoContent, post(h, "application/x-protobuf", "", protoBody(t, req)).Code)
	require.Len(t, sub.Events(), 1)
}

func TestTooLarge(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBodyBytes = 16384
	h, _, reg := newHandler(t, cfg)
	// Compresses well below the limit but decompresses far past it.
	req := &push.PushRequest{Streams: []push.Stream{{Labels: `{a="b"}`, Entries: []push.Entry{{Timestamp: t0, Line: strings.Repeat("a", 300_000)}}}}}
	body := protoBody(t, req)
	require.Less(t, len(body), 16384)
	w := post(h, "application/x-protobuf", "", body)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code, w.Body.String())
	w = post(h, "application/json", "", bytes.Repeat([]byte(" "), 20000))
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	require.Equal(t, 2.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "loki", "reason": "too_large"}))
}

func TestMethod(t *testing.T) {
	h, _, _ := newHandler(t, DefaultConfig())
	r := httptest.NewRequest(http.MethodGet, "/loki/api/v1/push", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
}

func TestParseLabels(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Label
		err  string
	}{
		{in: `{a="b", c="d"}`, want: []Label{{"a", "b"}, {"c", "d"}}},
		{in: ` { a = "b" , } `, want: []Label{{"a", "b"}}},
		{in: `{a="x\"y\\z\n\u00e9\x41"}`, want: []Label{{"a", "x\"y\\z\né\x41"}}},
		{in: "{a=`raw \\n`}", want: []Label{{"a", `raw \n`}}},
		{in: `{"service.name"="api", b="", _c9="1"}`, want: []Label{{"service.name", "api"}, {"_c9", "1"}}},
		{in: `{a="b", a="c"}`, err: "duplicate label name"},
		{in: `{}`, err: "at least one label pair"},
		{in: `{a=""}`, err: "at least one label pair"},
		{in: `a="b"`, err: "expected '{'"},
		{in: `{a="b"`, err: "expected ',' or '}'"},
		{in: `{a "b"}`, err: "expected '='"},
		{in: `{9a="b"}`, err: "expected a label name"},
		{in: `{a=b}`, err: "expected a quoted string"},
		{in: `{a="\q"}`, err: "bad escape"},
		{in: `{a="b"} x`, err: "unexpected text"},
		{in: "{a=\"b\nc\"}", err: "newline"},
	} {
		got, err := ParseLabels(tc.in)
		if tc.err != "" {
			require.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestConfig(t *testing.T) {
	good := `
max_body_bytes: 1048576
source: app-logs
channel: chat
fields:
  customer_id: [account, customer_id]
labels: none
drop_labels: [filename]
`
	cfg, err := parseConfig(good)
	require.NoError(t, err)
	require.Equal(t, []string{"account", "customer_id"}, cfg.Fields.CustomerID)
	require.Equal(t, []string{"product"}, cfg.Fields.Product, "unset keys keep their defaults")

	for in, want := range map[string]string{
		"channel: fax":            "unknown channel",
		"labels: some":            "labels must be remaining or none",
		"max_body_bytes: 10":      "max_body_bytes must be at least 1024",
		"source: ''":              "source must not be empty",
		"fields: {product: ['']}": "empty attribute name",
		"unknown_key: 1":          "field unknown_key not found",
	} {
		_, err := parseConfig(in)
		require.ErrorContains(t, err, want, in)
	}
}

func parseConfig(s string) (Config, error) {
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(strings.NewReader(s))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && err != io.EOF {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func FuzzParseLabels(f *testing.F) {
	for _, s := range []string{`{a="b", c="d"}`, "{a=`x`}", `{"a.b"="\u00e9"}`, `{a="\"}`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ls, err := ParseLabels(s)
		if err != nil {
			return
		}
		if len(ls) == 0 {
			t.Fatalf("no labels and no error for %q", s)
		}
		seen := map[string]bool{}
		for _, l := range ls {
			if l.Name == "" || l.Value == "" || seen[l.Name] {
				t.Fatalf("bad label %+v from %q", l, s)
			}
			seen[l.Name] = true
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"streams":[{"stream":{"a":"b"},"values":[["1","x",{"k":"v"}]]}]}`))
	f.Add([]byte(`{"streams":[{"stream":{"a":"b"},"values":[[1,"x"]]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		streams, err := DecodeJSON(b)
		if err != nil {
			return
		}
		for _, s := range streams {
			if len(s.labels) == 0 {
				t.Fatal("stream without labels")
			}
		}
	})
}

func FuzzDecodeProto(f *testing.F) {
	req := &push.PushRequest{Streams: []push.Stream{{Labels: `{a="b"}`, Entries: []push.Entry{{
		Timestamp: t0, Line: "x",
		StructuredMetadata: push.LabelsAdapter{{Name: "k", Value: "v"}},
	}}}}}
	raw, err := req.Marshal()
	require.NoError(f, err)
	f.Add(snappy.Encode(nil, raw))
	f.Add(raw)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		streams, err := DecodeProto(b, 1<<20)
		if err != nil {
			return
		}
		for _, s := range streams {
			if len(s.labels) == 0 {
				t.Fatal("stream without labels")
			}
		}
	})
}

// FuzzHandler feeds arbitrary bodies through the whole handler: it must answer, never panic,
// and never store an event on a 4xx other than a partial rejection.
func FuzzHandler(f *testing.F) {
	f.Add([]byte(`{"streams":[{"stream":{"a":"b"},"values":[["1795615391250000000","x"]]}]}`), true)
	f.Add([]byte("\x00"), false)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		sub := intaketest.New()
		h, err := New(DefaultConfig(), event.DefaultLimits(), sub, nil, nil, nil)
		require.NoError(t, err)
		h.now = func() time.Time { return t0 }
		ct := "application/x-protobuf"
		if isJSON {
			ct = "application/json"
		}
		w := post(h, ct, "", b)
		switch w.Code {
		case http.StatusNoContent:
		case http.StatusRequestEntityTooLarge:
			require.Empty(t, sub.Events())
		case http.StatusBadRequest:
			if len(sub.Events()) > 0 && !strings.Contains(w.Body.String(), "the others were stored") {
				t.Fatalf("stored events but answered %s", w.Body.String())
			}
		default:
			t.Fatalf("unexpected status %d: %s", w.Code, w.Body.String())
		}
	})
}

func BenchmarkProtobufPush(b *testing.B) {
	sub := intaketest.New()
	h, err := New(DefaultConfig(), event.DefaultLimits(), sub, nil, nil, nil)
	require.NoError(b, err)
	entries := make([]push.Entry, 100)
	for i := range entries {
		entries[i] = push.Entry{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), Line: "the checkout page keeps timing out, please fix it"}
	}
	req := &push.PushRequest{Streams: []push.Stream{{Labels: `{job="app", region="eu", product="checkout"}`, Entries: entries}}}
	raw, err := req.Marshal()
	require.NoError(b, err)
	body := snappy.Encode(nil, raw)
	h.now = func() time.Time { return t0 }
	b.ReportAllocs()
	for b.Loop() {
		w := post(h, "application/x-protobuf", "", body)
		if w.Code != http.StatusNoContent {
			b.Fatal(w.Body.String())
		}
	}
	b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "lines/s")
}
