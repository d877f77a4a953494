package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// repairRecheck is how long a rollup shortfall must last before it is repaired.
const repairRecheck = time.Second

// RepairViews re-feeds the views of the events table for the given event ids where they missed
// them; the ids are the rows of one failed insert (all of which reached a view, or none). An insert into a table with materialized views is not atomic in ClickHouse: a server
// stopping mid-insert can leave rows in events that never reached a rollup. The writer knows
// which rows those may be (an attempt whose outcome was unknown, and whose rows it then found
// stored), so for each view with Keys and Count it compares, per target key touched by those
// rows, the events counted in the source with the count in the target; where the target is short
// by exactly the number of those rows, it inserts the view's SELECT over them. It returns how many
// rows it re-fed.
func (s *Store) RepairViews(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	d := s.Dialect()
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = quoteString(id)
	}
	idList := strings.Join(quoted, ",")
	fed := 0
	for _, m := range Migrations() {
		for _, v := range m.Views {
			if v.From != "events" || v.Count == "" || len(v.Keys) == 0 {
				continue
			}
			n, err := s.repairView(ctx, d, v, idList)
			if err != nil {
				return fed, fmt.Errorf("repair view %s: %w", v.Name, err)
			}
			fed += n
		}
	}
	return fed, nil
}

func (s *Store) repairView(ctx context.Context, d Dialect, v View, idList string) (int, error) {
	src := d.Qualified(v.From)
	dst := d.Qualified(v.To)
	exprs := make([]string, len(v.Keys))
	cols := make([]string, len(v.Keys))
	strExprs := make([]string, len(v.Keys))
	strCols := make([]string, len(v.Keys))
	for i, k := range v.Keys {
		exprs[i], cols[i] = k.Expr, k.Column
		strExprs[i] = "toString(" + k.Expr + ")"
		strCols[i] = "toString(" + k.Column + ")"
	}
	touched := fmt.Sprintf("(%s) IN (SELECT %s FROM %s WHERE id IN (%s))",
		"%s", strings.Join(exprs, ", "), src, idList)
	suspects, err := s.keyCounts(ctx, fmt.Sprintf("SELECT %s, count() FROM %s WHERE id IN (%s) GROUP BY %s",
		strings.Join(strExprs, ", "), src, idList, strings.Join(exprs, ", ")))
	if err != nil {
		return 0, err
	}
	// short returns, per suspect key, whether the target lacks exactly the suspects' rows.
	short := func() (map[string]bool, error) {
		stored, err := s.keyCounts(ctx, fmt.Sprintf("SELECT %s, count() FROM %s WHERE %s GROUP BY %s",
			strings.Join(strExprs, ", "), src, fmt.Sprintf(touched, strings.Join(exprs, ", ")), strings.Join(exprs, ", ")))
		if err != nil {
			return nil, err
		}
		rolled, err := s.keyCounts(ctx, fmt.Sprintf("SELECT %s, toUInt64(sum(%s)) FROM %s WHERE %s GROUP BY %s",
			strings.Join(strCols, ", "), v.Count, dst, fmt.Sprintf(touched, strings.Join(cols, ", ")), strings.Join(cols, ", ")))
		if err != nil {
			return nil, err
		}
		out := map[string]bool{}
		for key, n := range suspects {
			switch missing := int64(stored[key]) - int64(rolled[key]); {
			case missing == 0:
			case missing == int64(n):
				out[key] = true
			default:
				s.logger.Error("rollup disagrees with events by a count the repair cannot explain",
					"view", v.Name, "key", strings.ReplaceAll(key, "\x00", "/"), "events", stored[key], "rollup", rolled[key], "suspects", n)
			}
		}
		return out, nil
	}
	first, err := short()
	if err != nil || len(first) == 0 {
		return 0, err
	}
	// An insert in progress shows its rows in the source a moment before in the target: only a
	// shortfall that is still there a little later is a missed insert.
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(repairRecheck):
	}
	second, err := short()
	if err != nil {
		return 0, err
	}
	var conds []string
	fed := 0
	for key := range second {
		if !first[key] {
			continue
		}
		parts := strings.Split(key, "\x00")
		var c []string
		for i, e := range strExprs {
			c = append(c, e+" = "+quoteString(parts[i]))
		}
		conds = append(conds, "("+strings.Join(c, " AND ")+")")
		fed += int(suspects[key])
	}
	if len(conds) == 0 {
		return 0, nil
	}
	from := fmt.Sprintf("(SELECT * FROM %s WHERE id IN (%s) AND (%s))", src, idList, strings.Join(conds, " OR "))
	insert := fmt.Sprintf("INSERT INTO %s %s", dst, strings.ReplaceAll(v.Select, "{from}", from))
	if err := s.conn.Exec(ctx, insert); err != nil {
		return 0, err
	}
	s.logger.Warn("re-fed rows a view had missed", "view", v.Name, "rows", fed)
	s.metrics.repaired.WithLabelValues(v.To).Add(float64(fed))
	return fed, nil
}

// keyCounts runs a query returning key columns (as strings) and a count, keyed by the columns
// joined with NUL.
func (s *Store) keyCounts(ctx context.Context, q string) (map[string]uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	n := len(rows.Columns()) - 1
	out := map[string]uint64{}
	for rows.Next() {
		keys := make([]string, n)
		var count uint64
		dest := make([]any, 0, n+1)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		dest = append(dest, &count)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[strings.Join(keys, "\x00")] = count
	}
	return out, rows.Err()
}
