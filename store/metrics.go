package store

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Reasons an insert fails, as metric label values.
const (
	reasonTransient = "transient"
	reasonPermanent = "permanent"
)

type metrics struct {
	insertDuration *prometheus.HistogramVec
	insertRows     *prometheus.CounterVec
	insertErrors   *prometheus.CounterVec
	batchRows      prometheus.Histogram
	retries        *prometheus.CounterVec
	repaired       *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		insertDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cxpulse_clickhouse_insert_duration_seconds",
			Help:    "Time to send one batch insert to ClickHouse, per table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"table"}),
		insertRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_clickhouse_inserted_rows_total",
			Help: "Rows committed to ClickHouse, per table.",
		}, []string{"table"}),
		insertErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_clickhouse_insert_errors_total",
			Help: "Failed batch inserts to ClickHouse, per table and reason (transient: retried; permanent: given up).",
		}, []string{"table", "reason"}),
		batchRows: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cxpulse_clickhouse_batch_rows",
			Help:    "Rows per batch insert.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_clickhouse_insert_retries_total",
			Help: "Batch insert attempts after a transient failure, per table.",
		}, []string{"table"}),
		repaired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_clickhouse_view_rows_repaired_total",
			Help: "Rows re-fed to a materialized view's target after an insert reached events but not the view, per target table.",
		}, []string{"table"}),
	}
	for _, t := range []string{"sentiment_1m", "customer_health_1h"} {
		m.repaired.WithLabelValues(t)
	}
	if reg != nil {
		reg.MustRegister(m.insertDuration, m.insertRows, m.insertErrors, m.batchRows, m.retries, m.repaired)
	}
	return m
}

// prepare creates the label values of a table at zero so dashboards see the series from the start.
func (m *metrics) prepare(table string) {
	m.insertDuration.WithLabelValues(table)
	m.insertRows.WithLabelValues(table)
	m.retries.WithLabelValues(table)
	for _, r := range []string{reasonTransient, reasonPermanent} {
		m.insertErrors.WithLabelValues(table, r)
	}
}
