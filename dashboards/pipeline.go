package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// promPanel is one Pipeline health panel: a title, a unit and its queries (expression, legend).
type promPanel struct {
	id          uint32
	title, desc string
	unit        string
	span        uint32
	queries     [][2]string
}

// pipelinePanels are the Pipeline health panels, in order. Every metric they read is created at
// zero when cxpulse starts, so each panel shows a line from the first scrape.
var pipelinePanels = []promPanel{
	{1, "Ingest rate by source", "Events acknowledged to their senders as stored, per second.", "ops", 12, [][2]string{
		{`sum by (source) (rate(cxpulse_ingest_events_accepted_total{instance=~"$instance", source=~"$source"}[$__rate_interval]))`, "{{source}}"},
		{`sum by (source) (rate(cxpulse_ingest_events_duplicate_total{instance=~"$instance", source=~"$source"}[$__rate_interval]))`, "{{source}} duplicates"},
	}},
	{2, "Rejects by reason", "Events (or unreadable requests) refused at the doors, per second and reason.", "ops", 12, [][2]string{
		{`sum by (reason) (rate(cxpulse_ingest_events_rejected_total{instance=~"$instance", source=~"$source"}[$__rate_interval]))`, "{{reason}}"},
	}},
	{3, "Queue depth", "Events accepted for processing and not yet committed.", "short", 8, [][2]string{
		{`sum by (instance) (cxpulse_pipeline_queue_events{instance=~"$instance"})`, "{{instance}}"},
	}},
	{4, "Back-pressure", "Events refused under back-pressure (429/503), per second and reason.", "ops", 8, [][2]string{
		{`sum by (reason) (rate(cxpulse_pipeline_refused_events_total{instance=~"$instance"}[$__rate_interval]))`, "{{reason}}"},
	}},
	{5, "Spool", "Bytes of accepted events waiting on local disk for ClickHouse.", "bytes", 8, [][2]string{
		{`sum by (instance) (cxpulse_spool_bytes{instance=~"$instance"})`, "{{instance}}"},
	}},
	{6, "ClickHouse insert latency", "Time to send one batch insert, 50th and 99th percentile per table.", "s", 12, [][2]string{
		{`histogram_quantile(0.5, sum by (le, table) (rate(cxpulse_clickhouse_insert_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))`, "p50 {{table}}"},
		{`histogram_quantile(0.99, sum by (le, table) (rate(cxpulse_clickhouse_insert_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))`, "p99 {{table}}"},
	}},
	{7, "ClickHouse insert errors and commit latency", "Failed inserts per second (transient ones are retried) and the 99th percentile from admission to acknowledgement.", "ops", 12, [][2]string{
		{`sum by (table, reason) (rate(cxpulse_clickhouse_insert_errors_total{instance=~"$instance"}[$__rate_interval]))`, "{{table}} {{reason}}"},
		{`histogram_quantile(0.99, sum by (le) (rate(cxpulse_pipeline_commit_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))`, "commit p99 (s)"},
	}},
	{8, "Rule evaluation time", "99th percentile of the time to evaluate a rule group, queries included.", "s", 12, [][2]string{
		{`histogram_quantile(0.99, sum by (le, group) (rate(cxpulse_alerting_rule_evaluation_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))`, "{{group}}"},
		{`sum by (reason) (rate(cxpulse_alerting_rule_evaluation_failures_total{instance=~"$instance"}[$__rate_interval]))`, "failures: {{reason}}"},
	}},
	{9, "Notification failures", "Notification attempts that failed (retried) or were rejected (not retried), per second.", "ops", 12, [][2]string{
		{`sum by (receiver, integration, outcome) (rate(cxpulse_alerting_notifications_total{instance=~"$instance", outcome=~"failed|rejected"}[$__rate_interval]))`, "{{receiver}} {{integration}} {{outcome}}"},
		{`sum by (outcome) (rate(cxpulse_alerting_notifications_total{instance=~"$instance"}[$__rate_interval]))`, "all {{outcome}}"},
	}},
}

func (b builder) pipeline() (string, *dashboardBuilder) {
	db := newDashboard("cxpulse: Pipeline health").
		Uid(UIDPipeline).
		Description("cxpulse's own health from its /metrics: ingestion, back-pressure, spool, ClickHouse inserts, rule evaluation and notifications.").
		Tags([]string{"cxpulse", "ops"}).
		Refresh("30s").
		Time("now-3h", "now").
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair)
	dashboardLinks(db)
	for _, v := range []struct{ name, label, query string }{
		{"instance", "Instance", "label_values(cxpulse_build_info, instance)"},
		{"source", "Source", "label_values(cxpulse_ingest_events_received_total, source)"},
	} {
		db.WithVariable(dashboard.NewQueryVariableBuilder(v.name).
			Label(v.label).
			Datasource(b.prom).
			Query(dashboard.StringOrMap{String: ptr(v.query)}).
			Definition(v.query).
			Multi(true).
			IncludeAll(true).
			AllValue(".*").
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
			Sort(dashboard.VariableSortAlphabeticalAsc).
			Current(allOption()))
	}
	db.WithPanel(stat.NewPanelBuilder().Id(10).Title("Instances up").Height(4).Span(6).
		Description("Instances whose /metrics Prometheus scrapes, and whether their ClickHouse answers.").
		GraphMode(common.BigValueGraphModeNone).Orientation(common.VizOrientationAuto).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)).
		WithTarget(b.promQuery(`count(cxpulse_build_info{instance=~"$instance"})`, "instances").Instant().RefId("A")).
		WithTarget(b.promQuery(`min(cxpulse_clickhouse_up{instance=~"$instance"})`, "ClickHouse up").Instant().RefId("B")))
	db.WithPanel(stat.NewPanelBuilder().Id(11).Title("Alerts").Height(4).Span(18).
		Description("Alerts by state, as the ruler holds them.").
		GraphMode(common.BigValueGraphModeArea).Orientation(common.VizOrientationAuto).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)).
		WithTarget(b.promQuery(`sum by (state) (cxpulse_alerting_alerts{instance=~"$instance"})`, "{{state}}").Range()))
	for _, p := range pipelinePanels {
		tp := timeseries.NewPanelBuilder().Id(p.id).Title(p.title).Description(p.desc).
			Height(8).Span(p.span).Unit(p.unit).Min(0).Legend(legendList())
		for i, q := range p.queries {
			tp = tp.WithTarget(b.promQuery(q[0], q[1]).Range().RefId(string(rune('A' + i))))
		}
		if p.id == 7 {
			tp = tp.OverrideByName("commit p99 (s)", override(prop("unit", "s"), prop("custom.axisPlacement", "right")))
		}
		db.WithPanel(tp)
	}
	return UIDPipeline, db
}
