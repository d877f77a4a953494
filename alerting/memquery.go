package alerting

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MemSeries is one input series of a rule unit test: the per-bucket rollup of the events that
// share Fields. Within a bucket all messages are taken to have the bucket's Score, and the
// customers of different buckets to be distinct. NaN marks a missing bucket.
type MemSeries struct {
	// Fields holds event fields: source, channel, product, region, language, customer_id and
	// labels.NAME.
	Fields map[string]string
	// Topics are the topics of every message of the series.
	Topics []string
	// Text is a text standing for the series' messages (for select.text_contains and samples).
	Text      string
	Volume    []float64
	Negative  []float64
	Positive  []float64
	Score     []float64
	Customers []float64
}

// MemQuery answers rule queries from in-memory series, with the semantics of the ClickHouse
// queries: a window ending at e holds the buckets (of Interval, from Start) that overlap
// [e-window, e). It is the
// storage of `cxpulse test rules`.
type MemQuery struct {
	Start    time.Time
	Interval time.Duration
	Series   []MemSeries
}

func (m *MemQuery) field(s *MemSeries, f string) string {
	return s.Fields[f]
}

func anyOf(vals []string, v string) bool {
	if len(vals) == 0 {
		return true
	}
	for _, x := range vals {
		if x == v {
			return true
		}
	}
	return false
}

func (m *MemQuery) selects(sel *Select, s *MemSeries) bool {
	if !anyOf(sel.Source, s.Fields["source"]) || !anyOf(sel.Channel, s.Fields["channel"]) ||
		!anyOf(sel.Product, s.Fields["product"]) || !anyOf(sel.Region, s.Fields["region"]) ||
		!anyOf(sel.Language, s.Fields["language"]) || !anyOf(sel.CustomerID, s.Fields["customer_id"]) {
		return false
	}
	for k, vals := range sel.Labels {
		if !anyOf(vals, s.Fields["labels."+k]) {
			return false
		}
	}
	if len(sel.Topic) > 0 {
		ok := false
		for _, t := range s.Topics {
			if anyOf(sel.Topic, t) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if len(sel.TextContains) > 0 {
		ok := false
		low := strings.ToLower(s.Text)
		for _, w := range sel.TextContains {
			if strings.Contains(low, strings.ToLower(w)) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func at(vals []float64, i int) float64 {
	if i < len(vals) && !math.IsNaN(vals[i]) {
		return vals[i]
	}
	return 0
}

type memAgg struct {
	labels Labels
	v      Values
	scores [][2]float64 // score, weight
}

// Query implements QueryFunc.
func (m *MemQuery) Query(_ context.Context, q Query, from, to time.Time, step time.Duration) ([]Series, error) {
	if step <= 0 {
		to, step = from, time.Second
	}
	out := map[string]*Series{}
	var order []string
	for end := from; !end.After(to); end = end.Add(step) {
		groups := map[string]*memAgg{}
		var keys []string
		for si := range m.Series {
			s := &m.Series[si]
			if !m.selects(&q.Select, s) {
				continue
			}
			labels := Labels{}
			for _, g := range q.GroupBy {
				labels[groupLabelName(g)] = m.field(s, g)
			}
			key := labels.Fingerprint()
			g := groups[key]
			for i := range s.Volume {
				ts := m.Start.Add(time.Duration(i) * m.Interval)
				if !ts.Add(m.Interval).After(end.Add(-q.Window)) || !ts.Before(end) {
					continue
				}
				vol := at(s.Volume, i)
				if math.IsNaN(s.Volume[i]) || vol == 0 {
					continue
				}
				neg, pos := at(s.Negative, i), at(s.Positive, i)
				if len(q.Select.Sentiment) > 0 {
					var n float64
					for _, sv := range q.Select.Sentiment {
						switch sv {
						case "negative":
							n += neg
						case "positive":
							n += pos
						case "neutral":
							n += vol - neg - pos
						}
					}
					if !anyOf(q.Select.Sentiment, "negative") {
						neg = 0
					}
					if !anyOf(q.Select.Sentiment, "positive") {
						pos = 0
					}
					vol = n
					if vol == 0 {
						continue
					}
				}
				if g == nil {
					g = &memAgg{labels: labels, v: Values{Topics: map[string]float64{}}}
					groups[key] = g
					keys = append(keys, key)
				}
				score := at(s.Score, i)
				g.v.Volume += vol
				g.v.Negatives += neg
				g.v.Positives += pos
				g.v.ScoreSum += score * vol
				g.v.UniqueCustomers += at(s.Customers, i)
				g.scores = append(g.scores, [2]float64{score, vol})
				for _, t := range q.Topics {
					for _, st := range s.Topics {
						if st == t {
							g.v.Topics[t] += vol
						}
					}
				}
			}
		}
		for _, key := range keys {
			g := groups[key]
			g.v.P10Score = weightedQuantile(g.scores, 0.1)
			s := out[key]
			if s == nil {
				s = &Series{Labels: g.labels}
				out[key] = s
				order = append(order, key)
			}
			s.Points = append(s.Points, Point{T: end, Values: g.v})
		}
	}
	sort.Strings(order)
	res := make([]Series, 0, len(order))
	for _, k := range order {
		res = append(res, *out[k])
	}
	return res, nil
}

// Samples implements SampleFunc with each matching series' Text.
func (m *MemQuery) Samples(_ context.Context, q Query, group Labels, from, to time.Time, n int) ([]string, error) {
	var out []string
	for si := range m.Series {
		s := &m.Series[si]
		if s.Text == "" || !m.selects(&q.Select, s) {
			continue
		}
		ok := true
		for _, g := range q.GroupBy {
			if group[groupLabelName(g)] != m.field(s, g) {
				ok = false
			}
		}
		if ok && len(out) < n {
			out = append(out, s.Text)
		}
	}
	return out, nil
}

func weightedQuantile(xs [][2]float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i][0] < xs[j][0] })
	var total float64
	for _, x := range xs {
		total += x[1]
	}
	target := q * total
	var acc float64
	for _, x := range xs {
		acc += x[1]
		if acc >= target {
			return x[0]
		}
	}
	return xs[len(xs)-1][0]
}

// ExpandValues reads promtool's series notation: numbers, "_" for a missing value, "a+bxn"
// and "a-bxn" for n+1 values from a stepping by b, "axn" for n+1 copies of a, "_xn" for n+1
// missing values.
func ExpandValues(s string) ([]float64, error) {
	var out []float64
	for _, tok := range strings.Fields(s) {
		base, count, hasX := strings.Cut(tok, "x")
		n := 0
		if hasX {
			var err error
			n, err = strconv.Atoi(count)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad repetition %q in %q", tok, s)
			}
		}
		if base == "_" {
			for i := 0; i <= n; i++ {
				out = append(out, math.NaN())
			}
			continue
		}
		start, delta := base, "0"
		if i := strings.LastIndexAny(base, "+-"); i > 0 && hasX {
			start, delta = base[:i], base[i:]
		}
		a, err := strconv.ParseFloat(start, 64)
		if err != nil {
			return nil, fmt.Errorf("bad value %q in %q", tok, s)
		}
		b, err := strconv.ParseFloat(delta, 64)
		if err != nil {
			return nil, fmt.Errorf("bad step %q in %q", tok, s)
		}
		if !hasX {
			out = append(out, a)
			continue
		}
		for i := 0; i <= n; i++ {
			out = append(out, a+float64(i)*b)
		}
	}
	return out, nil
}
