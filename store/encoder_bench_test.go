package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chtest"
)

// BenchmarkEventEncoderAppend is the client-side cost of a batch insert: turning scored events
// into the columns of a prepared batch (sent nowhere).
func BenchmarkEventEncoderAppend(b *testing.B) {
	addr, db := chtest.Database(b)
	cfg := DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	s, err := Open(cfg, nil, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	rows := make([]event.Scored, 10000)
	for i := range rows {
		rows[i] = scored(fmt.Sprintf("id-%d", i), time.Now(), "checkout", event.Negative, -0.5)
		rows[i].Sentiment.Evidence = []event.Evidence{{Phrase: "still waiting", Weight: -1.2}, {Phrase: "refund", Weight: -0.7}}
	}
	enc := NewEventEncoder(s.Dialect())
	insert := fmt.Sprintf("INSERT INTO %s.events (%s)", db, strings.Join(enc.Columns(), ", "))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bt, err := s.Conn().PrepareBatch(ctx, insert)
		if err != nil {
			b.Fatal(err)
		}
		if err := enc.Append(bt, rows); err != nil {
			b.Fatal(err)
		}
		_ = bt.Abort()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
}
