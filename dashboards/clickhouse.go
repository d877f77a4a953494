package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
)

// ClickHousePluginID is the plugin id of Grafana's ClickHouse data source.
const ClickHousePluginID = "grafana-clickhouse-datasource"

// Format says how the ClickHouse plugin turns a result into data frames (the values of the
// plugin's "format" field).
type Format int

// Formats of the ClickHouse plugin.
const (
	// FormatTimeSeries makes one series per value column and per distinct string column value;
	// the query must return a time column, ordered by it.
	FormatTimeSeries Format = 0
	// FormatTable returns the rows as they are.
	FormatTable Format = 1
	// FormatLogs returns the rows for a logs panel.
	FormatLogs Format = 2
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case FormatTimeSeries:
		return "timeseries"
	case FormatTable:
		return "table"
	case FormatLogs:
		return "logs"
	}
	return "unknown"
}

// QueryType is the plugin's query type: what kind of panel the query feeds.
type QueryType string

// Query types of the ClickHouse plugin.
const (
	QueryTypeTimeSeries QueryType = "timeseries"
	QueryTypeTable      QueryType = "table"
	QueryTypeLogs       QueryType = "logs"
)

// EditorType is the query editor the plugin shows; cxpulse writes SQL.
type EditorType string

// EditorSQL is the raw SQL editor.
const EditorSQL EditorType = "sql"

// ClickHouseQuery is a query of the grafana-clickhouse-datasource plugin (version 4), written
// in raw SQL. RawSQL may use the plugin's macros ($__timeFilter(col), $__fromTime, $__toTime,
// $__interval_s, $__conditionalAll(cond, $var)) and dashboard variables.
type ClickHouseQuery struct {
	RefID      string                `json:"refId"`
	Hide       *bool                 `json:"hide,omitempty"`
	Datasource *common.DataSourceRef `json:"datasource,omitempty"`
	EditorType EditorType            `json:"editorType"`
	QueryType  QueryType             `json:"queryType"`
	Format     Format                `json:"format"`
	RawSQL     string                `json:"rawSql"`
}

var _ variants.Dataquery = ClickHouseQuery{}

// ImplementsDataqueryVariant marks ClickHouseQuery as a data query of the SDK.
func (ClickHouseQuery) ImplementsDataqueryVariant() {}

// DataqueryType is the plugin id.
func (ClickHouseQuery) DataqueryType() string { return ClickHousePluginID }

// Validate checks nothing beyond the type system: the SQL is proven by running it (see the tests).
func (ClickHouseQuery) Validate() error { return nil }

// Equals reports whether other is the same query.
func (q ClickHouseQuery) Equals(other variants.Dataquery) bool {
	o, ok := other.(ClickHouseQuery)
	if !ok {
		return false
	}
	a, _ := json.Marshal(q)
	b, _ := json.Marshal(o)
	return string(a) == string(b)
}

// ClickHouseQueryConfig lets the SDK's runtime decode ClickHouse queries of dashboards it reads;
// the strict decoder refuses fields ClickHouseQuery does not have.
func ClickHouseQueryConfig() variants.DataqueryConfig {
	return variants.DataqueryConfig{
		Identifier: ClickHousePluginID,
		DataqueryUnmarshaler: func(raw []byte) (variants.Dataquery, error) {
			var q ClickHouseQuery
			if err := json.Unmarshal(raw, &q); err != nil {
				return nil, err
			}
			return q, nil
		},
		StrictDataqueryUnmarshaler: func(raw []byte) (variants.Dataquery, error) {
			var q ClickHouseQuery
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&q); err != nil {
				return nil, fmt.Errorf("clickhouse query: %w", err)
			}
			return q, nil
		},
	}
}

// ClickHouseQueryBuilder builds a ClickHouseQuery for the SDK's panel builders.
type ClickHouseQueryBuilder struct{ q ClickHouseQuery }

var _ cog.Builder[variants.Dataquery] = (*ClickHouseQueryBuilder)(nil)

// NewClickHouseQuery starts a raw-SQL query of the given format on the data source ds.
func NewClickHouseQuery(ds common.DataSourceRef, format Format, sql string) *ClickHouseQueryBuilder {
	qt := QueryTypeTable
	switch format {
	case FormatTimeSeries:
		qt = QueryTypeTimeSeries
	case FormatLogs:
		qt = QueryTypeLogs
	}
	return &ClickHouseQueryBuilder{q: ClickHouseQuery{
		RefID: "A", Datasource: &ds, EditorType: EditorSQL, QueryType: qt, Format: format, RawSQL: sql,
	}}
}

// RefID sets the query's reference id within its panel.
func (b *ClickHouseQueryBuilder) RefID(id string) *ClickHouseQueryBuilder {
	b.q.RefID = id
	return b
}

// Build returns the query.
func (b *ClickHouseQueryBuilder) Build() (variants.Dataquery, error) { return b.q, nil }
