// Package zendesk receives Zendesk event webhooks (POST /v1/webhooks/zendesk): new tickets
// (zen:event-type:ticket.created), ticket comments (zen:event-type:ticket.comment_added) and
// messaging (zen:event-type:messaging_ticket.message_added). Every request's signature is
// verified: X-Zendesk-Webhook-Signature is base64(HMAC-SHA256(secret, timestamp + body)) with
// the timestamp of X-Zendesk-Webhook-Signature-Timestamp, which must be within max_skew of now.
//
// Only what customers write becomes an event: public comments by non-staff, ticket
// descriptions, messages by end users. Staff comments are skipped (or stored labelled
// author=agent, by configuration), private notes are always skipped. Event ids are derived from
// Zendesk's ids (zd-<ticket>-<comment>, zd-<ticket>, zd-msg-<message>), so a redelivery is
// stored once.
package zendesk

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intake"
)

// SourceName is the value of the `source` label of this door's metrics.
const SourceName = "zendesk"

// Headers Zendesk signs its requests with.
const (
	HeaderSignature = "X-Zendesk-Webhook-Signature"
	HeaderTimestamp = "X-Zendesk-Webhook-Signature-Timestamp"
)

// Event types handled.
const (
	TypeTicketCreated = "zen:event-type:ticket.created"
	TypeCommentAdded  = "zen:event-type:ticket.comment_added"
	TypeMessageAdded  = "zen:event-type:messaging_ticket.message_added"
)

// Reasons for skipping a message (the `reason` label of cxpulse_ingest_events_skipped_total).
const (
	SkipAgent       = "agent_reply"
	SkipPrivate     = "private"
	SkipUnsupported = "unsupported_type"
	SkipDisabled    = "disabled"
	SkipEmpty       = "empty"
	SkipRedelivered = "redelivered"
)

// Handler is the http.Handler of POST /v1/webhooks/zendesk. Answers: 200 with
// {"accepted","duplicates","skipped"} once the events are durable (also when there was nothing
// to store), 401 for a missing, forged or stale signature, 400 for a payload that is not a
// Zendesk event, 413 past the body limit, 429/503 with Retry-After under back-pressure. Safe for
// concurrent use.
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
	m, err := intake.NewMetrics(im, reg, SourceName, []string{SkipAgent, SkipPrivate, SkipUnsupported, SkipDisabled, SkipEmpty, SkipRedelivered})
	if err != nil {
		return nil, err
	}
	return &Handler{
		cfg:    cfg,
		sub:    sub,
		log:    logger,
		parser: event.NewParser(limits, event.Defaults{Source: cfg.Source, Channel: event.ChannelTicket}),
		m:      m,
		seen:   intake.NewSeen(2*cfg.MaxSkew, cfg.SeenIDs),
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
	now := h.now()
	if reason, msg := h.verify(r.Header, body, now); reason != "" {
		h.m.Rejected(reason, 1)
		ingest.WriteError(w, http.StatusUnauthorized, msg)
		return
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, "payload is not a Zendesk event: "+strings.TrimPrefix(err.Error(), "json: "))
		return
	}
	if p.Type == "" {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, "payload is not a Zendesk event: no type")
		return
	}
	if p.ID != "" && h.seen.Contains(p.ID, now) {
		h.m.Skipped(SkipRedelivered, 1)
		ingest.WriteJSON(w, http.StatusOK, Answer{Skipped: 1})
		return
	}
	f, skip, err := h.Map(&p)
	if err != nil {
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if skip != "" {
		h.m.Skipped(skip, 1)
		h.remember(p.ID, now)
		ingest.WriteJSON(w, http.StatusOK, Answer{Skipped: 1})
		return
	}
	ev, fx, err := intake.Build(h.parser, &f, 0, now)
	if err != nil {
		var ee *event.Error
		reason := event.ReasonInvalid
		if errors.As(err, &ee) {
			reason = ee.Reason
			h.m.Rejected(reason, 1)
			ingest.WriteEventError(w, ee)
			return
		}
		h.m.Rejected(reason, 1)
		ingest.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	h.m.Received(1)
	h.m.Fixed(fx)
	ack, err := h.sub.Submit(r.Context(), []event.Event{ev})
	if err != nil {
		h.m.Rejected(ingest.WriteSubmitError(w, err), 1)
		return
	}
	h.m.Acked(ack)
	h.remember(p.ID, now)
	ingest.WriteJSON(w, http.StatusOK, Answer{Ack: ack})
}

func (h *Handler) remember(id string, now time.Time) {
	if id != "" {
		h.seen.Add(id, now)
	}
}

// verify checks the signature and the freshness of its timestamp; it returns a reason and a
// message on failure. Neither names the secret.
func (h *Handler) verify(hd http.Header, body []byte, now time.Time) (reason, msg string) {
	sig, ts := hd.Get(HeaderSignature), hd.Get(HeaderTimestamp)
	if sig == "" || ts == "" {
		return ingest.ReasonSignature, "missing " + HeaderSignature + " or " + HeaderTimestamp
	}
	want := Sign(h.cfg.SigningSecret.Value(), ts, body)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return ingest.ReasonSignature, "signature does not match"
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ingest.ReasonReplay, fmt.Sprintf("signature timestamp %q is not RFC 3339", event.TruncateUTF8(ts, 40))
	}
	if d := now.Sub(t); d > h.cfg.MaxSkew || d < -h.cfg.MaxSkew {
		return ingest.ReasonReplay, fmt.Sprintf("signature timestamp %s is more than %s from now", t.UTC().Format(time.RFC3339), h.cfg.MaxSkew)
	}
	return "", ""
}

// Sign returns the signature Zendesk puts in X-Zendesk-Webhook-Signature:
// base64(HMAC-SHA256(secret, timestamp + body)).
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ID is a Zendesk id, sent as a JSON string or number.
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

// Payload is the body of a Zendesk event webhook (the fields cxpulse reads).
type Payload struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	AccountID ID              `json:"account_id"`
	Subject   string          `json:"subject"`
	Time      string          `json:"time"`
	Detail    Detail          `json:"detail"`
	Event     json.RawMessage `json:"event"`
}

// Detail is the ticket a ticket event is about.
type Detail struct {
	ID             ID            `json:"id"`
	ActorID        ID            `json:"actor_id"`
	AssigneeID     ID            `json:"assignee_id"`
	BrandID        ID            `json:"brand_id"`
	Description    string        `json:"description"`
	FormID         ID            `json:"form_id"`
	GroupID        ID            `json:"group_id"`
	OrganizationID ID            `json:"organization_id"`
	Priority       string        `json:"priority"`
	RequesterID    ID            `json:"requester_id"`
	Status         string        `json:"status"`
	Subject        string        `json:"subject"`
	SubmitterID    ID            `json:"submitter_id"`
	Tags           []string      `json:"tags"`
	Type           string        `json:"type"`
	Via            Via           `json:"via"`
	CustomFields   []CustomField `json:"custom_fields"`
}

// CustomField is a ticket field value, in the shape of the Tickets API.
type CustomField struct {
	ID    ID              `json:"id"`
	Value json.RawMessage `json:"value"`
}

type commentEvent struct {
	Comment struct {
		ID       ID     `json:"id"`
		Body     string `json:"body"`
		IsPublic *bool  `json:"is_public"`
		Author   struct {
			ID      ID     `json:"id"`
			IsStaff bool   `json:"is_staff"`
			Name    string `json:"name"`
		} `json:"author"`
	} `json:"comment"`
}

type messageEvent struct {
	Actor struct {
		ID   ID     `json:"id"`
		Type string `json:"type"`
	} `json:"actor"`
	ConversationID string `json:"conversation_id"`
	Message        struct {
		ID   ID     `json:"id"`
		Body string `json:"body"`
	} `json:"message"`
}

// Map turns a payload into the fields of one event, or says why it is skipped. An error means
// the payload is malformed for its type.
func (h *Handler) Map(p *Payload) (f intake.Fields, skip string, err error) {
	f.Source = h.cfg.Source
	if p.Time != "" {
		if f.Time, err = time.Parse(time.RFC3339Nano, p.Time); err != nil {
			return f, "", fmt.Errorf("time %q is not RFC 3339", event.TruncateUTF8(p.Time, 40))
		}
	}
	ticket := string(p.Detail.ID)
	if ticket == "" {
		ticket = strings.TrimPrefix(p.Subject, "zen:ticket:")
	}
	attrs := map[string]string{"ticket_id": ticket}
	var author string
	switch p.Type {
	case TypeTicketCreated:
		if !h.cfg.TicketCreated {
			return f, SkipDisabled, nil
		}
		if ticket == "" {
			return f, "", errors.New("ticket.created without a ticket id")
		}
		f.ID = "zd-" + ticket
		f.Text = p.Detail.Description
		if strings.TrimSpace(f.Text) == "" {
			f.Text = p.Detail.Subject
		}
		author = string(p.Detail.SubmitterID)
	case TypeCommentAdded:
		var ev commentEvent
		if err := json.Unmarshal(p.Event, &ev); err != nil {
			return f, "", fmt.Errorf("comment event: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		c := ev.Comment
		if ticket == "" || c.ID == "" {
			return f, "", errors.New("ticket.comment_added without ticket or comment id")
		}
		if c.IsPublic != nil && !*c.IsPublic {
			return f, SkipPrivate, nil
		}
		if c.Author.IsStaff {
			if h.cfg.AgentComments == "skip" {
				return f, SkipAgent, nil
			}
			f.Labels = map[string]string{"author": "agent"}
		}
		f.ID = "zd-" + ticket + "-" + string(c.ID)
		f.Text = c.Body
		author = string(c.Author.ID)
	case TypeMessageAdded:
		var ev messageEvent
		if err := json.Unmarshal(p.Event, &ev); err != nil {
			return f, "", fmt.Errorf("message event: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		if ev.Message.ID == "" {
			return f, "", errors.New("messaging_ticket.message_added without a message id")
		}
		if ev.Actor.Type != "end_user" {
			if h.cfg.AgentComments == "skip" {
				return f, SkipAgent, nil
			}
			f.Labels = map[string]string{"author": "agent"}
		}
		f.ID = "zd-msg-" + string(ev.Message.ID)
		f.Text = ev.Message.Body
		f.Channel = event.ChannelChat.String()
		author = string(ev.Actor.ID)
		if p.Detail.RequesterID == "" && ev.Actor.Type == "end_user" {
			p.Detail.RequesterID = ev.Actor.ID
		}
	default:
		return f, SkipUnsupported, nil
	}
	if strings.TrimSpace(f.Text) == "" {
		return f, SkipEmpty, nil
	}
	if f.Channel == "" {
		f.Channel = viaChannel(p.Detail.Via.Channel).String()
	}
	attrs["author_id"] = author
	look := h.lookup(&p.Detail, attrs)
	h.cfg.Fields.Apply(look, &f)
	h.cfg.Labels.Apply(look, &f)
	return f, "", nil
}

// viaChannel maps how a ticket came in to a channel.
func viaChannel(via string) event.Channel {
	switch strings.ToLower(via) {
	case "chat", "native_messaging", "messaging", "sunshine_conversations", "whatsapp", "line", "wechat", "sms":
		return event.ChannelChat
	case "twitter", "facebook", "instagram_dm", "facebook_messenger", "twitter_dm":
		return event.ChannelSocial
	}
	return event.ChannelTicket
}

func (h *Handler) lookup(d *Detail, attrs map[string]string) intake.Lookup {
	return func(key string) (string, bool) {
		v := h.attr(d, attrs, key)
		return v, v != ""
	}
}

func (h *Handler) attr(d *Detail, attrs map[string]string, key string) string {
	if v, ok := attrs[key]; ok {
		return v
	}
	switch key {
	case "requester_id":
		return string(d.RequesterID)
	case "submitter_id":
		return string(d.SubmitterID)
	case "assignee_id":
		return string(d.AssigneeID)
	case "organization_id":
		return string(d.OrganizationID)
	case "group_id":
		return string(d.GroupID)
	case "brand_id":
		return string(d.BrandID)
	case "brand":
		if n, ok := h.cfg.Brands[string(d.BrandID)]; ok {
			return n
		}
		return string(d.BrandID)
	case "form_id":
		return string(d.FormID)
	case "priority":
		return strings.ToLower(d.Priority)
	case "status":
		return strings.ToLower(d.Status)
	case "type":
		return strings.ToLower(d.Type)
	case "via_channel":
		return d.Via.Channel
	}
	if name, ok := strings.CutPrefix(key, "tag:"); ok {
		for _, t := range d.Tags {
			if t == name {
				return "true"
			}
		}
		return ""
	}
	if prefix, ok := strings.CutPrefix(key, "tag_prefix:"); ok {
		for _, t := range d.Tags {
			if rest, ok := strings.CutPrefix(t, prefix); ok && rest != "" {
				return rest
			}
		}
		return ""
	}
	if id, ok := strings.CutPrefix(key, "custom_field:"); ok {
		for _, cf := range d.CustomFields {
			if string(cf.ID) == id {
				return fieldValue(cf.Value)
			}
		}
	}
	return ""
}

// fieldValue renders a custom field value: strings as they are, numbers and booleans as JSON,
// lists joined with commas, null as "".
func fieldValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ",")
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return ""
	}
	return t
}

// Via says how a ticket came in.
type Via struct {
	Channel string `json:"channel"`
}
