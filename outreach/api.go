package outreach

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/internal/jsonapi"
	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// TaskJSON is a task as GET /v1/outreach and the webhook show it.
type TaskJSON struct {
	ID          string             `json:"id"`
	CustomerID  string             `json:"customer_id"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
	Policy      string             `json:"policy"`
	Priority    string             `json:"priority"`
	Owner       string             `json:"owner"`
	Status      string             `json:"status"`
	Assignee    string             `json:"assignee,omitempty"`
	Note        string             `json:"note,omitempty"`
	ContactedAt *time.Time         `json:"contacted_at,omitempty"`
	Health      map[string]float64 `json:"health"`
	Evidence    EvidenceJSON       `json:"evidence"`
	HeldBy      string             `json:"held_by,omitempty"`
	Links       map[string]string  `json:"links,omitempty"`
	Delivery    map[string]string  `json:"delivery,omitempty"`
	Outcome     *OutcomeJSON       `json:"outcome,omitempty"`
}

// EvidenceJSON is why a task exists: the customer's recent complaints and context.
type EvidenceJSON struct {
	Messages []MessageJSON     `json:"messages"`
	Topics   []string          `json:"topics"`
	Channels []string          `json:"channels"`
	Product  string            `json:"product,omitempty"`
	Region   string            `json:"region,omitempty"`
	Labels   map[string]string `json:"labels"`
}

// MessageJSON is one message of a task's evidence; its text is redacted and clipped.
type MessageJSON struct {
	ID      string    `json:"id"`
	Time    time.Time `json:"time"`
	Channel string    `json:"channel"`
	Score   float64   `json:"score"`
	Snippet string    `json:"snippet"`
}

// OutcomeJSON is the measured result of a contact.
type OutcomeJSON struct {
	Result         string    `json:"result"`
	Recovered      bool      `json:"recovered"`
	ScoreBefore    float64   `json:"score_before"`
	ScoreAfter     float64   `json:"score_after"`
	ContactsBefore int       `json:"contacts_before"`
	ContactsAfter  int       `json:"contacts_after"`
	At             time.Time `json:"at"`
}

// NoteJSON is an incident note as the webhook shows it.
type NoteJSON struct {
	Team          string            `json:"team"`
	Alert         string            `json:"alert"`
	Labels        map[string]string `json:"labels"`
	Summary       string            `json:"summary,omitempty"`
	ActiveAt      time.Time         `json:"active_at"`
	State         string            `json:"state"`
	Held          int               `json:"held"`
	Customers     []string          `json:"customers"`
	ReleasedAt    *time.Time        `json:"released_at,omitempty"`
	ReleasedTasks int               `json:"released_tasks"`
}

// WebhookMessage is the body of a webhook call: Kind is task.created, incident.held or
// incident.released, with Task or Incident set accordingly.
type WebhookMessage struct {
	Version  string    `json:"version"`
	Kind     string    `json:"kind"`
	Task     *TaskJSON `json:"task,omitempty"`
	Incident *NoteJSON `json:"incident,omitempty"`
}

func ptime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// JSON renders a task for the API and the webhook.
func (m *Manager) JSON(t *Task) TaskJSON {
	out := TaskJSON{
		ID: t.ID, CustomerID: t.CustomerID, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
		Policy: t.Policy, Priority: t.Priority, Owner: t.Owner, Status: t.Status, Assignee: t.Assignee, Note: t.Note,
		ContactedAt: ptime(t.ContactedAt), Health: t.Health, HeldBy: t.HeldBy,
		Evidence: EvidenceJSON{
			Messages: []MessageJSON{}, Topics: orEmpty(t.Topics), Channels: orEmpty(t.Channels),
			Product: t.Product, Region: t.Region, Labels: t.Labels,
		},
	}
	if out.Health == nil {
		out.Health = map[string]float64{}
	}
	if out.Evidence.Labels == nil {
		out.Evidence.Labels = map[string]string{}
	}
	for i, id := range t.MessageIDs {
		mj := MessageJSON{ID: id}
		if i < len(t.MessageTimes) {
			mj.Time = t.MessageTimes[i].UTC()
		}
		if i < len(t.MessageChannels) {
			mj.Channel = t.MessageChannels[i]
		}
		if i < len(t.Scores) {
			mj.Score = t.Scores[i]
		}
		if i < len(t.Snippets) {
			mj.Snippet = t.Snippets[i]
		}
		out.Evidence.Messages = append(out.Evidence.Messages, mj)
	}
	dash, crm := m.links(t)
	if dash != "" || crm != "" {
		out.Links = map[string]string{}
		if dash != "" {
			out.Links["dashboard"] = dash
		}
		if crm != "" {
			out.Links["crm"] = crm
		}
	}
	if t.Slack.Delivery != "" || t.Webhook.Delivery != "" {
		out.Delivery = map[string]string{}
		if t.Slack.Delivery != "" {
			out.Delivery[integrationSlack] = t.Slack.Delivery
		}
		if t.Webhook.Delivery != "" {
			out.Delivery[integrationWebhook] = t.Webhook.Delivery
		}
	}
	if t.Outcome != "" {
		out.Outcome = &OutcomeJSON{
			Result: t.Outcome, Recovered: t.Outcome == OutcomeRecovered, ScoreBefore: t.ScoreBefore,
			ScoreAfter: t.ScoreAfter, ContactsBefore: t.ContactsBefore, ContactsAfter: t.ContactsAfter, At: t.OutcomeAt.UTC(),
		}
	}
	return out
}

func noteJSON(n *Note) *NoteJSON {
	return &NoteJSON{
		Team: n.Team, Alert: n.Alert, Labels: n.Labels, Summary: n.Summary, ActiveAt: n.ActiveAt.UTC(),
		State: n.State, Held: n.Held, Customers: orEmpty(n.Customers), ReleasedAt: ptime(n.ReleasedAt), ReleasedTasks: n.ReleasedTasks,
	}
}

// AckRequest is the body of POST /v1/outreach/{id}/ack.
type AckRequest struct {
	// Owner is who works on the task (a person or a queue); it becomes the task's assignee.
	Owner string `json:"owner"`
	// Status is contacted, resolved, dismissed or open.
	Status string `json:"status"`
	Note   string `json:"note"`
	// ContactedAt is when the customer was contacted; the time of the ack when empty.
	ContactedAt time.Time `json:"contacted_at"`
}

// Bounds of an ack.
const (
	maxAckOwner = 256
	maxAckNote  = 4096
)

// Handler serves GET /v1/outreach (?status=open,contacted&owner=&customer=&since=7d&limit=100),
// GET /v1/outreach/{id} and POST /v1/outreach/{id}/ack. Mount it on /v1/outreach and
// /v1/outreach/; authentication is the caller's.
func (m *Manager) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/outreach", m.handleList)
	mux.HandleFunc("GET /v1/outreach/{id}", m.handleGet)
	mux.HandleFunc("POST /v1/outreach/{id}/ack", m.handleAck)
	return mux
}

// Limits of a list request.
const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

func (m *Manager) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Owner: q.Get("owner"), Limit: defaultListLimit}
	if s := q.Get("status"); s != "" {
		for _, st := range strings.Split(s, ",") {
			if _, err := ParseStatus(st); err != nil {
				jsonapi.Error(w, http.StatusBadRequest, "outreach: "+err.Error())
				return
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if c := q.Get("customer"); c != "" {
		f.Customers = []string{c}
	}
	now := m.deps.Now()
	if s := q.Get("since"); s != "" {
		if d, err := yamlcheck.ParseDuration(s); err == nil {
			f.CreatedFrom = now.Add(-d)
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.CreatedFrom = t
		} else {
			jsonapi.Error(w, http.StatusBadRequest, "outreach: since must be a duration (7d) or an RFC 3339 time, got "+strconv.Quote(s))
			return
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxListLimit {
			jsonapi.Error(w, http.StatusBadRequest, "outreach: limit must be 1 to "+strconv.Itoa(maxListLimit))
			return
		}
		f.Limit = n
	}
	tasks, err := m.deps.Store.Tasks(r.Context(), f)
	if err != nil {
		m.logger.Warn("outreach list failed", "err", err)
		jsonapi.Error(w, http.StatusServiceUnavailable, "outreach: "+err.Error())
		return
	}
	out := make([]TaskJSON, 0, len(tasks))
	for i := range tasks {
		out = append(out, m.JSON(&tasks[i]))
	}
	jsonapi.Write(w, http.StatusOK, out)
}

func (m *Manager) handleGet(w http.ResponseWriter, r *http.Request) {
	t, err := m.task(r, r.PathValue("id"))
	if err != nil {
		m.writeTaskErr(w, err)
		return
	}
	jsonapi.Write(w, http.StatusOK, m.JSON(t))
}

// ErrNotFound is returned for an unknown task id.
var ErrNotFound = errors.New("no such task")

func (m *Manager) task(r *http.Request, id string) (*Task, error) {
	if id == "" || len(id) > 64 {
		return nil, ErrNotFound
	}
	tasks, err := m.deps.Store.Tasks(r.Context(), Filter{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, ErrNotFound
	}
	return &tasks[0], nil
}

func (m *Manager) writeTaskErr(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNotFound) {
		jsonapi.Error(w, http.StatusNotFound, "outreach: "+err.Error())
		return
	}
	m.logger.Warn("outreach read failed", "err", err)
	jsonapi.Error(w, http.StatusServiceUnavailable, "outreach: "+err.Error())
}

func (m *Manager) handleAck(w http.ResponseWriter, r *http.Request) {
	var req AckRequest
	if !jsonapi.Decode(w, r, 64<<10, "outreach", &req) {
		return
	}
	t, err := m.task(r, r.PathValue("id"))
	if err != nil {
		m.writeTaskErr(w, err)
		return
	}
	now := m.deps.Now()
	updated, err := m.ack(r, t, req, now)
	if err != nil {
		var bad badRequest
		if errors.As(err, &bad) {
			jsonapi.Error(w, http.StatusBadRequest, "outreach: "+err.Error())
			return
		}
		jsonapi.Error(w, http.StatusServiceUnavailable, "outreach: "+err.Error())
		return
	}
	jsonapi.Write(w, http.StatusOK, m.JSON(updated))
}

type badRequest struct{ error }

// ack records a status change of t and returns the task as it is now.
func (m *Manager) ack(r *http.Request, t *Task, req AckRequest, now time.Time) (*Task, error) {
	st, err := ParseStatus(req.Status)
	if err != nil {
		return nil, badRequest{err}
	}
	if len(req.Owner) > maxAckOwner || len(req.Note) > maxAckNote {
		return nil, badRequest{errors.New("owner must be at most 256 bytes and note at most 4096")}
	}
	if !req.ContactedAt.IsZero() && req.ContactedAt.After(now.Add(time.Minute)) {
		return nil, badRequest{errors.New("contacted_at is in the future")}
	}
	e := Entry{
		TaskID: t.ID, Kind: EntryStatus, Time: now, CreatedAt: t.CreatedAt, CustomerID: t.CustomerID, Owner: t.Owner,
		Status: st.String(), Assignee: req.Owner, Note: req.Note,
	}
	if st == StatusContacted {
		e.ContactedAt = req.ContactedAt
		if e.ContactedAt.IsZero() {
			e.ContactedAt = now
		}
		if e.ContactedAt.Before(t.CreatedAt) {
			return nil, badRequest{errors.New("contacted_at is before the task was created")}
		}
	}
	if err := m.deps.Store.Append(r.Context(), []Entry{e}); err != nil {
		return nil, err
	}
	m.metrics.acknowledged.WithLabelValues(st.String()).Inc()
	out := *t
	out.Status, out.Assignee, out.Note, out.UpdatedAt = e.Status, e.Assignee, e.Note, now
	if e.ContactedAt.After(out.ContactedAt) {
		out.ContactedAt = e.ContactedAt
	}
	m.logger.Info("outreach task acknowledged", "task", t.ID, "status", e.Status, "assignee", e.Assignee)
	m.audit(now, map[string]any{
		"event": "acknowledged", "task": t.ID, "customer": t.CustomerID, "team": t.Owner,
		"status": e.Status, "assignee": e.Assignee,
	})
	return &out, nil
}
