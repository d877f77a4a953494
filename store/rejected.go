package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// rejectedTable keeps what a door could never turn into an event (a poison Kafka record, say),
// with the reason and the raw payload, so nothing that arrived is silently dropped.
var rejectedTable = Table{
	Name: "rejected",
	Columns: []Column{
		{Name: "time", Type: TypeTimeMs},
		{Name: "source", Type: TypeLC},
		{Name: "topic", Type: "String"},
		{Name: "partition", Type: "Int32"},
		{Name: "offset", Type: "Int64"},
		{Name: "line", Type: "UInt32"},
		{Name: "reason", Type: TypeLC},
		{Name: "error", Type: "String"},
		{Name: "payload", Type: "String", Codec: "ZSTD(3)"},
	},
	Engine:      "ReplacingMergeTree",
	PartitionBy: "toYYYYMM(time)",
	// A retried write of the same record collapses on merge.
	OrderBy:    "(source, topic, partition, offset, line)",
	TimeColumn: "time",
	Retention:  KeepEvents,
}

// RejectedRow is one rejected record (or line of one).
type RejectedRow struct {
	Time      time.Time
	Source    string
	Topic     string
	Partition int32
	Offset    int64
	Line      uint32
	Reason    string
	Error     string
	Payload   []byte
}

// InsertRejected stores rows in the rejected table in one batch; it returns once they are
// committed.
func (s *Store) InsertRejected(ctx context.Context, rows []RejectedRow) error {
	if len(rows) == 0 {
		return nil
	}
	d := s.Dialect()
	var cols []string
	for _, c := range rejectedTable.Columns {
		for _, lc := range d.Columns(c) {
			cols = append(cols, lc.Name)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	b, err := s.conn.PrepareBatch(ctx, fmt.Sprintf("INSERT INTO %s (%s)", d.Qualified(rejectedTable.Name), strings.Join(cols, ", ")))
	if err != nil {
		return fmt.Errorf("insert rejected: %w", err)
	}
	for _, r := range rows {
		args := make([]any, 0, len(cols))
		for _, c := range cols {
			switch c {
			case "time":
				args = append(args, r.Time)
			case "time_ms":
				args = append(args, uint16(r.Time.Nanosecond()/1e6))
			case "source":
				args = append(args, r.Source)
			case "topic":
				args = append(args, r.Topic)
			case "partition":
				args = append(args, r.Partition)
			case "offset":
				args = append(args, r.Offset)
			case "line":
				args = append(args, r.Line)
			case "reason":
				args = append(args, r.Reason)
			case "error":
				args = append(args, r.Error)
			case "payload":
				args = append(args, string(r.Payload))
			}
		}
		if err := b.Append(args...); err != nil {
			_ = b.Abort()
			return fmt.Errorf("insert rejected: %w", err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert rejected: %w", err)
	}
	return nil
}
