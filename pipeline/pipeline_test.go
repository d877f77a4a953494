package pipeline_test

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
	"github.com/cxpulse/cxpulse/pipeline"
	"github.com/cxpulse/cxpulse/pipeline/spool"
	"github.com/cxpulse/cxpulse/store"
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

// wordScorer labels by a keyword: enough to see scores flow through to storage.
type wordScorer struct{}

func (wordScorer) ScoreBatch(evs []event.Scored) {
	for i := range evs {
		s := &evs[i].Sentiment
		s.Reset()
		s.ModelVersion = "test"
		switch {
		case strings.Contains(evs[i].Text, "bad"):
			s.Label, s.Score = event.Negative, -0.8
			s.Evidence = append(s.Evidence, event.Evidence{Phrase: "bad", Weight: -0.8})
		case strings.Contains(evs[i].Text, "good"):
			s.Label, s.Score = event.Positive, 0.8
		}
	}
}

type harness struct {
	t      *testing.T
	addr   string
	db     string
	store  *store.Store
	writer *store.BatchWriter[event.Scored]
	pipe   *pipeline.Pipeline
	cancel []context.CancelFunc
	wait   []chan error
}

func start(t *testing.T, addr, db string, cfg pipeline.Config, wrap func(pipeline.Writer) pipeline.Writer) *harness {
	return startWith(t, addr, db, cfg, wrap, "")
}

// startWith starts a pipeline whose spool lives in spoolDir ("" for none).
func startWith(t *testing.T, addr, db string, cfg pipeline.Config, wrap func(pipeline.Writer) pipeline.Writer, spoolDir string) *harness {
	t.Helper()
	scfg := store.DefaultConfig()
	scfg.Addr, scfg.Database, scfg.DialTimeout = []string{addr}, db, 2*time.Second
	st, err := store.Open(scfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	require.NoError(t, st.Migrate(context.Background()))
	bcfg := store.DefaultBatchConfig()
	bcfg.MaxDelay = 20 * time.Millisecond
	bcfg.RetryFor = 500 * time.Millisecond
	bcfg.MinBackoff, bcfg.MaxBackoff = 20*time.Millisecond, 100*time.Millisecond
	w := store.NewBatchWriter[event.Scored](st, "events", store.NewEventEncoder(st.Dialect()), bcfg)
	w.BeforeRetry = st.FilterStored
	var pw pipeline.Writer = w
	if wrap != nil {
		pw = wrap(w)
	}
	opts := pipeline.Options{
		RecentIDs: st.RecentIDs,
		Redact:    func(s string) string { return strings.ReplaceAll(s, "secret@example.com", "[email]") },
		Filter:    st.FilterStored,
	}
	var sp *spool.Spool
	if spoolDir != "" {
		scfg := spool.DefaultConfig()
		scfg.Dir = spoolDir
		sp, err = spool.Open(scfg, nil)
		require.NoError(t, err)
		opts.Spool = sp
	}
	p, err := pipeline.New(cfg, wordScorer{}, pw, opts, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	h := &harness{t: t, addr: addr, db: db, store: st, writer: w, pipe: p}
	h.run(w.Run)
	h.run(p.Run)
	require.Eventually(t, func() bool { return p.Ready() == nil }, 30*time.Second, 5*time.Millisecond)
	t.Cleanup(h.close)
	if sp != nil {
		t.Cleanup(func() { _ = sp.Close() })
	}
	return h
}

func (h *harness) run(f func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	h.cancel = append(h.cancel, cancel)
	h.wait = append(h.wait, done)
}

// close stops the pipeline first, then the writer, as serve does.
func (h *harness) close() {
	for i := len(h.cancel) - 1; i >= 0; i-- {
		if h.cancel[i] == nil {
			continue
		}
		h.cancel[i]()
		require.NoError(h.t, <-h.wait[i])
		h.cancel[i] = nil
	}
	_ = h.store.Close()
}

func events(prefix string, n int) []event.Event {
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	out := make([]event.Event, n)
	for i := range out {
		text := "good service"
		if i%4 == 0 {
			text = "bad service, mail me at secret@example.com"
		}
		out[i] = event.Event{
			ID: fmt.Sprintf("%s-%d", prefix, i), Time: base.Add(time.Duration(i) * time.Second), Source: "api",
			Channel: event.ChannelChat, CustomerID: fmt.Sprintf("cust-%d", i%50), Product: "app", Region: "us", Text: text,
		}
	}
	return out
}

func TestConcurrentSubmitsCommitOnceAndDedup(t *testing.T) {
	addr, db := chtest.Database(t)
	h := start(t, addr, db, pipeline.DefaultConfig(), nil)
	ctx := context.Background()

	// 20 requests of 200 events over ids e-0..e-2099, overlapping by 100 with the next.
	all := events("e", 2100)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, dups := 0, 0
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part := append([]event.Event(nil), all[g*100:g*100+200]...)
			ack, err := h.pipe.Submit(ctx, part)
			require.NoError(t, err)
			require.Equal(t, 200, ack.Accepted+ack.Duplicates)
			mu.Lock()
			accepted += ack.Accepted
			dups += ack.Duplicates
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Equal(t, 2100, accepted)
	require.Equal(t, 4000-2100, dups)

	conn := chtest.Conn(t, addr)
	count := func(q string) uint64 { return chtest.Count(t, conn, fmt.Sprintf(q, db)) }
	require.Equal(t, uint64(2100), count("SELECT count() FROM %s.events"))
	require.Equal(t, uint64(2100), count("SELECT uniqExact(id) FROM %s.events"))
	require.Equal(t, uint64(2100), count("SELECT sum(volume) FROM %s.sentiment_1m"))
	require.Equal(t, uint64(525), count("SELECT sum(negatives) FROM %s.sentiment_1m"))
	// Redacted after scoring: the score saw the text, storage never does.
	require.Equal(t, uint64(0), count("SELECT count() FROM %s.events WHERE position(text, 'secret@') > 0"))
	require.Equal(t, uint64(525), count("SELECT count() FROM %s.events WHERE position(text, '[email]') > 0 AND label = 'negative'"))

	// The same events again: all duplicates, nothing stored.
	ack, err := h.pipe.Submit(ctx, events("e", 2100))
	require.NoError(t, err)
	require.Equal(t, event.Ack{Accepted: 0, Duplicates: 2100}, ack)
	// Duplicates inside one request collapse too.
	ack, err = h.pipe.Submit(ctx, append(events("f", 3), events("f", 3)...))
	require.NoError(t, err)
	require.Equal(t, event.Ack{Accepted: 3, Duplicates: 3}, ack)
	require.Equal(t, uint64(2103), count("SELECT count() FROM %s.events"))

	// After a restart the cache is warmed from ClickHouse: still nothing stored twice.
	h.close()
	h2 := start(t, addr, db, pipeline.DefaultConfig(), nil)
	ack, err = h2.pipe.Submit(ctx, events("e", 2100))
	require.NoError(t, err)
	require.Equal(t, event.Ack{Accepted: 0, Duplicates: 2100}, ack)
	require.Equal(t, uint64(2103), count("SELECT count() FROM %s.events"))
	require.Equal(t, uint64(2103), count("SELECT sum(volume) FROM %s.sentiment_1m"))
}

// gatedWriter holds batches until released, to fill the queue deterministically.
type gatedWriter struct {
	pipeline.Writer
	gate chan struct{}
	held chan struct{}
}

func (g *gatedWriter) Add(ctx context.Context, rows []event.Scored, done func(error)) error {
	g.held <- struct{}{}
	<-g.gate
	return g.Writer.Add(ctx, rows, done)
}

func TestQueueFullRefusesWholeBatch(t *testing.T) {
	addr, db := chtest.Database(t)
	cfg := pipeline.DefaultConfig()
	cfg.QueueSize = 10
	cfg.Scorers = 1
	var gw *gatedWriter
	h := start(t, addr, db, cfg, func(w pipeline.Writer) pipeline.Writer {
		gw = &gatedWriter{Writer: w, gate: make(chan struct{}), held: make(chan struct{}, 10)}
		return gw
	})
	ctx := context.Background()
	first := make(chan error, 1)
	go func() {
		_, err := h.pipe.Submit(ctx, events("q", 8))
		first <- err
	}()
	<-gw.held // the first batch is now queued and stuck
	_, err := h.pipe.Submit(ctx, events("r", 3))
	var busy *event.BusyError
	require.ErrorAs(t, err, &busy)
	require.Equal(t, event.BusyQueueFull, busy.Reason)
	require.Equal(t, time.Second, busy.RetryAfter)

	close(gw.gate)
	require.NoError(t, <-first)
	ack, err := h.pipe.Submit(ctx, events("r", 3))
	require.NoError(t, err)
	require.Equal(t, 3, ack.Accepted)
	conn := chtest.Conn(t, addr)
	require.Equal(t, uint64(11), chtest.Count(t, conn, "SELECT count() FROM "+db+".events"))
}

func TestStorageDownRefusesThenRecovers(t *testing.T) {
	srv := chtest.Private(t)
	h := start(t, srv.Addr(), "cx", pipeline.DefaultConfig(), nil)
	ctx := context.Background()
	_, err := h.pipe.Submit(ctx, events("a", 10))
	require.NoError(t, err)

	require.NoError(t, srv.Stop())
	// The first batch after the outage fails after retries and says to come back later…
	_, err = h.pipe.Submit(ctx, events("b", 10))
	var busy *event.BusyError
	require.ErrorAs(t, err, &busy)
	require.Equal(t, event.BusyUnavailable, busy.Reason)
	// …and the next is refused at the door without waiting.
	_, err = h.pipe.Submit(ctx, events("c", 10))
	require.ErrorAs(t, err, &busy)
	require.Equal(t, event.BusyUnavailable, busy.Reason)
	require.Error(t, h.pipe.Ready())

	require.NoError(t, srv.Start(ctx))
	require.Eventually(t, func() bool { return h.pipe.Ready() == nil }, 30*time.Second, 10*time.Millisecond)
	for _, p := range []string{"b", "c"} {
		ack, err := h.pipe.Submit(ctx, events(p, 10))
		require.NoError(t, err)
		require.Equal(t, 10, ack.Accepted+ack.Duplicates)
	}
	conn := chtest.Conn(t, srv.Addr())
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT count() FROM cx.events"))
	require.Equal(t, uint64(30), chtest.Count(t, conn, "SELECT sum(volume) FROM cx.sentiment_1m"))
}

func TestShutdownFinishesAcceptedBatches(t *testing.T) {
	addr, db := chtest.Database(t)
	h := start(t, addr, db, pipeline.DefaultConfig(), nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := 0
	for g := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ack, err := h.pipe.Submit(ctx, events(fmt.Sprintf("s%d", g), 100))
			var busy *event.BusyError
			if errors.As(err, &busy) {
				require.Equal(t, event.BusyShutdown, busy.Reason)
				return
			}
			require.NoError(t, err)
			mu.Lock()
			acked += ack.Accepted
			mu.Unlock()
		}()
	}
	h.close() // races with the submits on purpose
	wg.Wait()
	conn := chtest.Conn(t, addr)
	require.Equal(t, uint64(acked), chtest.Count(t, conn, "SELECT count() FROM "+db+".events"))
}

func TestStopWithoutStart(t *testing.T) {
	p, err := pipeline.New(pipeline.DefaultConfig(), wordScorer{}, nil, pipeline.Options{}, nil, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, p.Run(ctx))
	require.Error(t, p.Run(ctx))
	var busy *event.BusyError
	_, err = p.Submit(context.Background(), events("x", 1))
	require.ErrorAs(t, err, &busy)
	require.Equal(t, event.BusyShutdown, busy.Reason)
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, pipeline.DefaultConfig().Validate())
	c := pipeline.DefaultConfig()
	c.QueueSize, c.RetryAfter, c.Dedup.CacheSize = 0, 0, 0
	err := c.Validate()
	require.ErrorContains(t, err, "queue_size must be at least 1")
	require.ErrorContains(t, err, "retry_after must be at least 1s")
	require.ErrorContains(t, err, "dedup.cache_size must be at least 1")
}

func TestSpoolAcceptsDuringOutageAndDrainsOnce(t *testing.T) {
	srv := chtest.Private(t)
	dir := t.TempDir()
	h := startWith(t, srv.Addr(), "cx", pipeline.DefaultConfig(), nil, dir)
	ctx := context.Background()
	ack, err := h.pipe.Submit(ctx, events("a", 50))
	require.NoError(t, err)
	require.Equal(t, 50, ack.Accepted)

	require.NoError(t, srv.Stop())
	// While ClickHouse is down, batches are accepted into the spool: the first one notices the
	// outage itself (its write fails and falls back), the next ones go straight to the spool.
	for _, p := range []string{"b", "c", "d"} {
		ack, err := h.pipe.Submit(ctx, events(p, 50))
		require.NoError(t, err)
		require.Equal(t, 50, ack.Accepted)
	}
	// A re-sent spooled event is a duplicate, not stored twice.
	ack, err = h.pipe.Submit(ctx, events("c", 50))
	require.NoError(t, err)
	require.Equal(t, event.Ack{Duplicates: 50}, ack)
	// Stop with events still in the spool; they survive the restart.
	h.close()
	require.NoError(t, srv.Start(ctx))
	h2 := startWith(t, srv.Addr(), "cx", pipeline.DefaultConfig(), nil, dir)
	conn := chtest.Conn(t, srv.Addr())
	require.Eventually(t, func() bool {
		return chtest.Count(t, conn, "SELECT count() FROM cx.events") == 200
	}, 60*time.Second, 20*time.Millisecond)
	// New events flow again (behind the last spooled ones, if the drain has not committed them
	// yet), and nothing was stored twice.
	ack, err = h2.pipe.Submit(ctx, events("e", 10))
	require.NoError(t, err)
	require.Equal(t, 10, ack.Accepted)
	ack, err = h2.pipe.Submit(ctx, events("d", 50))
	require.NoError(t, err)
	require.Equal(t, event.Ack{Duplicates: 50}, ack)
	// An insert makes its rows visible in events a moment before the view's rows in the rollup.
	require.Eventually(t, func() bool {
		return chtest.Count(t, conn, "SELECT count() FROM cx.events") == 210 &&
			chtest.Count(t, conn, "SELECT sum(volume) FROM cx.sentiment_1m") == 210
	}, 60*time.Second, 20*time.Millisecond)
	require.Equal(t, uint64(210), chtest.Count(t, conn, "SELECT uniqExact(id) FROM cx.events"))
}
