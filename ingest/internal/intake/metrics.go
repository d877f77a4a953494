package intake

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
)

// Request failure reasons shared by the HTTP doors (the `reason` label of
// cxpulse_ingest_requests_rejected_total).
const (
	ReasonBadSignature = "bad_signature"
	ReasonStale        = "stale"
	ReasonTooLarge     = "too_large"
	ReasonBadBody      = "bad_body"
	ReasonBadPayload   = "bad_payload"
	ReasonMethod       = "method"
	ReasonTimeout      = "timeout"
	ReasonInternal     = "internal"
)

// RequestReasons lists the request failure reasons every HTTP door can report, including the
// back-pressure reasons of event.BusyError.
func RequestReasons() []string {
	return []string{
		ReasonBadSignature, ReasonStale, ReasonTooLarge, ReasonBadBody, ReasonBadPayload, ReasonMethod,
		ReasonTimeout, ReasonInternal,
		event.BusyQueueFull, event.BusyUnavailable, event.BusySpoolFull, event.BusyShutdown,
	}
}

// families are the counters shared by every door, told apart by their `source` label. They are
// registered once per registry; a second door on the same registry reuses them.
type families struct {
	requests, requestsRejected                        *prometheus.CounterVec
	received, accepted, duplicates, rejected, skipped *prometheus.CounterVec
	truncated, repaired                               *prometheus.CounterVec
}

// Metrics are the shared ingest counters curried for one source (door). Safe for concurrent use.
type Metrics struct {
	// Requests counts requests (HTTP doors) or records (Kafka) seen.
	Requests prometheus.Counter
	// Received counts messages found in requests, before validation.
	Received prometheus.Counter
	// Accepted counts events the pipeline acknowledged as durable.
	Accepted prometheus.Counter
	// Duplicates counts events the pipeline recognised as already stored.
	Duplicates prometheus.Counter
	// Truncated and Repaired count events whose text was cut or whose UTF-8 was repaired.
	Truncated, Repaired prometheus.Counter

	requestsRejected, rejected, skipped *prometheus.CounterVec
}

// NewMetrics registers (or reuses) the shared ingest families on reg and curries them for
// source. Label values for every reason in requestReasons, rejectReasons and skipReasons are
// created at zero. reg may be nil (nothing is registered).
func NewMetrics(reg prometheus.Registerer, source string, requestReasons, rejectReasons, skipReasons []string) (*Metrics, error) {
	f := &families{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_requests_total",
			Help: "Requests (HTTP doors) or records (Kafka) received, by source.",
		}, []string{"source"}),
		requestsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_requests_rejected_total",
			Help: "Requests or records refused as a whole, by source and reason; none of their events was accepted.",
		}, []string{"source", "reason"}),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_received_total",
			Help: "Messages found in requests or records, before validation, by source.",
		}, []string{"source"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_accepted_total",
			Help: "Events acknowledged as durable by the pipeline, by source.",
		}, []string{"source"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_duplicate_total",
			Help: "Events recognised by the pipeline as already stored, by source.",
		}, []string{"source"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_rejected_total",
			Help: "Events rejected by validation, by source and reason.",
		}, []string{"source", "reason"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_skipped_total",
			Help: "Messages deliberately not turned into events (agent replies, private notes, empty lines, redeliveries), by source and reason.",
		}, []string{"source", "reason"}),
		truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_text_truncated_total",
			Help: "Events whose text was truncated at the size limit, by source.",
		}, []string{"source"}),
		repaired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_utf8_repaired_total",
			Help: "Events whose invalid UTF-8 was replaced, by source.",
		}, []string{"source"}),
	}
	if reg != nil {
		for _, p := range []**prometheus.CounterVec{
			&f.requests, &f.requestsRejected, &f.received, &f.accepted, &f.duplicates, &f.rejected, &f.skipped,
			&f.truncated, &f.repaired,
		} {
			if err := register(reg, p); err != nil {
				return nil, err
			}
		}
	}
	m := &Metrics{
		Requests:         f.requests.WithLabelValues(source),
		Received:         f.received.WithLabelValues(source),
		Accepted:         f.accepted.WithLabelValues(source),
		Duplicates:       f.duplicates.WithLabelValues(source),
		Truncated:        f.truncated.WithLabelValues(source),
		Repaired:         f.repaired.WithLabelValues(source),
		requestsRejected: f.requestsRejected,
		rejected:         f.rejected,
		skipped:          f.skipped,
	}
	for _, r := range requestReasons {
		m.requestsRejected.WithLabelValues(source, r)
	}
	for _, r := range rejectReasons {
		m.rejected.WithLabelValues(source, r)
	}
	for _, r := range skipReasons {
		m.skipped.WithLabelValues(source, r)
	}
	return m.curry(source), nil
}

// register registers *c on reg, or replaces *c by the collector already registered under the
// same description.
func register(reg prometheus.Registerer, c **prometheus.CounterVec) error {
	err := reg.Register(*c)
	if err == nil {
		return nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			*c = existing
			return nil
		}
	}
	return fmt.Errorf("registering ingest metrics: %w", err)
}

func (m *Metrics) curry(source string) *Metrics {
	m.requestsRejected = m.requestsRejected.MustCurryWith(prometheus.Labels{"source": source})
	m.rejected = m.rejected.MustCurryWith(prometheus.Labels{"source": source})
	m.skipped = m.skipped.MustCurryWith(prometheus.Labels{"source": source})
	return m
}

// RequestRejected counts a request refused for reason.
func (m *Metrics) RequestRejected(reason string) { m.requestsRejected.WithLabelValues(reason).Inc() }

// Rejected counts n events rejected for reason.
func (m *Metrics) Rejected(reason string, n int) { m.rejected.WithLabelValues(reason).Add(float64(n)) }

// Skipped counts n messages skipped for reason.
func (m *Metrics) Skipped(reason string, n int) { m.skipped.WithLabelValues(reason).Add(float64(n)) }

// Fixed counts what normalization changed in one event.
func (m *Metrics) Fixed(fx event.Fixes) {
	if fx.TextTruncated {
		m.Truncated.Inc()
	}
	if fx.UTF8Repaired {
		m.Repaired.Inc()
	}
}

// Acked counts an Ack.
func (m *Metrics) Acked(a event.Ack) {
	m.Accepted.Add(float64(a.Accepted))
	m.Duplicates.Add(float64(a.Duplicates))
}
