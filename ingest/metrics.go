package ingest

import (
	"errors"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
)

// Reasons a door rejects events, beyond the event.Reason* of malformed events and the
// event.Busy* of back-pressure; used as metric label values.
const (
	ReasonSyntax       = event.ReasonSyntax
	ReasonTooLarge     = "too_large"
	ReasonUnsupported  = "unsupported"
	ReasonUnauthorized = "unauthorized"
	ReasonSignature    = "bad_signature"
	ReasonReplay       = "replayed"
	ReasonTimeout      = "timeout"
	ReasonInternal     = "internal"
)

// RejectReasons lists every reason label value, so each door creates them at zero.
func RejectReasons() []string {
	r := append([]string{}, event.RejectReasons()...)
	return append(r, ReasonTooLarge, ReasonUnsupported, ReasonUnauthorized, ReasonSignature, ReasonReplay,
		ReasonTimeout, ReasonInternal, event.BusyQueueFull, event.BusyUnavailable, event.BusySpoolFull, event.BusyShutdown)
}

// Metrics are the counters every door shares, labelled by source. One instance per registry;
// safe for concurrent use.
type Metrics struct {
	received   *prometheus.CounterVec
	accepted   *prometheus.CounterVec
	duplicates *prometheus.CounterVec
	rejected   *prometheus.CounterVec
	fixed      *prometheus.CounterVec
}

// NewMetrics registers the ingest counters on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_received_total",
			Help: "Well-formed events received, by source, before back-pressure and duplicate checks.",
		}, []string{"source"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_accepted_total",
			Help: "Events acknowledged to their sender as stored, by source.",
		}, []string{"source"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_duplicate_total",
			Help: "Events acknowledged as duplicates of stored ones (not stored again), by source.",
		}, []string{"source"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_rejected_total",
			Help: "Events (or whole requests, when unreadable) refused, by source and reason.",
		}, []string{"source", "reason"}),
		fixed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_events_fixed_total",
			Help: "Accepted events changed by normalization, by source and fix (text_truncated, utf8_repaired).",
		}, []string{"source", "fix"}),
	}
	if reg != nil {
		reg.MustRegister(m.received, m.accepted, m.duplicates, m.rejected, m.fixed)
	}
	return m
}

// Prepare creates a source's series at zero.
func (m *Metrics) Prepare(source string) {
	m.received.WithLabelValues(source)
	m.accepted.WithLabelValues(source)
	m.duplicates.WithLabelValues(source)
	for _, r := range RejectReasons() {
		m.rejected.WithLabelValues(source, r)
	}
	m.fixed.WithLabelValues(source, "text_truncated")
	m.fixed.WithLabelValues(source, "utf8_repaired")
}

// Received counts well-formed events.
func (m *Metrics) Received(source string, n int) { m.received.WithLabelValues(source).Add(float64(n)) }

// Accepted counts an acknowledged batch.
func (m *Metrics) Accepted(source string, ack event.Ack) {
	m.accepted.WithLabelValues(source).Add(float64(ack.Accepted))
	m.duplicates.WithLabelValues(source).Add(float64(ack.Duplicates))
}

// Rejected counts refused events.
func (m *Metrics) Rejected(source, reason string, n int) {
	m.rejected.WithLabelValues(source, reason).Add(float64(n))
}

// FixCounts tallies normalization fixes of a batch.
type FixCounts struct{ Truncated, Repaired int }

// Add counts one event's fixes.
func (f *FixCounts) Add(fx event.Fixes) {
	if fx.TextTruncated {
		f.Truncated++
	}
	if fx.UTF8Repaired {
		f.Repaired++
	}
}

// Fixed counts the fixes of an accepted batch.
func (m *Metrics) Fixed(source string, f FixCounts) {
	if f.Truncated > 0 {
		m.fixed.WithLabelValues(source, "text_truncated").Add(float64(f.Truncated))
	}
	if f.Repaired > 0 {
		m.fixed.WithLabelValues(source, "utf8_repaired").Add(float64(f.Repaired))
	}
}

// BodyReason maps a ReadBody error to a reason label value.
func BodyReason(err error) string {
	switch {
	case errors.Is(err, ErrTooLarge):
		return ReasonTooLarge
	case strings.HasPrefix(err.Error(), "unsupported Content-Encoding"):
		return ReasonUnsupported
	}
	return ReasonSyntax
}
