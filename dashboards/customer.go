package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

func (b builder) customer() (string, *dashboardBuilder) {
	db := newDashboard("cxpulse: Customer").
		Uid(UIDCustomer).
		Description("One customer across every channel: what they wrote, how it scored, and the alerts about them.").
		Tags([]string{"cxpulse", "cx"}).
		Refresh("1m").
		Time("now-7d", "now").
		Timezone(common.TimeZoneBrowser)
	dashboardLinks(db)
	events := b.table("events")
	// The customers who wrote most negatively lead the list; any other id can be typed or linked.
	varSQL := fmt.Sprintf(`SELECT customer_id FROM %s WHERE $__timeFilter(time) AND customer_id != '' GROUP BY customer_id ORDER BY countIf(label = 'negative') DESC, count() DESC, customer_id LIMIT 200`, events)
	db.WithVariable(dashboard.NewQueryVariableBuilder("customer").
		Label("Customer").
		Datasource(b.ch).
		Query(dashboard.StringOrMap{String: ptr(varSQL)}).
		Definition(varSQL).
		AllowCustomValue(true).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged))
	db.Annotation(b.alertAnnotations())

	where := "$__timeFilter(time)\n  AND customer_id = ${customer:singlequote}"
	statPanel := func(id uint32, title, expr, unit string) *stat.PanelBuilder {
		return stat.NewPanelBuilder().Id(id).Title(title).Height(4).Span(6).Unit(unit).Decimals(2).
			GraphMode(common.BigValueGraphModeNone).Orientation(common.VizOrientationAuto).
			ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)).
			WithTarget(b.chQuery(FormatTable, fmt.Sprintf("SELECT %s\nFROM %s\nWHERE %s", expr, events, where)))
	}
	db.WithPanel(statPanel(1, "Messages", "count() AS messages", "short").Decimals(0))
	db.WithPanel(statPanel(2, "Negative share", "countIf(label = 'negative') / count() AS negative_share", "percentunit").
		Thresholds(thresholds(0.3, "orange", 0.5, "red")))
	db.WithPanel(statPanel(3, "Mean score", "avg(score) AS mean_score", "none"))
	db.WithPanel(statPanel(6, "Channels", "uniqExact(channel) AS channels", "short").Decimals(0))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelCustomerSentiment).Title("Sentiment by channel").
		Description("Mean score per interval and channel.").Height(8).Span(24).
		Unit("none").Min(-1).Max(1).DrawStyle(common.GraphDrawStylePoints).PointSize(6).Legend(legendList()).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, channel, avg(score) AS score
FROM %s
WHERE %s
GROUP BY t, channel
ORDER BY t, channel`, bucket("time"), events, where))))

	db.WithPanel(newTable().Id(PanelCustomerTimeline).Title("Timeline").
		Description("Every message of the customer, newest first, across channels (text redacted).").
		Height(12).Span(24).
		OverrideByName("score", override(prop("decimals", 2))).
		OverrideByName("text", override(prop("custom.width", 700))).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT time, channel, source, product, region, toString(label) AS sentiment, score, arrayStringConcat(topics, ', ') AS topic_list, text
FROM %s
WHERE %s
ORDER BY time DESC
LIMIT 500`, events, where))))

	db.WithPanel(newTable().Id(7).Title("Alerts about this customer").
		Description("State changes of alerts whose customer_id label is this customer.").
		Height(8).Span(24).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT time, rule, state, value, visitParamExtractString(annotations, 'summary') AS summary
FROM %s
WHERE $__timeFilter(time)
  AND visitParamExtractString(labels, 'customer_id') = ${customer:singlequote}
ORDER BY time DESC
LIMIT 200`, b.table("alerts")))))
	health, tasks := b.table("customer_health_1h"), b.table("outreach")
	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelCustomerHealth).Title("Health by hour").
		Description("The customer's contacts and negative contacts per hour across every channel, from the per-customer rollup outreach policies read.").
		Height(8).Span(12).Unit("short").Min(0).DrawStyle(common.GraphDrawStyleBars).FillOpacity(60).Legend(legendList()).
		OverrideByName("negatives", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "red"}))).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT bucket AS t, sum(contacts) AS contacts, sum(negatives) AS negatives
FROM %s
WHERE bucket >= toDateTime(intDiv(toUInt32($__fromTime), 3600) * 3600) AND bucket <= toDateTime(toUInt32($__toTime))
  AND customer_id = ${customer:singlequote}
GROUP BY t
ORDER BY t`, health))))

	db.WithPanel(newTable().Id(PanelCustomerOutreach).Title("Outreach").
		Description("Outreach tasks for the customer: why, for whom, what became of them, and whether the customer's sentiment recovered after contact.").
		Height(8).Span(12).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT task_id,
    argMaxIf(created_at, version, entry = 'created') AS created,
    argMaxIf(policy, version, entry = 'created') AS policy,
    argMaxIf(priority, version, entry = 'created') AS priority,
    argMaxIf(owner, version, entry = 'created') AS team,
    argMaxIf(status, version, entry IN ('created', 'status')) AS status,
    argMaxIf(held_by, version, entry = 'created') AS held_by,
    argMaxIf(outcome, version, entry = 'outcome') AS outcome
FROM %s
WHERE customer_id = ${customer:singlequote} AND time <= toDateTime(toUInt32($__toTime))
GROUP BY task_id
HAVING created >= toDateTime(toUInt32($__fromTime))
ORDER BY created DESC`, tasks))))
	return UIDCustomer, db
}
