// Package httpapi is the plain HTTP door: POST /v1/events with one JSON object, a JSON array or
// NDJSON, optionally gzipped.
package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
)

// Config is the `ingest.http:` section of the configuration.
type Config struct {
	// Source is the source given to events that name none.
	Source string `yaml:"source"`
	// MaxBodyBytes bounds a request body, compressed and decompressed; past it: 413.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxEvents bounds the events of one request; past it: 413.
	MaxEvents int `yaml:"max_events"`
	// Timeout bounds how long a request waits for its events to be committed; past it the sender
	// gets 503 and should retry (duplicates are suppressed).
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultConfig returns the settings used for keys a file leaves out.
func DefaultConfig() Config {
	return Config{Source: "api", MaxBodyBytes: 16 << 20, MaxEvents: 100000, Timeout: 30 * time.Second}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Source == "" {
		errs = append(errs, errors.New("source must not be empty"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max_body_bytes must be at least 1024, got %d", c.MaxBodyBytes))
	}
	if c.MaxEvents < 1 {
		errs = append(errs, fmt.Errorf("max_events must be at least 1, got %d", c.MaxEvents))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout must be positive, got %s", c.Timeout))
	}
	return errors.Join(errs...)
}

// Handler serves POST /v1/events. It is safe for concurrent use.
type Handler struct {
	cfg     Config
	parser  *event.Parser
	sub     ingest.Submitter
	now     func() time.Time
	logger  *slog.Logger
	metrics *ingest.Metrics
}

// New returns the handler. limits bound each event; sub receives the validated events; now is
// the receive clock (time.Now when nil). Auth is the caller's: wrap it in ingest.RequireToken.
func New(cfg Config, limits event.Limits, sub ingest.Submitter, now func() time.Time, logger *slog.Logger, m *ingest.Metrics) *Handler {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m.Prepare(cfg.Source)
	return &Handler{
		cfg: cfg, parser: event.NewParser(limits, event.Defaults{Source: cfg.Source}), sub: sub, now: now,
		logger: logger, metrics: m,
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	src := h.cfg.Source
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		ingest.WriteError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	format, ok := formatOf(r.Header.Get("Content-Type"))
	if !ok {
		h.metrics.Rejected(src, ingest.ReasonUnsupported, 1)
		ingest.WriteError(w, http.StatusUnsupportedMediaType,
			"unsupported Content-Type: send application/json (an object or an array) or application/x-ndjson (one object a line)")
		return
	}
	body, err := ingest.ReadBody(r, h.cfg.MaxBodyBytes)
	if err != nil {
		h.metrics.Rejected(src, ingest.BodyReason(err), 1)
		ingest.WriteBodyError(w, err)
		return
	}
	if format == formatSniff {
		format = sniff(body)
	}
	now := h.now()
	// One event a line is the common case: size the slice once.
	evs := make([]event.Event, 0, min(bytes.Count(body, []byte{'\n'})+1, h.cfg.MaxEvents))
	var fixes ingest.FixCounts
	// body is ours and never written to again: the events may share its memory.
	err = h.parser.ReadAllOwned(body, format, now, func(ev event.Event, fx event.Fixes) error {
		if len(evs) == h.cfg.MaxEvents {
			return errTooMany
		}
		fixes.Add(fx)
		evs = append(evs, ev)
		return nil
	})
	var ee *event.Error
	switch {
	case errors.Is(err, errTooMany):
		h.metrics.Rejected(src, ingest.ReasonTooLarge, 1)
		ingest.WriteError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("more than %d events in one request", h.cfg.MaxEvents))
		return
	case errors.As(err, &ee):
		h.metrics.Rejected(src, ee.Reason, 1)
		ingest.WriteEventError(w, ee)
		return
	case err != nil:
		h.metrics.Rejected(src, ingest.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if len(evs) == 0 {
		ingest.WriteJSON(w, http.StatusOK, event.Ack{})
		return
	}
	h.metrics.Received(src, len(evs))
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancel()
	ack, err := h.sub.Submit(ctx, evs)
	if err != nil {
		reason := ingest.WriteSubmitError(w, err)
		h.metrics.Rejected(src, reason, len(evs))
		if reason == ingest.ReasonInternal {
			h.logger.Error("submit failed", "events", len(evs), "err", err)
		}
		return
	}
	h.metrics.Fixed(src, fixes)
	h.metrics.Accepted(src, ack)
	ingest.WriteJSON(w, http.StatusOK, ack)
}

var errTooMany = errors.New("too many events")

const formatSniff event.Format = 255

// formatOf maps a Content-Type to a framing; an absent type is sniffed from the body.
func formatOf(ct string) (event.Format, bool) {
	if ct == "" {
		return formatSniff, true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return 0, false
	}
	switch mt {
	case "application/json":
		return event.FormatJSON, true
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return event.FormatNDJSON, true
	}
	return 0, false
}

// sniff treats a body starting with '[' as a JSON array and anything else as NDJSON (of which
// a single object is a special case).
func sniff(body []byte) event.Format {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '[':
			return event.FormatJSON
		}
		break
	}
	return event.FormatNDJSON
}
