package alerting

import (
	"math"
	"sort"
	"strings"
)

// The aggregates a rule's `when` expression can use, computed over the events a rule selects in
// its window, per group.
const (
	AggVolume          = "volume"
	AggNegativeShare   = "negative_share"
	AggPositiveShare   = "positive_share"
	AggMeanScore       = "mean_score"
	AggP10Score        = "p10_score"
	AggUniqueCustomers = "unique_customers"
	AggAnomalyScore    = "anomaly_score"
)

// Aggregates lists the names of the base aggregates, in a fixed order.
var Aggregates = []string{AggVolume, AggNegativeShare, AggPositiveShare, AggMeanScore, AggP10Score, AggUniqueCustomers}

func isAggregate(name string) bool {
	for _, a := range Aggregates {
		if a == name {
			return true
		}
	}
	return false
}

// Values are the aggregates of one group of events over one window, as storage returns them.
// Shares and the mean are derived from the counts and sums; a window without events has Volume
// 0 and no series at all in a query result.
type Values struct {
	Volume    float64
	Negatives float64
	Positives float64
	ScoreSum  float64
	// P10Score is the 10th percentile of the sentiment score (NaN when unknown).
	P10Score        float64
	UniqueCustomers float64
	// Topics counts the events per matched topic (only the topics a rule asks for).
	Topics map[string]float64
}

// Get returns the named aggregate ("volume", "negative_share", …, or "topic.NAME").
func (v *Values) Get(name string) (float64, bool) {
	switch name {
	case AggVolume:
		return v.Volume, true
	case AggNegativeShare:
		return div(v.Negatives, v.Volume), true
	case AggPositiveShare:
		return div(v.Positives, v.Volume), true
	case AggMeanScore:
		return div(v.ScoreSum, v.Volume), true
	case AggP10Score:
		return v.P10Score, true
	case AggUniqueCustomers:
		return v.UniqueCustomers, true
	}
	if t, ok := strings.CutPrefix(name, "topic."); ok {
		return v.Topics[t], true
	}
	return 0, false
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// env is the expression environment of one evaluation.
func (v *Values) env(anomaly *anomalyOut) map[string]any {
	env := make(map[string]any, 16)
	for _, a := range Aggregates {
		x, _ := v.Get(a)
		env[a] = x
	}
	topics := make(map[string]any, len(v.Topics))
	for k, x := range v.Topics {
		topics[k] = x
	}
	env["topic"] = topics
	env["topics"] = topics
	if anomaly != nil {
		env[AggAnomalyScore] = anomaly.score
		env["baseline_"+anomaly.series] = anomaly.expected
		env["baseline_low"] = anomaly.low
		env["baseline_high"] = anomaly.high
	}
	return env
}

// valueMap returns the aggregates as a name → value map (for templates and records).
func (v *Values) valueMap(topics []string) map[string]float64 {
	m := make(map[string]float64, len(Aggregates)+len(topics))
	for _, a := range Aggregates {
		x, _ := v.Get(a)
		if !math.IsNaN(x) {
			m[a] = x
		}
	}
	for _, t := range topics {
		m["topic."+t] = v.Topics[t]
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
