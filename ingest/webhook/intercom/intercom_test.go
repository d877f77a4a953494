package intercom

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intaketest"
)

const testSecret = "c1ient-testSecret-for-tests"

var now = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)

func newHandler(t *testing.T, mod func(*Config)) (*Handler, *intaketest.Submitter, *prometheus.Registry, *bytes.Buffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.ClientSecret = testSecret
	if mod != nil {
		mod(&cfg)
	}
	sub := intaketest.New()
	reg := prometheus.NewPedanticRegistry()
	var logs bytes.Buffer
	h, err := New(cfg, event.DefaultLimits(), sub, slog.New(slog.NewTextHandler(&logs, nil)), reg, ingest.NewMetrics(reg))
	require.NoError(t, err)
	h.now = func() time.Time { return now }
	return h, sub, reg, &logs
}

func send(h http.Handler, body, key string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/intercom", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(HeaderSignature, Sign(key, []byte(body)))
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

// notification builds a notification in Intercom's documented shape: a notification_event
// whose data.item is the conversation with its newest parts.
func notification(id, topic string, created time.Time, parts string) string {
	return fmt.Sprintf(`{
  "type": "notification_event", "app_id": "abc123", "id": %q, "topic": %q,
  "delivery_status": "pending", "delivery_attempts": 1, "delivered_at": 0,
  "first_sent_at": %d, "created_at": %d, "self": null, "links": {},
  "data": {"type": "notification_event_data", "item": {
    "type": "conversation", "id": "1911149811", "created_at": 1795615000, "state": "open",
    "priority": "priority", "admin_assignee_id": 814860, "team_assignee_id": null,
    "source": {"type": "conversation", "id": "403918330", "delivered_as": "customer_initiated",
      "subject": "", "body": "<p>Hi, my order <b>never</b> arrived &amp; nobody answers.</p>",
      "author": {"type": "user", "id": "5c9a", "name": "Kim", "email": "kim@example.com"}},
    "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "5c9a", "external_id": "acct-991"}]},
    "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "1", "name": "product_checkout"}, {"type": "tag", "id": "2", "name": "vip"}]},
    "custom_attributes": {"region": "eu", "seats": 40, "trial": false},
    "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [%s], "total_count": 1}
  }}
}`, id, topic, created.Unix(), created.Unix(), parts)
}

func part(id, partType, authorType, body string) string {
	return fmt.Sprintf(`{"type": "conversation_part", "id": %q, "part_type": %q, "body": %q,
	  "created_at": 1795615391, "updated_at": 1795615391, "notified_at": 1795615391,
	  "author": {"type": %q, "id": "a-1", "name": "X"}, "attachments": []}`, id, partType, body, authorType)
}

func TestCustomerMessagesAccepted(t *testing.T) {
	h, sub, reg, _ := newHandler(t, func(c *Config) {
		c.Fields.Product = []string{"tag_prefix:product_"}
		c.Fields.Region = []string{"custom_attribute:region"}
		c.Labels = map[string]string{"seats": "custom_attribute:seats", "vip": "tag:vip", "trial": "custom_attribute:trial"}
	})
	body := notification("notif_1", "conversation.user.created", now.Add(-time.Minute),
		part("11", "comment", "user", "<p>Also, the app <br>crashes</p><p>on login.</p>")+","+part("12", "comment", "admin", "<p>Sorry!</p>")+","+part("13", "note", "admin", "<p>vip, escalate</p>")+","+part("14", "assignment", "admin", ""))
	w := send(h, body, testSecret)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.JSONEq(t, `{"accepted":2,"duplicates":0,"skipped":2}`, w.Body.String())
	evs := sub.Events()
	require.Len(t, evs, 2)
	src, p := evs[0], evs[1]
	require.Equal(t, "ic-1911149811-source", src.ID)
	require.Equal(t, "Hi, my order never arrived & nobody answers.", src.Text)
	require.Equal(t, "ic-1911149811-11", p.ID)
	require.Equal(t, "Also, the app\ncrashes\n\non login.", p.Text)
	for _, ev := range evs {
		require.Equal(t, "intercom", ev.Source)
		require.Equal(t, event.ChannelChat, ev.Channel)
		require.Equal(t, "acct-991", ev.CustomerID)
		require.Equal(t, "checkout", ev.Product)
		require.Equal(t, "eu", ev.Region)
		require.Equal(t, map[string]string{"seats": "40", "vip": "true", "trial": "false"}, ev.Labels)
	}
	require.Equal(t, time.Unix(1795615391, 0).UTC(), p.Time)
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_skipped_total", map[string]string{"source": "intercom", "reason": "agent_reply"}))
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_skipped_total", map[string]string{"source": "intercom", "reason": "private"}))

	// Redelivered: answered without work. Same parts in another notification: duplicates.
	w = send(h, body, testSecret)
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, w.Body.String())
	w = send(h, strings.Replace(body, "notif_1", "notif_2", 1), testSecret)
	require.JSONEq(t, `{"accepted":0,"duplicates":2,"skipped":2}`, w.Body.String())
	require.Len(t, sub.Events(), 2)
}

func TestAdminRepliesLabelled(t *testing.T) {
	h, sub, _, _ := newHandler(t, func(c *Config) { c.AdminReplies = "label" })
	w := send(h, notification("n", "conversation.admin.replied", now, part("12", "comment", "admin", "<p>Sorry!</p>")), testSecret)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	evs := sub.Events()
	require.Len(t, evs, 1)
	require.Equal(t, map[string]string{"author": "agent"}, evs[0].Labels)
}

func TestForgedAndStale(t *testing.T) {
	h, sub, reg, logs := newHandler(t, nil)
	good := notification("n1", "conversation.user.replied", now, part("1", "comment", "user", "hello"))
	for name, tc := range map[string]struct {
		body, key, header string
		reason            string
	}{
		"wrong testSecret": {body: good, key: "other"},
		"no header":        {body: good, header: "-"},
		"not hex":          {body: good, header: "sha1=zz"},
		"sha256 prefix":    {body: good, header: "sha256=" + strings.TrimPrefix(Sign(testSecret, []byte(good)), "sha1=")},
		"tampered":         {body: good, header: Sign(testSecret, []byte(strings.Replace(good, "hello", "HELLO", 1)))},
		"stale":            {body: notification("n2", "conversation.user.replied", now.Add(-2*time.Hour), part("1", "comment", "user", "x")), key: testSecret, reason: "replayed"},
		"future":           {body: notification("n3", "conversation.user.replied", now.Add(time.Hour), part("1", "comment", "user", "x")), key: testSecret, reason: "replayed"},
	} {
		t.Run(name, func(t *testing.T) {
			reason := tc.reason
			if reason == "" {
				reason = "bad_signature"
			}
			before := counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "intercom", "reason": reason})
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			switch {
			case tc.header == "-":
			case tc.header != "":
				r.Header.Set(HeaderSignature, tc.header)
			default:
				r.Header.Set(HeaderSignature, Sign(tc.key, []byte(tc.body)))
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(t, http.StatusUnauthorized, w.Code, w.Body.String())
			require.NotContains(t, w.Body.String(), testSecret)
			require.Equal(t, before+1, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "intercom", "reason": reason}))
		})
	}
	require.Empty(t, sub.Events())
	require.NotContains(t, logs.String(), testSecret)
}

func TestPingAndOtherTopics(t *testing.T) {
	h, sub, _, _ := newHandler(t, nil)
	ping := fmt.Sprintf(`{"type":"notification_event","topic":"ping","id":"p","created_at":%d,"data":{"item":{"type":"ping","message":"hi"}}}`, now.Unix())
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, send(h, ping, testSecret).Body.String())
	contact := fmt.Sprintf(`{"type":"notification_event","topic":"contact.user.created","id":"c","created_at":%d,"data":{"item":{"type":"contact"}}}`, now.Unix())
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, send(h, contact, testSecret).Body.String())
	require.Empty(t, sub.Events())
}

func TestBadPayloads(t *testing.T) {
	h, _, reg, _ := newHandler(t, nil)
	for _, body := range []string{
		`nope`,
		`{"type":"something_else"}`,
		fmt.Sprintf(`{"type":"notification_event","topic":"conversation.user.replied","created_at":%d,"data":{"item":[]}}`, now.Unix()),
		fmt.Sprintf(`{"type":"notification_event","topic":"conversation.user.replied","created_at":%d,"data":{"item":{"id":""}}}`, now.Unix()),
		fmt.Sprintf(`{"type":"notification_event","topic":"conversation.user.replied","created_at":%d,"data":{"item":{"id":"1","conversation_parts":{"conversation_parts":[{"body":"x"}]}}}}`, now.Unix()),
	} {
		require.Equal(t, http.StatusBadRequest, send(h, body, testSecret).Code, body)
	}
	require.Equal(t, 5.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "intercom", "reason": "syntax"}))
}

func TestBackPressureIsRetryable(t *testing.T) {
	h, sub, _, _ := newHandler(t, nil)
	sub.FailNext(intaketest.Busy(time.Second))
	body := notification("n", "conversation.user.replied", now, part("1", "comment", "user", "where is it"))
	w := send(h, body, testSecret)
	require.Equal(t, http.StatusTooManyRequests, w.Code)
	require.Equal(t, "1", w.Header().Get("Retry-After"))
	require.JSONEq(t, `{"accepted":1,"duplicates":0,"skipped":0}`, send(h, body, testSecret).Body.String())
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"plain  text":                        "plain text",
		"<p>a</p><p>b</p>":                   "a\n\nb",
		"x<br/>y":                            "x\ny",
		"<p>caf&eacute; &lt;3 &#x1F600;</p>": "café <3 😀",
		"<script>alert(1)</script>ok":        "ok",
		"<p><img src=x>  </p>":               "",
		"<ul><li>one</li><li>two</li></ul>":  "one\n\ntwo",
		"<a href='u'>link</a> text":          "link text",
		"unclosed <b":                        "unclosed",
	} {
		require.Equal(t, want, PlainText(in), in)
	}
}

func TestConfigValidate(t *testing.T) {
	require.ErrorContains(t, DefaultConfig().Validate(), "client_secret is required")
	cfg := DefaultConfig()
	cfg.ClientSecret = testSecret
	cfg.AdminReplies = "keep"
	err := cfg.Validate()
	require.ErrorContains(t, err, "admin_replies")
	require.NotContains(t, err.Error(), testSecret)
}

func FuzzPlainText(f *testing.F) {
	f.Add("<p>a <b>b</b></p>")
	f.Add("<script>")
	f.Fuzz(func(t *testing.T, s string) {
		out := PlainText(s)
		if strings.Contains(out, "\n\n\n") {
			t.Fatalf("more than one blank line: %q", out)
		}
		if out != strings.TrimSpace(out) {
			t.Fatalf("not trimmed: %q", out)
		}
	})
}

func FuzzHandler(f *testing.F) {
	f.Add(notification("n", "conversation.user.created", now, part("1", "comment", "user", "<p>x</p>")))
	f.Add(fmt.Sprintf(`{"type":"notification_event","topic":"conversation.x","created_at":%d,"data":{"item":{"id":5,"custom_attributes":{"a":[1]}}}}`, now.Unix()))
	f.Fuzz(func(t *testing.T, body string) {
		sub := intaketest.New()
		cfg := DefaultConfig()
		cfg.ClientSecret = testSecret
		cfg.Fields.Product = []string{"custom_attribute:a", "tag_prefix:p"}
		h, err := New(cfg, event.DefaultLimits(), sub, nil, nil, nil)
		require.NoError(t, err)
		h.now = func() time.Time { return now }
		w := send(h, body, testSecret)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if w.Code != http.StatusOK && len(sub.Events()) > 0 {
			t.Fatal("stored an event but did not answer 200")
		}
	})
}
