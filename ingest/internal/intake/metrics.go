package intake

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
)

// Metrics counts one door's work: the shared ingest counters (ingest.Metrics, labelled with
// the door's source) plus cxpulse_ingest_events_skipped_total for messages deliberately not
// turned into events. Safe for concurrent use.
type Metrics struct {
	source  string
	shared  *ingest.Metrics
	skipped *prometheus.CounterVec
}

// NewMetrics prepares shared's series for source (shared nil: private, unregistered counters)
// and registers the skipped family on reg (reused when another door registered it already),
// with skipReasons created at zero. reg may be nil.
func NewMetrics(shared *ingest.Metrics, reg prometheus.Registerer, source string, skipReasons []string) (*Metrics, error) {
	if shared == nil {
		shared = ingest.NewMetrics(nil)
	}
	shared.Prepare(source)
	skipped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cxpulse_ingest_events_skipped_total",
		Help: "Messages deliberately not turned into events (agent replies, private notes, empty lines, redelivered notifications), by source and reason.",
	}, []string{"source", "reason"})
	if reg != nil {
		if err := reg.Register(skipped); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("registering ingest metrics: %w", err)
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				return nil, fmt.Errorf("registering ingest metrics: %w", err)
			}
			skipped = existing
		}
	}
	for _, r := range skipReasons {
		skipped.WithLabelValues(source, r)
	}
	return &Metrics{source: source, shared: shared, skipped: skipped}, nil
}

// Received counts n well-formed events.
func (m *Metrics) Received(n int) { m.shared.Received(m.source, n) }

// Rejected counts n refused events, or one refused request, for reason (a value of
// ingest.RejectReasons).
func (m *Metrics) Rejected(reason string, n int) { m.shared.Rejected(m.source, reason, n) }

// Skipped counts n messages skipped for reason.
func (m *Metrics) Skipped(reason string, n int) {
	m.skipped.WithLabelValues(m.source, reason).Add(float64(n))
}

// Fixed counts what normalization changed in one event.
func (m *Metrics) Fixed(fx event.Fixes) {
	var f ingest.FixCounts
	f.Add(fx)
	m.shared.Fixed(m.source, f)
}

// Acked counts an Ack.
func (m *Metrics) Acked(a event.Ack) { m.shared.Accepted(m.source, a) }

// ReasonOf returns the reason label of an event error (event.ReasonInvalid when err is not an
// *event.Error).
func ReasonOf(err error) string {
	var ee *event.Error
	if errors.As(err, &ee) {
		return ee.Reason
	}
	return event.ReasonInvalid
}
