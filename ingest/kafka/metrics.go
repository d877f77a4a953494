package kafka

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
)

// ReasonTooLarge is the reason a record over max_record_bytes is dead-lettered.
const ReasonTooLarge = ingest.ReasonTooLarge

// Reasons a Submit or dead-letter write is retried, beyond the event.Busy* reasons.
const (
	RetryError      = "error"
	RetryDeadLetter = "dead_letter"
)

type metrics struct {
	deadLetters  *prometheus.CounterVec
	retries      *prometheus.CounterVec
	paused       prometheus.Gauge
	commitErrors prometheus.Counter
	fetchErrors  prometheus.Counter
	abandoned    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_kafka_dead_letters_total",
			Help: "Records or NDJSON lines sent to the dead-letter destinations, by reason.",
		}, []string{"reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_ingest_kafka_retries_total",
			Help: "Retries of a Submit or dead-letter write, by reason.",
		}, []string{"reason"}),
		paused: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_ingest_kafka_paused",
			Help: "1 while fetching is paused because the pipeline pushes back.",
		}),
		commitErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_ingest_kafka_commit_errors_total",
			Help: "Offset commits that failed (the records are consumed again, never lost).",
		}),
		fetchErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_ingest_kafka_fetch_errors_total",
			Help: "Fetch errors reported by the Kafka client.",
		}),
		abandoned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_ingest_kafka_abandoned_records_total",
			Help: "Polled records dropped uncommitted because their partition was revoked or lost; the new owner consumes them again.",
		}),
	}
	for _, r := range append(event.RejectReasons(), ReasonTooLarge) {
		m.deadLetters.WithLabelValues(r)
	}
	for _, r := range []string{event.BusyQueueFull, event.BusyUnavailable, event.BusySpoolFull, event.BusyShutdown, RetryError, RetryDeadLetter} {
		m.retries.WithLabelValues(r)
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.deadLetters, m.retries, m.paused, m.commitErrors, m.fetchErrors, m.abandoned} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("registering kafka metrics: %w", err)
			}
		}
	}
	return m, nil
}
