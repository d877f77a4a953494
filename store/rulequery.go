package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// RuleQuery is what a rule (or a backtest, or a dashboard panel) asks: the aggregates of the
// events matching the selection, per distinct value of GroupBy, over windows of length Window.
// Each selection field lists accepted values (any of them); empty accepts all.
type RuleQuery struct {
	Source       []string
	Channel      []string
	Product      []string
	Region       []string
	Language     []string
	CustomerID   []string
	Sentiment    []string
	Topic        []string
	Labels       map[string][]string
	TextContains []string
	Window       time.Duration
	// GroupBy lists event fields: source, channel, product, region, language, customer_id or
	// labels.NAME.
	GroupBy []string
	// Topics lists the topics whose counts are wanted.
	Topics []string
}

// RollupOnly reports whether the per-minute rollup can answer the query: selection and grouping
// by source, channel, product and region only, and no topic counts.
func (q *RuleQuery) RollupOnly() bool {
	if len(q.Language)+len(q.CustomerID)+len(q.Sentiment)+len(q.Topic)+len(q.Labels)+len(q.TextContains)+len(q.Topics) > 0 {
		return false
	}
	for _, g := range q.GroupBy {
		if !rollupDims[g] {
			return false
		}
	}
	return true
}

var rollupDims = map[string]bool{"source": true, "channel": true, "product": true, "region": true}

// RuleAggregates are the aggregates of one window.
type RuleAggregates struct {
	Volume          float64
	Negatives       float64
	Positives       float64
	ScoreSum        float64
	P10Score        float64
	UniqueCustomers float64
	Topics          map[string]float64
}

// RulePoint is the aggregate of the window ending (exclusive) at End.
type RulePoint struct {
	End time.Time
	RuleAggregates
}

// RuleSeries is the points of one group; Group maps group_by fields (labels.NAME as NAME) to
// their values.
type RuleSeries struct {
	Group  map[string]string
	Points []RulePoint
}

// TimeRange says which window ends a query computes. In a literal range, ends are From,
// From+Step, …, To; in Grafana's, the macros $__fromTime, $__toTime and $__interval_s.
type TimeRange struct {
	From, To time.Time
	Step     time.Duration
	Grafana  bool
}

var fieldNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// column returns the SQL of a group_by field over the events table (or the rollup).
func fieldSQL(f string) (string, error) {
	switch f {
	case "source", "channel", "product", "region", "language", "customer_id":
		return f, nil
	}
	if name, ok := strings.CutPrefix(f, "labels."); ok && fieldNameRE.MatchString(name) {
		return "label_values[indexOf(label_keys, " + quoteString(name) + ")]", nil
	}
	return "", fmt.Errorf("unknown field %q", f)
}

func inList(col string, vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = quoteString(v)
	}
	return col + " IN (" + strings.Join(q, ", ") + ")"
}

// fieldFilters are the conditions of q on the event's fields (source, channel, product, region,
// language, customer_id) and on its sentiment label, as SQL.
func (q RuleQuery) fieldFilters() []string {
	var where []string
	for _, f := range []struct {
		col  string
		vals []string
	}{
		{"source", q.Source},
		{"channel", q.Channel},
		{"product", q.Product},
		{"region", q.Region},
		{"language", q.Language},
		{"customer_id", q.CustomerID},
	} {
		if len(f.vals) > 0 {
			where = append(where, inList(f.col, f.vals))
		}
	}
	if len(q.Sentiment) > 0 {
		where = append(where, inList("toString(label)", q.Sentiment))
	}
	return where
}

// RuleSQL renders the query of q for the window ends of r. A window ending at e holds the
// per-minute buckets that overlap [e - window, e). Its result has the columns k (the
// index of the window end), g0…gN (the group_by values, in order), volume, negatives,
// positives, score_sum, p10_score, unique_customers and t0…tM (the counts of q.Topics), all
// numbers Float64, ordered by group and k. With r.Grafana, the same SQL takes its time range from
// Grafana's ClickHouse macros, so a dashboard panel shows exactly what the rule evaluates.
func RuleSQL(d Dialect, q RuleQuery, r TimeRange) (string, error) {
	if q.Window < time.Minute || q.Window%time.Minute != 0 {
		return "", fmt.Errorf("rule query: window %s is not a whole number of minutes", q.Window)
	}
	var from, to, step, n string
	if r.Grafana {
		from, to, step = "toInt64($__fromTime)", "toInt64($__toTime)", "toInt64(greatest($__interval_s, 1))"
		n = fmt.Sprintf("(intDiv(%s - %s, %s) + 1)", to, from, step)
	} else {
		if r.To.Before(r.From) {
			return "", errors.New("rule query: to before from")
		}
		s := int64(r.Step / time.Second)
		if r.To.Equal(r.From) || s <= 0 {
			s = 1
			r.To = r.From
		}
		from, to, step = fmt.Sprint(r.From.Unix()), fmt.Sprint(r.To.Unix()), fmt.Sprint(s)
		n = fmt.Sprint((r.To.Unix()-r.From.Unix())/s + 1)
	}
	w := fmt.Sprint(int64(q.Window / time.Second))
	rollup := q.RollupOnly()
	table, minute := "events", "toStartOfMinute(time)"
	if rollup {
		table, minute = "sentiment_1m", "minute"
	}
	var where []string
	where = append(where,
		fmt.Sprintf("%s > toDateTime(%s - %s - 60)", minute, from, w),
		fmt.Sprintf("%s < toDateTime(%s)", minute, to))
	if !rollup {
		// Bound the scan of the events table by its ordering key too.
		where = append(where, fmt.Sprintf("time >= toDateTime(%s - %s - 60)", from, w), fmt.Sprintf("time < toDateTime(%s + 60)", to))
	}
	where = append(where, q.fieldFilters()...)
	if len(q.Topic) > 0 {
		qs := make([]string, len(q.Topic))
		for i, t := range q.Topic {
			qs[i] = quoteString(t)
		}
		where = append(where, "hasAny(topics, ["+strings.Join(qs, ", ")+"])")
	}
	for _, k := range sortedKeys(q.Labels) {
		if !fieldNameRE.MatchString(k) {
			return "", fmt.Errorf("rule query: bad label name %q", k)
		}
		col, _ := fieldSQL("labels." + k)
		where = append(where, inList(col, q.Labels[k]))
	}
	if len(q.TextContains) > 0 {
		var ors []string
		for _, w := range q.TextContains {
			ors = append(ors, "positionCaseInsensitiveUTF8(text, "+quoteString(w)+") > 0")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	var groups, groupNames []string
	for i, g := range q.GroupBy {
		col, err := fieldSQL(g)
		if err != nil {
			return "", fmt.Errorf("rule query: group_by: %w", err)
		}
		if rollup && !rollupDims[g] {
			return "", fmt.Errorf("rule query: group_by %s needs the events table", g)
		}
		groups = append(groups, fmt.Sprintf("toString(%s) AS g%d", col, i))
		groupNames = append(groupNames, fmt.Sprintf("g%d", i))
	}
	m := "toInt64(toUInt32(" + minute + "))"
	// Window end k (end_k = from + k*step) covers the minutes that overlap [end_k - window,
	// end_k): m < end_k < m + 60 + window. An event stays visible for at least the window, and a
	// window ending on a minute boundary is exactly window/1m minutes.
	lo := fmt.Sprintf("if(%s >= %s, intDiv(%s - %s, %s) + 1, 0)", m, from, m, from, step)
	hi := fmt.Sprintf("least(intDiv(%s + %s + 59 - %s, %s), %s - 1)", m, w, from, step, n)
	kexpr := fmt.Sprintf("arrayJoin(arrayMap(i -> toInt64(i) + %s, range(toUInt64(greatest(%s - %s + 1, 0)))))", lo, hi, lo)

	var aggs []string
	if rollup {
		aggs = []string{
			"toFloat64(sum(volume)) AS volume",
			"toFloat64(sum(negatives)) AS negatives",
			"toFloat64(sum(positives)) AS positives",
			"toFloat64(sum(score_sum)) AS score_sum",
			"toFloat64(quantilesMerge(0.1, 0.5, 0.9)(score_quantiles)[1]) AS p10_score",
			"toFloat64(uniqIfMerge(customers)) AS unique_customers",
		}
	} else {
		aggs = []string{
			"toFloat64(count()) AS volume",
			"toFloat64(countIf(label = 'negative')) AS negatives",
			"toFloat64(countIf(label = 'positive')) AS positives",
			"toFloat64(sum(toFloat64(score))) AS score_sum",
			"toFloat64(quantile(0.1)(score)) AS p10_score",
			"toFloat64(uniqIf(customer_id, customer_id != '')) AS unique_customers",
		}
		for i, t := range q.Topics {
			aggs = append(aggs, fmt.Sprintf("toFloat64(countIf(has(topics, %s))) AS t%d", quoteString(t), i))
		}
	}
	sel := append([]string{kexpr + " AS k"}, groups...)
	sel = append(sel, aggs...)
	gb := append([]string{"k"}, groupNames...)
	order := append(append([]string{}, groupNames...), "k")
	return fmt.Sprintf("SELECT %s\nFROM %s\nWHERE %s\nGROUP BY %s\nORDER BY %s",
		strings.Join(sel, ",\n    "), d.Qualified(table), strings.Join(where, "\n  AND "),
		strings.Join(gb, ", "), strings.Join(order, ", ")), nil
}

// RuleSeries runs a rule query for the windows ending at from, from+step, …, to (one window when
// from equals to).
func (s *Store) RuleSeries(ctx context.Context, q RuleQuery, from, to time.Time, step time.Duration) ([]RuleSeries, error) {
	sql, err := RuleSQL(s.Dialect(), q, TimeRange{From: from, To: to, Step: step})
	if err != nil {
		return nil, err
	}
	if to.Equal(from) || step <= 0 {
		step, to = time.Second, from
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("rule query: %w", err)
	}
	defer func() { _ = rows.Close() }()
	ng, nt := len(q.GroupBy), len(q.Topics)
	var out []RuleSeries
	var cur *RuleSeries
	var curKey string
	for rows.Next() {
		var k int64
		gs := make([]string, ng)
		var v RuleAggregates
		ts := make([]float64, nt)
		dest := []any{&k}
		for i := range gs {
			dest = append(dest, &gs[i])
		}
		dest = append(dest, &v.Volume, &v.Negatives, &v.Positives, &v.ScoreSum, &v.P10Score, &v.UniqueCustomers)
		for i := range ts {
			dest = append(dest, &ts[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("rule query: scan: %w", err)
		}
		if v.Volume == 0 {
			continue
		}
		if math.IsInf(v.P10Score, 0) {
			v.P10Score = math.NaN()
		}
		if nt > 0 {
			v.Topics = make(map[string]float64, nt)
			for i, t := range q.Topics {
				v.Topics[t] = ts[i]
			}
		}
		key := strings.Join(gs, "\x00")
		if cur == nil || key != curKey {
			g := make(map[string]string, ng)
			for i, f := range q.GroupBy {
				g[strings.TrimPrefix(f, "labels.")] = gs[i]
			}
			out = append(out, RuleSeries{Group: g})
			cur, curKey = &out[len(out)-1], key
		}
		cur.Points = append(cur.Points, RulePoint{End: from.Add(time.Duration(k) * step), RuleAggregates: v})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rule query: %w", err)
	}
	return out, nil
}

// SampleTexts returns up to n texts of the events a query selects in [from, to) whose group_by
// fields equal group, the most negative first: the sample messages of a notification.
func (s *Store) SampleTexts(ctx context.Context, q RuleQuery, group map[string]string, from, to time.Time, n int) ([]string, error) {
	var where []string
	where = append(where, fmt.Sprintf("time >= toDateTime(%d)", from.Unix()), fmt.Sprintf("time < toDateTime(%d)", to.Unix()+60))
	where = append(where, q.fieldFilters()...)
	for _, k := range sortedKeys(q.Labels) {
		col, err := fieldSQL("labels." + k)
		if err != nil {
			return nil, err
		}
		where = append(where, inList(col, q.Labels[k]))
	}
	if len(q.TextContains) > 0 {
		var ors []string
		for _, w := range q.TextContains {
			ors = append(ors, "positionCaseInsensitiveUTF8(text, "+quoteString(w)+") > 0")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	for _, f := range q.GroupBy {
		col, err := fieldSQL(f)
		if err != nil {
			return nil, err
		}
		where = append(where, "toString("+col+") = "+quoteString(group[strings.TrimPrefix(f, "labels.")]))
	}
	// The most negative distinct texts: a wave of identical complaints is shown once.
	sql := fmt.Sprintf("SELECT text FROM %s WHERE %s ORDER BY score ASC, time DESC LIMIT 1 BY text LIMIT %d",
		s.Dialect().Qualified("events"), strings.Join(where, " AND "), n)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("sample texts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
