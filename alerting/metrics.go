package alerting

import "github.com/prometheus/client_golang/prometheus"

// Reasons of rule evaluation failures (label values of
// cxpulse_alerting_rule_evaluation_failures_total).
const (
	failQuery    = "query"
	failExpr     = "expression"
	failTemplate = "template"
	failAnomaly  = "anomaly"
)

// Reasons a notification is not sent (label values of
// cxpulse_alerting_notifications_suppressed_total).
const (
	suppressSilenced    = "silenced"
	suppressInhibited   = "inhibited"
	suppressRateLimited = "rate_limited"
)

type metrics struct {
	evals         *prometheus.CounterVec
	evalFailures  *prometheus.CounterVec
	evalDuration  *prometheus.HistogramVec
	alerts        *prometheus.GaugeVec
	notifications *prometheus.CounterVec
	notifyLatency *prometheus.HistogramVec
	suppressed    *prometheus.CounterVec
	storeErrors   *prometheus.CounterVec
	silences      prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		evals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_alerting_rule_evaluations_total",
			Help: "Rule evaluations, by rule group.",
		}, []string{"group"}),
		evalFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_alerting_rule_evaluation_failures_total",
			Help: "Failed rule evaluations, by reason.",
		}, []string{"reason"}),
		evalDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cxpulse_alerting_rule_evaluation_duration_seconds",
			Help:    "Time to evaluate a rule group, queries included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}, []string{"group"}),
		alerts: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cxpulse_alerting_alerts",
			Help: "Alerts by state.",
		}, []string{"state"}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_alerting_notifications_total",
			Help: "Notification attempts, by receiver, integration and outcome (sent, failed, rejected, digested).",
		}, []string{"receiver", "integration", "outcome"}),
		notifyLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cxpulse_alerting_notification_duration_seconds",
			Help:    "Time of one notification attempt, by integration.",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 8),
		}, []string{"integration"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_alerting_notifications_suppressed_total",
			Help: "Alerts left out of notifications, by reason (silenced, inhibited, rate_limited).",
		}, []string{"reason"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_alerting_store_errors_total",
			Help: "Failed writes or reads of alert state, notification log and silences, by table.",
		}, []string{"table"}),
		silences: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_alerting_silences_active",
			Help: "Silences in effect.",
		}),
	}
	for _, r := range []string{failQuery, failExpr, failTemplate, failAnomaly} {
		m.evalFailures.WithLabelValues(r)
	}
	for _, s := range []AlertState{StatePending, StateFiring, StateResolved} {
		m.alerts.WithLabelValues(s.String())
	}
	for _, r := range []string{suppressSilenced, suppressInhibited, suppressRateLimited} {
		m.suppressed.WithLabelValues(r)
	}
	for _, t := range []string{"alerts", "notifications", "silences", "anomalies"} {
		m.storeErrors.WithLabelValues(t)
	}
	if reg != nil {
		reg.MustRegister(m.evals, m.evalFailures, m.evalDuration, m.alerts, m.notifications,
			m.notifyLatency, m.suppressed, m.storeErrors, m.silences)
	}
	return m
}
