package zendesk

import (
	"bytes"
	"encoding/json"
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

const testSecret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="

var now = time.Date(2026, 11, 25, 14, 25, 31, 0, time.UTC)

func newHandler(t *testing.T, mod func(*Config)) (*Handler, *intaketest.Submitter, *prometheus.Registry, *bytes.Buffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.SigningSecret = testSecret
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

// send posts body signed the way Zendesk signs it, with the signature timestamp ts.
func send(h http.Handler, body string, ts time.Time, key string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/webhooks/zendesk", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	stamp := ts.UTC().Format(time.RFC3339)
	r.Header.Set(HeaderTimestamp, stamp)
	r.Header.Set(HeaderSignature, Sign(key, stamp, []byte(body)))
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

// commentAdded is a zen:event-type:ticket.comment_added payload in Zendesk's documented shape.
func commentAdded(eventID, commentID string, staff, public bool, body string) string {
	return fmt.Sprintf(`{
  "account_id": 22129848,
  "detail": {
    "actor_id": "8447388090494", "assignee_id": "8447388090001", "brand_id": "8447346621310",
    "created_at": "2026-11-25T10:12:07Z", "description": "Cannot log in to the mobile app",
    "form_id": "8646151517822", "group_id": "8447320466430", "id": "5158", "is_public": true,
    "organization_id": "8447346622462", "priority": "HIGH", "requester_id": "8447388090494",
    "status": "OPEN", "subject": "Cannot login", "submitter_id": "8447388090494",
    "tags": ["mobile", "region_eu", "plan_enterprise"], "type": "PROBLEM",
    "updated_at": "2026-11-25T14:25:30Z", "via": {"channel": "web_service"},
    "custom_fields": [{"id": 360001, "value": "checkout"}, {"id": "360002", "value": null}]
  },
  "event": {"comment": {"id": %s, "body": %q, "is_public": %t,
    "author": {"id": 8447388090494, "is_staff": %t, "name": "A Person"}}},
  "id": %q,
  "subject": "zen:ticket:5158",
  "time": "2026-11-25T14:25:30.123456789Z",
  "type": "zen:event-type:ticket.comment_added",
  "zendesk_event_version": "2022-11-06"
}`, commentID, body, public, staff, eventID)
}

func TestSignedCommentAccepted(t *testing.T) {
	h, sub, reg, _ := newHandler(t, func(c *Config) {
		c.Fields.Product = []string{"custom_field:360001", "brand"}
		c.Fields.Region = []string{"tag_prefix:region_"}
		c.Labels = map[string]string{"plan": "tag_prefix:plan_", "priority": "priority", "mobile": "tag:mobile", "none": "tag:absent"}
	})
	w := send(h, commentAdded("ev-1", "9876543210", false, true, "Still waiting for my refund!!"), now.Add(-time.Minute), testSecret)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.JSONEq(t, `{"accepted":1,"duplicates":0,"skipped":0}`, w.Body.String())
	evs := sub.Events()
	require.Len(t, evs, 1)
	ev := evs[0]
	require.Equal(t, "zd-5158-9876543210", ev.ID)
	require.Equal(t, "zendesk", ev.Source)
	require.Equal(t, event.ChannelTicket, ev.Channel)
	require.Equal(t, "8447388090494", ev.CustomerID)
	require.Equal(t, "checkout", ev.Product)
	require.Equal(t, "eu", ev.Region)
	require.Equal(t, "Still waiting for my refund!!", ev.Text)
	require.Equal(t, time.Date(2026, 11, 25, 14, 25, 30, 123_000_000, time.UTC), ev.Time)
	require.Equal(t, map[string]string{"plan": "enterprise", "priority": "high", "mobile": "true"}, ev.Labels)
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_accepted_total", map[string]string{"source": "zendesk"}))

	// A redelivery of the same notification is a no-op; the same comment under another
	// notification id dedups by event id.
	w = send(h, commentAdded("ev-1", "9876543210", false, true, "Still waiting for my refund!!"), now, testSecret)
	require.Equal(t, http.StatusOK, w.Code)
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, w.Body.String())
	require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_skipped_total", map[string]string{"source": "zendesk", "reason": "redelivered"}))
	w = send(h, commentAdded("ev-2", "9876543210", false, true, "Still waiting for my refund!!"), now, testSecret)
	require.JSONEq(t, `{"accepted":0,"duplicates":1,"skipped":0}`, w.Body.String())
	require.Len(t, sub.Events(), 1)
}

func TestForgedAndStale(t *testing.T) {
	h, sub, reg, logs := newHandler(t, nil)
	body := commentAdded("ev-1", "1", false, true, "hello")
	for name, tc := range map[string]struct {
		do     func() *httptest.ResponseRecorder
		reason string
		msg    string
	}{
		"wrong testSecret": {func() *httptest.ResponseRecorder { return send(h, body, now, "not-the-testSecret") }, "bad_signature", "does not match"},
		"tampered body": {func() *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Replace(body, "hello", "HELLO", 1)))
			stamp := now.Format(time.RFC3339)
			r.Header.Set(HeaderTimestamp, stamp)
			r.Header.Set(HeaderSignature, Sign(testSecret, stamp, []byte(body)))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}, "bad_signature", "does not match"},
		"tampered timestamp": {func() *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			r.Header.Set(HeaderTimestamp, now.Format(time.RFC3339))
			r.Header.Set(HeaderSignature, Sign(testSecret, now.Add(-time.Second).Format(time.RFC3339), []byte(body)))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}, "bad_signature", "does not match"},
		"missing headers": {func() *httptest.ResponseRecorder {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
			return w
		}, "bad_signature", "missing"},
		"stale":  {func() *httptest.ResponseRecorder { return send(h, body, now.Add(-6*time.Minute), testSecret) }, "replayed", "more than 5m0s from now"},
		"future": {func() *httptest.ResponseRecorder { return send(h, body, now.Add(6*time.Minute), testSecret) }, "replayed", "more than 5m0s from now"},
	} {
		t.Run(name, func(t *testing.T) {
			before := counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "zendesk", "reason": tc.reason})
			w := tc.do()
			require.Equal(t, http.StatusUnauthorized, w.Code)
			require.Contains(t, w.Body.String(), tc.msg)
			require.NotContains(t, w.Body.String(), testSecret)
			require.Equal(t, before+1, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "zendesk", "reason": tc.reason}))
		})
	}
	require.Empty(t, sub.Events())
	require.NotContains(t, logs.String(), testSecret)
}

func TestSecretNeverPrinted(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SigningSecret = testSecret
	cfg.AgentComments = "bogus"
	_, err := New(cfg, event.DefaultLimits(), intaketest.New(), nil, nil, nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), testSecret)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.SigningSecret)} {
		require.NotContains(t, s, testSecret)
	}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NotContains(t, string(b), testSecret)
}

func TestSkips(t *testing.T) {
	h, sub, reg, _ := newHandler(t, nil)
	for _, tc := range []struct {
		body, reason string
	}{
		{commentAdded("a", "1", true, true, "We are looking into it."), "agent_reply"},
		{commentAdded("b", "2", false, false, "internal note"), "private"},
		{commentAdded("c", "3", false, true, "   "), "empty"},
		{`{"type":"zen:event-type:ticket.priority_changed","id":"d","detail":{"id":"5"},"event":{}}`, "unsupported_type"},
	} {
		w := send(h, tc.body, now, testSecret)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, w.Body.String())
		require.Equal(t, 1.0, counter(t, reg, "cxpulse_ingest_events_skipped_total", map[string]string{"source": "zendesk", "reason": tc.reason}), tc.reason)
	}
	require.Empty(t, sub.Events())
}

func TestAgentCommentsLabelled(t *testing.T) {
	h, sub, _, _ := newHandler(t, func(c *Config) { c.AgentComments = "label" })
	w := send(h, commentAdded("a", "1", true, true, "We are looking into it."), now, testSecret)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, map[string]string{"author": "agent"}, sub.Events()[0].Labels)
}

func TestTicketCreatedAndMessaging(t *testing.T) {
	h, sub, _, _ := newHandler(t, nil)
	created := `{"account_id":22129848,"detail":{"id":"5158","requester_id":"84","submitter_id":"84","brand_id":"1",
	  "description":"Customer cannot log in to the mobile app","subject":"Cannot login","via":{"channel":"twitter"},"tags":[]},
	  "event":{},"id":"cbe4028c","subject":"zen:ticket:5158","time":"2026-11-25T10:12:07.672717030Z",
	  "type":"zen:event-type:ticket.created","zendesk_event_version":"2022-11-06"}`
	require.Equal(t, http.StatusOK, send(h, created, now, testSecret).Code)
	msg := `{"account_id":21825834,"detail":{"id":"141"},"event":{"actor":{"id":"u-77","name":"Kim","type":"end_user"},
	  "conversation_id":"67ab5f53","message":{"body":"the delivery never arrived","id":"67ab5f55"}},
	  "id":"01JQMQH8","subject":"zen:ticket:141","time":"2026-11-25T14:32:05.254571515Z",
	  "type":"zen:event-type:messaging_ticket.message_added","zendesk_event_version":"2022-11-06"}`
	require.Equal(t, http.StatusOK, send(h, msg, now, testSecret).Code)
	bot := strings.Replace(strings.Replace(msg, `"end_user"`, `"system"`, 1), `"01JQMQH8"`, `"other"`, 1)
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, send(h, bot, now, testSecret).Body.String())
	evs := sub.Events()
	require.Len(t, evs, 2)
	require.Equal(t, "zd-5158", evs[0].ID)
	require.Equal(t, event.ChannelSocial, evs[0].Channel)
	require.Equal(t, "84", evs[0].CustomerID)
	require.Equal(t, "Customer cannot log in to the mobile app", evs[0].Text)
	require.Equal(t, "zd-msg-67ab5f55", evs[1].ID)
	require.Equal(t, event.ChannelChat, evs[1].Channel)
	require.Equal(t, "u-77", evs[1].CustomerID)

	h2, sub2, _, _ := newHandler(t, func(c *Config) { c.TicketCreated = false })
	require.JSONEq(t, `{"accepted":0,"duplicates":0,"skipped":1}`, send(h2, created, now, testSecret).Body.String())
	require.Empty(t, sub2.Events())
}

func TestBadPayloads(t *testing.T) {
	h, _, reg, _ := newHandler(t, nil)
	for _, body := range []string{
		`not json`,
		`{"id":"x"}`,
		`{"type":"zen:event-type:ticket.comment_added","detail":{"id":"1"},"event":{"comment":{"body":"x"}}}`,
		`{"type":"zen:event-type:ticket.comment_added","detail":{"id":"1"},"event":[]}`,
		`{"type":"zen:event-type:ticket.created","detail":{"id":{}}}`,
		`{"type":"zen:event-type:ticket.created","time":"yesterday","detail":{"id":"1","description":"x"}}`,
	} {
		w := send(h, body, now, testSecret)
		require.Equal(t, http.StatusBadRequest, w.Code, body)
	}
	require.Equal(t, 6.0, counter(t, reg, "cxpulse_ingest_events_rejected_total", map[string]string{"source": "zendesk", "reason": "syntax"}))
}

func TestBackPressureIsRetryable(t *testing.T) {
	h, sub, _, _ := newHandler(t, nil)
	sub.FailNext(intaketest.Busy(3 * time.Second))
	body := commentAdded("ev-9", "9", false, true, "where is my parcel")
	w := send(h, body, now, testSecret)
	require.Equal(t, http.StatusTooManyRequests, w.Code)
	require.Equal(t, "3", w.Header().Get("Retry-After"))
	// The notification was not remembered: Zendesk's retry is stored.
	w = send(h, body, now, testSecret)
	require.JSONEq(t, `{"accepted":1,"duplicates":0,"skipped":0}`, w.Body.String())
}

func TestTooLarge(t *testing.T) {
	h, _, _, _ := newHandler(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	w := send(h, commentAdded("x", "1", false, true, strings.Repeat("a", 4000)), now, testSecret)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
}

func TestConfigValidate(t *testing.T) {
	require.ErrorContains(t, DefaultConfig().Validate(), "signing_secret is required")
	cfg := DefaultConfig()
	cfg.SigningSecret = "s"
	cfg.MaxSkew = 0
	cfg.Labels = map[string]string{"": "x"}
	err := cfg.Validate()
	require.ErrorContains(t, err, "max_skew")
	require.ErrorContains(t, err, "labels: empty")
}

func FuzzHandler(f *testing.F) {
	f.Add(commentAdded("a", "1", false, true, "hello"))
	f.Add(`{"type":"zen:event-type:ticket.created","detail":{"id":5,"description":"x","custom_fields":[{"id":1,"value":[1]}]}}`)
	f.Add(`{"type":"zen:event-type:messaging_ticket.message_added","event":{"message":{"id":1,"body":"x"},"actor":{"type":"end_user"}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		sub := intaketest.New()
		cfg := DefaultConfig()
		cfg.SigningSecret = testSecret
		cfg.Fields.Product = []string{"custom_field:1", "tag_prefix:p_", "brand"}
		h, err := New(cfg, event.DefaultLimits(), sub, nil, nil, nil)
		require.NoError(t, err)
		h.now = func() time.Time { return now }
		w := send(h, body, now, testSecret)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		if w.Code != http.StatusOK && len(sub.Events()) > 0 {
			t.Fatal("stored an event but did not answer 200")
		}
	})
}
