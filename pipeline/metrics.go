package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
)

// Outcomes of an event handed to the pipeline, as metric label values.
const (
	outcomeAccepted  = "accepted"
	outcomeDuplicate = "duplicate"
	outcomeFailed    = "failed"
)

type metrics struct {
	events         *prometheus.CounterVec
	refused        *prometheus.CounterVec
	queued         prometheus.Gauge
	cacheEntries   prometheus.Gauge
	scoreDuration  prometheus.Histogram
	commitDuration prometheus.Histogram
	spoolBytes     prometheus.Gauge
	spooled        prometheus.Counter
	drained        prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_pipeline_events_total",
			Help: "Events that left the pipeline, by outcome: accepted (committed), duplicate (already stored, not stored again), failed (write failed; the sender was told to retry).",
		}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_pipeline_refused_events_total",
			Help: "Events refused at admission under back-pressure, by reason.",
		}, []string{"reason"}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_pipeline_queue_events",
			Help: "Events accepted for processing and not yet committed.",
		}),
		cacheEntries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_pipeline_dedup_cache_ids",
			Help: "Ids of committed events remembered for duplicate suppression.",
		}),
		scoreDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cxpulse_pipeline_score_batch_duration_seconds",
			Help:    "Time to score one submitted batch.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10),
		}),
		commitDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cxpulse_pipeline_commit_duration_seconds",
			Help:    "Time from a batch's admission to its acknowledgement (committed or failed).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
		spoolBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_spool_bytes",
			Help: "Size of the on-disk spool holding accepted events while ClickHouse is unreachable.",
		}),
		spooled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_spool_events_written_total",
			Help: "Accepted events written to the spool.",
		}),
		drained: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_spool_events_drained_total",
			Help: "Spooled events written to ClickHouse (already stored ones excluded).",
		}),
	}
	for _, o := range []string{outcomeAccepted, outcomeDuplicate, outcomeFailed} {
		m.events.WithLabelValues(o)
	}
	for _, r := range []string{event.BusyQueueFull, event.BusyUnavailable, event.BusySpoolFull, event.BusyShutdown} {
		m.refused.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.events, m.refused, m.queued, m.cacheEntries, m.scoreDuration, m.commitDuration, m.spoolBytes, m.spooled, m.drained)
	}
	return m
}
