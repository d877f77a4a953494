package store

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/cxpulse/cxpulse/event"
)

// EventEncoder writes scored events into the events table's columns.
type EventEncoder struct {
	d    Dialect
	cols []string
}

var _ Encoder[event.Scored] = (*EventEncoder)(nil)

// NewEventEncoder returns the encoder for the server's dialect.
func NewEventEncoder(d Dialect) *EventEncoder {
	var cols []string
	for _, c := range eventsTable.Columns {
		for _, lc := range d.Columns(c) {
			cols = append(cols, lc.Name)
		}
	}
	return &EventEncoder{d: d, cols: cols}
}

// Columns implements Encoder.
func (e *EventEncoder) Columns() []string { return e.cols }

// Append implements Encoder: one column slice at a time.
func (e *EventEncoder) Append(b driver.Batch, parts ...[]event.Scored) error {
	n := countRows(parts)
	var (
		ids, sources, channels, customers, products, regions, langs, texts, evidence, models = strs(n), strs(n), strs(n), strs(n), strs(n), strs(n), strs(n), strs(n), strs(n), strs(n)
		times, ingested                                                                      = make([]time.Time, n), make([]time.Time, n)
		ms                                                                                   = make([]uint16, n)
		keys, values, topics                                                                 = make([][]string, n), make([][]string, n), make([][]string, n)
		score, conf, pn, pu, pp                                                              = f32(n), f32(n), f32(n), f32(n), f32(n)
		labels                                                                               = make([]int8, n)
		reliable                                                                             = make([]uint8, n)
	)
	// Evidence JSON and label arrays of the whole batch share one allocation each.
	evBuf := make([]byte, 0, 96*n)
	evEnd := make([]int, n)
	nLabels := 0
	for _, p := range parts {
		for j := range p {
			nLabels += len(p[j].Labels)
		}
	}
	labelBacking := make([]string, 0, 2*nLabels)
	i := -1
	for _, p := range parts {
		for j := range p {
			i++
			r := &p[j]
			ids[i], sources[i], channels[i] = r.ID, r.Source, r.Channel.String()
			customers[i], products[i], regions[i] = r.CustomerID, r.Product, r.Region
			langs[i] = r.Sentiment.Language
			if langs[i] == "" {
				langs[i] = r.Language
			}
			texts[i], models[i] = r.Text, r.Sentiment.ModelVersion
			times[i], ingested[i] = r.Time, r.IngestedAt
			ms[i] = uint16(r.Time.Nanosecond() / 1e6)
			keys[i], values[i], labelBacking = labelColumns(r.Labels, labelBacking)
			topics[i] = r.Sentiment.Topics
			if topics[i] == nil {
				topics[i] = []string{}
			}
			s := &r.Sentiment
			score[i], conf[i] = float32(s.Score), float32(s.Confidence)
			pn[i], pu[i], pp[i] = float32(s.Probs.Negative), float32(s.Probs.Neutral), float32(s.Probs.Positive)
			labels[i] = int8(s.Label)
			if s.Reliable {
				reliable[i] = 1
			}
			evBuf = AppendEvidence(evBuf, s.Evidence)
			evEnd[i] = len(evBuf)
		}
	}
	all := string(evBuf)
	for i, start := 0, 0; i < n; i++ {
		evidence[i] = all[start:evEnd[i]]
		start = evEnd[i]
	}
	byName := map[string]any{
		"id": ids, "time": times, "time_ms": ms, "source": sources, "channel": channels,
		"customer_id": customers, "product": products, "region": regions, "language": langs,
		"text": texts, "label_keys": keys, "label_values": values, "score": score, "label": labels,
		"confidence": conf, "p_negative": pn, "p_neutral": pu, "p_positive": pp, "evidence": evidence,
		"topics": topics, "reliable": reliable, "model_version": models, "ingested_at": ingested,
	}
	for i, c := range e.cols {
		v, ok := byName[c]
		if !ok {
			return fmt.Errorf("events encoder: no data for column %s", c)
		}
		// Array columns row by row with a []string each: clickhouse-go appends those without
		// reflection, which its whole-column path uses.
		if arrs, ok := v.([][]string); ok {
			col := b.Column(i)
			for _, a := range arrs {
				if err := col.AppendRow(a); err != nil {
					return fmt.Errorf("events column %s: %w", c, err)
				}
			}
			continue
		}
		if err := b.Column(i).Append(v); err != nil {
			return fmt.Errorf("events column %s: %w", c, err)
		}
	}
	return nil
}

func strs(n int) []string { return make([]string, n) }
func f32(n int) []float32 { return make([]float32, n) }

var noStrings = []string{}

// labelColumns returns the sorted keys of l and their values, carved out of backing (which it
// returns grown).
func labelColumns(l map[string]string, backing []string) (keys, values, rest []string) {
	if len(l) == 0 {
		return noStrings, noStrings, backing
	}
	start := len(backing)
	for k := range l {
		backing = append(backing, k)
	}
	keys = backing[start:len(backing):len(backing)]
	sort.Strings(keys)
	for _, k := range keys {
		backing = append(backing, l[k])
	}
	values = backing[start+len(keys) : len(backing) : len(backing)]
	return keys, values, backing
}

// AppendEvidence appends evidence as a JSON array of {"phrase","weight"} objects.
func AppendEvidence(dst []byte, ev []event.Evidence) []byte {
	dst = append(dst, '[')
	for i, e := range ev {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"phrase":`...)
		dst = event.AppendString(dst, e.Phrase)
		dst = append(dst, `,"weight":`...)
		w := e.Weight
		if math.IsNaN(w) || math.IsInf(w, 0) {
			w = 0
		}
		dst = strconv.AppendFloat(dst, w, 'g', -1, 64)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// ExistingIDs returns which of ids are already in the events table. It is used before retrying an
// insert whose outcome is unknown, and bounds the scan by the events' time range.
func (s *Store) ExistingIDs(ctx context.Context, ids []string, from, to time.Time) (map[string]bool, error) {
	out := make(map[string]bool)
	const chunk = 10000
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		quoted := make([]string, len(part))
		for i, id := range part {
			quoted[i] = quoteString(id)
		}
		q := fmt.Sprintf("SELECT id FROM %s WHERE time >= toDateTime(%d) AND time <= toDateTime(%d) AND id IN (%s)",
			s.Dialect().Qualified("events"), from.Unix(), to.Unix()+1, strings.Join(quoted, ","))
		ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
		rows, err := s.conn.Query(ctx, q)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("look up stored ids: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close()
				cancel()
				return nil, err
			}
			out[id] = true
		}
		err = rows.Err()
		_ = rows.Close()
		cancel()
		if err != nil {
			return nil, fmt.Errorf("look up stored ids: %w", err)
		}
	}
	return out, nil
}

// RecentIDs calls fn with the id of every event ingested since since, newest first, at most limit
// of them; the pipeline warms its duplicate cache with them at start.
func (s *Store) RecentIDs(ctx context.Context, since time.Time, limit int, fn func(id string)) error {
	q := fmt.Sprintf("SELECT id FROM %s WHERE ingested_at >= toDateTime(%d) ORDER BY ingested_at DESC LIMIT %d",
		s.Dialect().Qualified("events"), since.Unix(), limit)
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("read recent ids: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		fn(id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read recent ids: %w", err)
	}
	return nil
}

// FilterStored is a BatchWriter.BeforeRetry for events: it drops the rows an earlier attempt
// already committed.
func (s *Store) FilterStored(ctx context.Context, rows []event.Scored) ([]event.Scored, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]string, len(rows))
	from, to := rows[0].Time, rows[0].Time
	for i := range rows {
		ids[i] = rows[i].ID
		if rows[i].Time.Before(from) {
			from = rows[i].Time
		}
		if rows[i].Time.After(to) {
			to = rows[i].Time
		}
	}
	stored, err := s.ExistingIDs(ctx, ids, from, to)
	if err != nil || len(stored) == 0 {
		return rows, err
	}
	// Rows an earlier attempt stored may have missed the rollups: that attempt failed.
	found := make([]string, 0, len(stored))
	for id := range stored {
		found = append(found, id)
	}
	if _, err := s.RepairViews(ctx, found); err != nil {
		return rows, err
	}
	left := rows[:0:0]
	for _, r := range rows {
		if !stored[r.ID] {
			left = append(left, r)
		}
	}
	return left, nil
}

// quoteString quotes s as a ClickHouse string literal.
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
