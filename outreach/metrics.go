package outreach

import "github.com/prometheus/client_golang/prometheus"

// Why a customer a policy selected got no task.
const (
	// ReasonCooldown: the customer got a task within the policy's cooldown, whatever the channel.
	ReasonCooldown = "cooldown"
	// ReasonOpenTask: the customer has a task nobody has acted on yet.
	ReasonOpenTask = "open_task"
	// ReasonIncident: an alert covering the customer's complaints is pending or firing.
	ReasonIncident = "incident"
	// ReasonDailyCap: the owning team got its daily cap of tasks.
	ReasonDailyCap = "daily_cap"
	// ReasonUnrouted: no owner of the policy matches the customer.
	ReasonUnrouted = "unrouted"
)

var suppressReasons = []string{ReasonCooldown, ReasonOpenTask, ReasonIncident, ReasonDailyCap, ReasonUnrouted}

// Why an evaluation failed.
const (
	failAlerts     = "alerts"
	failStore      = "store"
	failExpression = "expression"
)

type metrics struct {
	evaluations  prometheus.Counter
	evalFailures *prometheus.CounterVec
	evalDuration prometheus.Histogram
	candidates   prometheus.Gauge
	created      *prometheus.CounterVec
	suppressed   *prometheus.CounterVec
	suppressedG  *prometheus.GaugeVec
	acknowledged *prometheus.CounterVec
	outcomes     *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
	notes        *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		evaluations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_outreach_evaluations_total",
			Help: "Outreach evaluations run.",
		}),
		evalFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_evaluation_failures_total",
			Help: "Outreach evaluations (or policy conditions) that failed, by reason: alerts (alert state unknown), store (ClickHouse), expression.",
		}, []string{"reason"}),
		evalDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cxpulse_outreach_evaluation_duration_seconds",
			Help:    "Time of one outreach evaluation, queries included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		candidates: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cxpulse_outreach_candidates",
			Help: "Customers with a recent negative contact at the last evaluation.",
		}),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_tasks_created_total",
			Help: "Outreach tasks created, by owning team.",
		}, []string{"team"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_suppressed_total",
			Help: "Customers a policy selected who got no task, by reason; counted when the customer starts being suppressed for that reason.",
		}, []string{"reason"}),
		suppressedG: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cxpulse_outreach_suppressed_customers",
			Help: "Customers a policy selected who got no task at the last evaluation, by reason.",
		}, []string{"reason"}),
		acknowledged: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_acknowledged_total",
			Help: "Acknowledgements of outreach tasks, by the status set.",
		}, []string{"status"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_outcomes_total",
			Help: "Measured outcomes of contacted customers: recovered, not_recovered, silent (too few messages after the contact).",
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_deliveries_total",
			Help: "Delivery attempts of tasks and incident notes, by integration and outcome (sent, failed: retried, rejected: not retried, expired: given up).",
		}, []string{"integration", "outcome"}),
		notes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_outreach_incident_notes_total",
			Help: "Incident notes opened (held) and closed (released).",
		}, []string{"state"}),
	}
	for _, r := range suppressReasons {
		m.suppressed.WithLabelValues(r)
		m.suppressedG.WithLabelValues(r)
	}
	for _, r := range []string{failAlerts, failStore, failExpression} {
		m.evalFailures.WithLabelValues(r)
	}
	for _, s := range statusNames {
		m.acknowledged.WithLabelValues(s)
	}
	for _, o := range []string{OutcomeRecovered, OutcomeNotRecovered, OutcomeSilent} {
		m.outcomes.WithLabelValues(o)
	}
	for _, i := range []string{integrationSlack, integrationWebhook} {
		for _, o := range []string{DeliverySent, DeliveryFailed, DeliveryRejected, "expired"} {
			m.deliveries.WithLabelValues(i, o)
		}
	}
	for _, s := range []string{NoteHeld, NoteReleased} {
		m.notes.WithLabelValues(s)
	}
	if reg != nil {
		reg.MustRegister(m.evaluations, m.evalFailures, m.evalDuration, m.candidates, m.created, m.suppressed,
			m.suppressedG, m.acknowledged, m.outcomes, m.deliveries, m.notes)
	}
	return m
}
