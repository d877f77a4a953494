package alerting

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/internal/jsonapi"
)

// AlertJSON is an alert as GET /v1/alerts shows it.
type AlertJSON struct {
	Group       string             `json:"group"`
	Rule        string             `json:"rule"`
	State       string             `json:"state"`
	Labels      map[string]string  `json:"labels"`
	Annotations map[string]string  `json:"annotations"`
	Value       float64            `json:"value"`
	Values      map[string]float64 `json:"values,omitempty"`
	ActiveAt    time.Time          `json:"active_at"`
	FiredAt     *time.Time         `json:"fired_at,omitempty"`
	ResolvedAt  *time.Time         `json:"resolved_at,omitempty"`
	Silenced    []string           `json:"silenced_by,omitempty"`
	Fingerprint string             `json:"fingerprint"`
}

// SilenceJSON is a silence as the API shows it.
type SilenceJSON struct {
	Silence
	State string `json:"state"`
}

// SilenceRequest is the body of POST /v1/silences: EndsAt or Duration ("2h") says when it ends.
type SilenceRequest struct {
	Matchers  []string  `json:"matchers"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Duration  string    `json:"duration"`
	CreatedBy string    `json:"created_by"`
	Comment   string    `json:"comment"`
}

func ptime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Handler serves GET /v1/alerts (?state=firing, ?alertname=X) and POST|GET /v1/silences,
// DELETE /v1/silences/{id}. Mount it on those two prefixes.
func (m *Manager) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/alerts", m.handleAlerts)
	mux.HandleFunc("GET /v1/silences", m.handleListSilences)
	mux.HandleFunc("POST /v1/silences", m.handleAddSilence)
	mux.HandleFunc("DELETE /v1/silences/{id}", m.handleExpireSilence)
	return mux
}

func (m *Manager) handleAlerts(w http.ResponseWriter, r *http.Request) {
	now := m.deps.Now()
	state, name := r.URL.Query().Get("state"), r.URL.Query().Get("alertname")
	out := []AlertJSON{}
	for _, a := range m.eval.Alerts() {
		if (state != "" && a.State.String() != state) || (name != "" && a.Rule != name) {
			continue
		}
		out = append(out, AlertJSON{
			Group: a.Group, Rule: a.Rule, State: a.State.String(), Labels: a.Labels,
			Annotations: a.Annotations, Value: a.Value, Values: a.Values, ActiveAt: a.ActiveAt,
			FiredAt: ptime(a.FiredAt), ResolvedAt: ptime(a.ResolvedAt), Fingerprint: a.fp,
			Silenced: m.sil.Mutes(a.Labels, now),
		})
	}
	jsonapi.Write(w, http.StatusOK, out)
}

func (m *Manager) handleListSilences(w http.ResponseWriter, _ *http.Request) {
	now := m.deps.Now()
	out := []SilenceJSON{}
	for _, s := range m.sil.List() {
		out = append(out, SilenceJSON{Silence: s, State: s.StateAt(now).String()})
	}
	jsonapi.Write(w, http.StatusOK, out)
}

func (m *Manager) handleAddSilence(w http.ResponseWriter, r *http.Request) {
	var req SilenceRequest
	if !jsonapi.Decode(w, r, 1<<20, "silences", &req) {
		return
	}
	now := m.deps.Now()
	s := Silence{Matchers: req.Matchers, StartsAt: req.StartsAt, EndsAt: req.EndsAt, CreatedBy: req.CreatedBy, Comment: req.Comment}
	if req.Duration != "" {
		d, err := ParseDuration(req.Duration)
		if err != nil || d <= 0 {
			jsonapi.Error(w, http.StatusBadRequest, "silences: bad duration "+req.Duration)
			return
		}
		start := s.StartsAt
		if start.IsZero() || start.Before(now) {
			start = now
		}
		s.EndsAt = start.Add(d)
	}
	created, err := m.sil.Add(r.Context(), now, s)
	if err != nil {
		status := http.StatusBadRequest
		if strings.HasPrefix(err.Error(), "store silence") {
			status = http.StatusServiceUnavailable
		}
		jsonapi.Error(w, status, err.Error())
		return
	}
	jsonapi.Write(w, http.StatusCreated, SilenceJSON{Silence: created, State: created.StateAt(now).String()})
}

func (m *Manager) handleExpireSilence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := m.sil.Expire(r.Context(), m.deps.Now(), id); err != nil {
		if errors.Is(err, ErrSilenceNotFound) {
			jsonapi.Error(w, http.StatusNotFound, err.Error())
			return
		}
		jsonapi.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
