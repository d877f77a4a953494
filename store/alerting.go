package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// The tables of alerting: every alert state change (restart and dashboard annotations), every
// notification attempt (the notification log that keeps a restart from re-sending, and its
// audit), and silences (each change a new version).
var (
	alertsTable = Table{
		Name: "alerts",
		Columns: []Column{
			{Name: "time", Type: "DateTime"},
			{Name: "version", Type: "UInt64"},
			{Name: "rule_group", Type: TypeLC},
			{Name: "rule", Type: TypeLC},
			{Name: "fingerprint", Type: "String"},
			{Name: "state", Type: TypeLC},
			{Name: "labels", Type: "String"},
			{Name: "annotations", Type: "String"},
			{Name: "value", Type: "Float64"},
			{Name: "active_at", Type: "DateTime"},
			{Name: "fired_at", Type: "DateTime"},
			{Name: "resolved_at", Type: "DateTime"},
		},
		Engine:      "MergeTree",
		PartitionBy: "toYYYYMM(time)",
		OrderBy:     "(rule_group, rule, fingerprint, time)",
		TimeColumn:  "time",
		Retention:   KeepRollups,
		ShardingKey: "cityHash64(fingerprint)",
	}
	notificationsTable = Table{
		Name: "notifications",
		Columns: []Column{
			{Name: "time", Type: "DateTime"},
			{Name: "version", Type: "UInt64"},
			{Name: "receiver", Type: TypeLC},
			{Name: "integration", Type: TypeLC},
			{Name: "group_key", Type: "String"},
			{Name: "dedup_key", Type: "String"},
			{Name: "status", Type: TypeLC},
			{Name: "reason", Type: TypeLC},
			{Name: "outcome", Type: TypeLC},
			{Name: "attempt", Type: "UInt32"},
			{Name: "error", Type: "String"},
			{Name: "firing", Type: "Array(String)"},
			{Name: "resolved", Type: "Array(String)"},
			{Name: "ref", Type: "String"},
		},
		Engine:      "MergeTree",
		PartitionBy: "toYYYYMM(time)",
		OrderBy:     "(receiver, integration, group_key, time)",
		TimeColumn:  "time",
		Retention:   KeepRollups,
		ShardingKey: "cityHash64(group_key)",
	}
	silencesTable = Table{
		Name: "silences",
		Columns: []Column{
			{Name: "id", Type: "String"},
			{Name: "version", Type: "UInt64"},
			{Name: "matchers", Type: "Array(String)"},
			{Name: "starts_at", Type: "DateTime"},
			{Name: "ends_at", Type: "DateTime"},
			{Name: "created_by", Type: "String"},
			{Name: "comment", Type: "String"},
			{Name: "updated_at", Type: "DateTime"},
		},
		Engine:      "MergeTree",
		PartitionBy: "toYYYYMM(updated_at)",
		OrderBy:     "(id, version)",
		ShardingKey: "cityHash64(id)",
	}
)

// AlertRow is one alert state change. Its fields match alerting.AlertRecord one for one.
type AlertRow struct {
	Time        time.Time
	Group       string
	Rule        string
	Fingerprint string
	State       string
	Labels      map[string]string
	Annotations map[string]string
	Value       float64
	ActiveAt    time.Time
	FiredAt     time.Time
	ResolvedAt  time.Time
}

// NotificationRow is one notification attempt. Its fields match alerting.NotificationRecord.
type NotificationRow struct {
	Time        time.Time
	Receiver    string
	Integration string
	GroupKey    string
	DedupKey    string
	Status      string
	Reason      string
	Outcome     string
	Attempt     int
	Error       string
	Firing      []string
	Resolved    []string
	Ref         map[string]string
}

// SilenceRow is one version of a silence. Its fields match alerting.Silence.
type SilenceRow struct {
	ID        string
	Matchers  []string
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedBy string
	Comment   string
	UpdatedAt time.Time
}

// versions orders rows written within the same second: the nanosecond clock of the row, made
// strictly increasing within the process.
var lastVersion atomic.Uint64

func nextVersion(t time.Time) uint64 {
	v := uint64(t.UnixNano())
	for {
		last := lastVersion.Load()
		if v <= last {
			v = last + 1
		}
		if lastVersion.CompareAndSwap(last, v) {
			return v
		}
	}
}

func jsonMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func parseMap(s string) map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

// dt is a time for a DateTime column: zero stays the epoch, read back as zero by fromDT.
func dt(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0)
	}
	return t
}

func fromDT(t time.Time) time.Time {
	if t.Unix() <= 0 {
		return time.Time{}
	}
	return t.UTC()
}

func (s *Store) insert(ctx context.Context, table string, cols []string, rows int, appendRow func(i int) []any) error {
	if rows == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	b, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+s.Dialect().Qualified(table)+" ("+strings.Join(cols, ", ")+")")
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	for i := 0; i < rows; i++ {
		if err := b.Append(appendRow(i)...); err != nil {
			_ = b.Abort()
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}

// AppendAlerts writes alert state changes.
func (s *Store) AppendAlerts(ctx context.Context, rows []AlertRow) error {
	return s.insert(ctx, "alerts", []string{
		"time", "version", "rule_group", "rule", "fingerprint", "state", "labels",
		"annotations", "value", "active_at", "fired_at", "resolved_at",
	}, len(rows), func(i int) []any {
		r := rows[i]
		return []any{
			dt(r.Time), nextVersion(r.Time), r.Group, r.Rule, r.Fingerprint, r.State, jsonMap(r.Labels),
			jsonMap(r.Annotations), r.Value, dt(r.ActiveAt), dt(r.FiredAt), dt(r.ResolvedAt),
		}
	})
}

// LatestAlerts returns, per (group, rule, fingerprint), the latest state change written at or
// after since.
func (s *Store) LatestAlerts(ctx context.Context, since time.Time) ([]AlertRow, error) {
	q := fmt.Sprintf(`SELECT rule_group, rule, fingerprint, max(time), argMax(state, version), argMax(labels, version),
    argMax(annotations, version), argMax(value, version), argMax(active_at, version), argMax(fired_at, version),
    argMax(resolved_at, version)
FROM %s WHERE time >= toDateTime(%d) GROUP BY rule_group, rule, fingerprint`, s.Dialect().Qualified("alerts"), since.Unix())
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []AlertRow
	for rows.Next() {
		var r AlertRow
		var labels, anns string
		if err := rows.Scan(&r.Group, &r.Rule, &r.Fingerprint, &r.Time, &r.State, &labels, &anns, &r.Value,
			&r.ActiveAt, &r.FiredAt, &r.ResolvedAt); err != nil {
			return nil, fmt.Errorf("read alerts: %w", err)
		}
		r.Labels, r.Annotations = parseMap(labels), parseMap(anns)
		r.Time, r.ActiveAt, r.FiredAt, r.ResolvedAt = fromDT(r.Time), fromDT(r.ActiveAt), fromDT(r.FiredAt), fromDT(r.ResolvedAt)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AppendNotifications writes notification attempts.
func (s *Store) AppendNotifications(ctx context.Context, rows []NotificationRow) error {
	return s.insert(ctx, "notifications", []string{
		"time", "version", "receiver", "integration", "group_key", "dedup_key",
		"status", "reason", "outcome", "attempt", "error", "firing", "resolved", "ref",
	}, len(rows), func(i int) []any {
		r := rows[i]
		firing, resolved := r.Firing, r.Resolved
		if firing == nil {
			firing = []string{}
		}
		if resolved == nil {
			resolved = []string{}
		}
		return []any{
			dt(r.Time), nextVersion(r.Time), r.Receiver, r.Integration, r.GroupKey, r.DedupKey, r.Status, r.Reason,
			r.Outcome, uint32(r.Attempt), r.Error, firing, resolved, jsonMap(r.Ref),
		}
	})
}

// LatestNotifications returns, per (receiver, integration, group key), the latest attempt with
// one of the given outcomes written at or after since.
func (s *Store) LatestNotifications(ctx context.Context, since time.Time, outcomes ...string) ([]NotificationRow, error) {
	cond := ""
	if len(outcomes) > 0 {
		cond = " AND " + inList("outcome", outcomes)
	}
	q := fmt.Sprintf(`SELECT receiver, integration, group_key, max(time), argMax(dedup_key, version), argMax(status, version),
    argMax(reason, version), argMax(outcome, version), argMax(attempt, version), argMax(error, version),
    argMax(firing, version), argMax(resolved, version), argMax(ref, version)
FROM %s WHERE time >= toDateTime(%d)%s GROUP BY receiver, integration, group_key`,
		s.Dialect().Qualified("notifications"), since.Unix(), cond)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read notifications: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []NotificationRow
	for rows.Next() {
		var r NotificationRow
		var attempt uint32
		var ref string
		if err := rows.Scan(&r.Receiver, &r.Integration, &r.GroupKey, &r.Time, &r.DedupKey, &r.Status, &r.Reason,
			&r.Outcome, &attempt, &r.Error, &r.Firing, &r.Resolved, &ref); err != nil {
			return nil, fmt.Errorf("read notifications: %w", err)
		}
		r.Attempt, r.Ref, r.Time = int(attempt), parseMap(ref), fromDT(r.Time)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AppendSilences writes silence versions.
func (s *Store) AppendSilences(ctx context.Context, rows []SilenceRow) error {
	return s.insert(ctx, "silences", []string{
		"id", "version", "matchers", "starts_at", "ends_at", "created_by", "comment",
		"updated_at",
	}, len(rows), func(i int) []any {
		r := rows[i]
		m := r.Matchers
		if m == nil {
			m = []string{}
		}
		return []any{r.ID, nextVersion(r.UpdatedAt), m, dt(r.StartsAt), dt(r.EndsAt), r.CreatedBy, r.Comment, dt(r.UpdatedAt)}
	})
}

// LatestSilences returns the latest version of every silence ending at or after since.
func (s *Store) LatestSilences(ctx context.Context, since time.Time) ([]SilenceRow, error) {
	q := fmt.Sprintf(`SELECT id, argMax(matchers, version), argMax(starts_at, version), argMax(ends_at, version) AS e,
    argMax(created_by, version), argMax(comment, version), argMax(updated_at, version)
FROM %s GROUP BY id HAVING e >= toDateTime(%d)`, s.Dialect().Qualified("silences"), since.Unix())
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read silences: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []SilenceRow
	for rows.Next() {
		var r SilenceRow
		if err := rows.Scan(&r.ID, &r.Matchers, &r.StartsAt, &r.EndsAt, &r.CreatedBy, &r.Comment, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read silences: %w", err)
		}
		r.StartsAt, r.EndsAt, r.UpdatedAt = fromDT(r.StartsAt), fromDT(r.EndsAt), fromDT(r.UpdatedAt)
		out = append(out, r)
	}
	return out, rows.Err()
}
