package store

import (
	"context"
	"time"
)

// anomaliesTable keeps what anomaly rules' detectors made of each evaluation: the value, the band
// the detector expected and the score, per rule and series. Dashboards draw it as anomaly bands,
// so what they show is what the rules fired on.
var anomaliesTable = Table{
	Name: "anomalies",
	Columns: []Column{
		{Name: "time", Type: "DateTime"},
		{Name: "rule_group", Type: TypeLC},
		{Name: "rule", Type: TypeLC},
		{Name: "fingerprint", Type: "String"},
		{Name: "series", Type: TypeLC},
		{Name: "labels", Type: "String"},
		{Name: "value", Type: "Float64"},
		{Name: "baseline", Type: "Float64"},
		{Name: "baseline_low", Type: "Float64"},
		{Name: "baseline_high", Type: "Float64"},
		{Name: "anomaly_score", Type: "Float64"},
	},
	Engine:      "MergeTree",
	PartitionBy: "toYYYYMM(time)",
	OrderBy:     "(rule, fingerprint, time)",
	TimeColumn:  "time",
	Retention:   KeepRollups,
	ShardingKey: "cityHash64(fingerprint)",
}

// AnomalyRow is one detector output. Its fields match alerting.AnomalyRecord one for one.
type AnomalyRow struct {
	Time        time.Time
	Group       string
	Rule        string
	Fingerprint string
	Series      string
	Labels      map[string]string
	Value       float64
	Baseline    float64
	Low, High   float64
	Score       float64
}

// AppendAnomalies writes detector outputs.
func (s *Store) AppendAnomalies(ctx context.Context, rows []AnomalyRow) error {
	return s.insert(ctx, "anomalies", []string{
		"time", "rule_group", "rule", "fingerprint", "series", "labels",
		"value", "baseline", "baseline_low", "baseline_high", "anomaly_score",
	}, len(rows), func(i int) []any {
		r := rows[i]
		return []any{
			dt(r.Time), r.Group, r.Rule, r.Fingerprint, r.Series, jsonMap(r.Labels),
			finite(r.Value), finite(r.Baseline), finite(r.Low), finite(r.High), finite(r.Score),
		}
	})
}

// finite maps NaN and infinities, which a detector may report before it has learned anything, to 0.
func finite(f float64) float64 {
	if f != f || f > 1e308 || f < -1e308 {
		return 0
	}
	return f
}
