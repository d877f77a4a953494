package dashboards

import (
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/barchart"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/cxpulse/cxpulse/store"
)

// NegativeSpikeQuery is the selection of the example rule NegativeSpike (deploy/rules/cx.yaml):
// the overview's "as the rule sees it" panel renders it with store.RuleSQL, so the panel and the
// page share one query.
var NegativeSpikeQuery = store.RuleQuery{
	Channel: []string{"chat", "ticket", "social", "review"},
	Window:  10 * time.Minute,
	GroupBy: []string{"product"},
}

// NegativeSpikeThreshold is the negative share above which NegativeSpike fires.
const NegativeSpikeThreshold = 0.35

func (b builder) overview() (string, *dashboardBuilder) {
	db := newDashboard("cxpulse: CX overview").
		Uid(UIDOverview).
		Description("What customers say, across every channel: volume, sentiment, negative share by product and region, topics, anomalies and the alerts they raised.").
		Tags([]string{"cxpulse", "cx"}).
		Refresh("30s").
		Time("now-6h", "now").
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair)
	dashboardLinks(db)
	b.dimVariables(db)
	db.Annotation(b.alertAnnotations())

	rollup := b.table("sentiment_1m")
	where := "$__timeFilter(minute)\n  AND " + dimFilters()
	statPanel := func(id uint32, title, desc, expr, unit string, th *dashboard.ThresholdsConfigBuilder) *stat.PanelBuilder {
		p := stat.NewPanelBuilder().Id(id).Title(title).Description(desc).Height(4).Span(6).
			Unit(unit).Decimals(2).GraphMode(common.BigValueGraphModeNone).
			ColorMode(common.BigValueColorModeValue).Orientation(common.VizOrientationAuto).
			ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)).
			WithTarget(b.chQuery(FormatTable, fmt.Sprintf("SELECT %s\nFROM %s\nWHERE %s", expr, rollup, where)))
		if th != nil {
			p = p.Thresholds(th)
		}
		return p
	}
	db.WithPanel(statPanel(1, "Messages", "Messages received in the time range.", "sum(volume) AS messages", "short", nil).Decimals(0))
	db.WithPanel(statPanel(2, "Negative share", "Share of messages scored negative.", "sum(negatives) / sum(volume) AS negative_share", "percentunit",
		thresholds(0.2, "orange", NegativeSpikeThreshold, "red")))
	db.WithPanel(statPanel(3, "Mean score", "Mean sentiment score, from -1 (negative) to 1 (positive).", "sum(score_sum) / sum(volume) AS mean_score", "none", nil))
	db.WithPanel(statPanel(4, "Unique customers", "Distinct customers who wrote in the time range.", "uniqIfMerge(customers) AS customers", "short", nil).Decimals(0))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelVolumeByChannel).Title("Volume by channel").
		Description("Messages per interval, stacked by channel.").Height(8).Span(12).
		Unit("short").Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).
		FillOpacity(30).LineWidth(1).Legend(legendTable()).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t, channel, sum(volume) AS messages
FROM %s
WHERE %s
GROUP BY t, channel
ORDER BY t, channel`, bucket("minute"), rollup, where))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelSentimentTrend).Title("Sentiment trend").
		Description("Mean score and 10th percentile of the score (left axis), negative share (right axis).").Height(8).Span(12).
		Unit("none").Min(-1).Legend(legendList()).
		OverrideByName("negative_share", override(prop("unit", "percentunit"), prop("min", 0), prop("max", 1),
			prop("custom.axisPlacement", "right"), prop("color", map[string]any{"mode": "fixed", "fixedColor": "red"}))).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT %s AS t,
    sum(score_sum) / sum(volume) AS mean_score,
    quantilesMerge(0.1, 0.5, 0.9)(score_quantiles)[1] AS p10_score,
    sum(negatives) / sum(volume) AS negative_share
FROM %s
WHERE %s
GROUP BY t
ORDER BY t`, bucket("minute"), rollup, where))))

	ruleSQL, err := store.RuleSQL(b.d, NegativeSpikeQuery, store.TimeRange{Grafana: true})
	if err != nil {
		db.RecordError("panels", err)
	}
	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelRuleNegativeShare).Title("Negative share per product, as NegativeSpike sees it").
		Description(fmt.Sprintf("The query of the rule NegativeSpike (deploy/rules/cx.yaml): %s windows of chat, ticket, social and review messages per product, ending every interval. The line marks the rule's threshold.", NegativeSpikeQuery.Window)).
		Height(8).Span(12).Unit("percentunit").Min(0).Max(1).Legend(legendTable()).
		Thresholds(thresholds(NegativeSpikeThreshold, "red")).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT toDateTime(toInt64($__fromTime) + k * toInt64(greatest($__interval_s, 1))) AS t, g0 AS product, negatives / volume AS negative_share
FROM (
%s
)
WHERE volume > 0 AND %s
ORDER BY t, product`, ruleSQL, varFilter("g0", "product")))))

	db.WithPanel(newTable().Id(PanelNegativeByProduct).Title("Negative share by product and region").
		Description("Messages, negative share and mean score per product and region, most negative first.").
		Height(8).Span(12).
		OverrideByName("negative_share", override(prop("unit", "percentunit"), prop("min", 0), prop("max", 1),
			prop("custom.cellOptions", map[string]any{"type": "gauge", "mode": "basic"}),
			prop("thresholds", map[string]any{"mode": "absolute", "steps": []map[string]any{
				{"color": "green", "value": nil}, {"color": "orange", "value": 0.2}, {"color": "red", "value": NegativeSpikeThreshold},
			}}))).
		OverrideByName("mean_score", override(prop("decimals", 2))).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT product, region, sum(volume) AS messages, sum(negatives) / sum(volume) AS negative_share, sum(score_sum) / sum(volume) AS mean_score
FROM %s
WHERE %s
GROUP BY product, region
HAVING messages > 0
ORDER BY negative_share DESC, messages DESC
LIMIT 100`, rollup, where))))

	events := b.table("events")
	evWhere := "$__timeFilter(time)\n  AND " + dimFilters()
	db.WithPanel(barchart.NewPanelBuilder().Id(PanelTopTopics).Title("Top topics").
		Description("The ten topics mentioned most, with how many of those messages were negative.").
		Height(9).Span(8).XField("topic").Orientation(common.VizOrientationHorizontal).
		Legend(legendList()).
		OverrideByName("negative", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "red"}))).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT topic, count() AS messages, countIf(label = 'negative') AS negative
FROM %s
ARRAY JOIN topics AS topic
WHERE %s
GROUP BY topic
ORDER BY messages DESC, topic
LIMIT 10`, events, evWhere))))

	db.WithPanel(timeseries.NewPanelBuilder().Id(PanelVolumeAnomalyBand).Title("Volume and its usual band").
		Description("Messages per interval against the same time of day on the previous 7 days: the band is their mean ± 3 standard deviations. Anomaly alerts show as annotations.").
		Height(9).Span(16).Unit("short").Min(0).Legend(legendList()).
		OverrideByName("baseline_high", override(prop("custom.fillBelowTo", "baseline_low"), prop("custom.lineWidth", 0),
			prop("custom.fillOpacity", 20), prop("color", map[string]any{"mode": "fixed", "fixedColor": "blue"}))).
		OverrideByName("baseline_low", override(prop("custom.lineWidth", 0), prop("color", map[string]any{"mode": "fixed", "fixedColor": "blue"}))).
		OverrideByName("baseline", override(prop("custom.lineStyle", map[string]any{"fill": "dash", "dash": []int{10, 10}}),
			prop("color", map[string]any{"mode": "fixed", "fixedColor": "blue"}))).
		OverrideByName("messages", override(prop("color", map[string]any{"mode": "fixed", "fixedColor": "yellow"}))).
		WithTarget(b.chQuery(FormatTimeSeries, fmt.Sprintf(`
SELECT t,
    sumIf(v, d = 0) AS messages,
    avgIf(v, d > 0) AS baseline,
    greatest(avgIf(v, d > 0) - 3 * stddevPopIf(v, d > 0), 0) AS baseline_low,
    avgIf(v, d > 0) + 3 * stddevPopIf(v, d > 0) AS baseline_high
FROM (
    SELECT %s AS t, d, sum(volume) AS v
    FROM %s
    ARRAY JOIN range(8) AS d
    WHERE minute >= toDateTime(toUInt32($__fromTime) - 7 * 86400) AND minute <= toDateTime(toUInt32($__toTime))
      AND toUInt32(minute) + d * 86400 >= toUInt32($__fromTime) AND toUInt32(minute) + d * 86400 <= toUInt32($__toTime)
      AND %s
    GROUP BY t, d
)
GROUP BY t
ORDER BY t`, bucket("toUInt32(minute) + d * 86400"), rollup, dimFilters()))))

	db.WithPanel(newTable().Id(PanelLatestNegative).Title("Latest negative messages").
		Description("The newest messages scored negative (text redacted), refreshed with the dashboard. A customer id opens the customer's dashboard.").
		Height(10).Span(24).
		OverrideByName("customer_id", override(prop("links", []map[string]any{{
			"title": "Customer", "url": "/d/" + UIDCustomer + "?var-customer=${__value.raw}&${__url_time_range}",
		}}))).
		OverrideByName("score", override(prop("decimals", 2))).
		OverrideByName("text", override(prop("custom.width", 700))).
		WithTarget(b.chQuery(FormatTable, fmt.Sprintf(`
SELECT time, source, channel, product, region, customer_id, score, arrayStringConcat(topics, ', ') AS topic_list, text
FROM %s
WHERE %s
  AND label = 'negative'
ORDER BY time DESC
LIMIT 100`, events, evWhere))))
	return UIDOverview, db
}

// alertAnnotations marks alert episodes (fired to resolved) of the alerts table, restricted to
// the selected products where the alert has a product label.
func (b builder) alertAnnotations() *dashboard.AnnotationQueryBuilder {
	sql := fmt.Sprintf(`
SELECT fired_at AS time,
    max(resolved_at) AS resolved,
    if(resolved > fired_at, resolved, toDateTime(toUInt32($__toTime))) AS timeEnd,
    concat(any(rule), ': ', visitParamExtractString(argMax(annotations, version), 'summary')) AS text,
    arrayFilter(x -> x != '', [any(rule), visitParamExtractString(any(labels), 'severity')]) AS tags
FROM %s
WHERE fired_at > toDateTime(0) AND fired_at <= toDateTime(toUInt32($__toTime))
  AND %s
GROUP BY fingerprint, fired_at
HAVING timeEnd >= toDateTime(toUInt32($__fromTime))
ORDER BY time`, b.table("alerts"),
		strings.Replace(varFilter("visitParamExtractString(labels, 'product')", "product"), "IN (", "IN ('', ", 1))
	return dashboard.NewAnnotationQueryBuilder().Name("Alerts").Datasource(b.ch).Enable(true).IconColor("red").
		Target(b.chQuery(FormatTable, sql))
}
