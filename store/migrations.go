package store

// Migrations is the schema, step by step, in the order it is applied. A step is never edited once
// released: change the schema by appending a step.
func Migrations() []Migration {
	return []Migration{
		{ID: "0001_events", Tables: []Table{eventsTable}},
		{ID: "0002_sentiment_1m", Tables: []Table{sentiment1mTable}, Views: []View{sentiment1mView}},
		{ID: "alerting_0001_state", Tables: []Table{alertsTable, notificationsTable, silencesTable}},
		{ID: "0003_rejected", Tables: []Table{rejectedTable}},
		{ID: "0004_anomalies", Tables: []Table{anomaliesTable}},
		{ID: "outreach_0001", Tables: []Table{customerHealthTable, outreachTable, outreachIncidentsTable}, Views: []View{customerHealthView}},
	}
}

// eventsTable holds one row per scored event, text redacted.
var eventsTable = Table{
	Name: "events",
	Columns: []Column{
		{Name: "id", Type: "String"},
		{Name: "time", Type: TypeTimeMs, Codec: "Delta, ZSTD(1)"},
		{Name: "source", Type: TypeLC},
		{Name: "channel", Type: TypeLC},
		{Name: "customer_id", Type: "String"},
		{Name: "product", Type: TypeLC},
		{Name: "region", Type: TypeLC},
		{Name: "language", Type: TypeLC},
		{Name: "text", Type: "String", Codec: "ZSTD(3)"},
		{Name: "label_keys", Type: "Array(String)"},
		{Name: "label_values", Type: "Array(String)"},
		{Name: "score", Type: "Float32"},
		{Name: "label", Type: "Enum8('negative' = -1, 'neutral' = 0, 'positive' = 1)"},
		{Name: "confidence", Type: "Float32"},
		{Name: "p_negative", Type: "Float32"},
		{Name: "p_neutral", Type: "Float32"},
		{Name: "p_positive", Type: "Float32"},
		{Name: "evidence", Type: "String", Codec: "ZSTD(1)"},
		{Name: "topics", Type: "Array(" + TypeLC + ")"},
		{Name: "reliable", Type: "UInt8"},
		{Name: "model_version", Type: TypeLC},
		{Name: "ingested_at", Type: "DateTime"},
	},
	Engine:      "MergeTree",
	PartitionBy: "toYYYYMM(time)",
	OrderBy:     "(toDate(time), channel, product, time)",
	TimeColumn:  "time",
	Retention:   KeepEvents,
	ShardingKey: "cityHash64(if(customer_id = '', id, customer_id))",
}

// sentiment1mTable is the per-minute rollup rules and dashboards read: one row per minute ×
// source × channel × product × region once merged (query it with sum()/…Merge() and GROUP BY).
var sentiment1mTable = Table{
	Name: "sentiment_1m",
	Columns: []Column{
		{Name: "minute", Type: "DateTime"},
		{Name: "source", Type: TypeLC},
		{Name: "channel", Type: TypeLC},
		{Name: "product", Type: TypeLC},
		{Name: "region", Type: TypeLC},
		{Name: "volume", Type: "UInt64"},
		{Name: "negatives", Type: "UInt64"},
		{Name: "positives", Type: "UInt64"},
		{Name: "score_sum", Type: "Float64"},
		{Name: "score_quantiles", Type: "AggregateFunction(quantiles(0.1, 0.5, 0.9), Float32)"},
		{Name: "customers", Type: "AggregateFunction(uniqIf, String, UInt8)"},
	},
	Engine:      "SummingMergeTree",
	PartitionBy: "toYYYYMM(minute)",
	OrderBy:     "(minute, product, region, channel, source)",
	TimeColumn:  "minute",
	Retention:   KeepRollups,
}

var sentiment1mView = View{
	Name: "sentiment_1m_mv",
	To:   "sentiment_1m",
	From: "events",
	Select: `SELECT
    toStartOfMinute(time) AS minute,
    source, channel, product, region,
    count() AS volume,
    countIf(label = 'negative') AS negatives,
    countIf(label = 'positive') AS positives,
    sum(toFloat64(score)) AS score_sum,
    quantilesState(0.1, 0.5, 0.9)(score) AS score_quantiles,
    uniqIfState(customer_id, customer_id != '') AS customers
FROM {from}
GROUP BY minute, source, channel, product, region`,
	Keys: []ViewKey{
		{Column: "minute", Expr: "toStartOfMinute(time)"},
		{Column: "source", Expr: "source"},
		{Column: "channel", Expr: "channel"},
		{Column: "product", Expr: "product"},
		{Column: "region", Expr: "region"},
	},
	Count: "volume",
}
