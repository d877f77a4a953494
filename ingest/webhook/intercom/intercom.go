// Package intercom receives Intercom webhook notifications (POST /v1/webhooks/intercom) about
// conversations. Every request's X-Hub-Signature (sha1=<hex HMAC-SHA1 of the body keyed with
// the app's client secret>) is verified; a notification whose created_at is older than max_age
// (or too far ahead) is refused as stale, and a notification id already handled is answered 200
// without doing anything again.
//
// Customer-written parts become events: the opening message of a conversation a user or lead
// started (source), and every comment part whose author is a user, lead or contact. The HTML
// body is rendered as plain text. Parts by admins, bots and teams are skipped (or stored
// labelled author=agent, by configuration); notes are always skipped. Event ids are
// ic-<conversation>-<part> (ic-<conversation>-source for the opening message), so a
// redelivered notification stores nothing twice.
package intercom

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intake"
)

// SourceName is the value of the `source` label of this door's metrics.
const SourceName = "intercom"

// HeaderSignature is the header Intercom signs its notifications with.
const HeaderSignature = "X-Hub-Signature"

// Reasons for skipping a message (the `reason` label of cxpulse_ingest_events_skipped_total).
const (
	SkipAgent       = "agent_reply"
	SkipPrivate     = "private"
	SkipUnsupported = "unsupported_type"
	SkipEmpty       = "empty"
	SkipRedelivered = "redelivered"
	SkipPing        = "ping"
)

// Handler is the http.Handler of POST /v1/webhooks/intercom. Answers: 200 with
// {"accepted","duplicates","skipped"} once the events are durable (also when there was nothing
// to store), 401 for a missing or forged signature or a stale notification, 400 for a payload
// that is not an Intercom notification or holds a rejected event, 413 past the body limit,
// 429/503 with Retry-After under back-pressure. Safe for concurrent use.
type Handler struct {
	cfg    Config
	sub    ingest.Submitter
	log    *slog.Logger
	parser *event.Parser
	m      *intake.Metrics
	seen   *intake.Seen
	now    func() time.Time
}

var _ http.Handler = (*Handler)(nil)

// New returns a handler submitting to sub, building events within limits. im holds the shared
// ingest counters (nil: private ones); reg receives the door's own metrics. It starts nothing.
func New(cfg Config, limits event.Limits, sub ingest.Submitter, logger *slog.Logger, reg prometheus.Registerer, im *ingest.Metrics) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("%s: event limits: %w", SourceName, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := intake.NewMetrics(im, reg, SourceName, []string{SkipAgent, SkipPrivate, SkipUnsupported, SkipEmpty, SkipRedelivered, SkipPing})
	if err != nil {
		return nil, err
	}
	return &Handler{
		cfg:    cfg,
		sub:    sub,
		log:    logger,
		parser: event.NewParser(limits, event.Defaults{Source: cfg.Source, Channel: event.ChannelChat}),
		m:      m,
		seen:   intake.NewSeen(cfg.MaxAge+cfg.MaxFuture, cfg.SeenIDs),
		now:    time.Now,
	}, nil
}

// Answer is the JSON body of a 200 answer.
type Answer struct {
	event.Ack
	Skipped int `json:"skipped"`
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.m.Rejected(ingest.ReasonUnsupported, 1)
		w.Header().Set("Allow", http.MethodPost)
		ingest.WriteError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	body, err := ingest.ReadBody(r, h.cfg.MaxBodyBytes)
	if err != nil {
		h.m.Rejected(ingest.BodyReason(err), 1)
		ingest.WriteBodyError(w, err)
		return
	}
	if !Verify(h.cfg.ClientSecret.Value(), r.Header.Get(HeaderSignature), body) {
		h.m.Rejected(ingest.ReasonSignature, 1)
		ingest.WriteError(w, http.StatusUnauthorized, "missing or wrong "+HeaderSignature)
		return
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, "payload is not an Intercom notification: "+strings.TrimPrefix(err.Error(), "json: "))
		return
	}
	if n.Type != "notification_event" || n.Topic == "" || n.CreatedAt <= 0 {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, "payload is not an Intercom notification: want type notification_event with a topic and created_at")
		return
	}
	now := h.now()
	created := time.Unix(n.CreatedAt, 0)
	if age := now.Sub(created); age > h.cfg.MaxAge || -age > h.cfg.MaxFuture {
		h.m.Rejected(ingest.ReasonReplay, 1)
		ingest.WriteError(w, http.StatusUnauthorized, fmt.Sprintf("notification created at %s is outside the accepted window (max_age %s)", created.UTC().Format(time.RFC3339), h.cfg.MaxAge))
		return
	}
	if n.ID != "" && h.seen.Contains(n.ID, now) {
		h.m.Skipped(SkipRedelivered, 1)
		ingest.WriteJSON(w, http.StatusOK, Answer{Skipped: 1})
		return
	}
	fields, skipped, err := h.Map(&n)
	if err != nil {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	evs := make([]event.Event, 0, len(fields))
	for i := range fields {
		ev, fx, err := intake.Build(h.parser, &fields[i], i, now)
		if err != nil {
			var ee *event.Error
			if errors.As(err, &ee) {
				h.m.Rejected(ee.Reason, 1)
				ingest.WriteEventError(w, ee)
				return
			}
			h.m.Rejected(event.ReasonInvalid, 1)
			ingest.WriteError(w, http.StatusBadRequest, err.Error())
			return
		}
		h.m.Fixed(fx)
		evs = append(evs, ev)
	}
	h.m.Received(len(evs))
	var ack event.Ack
	if len(evs) > 0 {
		ack, err = h.sub.Submit(r.Context(), evs)
		if err != nil {
			h.m.Rejected(ingest.WriteSubmitError(w, err), len(evs))
			return
		}
		h.m.Acked(ack)
	}
	if n.ID != "" {
		h.seen.Add(n.ID, now)
	}
	ingest.WriteJSON(w, http.StatusOK, Answer{Ack: ack, Skipped: skipped})
}

// Verify reports whether header is "sha1=<hex HMAC-SHA1(secret, body)>". The comparison takes
// constant time.
func Verify(secret, header string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(header, "sha1=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Sign returns the X-Hub-Signature Intercom sends for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// ID is an Intercom id, sent as a JSON string or number.
type ID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*id = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id must be a string or a number, got %s", event.TruncateUTF8(string(b), 20))
		}
		*id = ID(n.String())
	}
	return nil
}

// Notification is an Intercom webhook notification (the fields cxpulse reads).
type Notification struct {
	Type             string `json:"type"`
	AppID            string `json:"app_id"`
	ID               string `json:"id"`
	Topic            string `json:"topic"`
	CreatedAt        int64  `json:"created_at"`
	DeliveryAttempts int    `json:"delivery_attempts"`
	FirstSentAt      int64  `json:"first_sent_at"`
	Data             struct {
		Type string          `json:"type"`
		Item json.RawMessage `json:"item"`
	} `json:"data"`
}

// Author wrote a message: type is user, lead or contact for customers; admin, bot or team
// otherwise.
type Author struct {
	ID   ID     `json:"id"`
	Type string `json:"type"`
}

// Part is a conversation part.
type Part struct {
	ID        ID     `json:"id"`
	PartType  string `json:"part_type"`
	Body      string `json:"body"`
	CreatedAt int64  `json:"created_at"`
	Author    Author `json:"author"`
}

// Conversation is the item of a conversation notification.
type Conversation struct {
	Type            string `json:"type"`
	ID              ID     `json:"id"`
	CreatedAt       int64  `json:"created_at"`
	State           string `json:"state"`
	Priority        string `json:"priority"`
	AdminAssigneeID ID     `json:"admin_assignee_id"`
	TeamAssigneeID  ID     `json:"team_assignee_id"`
	Source          struct {
		Type    string `json:"type"`
		ID      ID     `json:"id"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
		Author  Author `json:"author"`
	} `json:"source"`
	Contacts struct {
		Contacts []struct {
			ID         ID     `json:"id"`
			ExternalID string `json:"external_id"`
		} `json:"contacts"`
	} `json:"contacts"`
	Tags struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
	} `json:"tags"`
	CustomAttributes  map[string]json.RawMessage `json:"custom_attributes"`
	ConversationParts struct {
		Parts []Part `json:"conversation_parts"`
	} `json:"conversation_parts"`
}

func customer(a Author) bool {
	switch a.Type {
	case "user", "lead", "contact":
		return true
	}
	return false
}

// Map turns a notification into event fields, counting what it skips. An error means the
// notification is malformed for its topic.
func (h *Handler) Map(n *Notification) ([]intake.Fields, int, error) {
	if n.Topic == "ping" {
		h.m.Skipped(SkipPing, 1)
		return nil, 1, nil
	}
	if !strings.HasPrefix(n.Topic, "conversation.") && !strings.HasPrefix(n.Topic, "conversation_part.") {
		h.m.Skipped(SkipUnsupported, 1)
		return nil, 1, nil
	}
	var c Conversation
	if err := json.Unmarshal(n.Data.Item, &c); err != nil {
		return nil, 0, fmt.Errorf("conversation: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if c.ID == "" {
		return nil, 0, errors.New("conversation without an id")
	}
	channel := sourceChannel(c.Source.Type)
	skipped := 0
	skip := func(reason string) {
		h.m.Skipped(reason, 1)
		skipped++
	}
	var out []intake.Fields
	add := func(id string, a Author, createdAt int64, body string) {
		f := intake.Fields{ID: id, Source: h.cfg.Source, Channel: channel.String(), Text: PlainText(body)}
		if createdAt > 0 {
			f.Time = time.Unix(createdAt, 0)
		}
		if !customer(a) {
			if h.cfg.AdminReplies == "skip" {
				skip(SkipAgent)
				return
			}
			f.Labels = map[string]string{"author": "agent"}
		}
		if strings.TrimSpace(f.Text) == "" {
			skip(SkipEmpty)
			return
		}
		look := h.lookup(&c, a)
		h.cfg.Fields.Apply(look, &f)
		h.cfg.Labels.Apply(look, &f)
		out = append(out, f)
	}
	if strings.HasSuffix(n.Topic, ".created") && c.Source.Body != "" {
		body := c.Source.Body
		if c.Source.Subject != "" {
			body = c.Source.Subject + "\n" + body
		}
		add("ic-"+string(c.ID)+"-source", c.Source.Author, c.CreatedAt, body)
	}
	for _, p := range c.ConversationParts.Parts {
		if p.ID == "" {
			return nil, 0, errors.New("conversation part without an id")
		}
		switch {
		case p.PartType == "note":
			skip(SkipPrivate)
			continue
		case p.Body == "":
			continue // assignments, state changes: no text
		}
		add("ic-"+string(c.ID)+"-"+string(p.ID), p.Author, p.CreatedAt, p.Body)
	}
	return out, skipped, nil
}

// sourceChannel maps the medium a conversation started in to a channel.
func sourceChannel(t string) event.Channel {
	switch t {
	case "email":
		return event.ChannelTicket
	case "twitter", "facebook", "instagram":
		return event.ChannelSocial
	}
	return event.ChannelChat
}

func (h *Handler) lookup(c *Conversation, a Author) intake.Lookup {
	return func(key string) (string, bool) {
		v := h.attr(c, a, key)
		return v, v != ""
	}
}

func (h *Handler) attr(c *Conversation, a Author, key string) string {
	switch key {
	case "conversation_id":
		return string(c.ID)
	case "contact_id":
		if len(c.Contacts.Contacts) > 0 {
			return string(c.Contacts.Contacts[0].ID)
		}
		if customer(c.Source.Author) {
			return string(c.Source.Author.ID)
		}
		return ""
	case "contact_external_id":
		if len(c.Contacts.Contacts) > 0 {
			return c.Contacts.Contacts[0].ExternalID
		}
		return ""
	case "author_id":
		return string(a.ID)
	case "admin_assignee_id":
		return string(c.AdminAssigneeID)
	case "team_assignee_id":
		return string(c.TeamAssigneeID)
	case "state":
		return c.State
	case "priority":
		return c.Priority
	case "source_type":
		return c.Source.Type
	}
	if name, ok := strings.CutPrefix(key, "tag:"); ok {
		for _, t := range c.Tags.Tags {
			if t.Name == name {
				return "true"
			}
		}
		return ""
	}
	if prefix, ok := strings.CutPrefix(key, "tag_prefix:"); ok {
		names := make([]string, 0, len(c.Tags.Tags))
		for _, t := range c.Tags.Tags {
			names = append(names, t.Name)
		}
		sort.Strings(names)
		for _, t := range names {
			if rest, ok := strings.CutPrefix(t, prefix); ok && rest != "" {
				return rest
			}
		}
		return ""
	}
	if name, ok := strings.CutPrefix(key, "custom_attribute:"); ok {
		raw, ok := c.CustomAttributes[name]
		if !ok {
			return ""
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		var f float64
		if json.Unmarshal(raw, &f) == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return strconv.FormatBool(b)
		}
	}
	return ""
}
