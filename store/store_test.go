package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chtest"
)

func TestMain(m *testing.M) {
	code := chtest.Main(m)
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreTopFunction("github.com/ClickHouse/clickhouse-go/v2.(*clickhouse).startAutoCloseIdleConnections")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func openStore(t *testing.T, addr, db string) *Store {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	cfg.DialTimeout = 2 * time.Second
	s, err := Open(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestDDLPortableAndModern(t *testing.T) {
	portable := Dialect{Caps: Portable(), Database: "cx", Retention: DefaultConfig().Retention}
	modern := Dialect{Caps: Modern(), Database: "cx", Retention: DefaultConfig().Retention}

	p := strings.Join(portable.CreateTable(eventsTable), "\n")
	require.Contains(t, p, "time DateTime,\n    time_ms UInt16")
	require.Contains(t, p, "source String")
	require.NotContains(t, p, "LowCardinality")
	require.NotContains(t, p, "CODEC")
	require.NotContains(t, p, "TTL")
	require.Contains(t, p, "ENGINE = MergeTree()\nPARTITION BY toYYYYMM(time)")

	m := strings.Join(modern.CreateTable(eventsTable), "\n")
	require.Contains(t, m, "time DateTime64(3) CODEC(Delta, ZSTD(1))")
	require.NotContains(t, m, "time_ms")
	require.Contains(t, m, "source LowCardinality(String)")
	require.Contains(t, m, "topics Array(LowCardinality(String))")
	require.Contains(t, m, "TTL toDateTime(time) + INTERVAL 90 DAY")

	rollup := strings.Join(modern.CreateTable(sentiment1mTable), "\n")
	require.Contains(t, rollup, "TTL toDateTime(minute) + INTERVAL 400 DAY")
	require.Contains(t, rollup, "ENGINE = SummingMergeTree()")

	require.Equal(t, []string{"id", "time", "time_ms", "source"}, NewEventEncoder(portable).Columns()[:4])
	require.Equal(t, []string{"id", "time", "source"}, NewEventEncoder(modern).Columns()[:3])
}

func TestDDLCluster(t *testing.T) {
	d := Dialect{Caps: Modern(), Database: "cx", Cluster: "cx_cluster"}
	stmts := d.CreateTable(eventsTable)
	require.Len(t, stmts, 2)
	require.Contains(t, stmts[0], "CREATE TABLE IF NOT EXISTS cx.events_local ON CLUSTER cx_cluster (")
	require.Contains(t, stmts[0], "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/cx/events_local', '{replica}')")
	require.Equal(t, "CREATE TABLE IF NOT EXISTS cx.events ON CLUSTER cx_cluster AS cx.events_local\n"+
		"ENGINE = Distributed(cx_cluster, cx, events_local, cityHash64(if(customer_id = '', id, customer_id)))", stmts[1])
	v := d.CreateView(sentiment1mView)
	require.Contains(t, v, "CREATE MATERIALIZED VIEW IF NOT EXISTS cx.sentiment_1m_mv ON CLUSTER cx_cluster TO cx.sentiment_1m_local AS")
	require.Contains(t, v, "FROM cx.events_local")
	require.Equal(t, "CREATE DATABASE IF NOT EXISTS cx ON CLUSTER cx_cluster", d.CreateDatabase())
}

func TestProbeAndMigrate(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	caps := s.Dialect().Caps
	require.NotEmpty(t, caps.Version)
	if caps.Major == 18 {
		require.Equal(t, Portable().LowCardinality, caps.LowCardinality)
		require.False(t, caps.DateTime64)
		require.False(t, caps.TTL)
	}
	// Idempotent: a second run applies nothing new.
	require.NoError(t, s.Migrate(ctx))
	conn := chtest.Conn(t, addr)
	require.Equal(t, uint64(len(Migrations())), chtest.Count(t, conn, "SELECT count() FROM "+db+".schema_migrations"))
	require.Equal(t, uint64(4), chtest.Count(t, conn, fmt.Sprintf(
		"SELECT count() FROM system.tables WHERE database = '%s' AND name IN ('events', 'sentiment_1m', 'sentiment_1m_mv', 'schema_migrations')", db)))
}

func scored(id string, t time.Time, product string, label event.Label, score float64) event.Scored {
	return event.Scored{
		Event: event.Event{
			ID: id, Time: t, Source: "zendesk", Channel: event.ChannelTicket, CustomerID: "c-" + id,
			Product: product, Region: "eu", Text: "text of " + id, Labels: map[string]string{"plan": "pro", "agent": "a1"},
		},
		Sentiment: event.Sentiment{
			Score: score, Label: label, Confidence: 0.8, Probs: event.Probs{Negative: 0.1, Neutral: 0.1, Positive: 0.8},
			Evidence: []event.Evidence{{Phrase: "thanks", Weight: 0.5}}, Language: "en", Reliable: true,
			ModelVersion: "test", Topics: []string{"refund"},
		},
		IngestedAt: t,
	}
}

func TestBatchWriterCommitsAndRollsUp(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))

	cfg := DefaultBatchConfig()
	cfg.MaxRows = 700 // several batches, and Adds split across them
	w := NewBatchWriter[event.Scored](s, "events", NewEventEncoder(s.Dialect()), cfg)
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error)
	go func() { ran <- w.Run(runCtx) }()

	base := time.Date(2026, 11, 25, 10, 0, 0, 123e6, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for p := range 10 {
		rows := make([]event.Scored, 0, 300)
		for i := range 300 {
			label, score := event.Negative, -0.5
			if i%3 == 0 {
				label, score = event.Positive, 0.75
			}
			rows = append(rows, scored(fmt.Sprintf("p%d-%d", p, i), base.Add(time.Duration(i)*time.Second), "checkout", label, score))
		}
		wg.Add(1)
		require.NoError(t, w.Add(ctx, rows, func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			wg.Done()
		}))
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, errs, 10)
	// An empty Add completes at once.
	done := make(chan error, 1)
	require.NoError(t, w.Add(ctx, nil, func(err error) { done <- err }))
	require.NoError(t, <-done)

	stop()
	require.NoError(t, <-ran)
	require.ErrorIs(t, w.Add(ctx, nil, nil), ErrClosed)

	conn := chtest.Conn(t, addr)
	require.Equal(t, uint64(3000), chtest.Count(t, conn, "SELECT count() FROM "+db+".events"))
	require.Equal(t, uint64(3000), chtest.Count(t, conn, "SELECT sum(volume) FROM "+db+".sentiment_1m"))
	require.Equal(t, uint64(1000), chtest.Count(t, conn, "SELECT sum(positives) FROM "+db+".sentiment_1m"))
	require.Equal(t, uint64(2000), chtest.Count(t, conn, "SELECT sum(negatives) FROM "+db+".sentiment_1m"))
	require.Equal(t, uint64(3000), chtest.Count(t, conn, "SELECT toUInt64(uniqIfMerge(customers)) FROM "+db+".sentiment_1m"))
	// Batches hold several Adds, encoded part after part: every row keeps its own values.
	require.Equal(t, uint64(0), chtest.Count(t, conn, "SELECT count() FROM "+db+".events WHERE text != concat('text of ', id)"))
	// Every column round-trips.
	var (
		id, text, ev, channel string
		keys, topics          []string
		ts                    time.Time
		label                 string
	)
	row := conn.QueryRow(ctx, "SELECT id, time, channel, text, label_keys, topics, evidence, toString(label) FROM "+db+".events WHERE id = 'p3-1'")
	require.NoError(t, row.Scan(&id, &ts, &channel, &text, &keys, &topics, &ev, &label))
	require.Equal(t, "text of p3-1", text)
	require.Equal(t, "ticket", channel)
	require.Equal(t, []string{"agent", "plan"}, keys)
	require.Equal(t, []string{"refund"}, topics)
	require.JSONEq(t, `[{"phrase":"thanks","weight":0.5}]`, ev)
	require.Equal(t, "negative", label)
	require.Equal(t, base.Add(time.Second).Unix(), ts.Unix())

	got, err := s.ExistingIDs(ctx, []string{"p3-1", "p4-299", "nope", "it's"}, base, base.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"p3-1": true, "p4-299": true}, got)

	var recent []string
	require.NoError(t, s.RecentIDs(ctx, base.Add(-time.Hour), 5, func(id string) { recent = append(recent, id) }))
	require.Len(t, recent, 5)
}

func TestBatchWriterRetriesAndReportsOutage(t *testing.T) {
	srv := chtest.Private(t)
	s := openStore(t, srv.Addr(), "cx")
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))

	cfg := DefaultBatchConfig()
	cfg.MaxDelay = 10 * time.Millisecond
	cfg.RetryFor = 300 * time.Millisecond
	cfg.MinBackoff, cfg.MaxBackoff = 20*time.Millisecond, 50*time.Millisecond
	w := NewBatchWriter[event.Scored](s, "events", NewEventEncoder(s.Dialect()), cfg)
	w.BeforeRetry = s.FilterStored
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error)
	go func() { ran <- w.Run(runCtx) }()
	defer func() {
		stop()
		require.NoError(t, <-ran)
	}()

	add := func(id string) error {
		res := make(chan error, 1)
		require.NoError(t, w.Add(ctx, []event.Scored{scored(id, time.Now().UTC(), "app", event.Neutral, 0)}, func(err error) { res <- err }))
		return <-res
	}
	require.NoError(t, add("before"))
	require.True(t, w.Healthy())

	require.NoError(t, srv.Stop())
	err := add("during")
	var ie *InsertError
	require.True(t, errors.As(err, &ie), "got %v", err)
	require.True(t, ie.Transient)
	require.False(t, w.Healthy())
	require.NotEmpty(t, w.LastError())

	require.NoError(t, srv.Start(ctx))
	// The health check notices the server is back without any traffic.
	require.Eventually(t, w.Healthy, 30*time.Second, 20*time.Millisecond)
	require.NoError(t, add("after"))
	conn := chtest.Conn(t, srv.Addr())
	require.Equal(t, uint64(2), chtest.Count(t, conn, "SELECT count() FROM cx.events"))
}

func TestBatchWriterPermanentError(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	// No migration: the table does not exist, which retrying cannot fix.
	_, err := s.Probe(ctx)
	require.NoError(t, err)
	w := NewBatchWriter[event.Scored](s, "events", NewEventEncoder(s.Dialect()), DefaultBatchConfig())
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error)
	go func() { ran <- w.Run(runCtx) }()
	res := make(chan error, 1)
	require.NoError(t, w.Add(ctx, []event.Scored{scored("x", time.Now(), "app", event.Neutral, 0)}, func(err error) { res <- err }))
	err = <-res
	var ie *InsertError
	require.ErrorAs(t, err, &ie)
	require.False(t, ie.Transient)
	stop()
	require.NoError(t, <-ran)
}

func TestBatchWriterStopWithoutStart(t *testing.T) {
	s := openStore(t, "127.0.0.1:1", "cx")
	w := NewBatchWriter[event.Scored](s, "events", NewEventEncoder(s.Dialect()), DefaultBatchConfig())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, w.Run(ctx))
	require.Error(t, w.Run(ctx))
}

func TestConfigValidate(t *testing.T) {
	c := DefaultConfig()
	require.NoError(t, c.Validate())
	c.Database = "bad-name"
	c.Addr = []string{"nohost"}
	c.Retention.Events = time.Hour
	err := c.Validate()
	require.ErrorContains(t, err, `database: "bad-name" is not a valid identifier`)
	require.ErrorContains(t, err, `addr: "nohost" is not host:port`)
	require.ErrorContains(t, err, "shorter than a day")
	require.NoError(t, DefaultBatchConfig().Validate())
}

func TestFilterStoredRepairsAViewThatMissedRows(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	conn := chtest.Conn(t, addr)
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var rows []event.Scored
	for i := range 30 {
		product := []string{"app", "web"}[i%2]
		rows = append(rows, scored(fmt.Sprintf("r-%d", i), base.Add(time.Duration(i)*5*time.Second), product, event.Negative, -0.5))
	}
	insert := func(rs []event.Scored) {
		enc := NewEventEncoder(s.Dialect())
		b, err := s.Conn().PrepareBatch(ctx, fmt.Sprintf("INSERT INTO %s.events (%s)", db, strings.Join(enc.Columns(), ", ")))
		require.NoError(t, err)
		require.NoError(t, enc.Append(b, rs))
		require.NoError(t, b.Send())
	}
	// Rows stored normally, then rows that reach events while the view is away, as when a server
	// stops in the middle of an insert.
	insert(rows[:10])
	chtest.Exec(t, conn, "DETACH TABLE "+db+".sentiment_1m_mv")
	insert(rows[10:])
	chtest.Exec(t, conn, "ATTACH TABLE "+db+".sentiment_1m_mv")
	require.Equal(t, uint64(10), chtest.Count(t, conn, "SELECT sum(volume) FROM "+db+".sentiment_1m"))

	// The writer's retry of that insert finds its rows stored, and the rollup is made whole.
	left, err := s.FilterStored(ctx, rows[10:])
	require.NoError(t, err)
	require.Empty(t, left)
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT sum(volume) FROM "+db+".sentiment_1m"))
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT sum(negatives) FROM "+db+".sentiment_1m"))
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT toUInt64(uniqIfMerge(customers)) FROM "+db+".sentiment_1m"))
	// A second look changes nothing: never counted twice.
	_, err = s.FilterStored(ctx, rows)
	require.NoError(t, err)
	n, err := s.RepairViews(ctx, []string{"r-1", "r-2", "r-15"})
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT sum(volume) FROM "+db+".sentiment_1m"))
}

func TestInsertRejected(t *testing.T) {
	addr, db := chtest.Database(t)
	s := openStore(t, addr, db)
	ctx := context.Background()
	require.NoError(t, s.Migrate(ctx))
	now := time.Now().UTC()
	rows := []RejectedRow{
		{Time: now, Source: "kafka", Topic: "cx", Partition: 2, Offset: 41, Reason: "syntax", Error: "invalid JSON at byte 3", Payload: []byte("{no")},
		{Time: now, Source: "kafka", Topic: "cx", Partition: 2, Offset: 42, Line: 3, Reason: "invalid", Error: "text: is required", Payload: []byte(`{"channel":"chat"}`)},
	}
	require.NoError(t, s.InsertRejected(ctx, rows))
	conn := chtest.Conn(t, addr)
	require.Equal(t, uint64(2), chtest.Count(t, conn, "SELECT count() FROM "+db+".rejected"))
	var payload, reason string
	require.NoError(t, conn.QueryRow(ctx, "SELECT payload, reason FROM "+db+".rejected WHERE offset = 42").Scan(&payload, &reason))
	require.Equal(t, `{"channel":"chat"}`, payload)
	require.Equal(t, "invalid", reason)
}
