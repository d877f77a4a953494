package dashboards

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/table"

	"github.com/cxpulse/cxpulse/store"
)

// The dashboards are written in Grafana's classic JSON model, the one file provisioning loads on
// every Grafana release. The SDK marks it deprecated in favour of its v2 schema, which only
// Grafana's new dashboard API reads.
type (
	dashboardBuilder = dashboard.DashboardBuilder //nolint:staticcheck // classic model on purpose, see above
	classicDashboard = dashboard.Dashboard        //nolint:staticcheck // classic model on purpose, see above
)

func newDashboard(title string) *dashboardBuilder {
	return dashboard.NewDashboardBuilder(title) //nolint:staticcheck // classic model on purpose, see above
}

// builder holds what every dashboard needs: table names and data source references.
type builder struct {
	o    Options
	d    store.Dialect
	ch   common.DataSourceRef
	prom common.DataSourceRef
}

// table is the qualified name of a cxpulse table.
func (b builder) table(name string) string { return b.d.Qualified(name) }

// bucket is the start of the $__interval_s bucket holding the DateTime expression col. It is
// written so the plugin's macro parser never mistakes a later parenthesis for macro arguments:
// each argument-less macro is followed by a closing parenthesis first.
func bucket(col string) string {
	return "toDateTime(intDiv(toUInt32(" + col + "), $__interval_s) * $__interval_s)"
}

// varFilter restricts col to the values of a multi-value dashboard variable; with "All" selected
// the plugin replaces the whole condition by 1=1.
func varFilter(col, variable string) string {
	return fmt.Sprintf("$__conditionalAll(%s IN (${%s:singlequote}), $%s)", col, variable, variable)
}

// dimFilters restricts the four event dimensions (source, channel, product, region) to the
// dashboard's variables.
func dimFilters() string {
	var parts []string
	for _, v := range []string{"source", "channel", "product", "region"} {
		parts = append(parts, varFilter(v, v))
	}
	return strings.Join(parts, "\n  AND ")
}

// chVariable is a multi-value query variable over ClickHouse with an "All" option.
func (b builder) chVariable(name, label, sql string) *dashboard.QueryVariableBuilder {
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(b.ch).
		Query(dashboard.StringOrMap{String: ptr(sql)}).
		Definition(sql).
		Multi(true).
		IncludeAll(true).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Current(allOption())
}

func allOption() dashboard.VariableOption {
	return dashboard.VariableOption{
		Selected: ptr(true),
		Text:     dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}},
		Value:    dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}},
	}
}

// dimVariables are the source, channel, product and region variables of the CX dashboards,
// listing the values of the rollup within the time range.
func (b builder) dimVariables(db *dashboardBuilder) {
	for _, v := range []struct{ name, label string }{
		{"source", "Source"}, {"channel", "Channel"}, {"product", "Product"}, {"region", "Region"},
	} {
		sql := fmt.Sprintf("SELECT DISTINCT %s FROM %s WHERE $__timeFilter(minute) ORDER BY %s", v.name, b.table("sentiment_1m"), v.name)
		db.WithVariable(b.chVariable(v.name, v.label, sql))
	}
}

// chQuery is a ClickHouse query of the dashboard's data source.
func (b builder) chQuery(f Format, sql string) *ClickHouseQueryBuilder {
	return NewClickHouseQuery(b.ch, f, strings.TrimSpace(sql))
}

// promQuery is a Prometheus query with a legend.
func (b builder) promQuery(expr, legend string) *prometheus.DataqueryBuilder {
	q := prometheus.NewDataqueryBuilder().Datasource(b.prom).Expr(expr)
	if legend != "" {
		q = q.LegendFormat(legend)
	}
	return q
}

// dashboardLinks are the links in every dashboard's header to the others, keeping the time range
// and the variables they share.
func dashboardLinks(db *dashboardBuilder) {
	db.Link(dashboard.NewDashboardLinkBuilder("cxpulse").
		Type(dashboard.DashboardLinkTypeDashboards).
		Tags([]string{"cxpulse"}).
		AsDropdown(true).
		IncludeVars(true).
		KeepTime(true))
}

// override sets field config properties of the field called name.
func override(props ...dashboard.DynamicConfigValue) []dashboard.DynamicConfigValue { return props }

func prop(id string, v any) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: id, Value: v}
}

// thresholds are green below each step's value and the step's colour from it.
func thresholds(steps ...any) *dashboard.ThresholdsConfigBuilder {
	st := []dashboard.Threshold{{Color: "green"}}
	for i := 0; i+1 < len(steps); i += 2 {
		v := steps[i].(float64)
		st = append(st, dashboard.Threshold{Value: &v, Color: steps[i+1].(string)})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(st)
}

// newTable is a table panel without a footer.
func newTable() *table.PanelBuilder {
	return table.NewPanelBuilder().
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"}).CountRows(false))
}

func legendTable() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().
		DisplayMode(common.LegendDisplayModeTable).
		Placement(common.LegendPlacementBottom).
		ShowLegend(true).
		Calcs([]string{"mean", "max", "lastNotNull"})
}

func legendList() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().
		DisplayMode(common.LegendDisplayModeList).
		Placement(common.LegendPlacementBottom).
		ShowLegend(true)
}
