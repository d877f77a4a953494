package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

func (b builder) alerts() (string, *dashboardBuilder) {
	db := newDashboard("cxpulse: Alerts and outreach").
		Uid(UIDAlerts).
		Description("What fires now, what fired before, and what every notification attempt became.").
		Tags([]string{"cxpulse", "alerting"}).
		Refresh("30s").
		Time("now-24h", "now").
		Timezone(common.TimeZoneBrowser)
	dashboardLinks(db)
	alerts, notifications, anomalies, tasks := b.table("alerts"), b.table("notifications"), b.table("anomalies"), b.table("outreach")
	db.WithVariable(b.chVariable("rule", "Rule",
		fmt.Sprintf("SELECT DISTINCT rule FROM %s WHERE $__timeFilter(time) ORDER BY rule", alerts)))
	db.WithVariable(b.chVariable("receiver", "Receiver",
		fmt.Sprintf("SELECT DISTINCT receiver FROM %s WHERE $__timeFilter(time) ORDER BY receiver", notifications)))
	db.Annotation(b.alertAnnotations())

	db.WithPanel(newTable().Id(PanelAlertsFiring).Title("Firing now").
		Description("Alerts whose latest state (at the end of the time range, over the 30 days before it) is firing. The dashboard link opens the panel the rule points at, with its filters set.").
		Height(8).Span(24).
		OverrideByName("dashboard", override(prop("links", []map[string]any{{
			"title": "Open the alert's dashboard", "url": "${__value.raw}",
		}}))).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT rule, labels, since, value, summary,
    if(link = '', '', concat(if(position(link, '://') > 0, '', '/'), link)) AS dashboard
FROM (
    SELECT rule, labels,
        argMax(state, version) AS state,
        argMax(fired_at, version) AS since,
        argMax(value, version) AS value,
        visitParamExtractString(argMax(annotations, version), 'summary') AS summary,
        visitParamExtractString(argMax(annotations, version), 'dashboard') AS link
    FROM %s
    WHERE time <= toDateTime(toUInt32($__toTime)) AND time >= toDateTime(toUInt32($__toTime) - 30 * 86400)
      AND %s
    GROUP BY rule_group, rule, fingerprint, labels
)
WHERE state = 'firing'
ORDER BY since DESC`, alerts, varFilter("rule", "rule")))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(2).Title("State changes").
		Description("Alert state changes per interval: pending, firing, resolved.").
		Height(8).Span(12).Unit("short").DrawStyle(common.GraphDrawStyleBars).FillOpacity(60).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).Legend(legendList()).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, state, count() AS changes
FROM %s
WHERE $__timeFilter(time) AND %s
GROUP BY t, state
ORDER BY t, state`, bucket("time"), alerts, varFilter("rule", "rule")))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelNotificationOutcome).Title("Notification outcomes").
		Description("Notification attempts per interval by outcome: sent, failed (retried), rejected (not retried), digested (rate-limited into a digest).").
		Height(8).Span(12).Unit("short").DrawStyle(common.GraphDrawStyleBars).FillOpacity(60).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).Legend(legendList()).
		OverrideByName("failed", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "orange"}))).
		OverrideByName("rejected", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "red"}))).
		OverrideByName("sent", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "green"}))).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, outcome, count() AS attempts
FROM %s
WHERE $__timeFilter(time) AND %s
GROUP BY t, outcome
ORDER BY t, outcome`, bucket("time"), notifications, varFilter("receiver", "receiver")))))

	db.WithPanel(newTable().Id(PanelAlertHistory).Title("History").
		Description("Every alert state change in the time range, newest first.").
		Height(10).Span(24).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT time, rule, state, labels, value, visitParamExtractString(annotations, 'summary') AS summary
FROM %s
WHERE $__timeFilter(time) AND %s
ORDER BY time DESC, version DESC
LIMIT 500`, alerts, varFilter("rule", "rule")))))

	db.WithPanel(newTable().Id(6).Title("Notifications by receiver").
		Description("Attempts per receiver and integration and what became of them.").
		Height(8).Span(12).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT receiver, integration,
    countIf(outcome = 'sent') AS sent,
    countIf(outcome = 'failed') AS failed,
    countIf(outcome = 'rejected') AS rejected,
    countIf(outcome = 'digested') AS digested
FROM %s
WHERE $__timeFilter(time) AND %s
GROUP BY receiver, integration
ORDER BY receiver, integration`, notifications, varFilter("receiver", "receiver")))))

	db.WithPanel(newTable().Id(PanelNotificationFailed).Title("Failed notifications").
		Description("Attempts that failed or were rejected, with the error the receiver gave.").
		Height(8).Span(12).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT time, receiver, integration, outcome, reason, attempt, error
FROM %s
WHERE $__timeFilter(time) AND outcome IN ('failed', 'rejected') AND %s
ORDER BY time DESC
LIMIT 200`, notifications, varFilter("receiver", "receiver")))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelAnomalyScores).Title("Anomaly scores").
		Description("What the detectors of anomaly rules made of each evaluation, per rule and series: 0 is usual, the rule's sensitivity sets where it alarms (medium 0.27). The same scores the rules fire on.").
		Height(8).Span(12).Unit("short").Min(0).Max(1).Legend(legendList()).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, concat(rule, ' ', labels) AS series, max(anomaly_score) AS score
FROM %s
WHERE $__timeFilter(time)
GROUP BY t, series
ORDER BY t, series`, bucket("time"), anomalies))))

	db.WithPanel(newTable().Id(PanelAnomalyBands).Title("Anomaly detectors: latest value and expected band").
		Description("For each series an anomaly rule watches, its latest value, the value its detector expected and the band outside which a value may be anomalous.").
		Height(8).Span(12).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT rule, labels, max(time) AS at, argMax(series, time) AS aggregate, argMax(value, time) AS value,
    argMax(baseline, time) AS expected, argMax(baseline_low, time) AS low, argMax(baseline_high, time) AS high,
    argMax(anomaly_score, time) AS score
FROM %s
WHERE $__timeFilter(time)
GROUP BY rule, fingerprint, labels
ORDER BY score DESC, rule`, anomalies))))
	// One row per task as its log says it is now, for the outreach panels.
	taskState := fmt.Sprintf(`SELECT task_id,
        argMaxIf(created_at, version, entry = 'created') AS created,
        argMaxIf(owner, version, entry = 'created') AS team,
        argMaxIf(status, version, entry IN ('created', 'status')) AS status,
        argMaxIf(held_by, version, entry = 'created') AS held_by,
        argMaxIf(outcome, version, entry = 'outcome') AS outcome
    FROM %s
    WHERE time <= toDateTime(toUInt32($__toTime))
    GROUP BY task_id
    HAVING created >= toDateTime(toUInt32($__fromTime)) AND created <= toDateTime(toUInt32($__toTime))`, tasks)
	db.WithPanel(newTable().Id(PanelOutreachFunnel).Title("Outreach funnel").
		Description("Tasks created in the time range per team, how far they got (contacted, resolved, dismissed), how many were held during an incident first, and how many contacted customers recovered.").
		Height(8).Span(12).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT team,
    count() AS created,
    countIf(held_by != '') AS held_by_incident,
    countIf(status IN ('contacted', 'resolved')) AS contacted,
    countIf(status = 'resolved') AS resolved,
    countIf(status = 'dismissed') AS dismissed,
    countIf(outcome = 'recovered') AS recovered,
    countIf(outcome = 'not_recovered') AS not_recovered
FROM (%s)
GROUP BY team
ORDER BY created DESC, team`, taskState))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelOutreachRecovery).Title("Outreach tasks and recovery").
		Description("Tasks created per interval by what became of them: recovered and not recovered once contacted, still open, or other (contacted with no verdict yet, resolved, dismissed).").
		Height(8).Span(12).Unit("short").DrawStyle(common.GraphDrawStyleBars).FillOpacity(60).
		Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).Legend(legendList()).
		OverrideByName("recovered", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "green"}))).
		OverrideByName("not_recovered", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "red"}))).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, multiIf(outcome = 'recovered', 'recovered', outcome = 'not_recovered', 'not_recovered', status = 'open', 'open', 'other') AS state, count() AS tasks
FROM (%s)
GROUP BY t, state
ORDER BY t, state`, bucket("created"), taskState))))
	return UIDAlerts, db
}
