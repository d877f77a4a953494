package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/cenkalti/backoff/v5"
)

// Encoder turns rows of type T into the columns of a batch insert.
type Encoder[T any] interface {
	// Columns is the insert's explicit column list, in order.
	Columns() []string
	// Append adds the rows of every part, in turn, to the columns of b, in the order of
	// Columns. It does not keep them.
	Append(b driver.Batch, parts ...[]T) error
}

// BatchConfig tunes a BatchWriter.
type BatchConfig struct {
	// MaxRows flushes a batch once it holds this many rows.
	MaxRows int `yaml:"max_rows"`
	// MaxDelay flushes a batch this long after its first row arrived, or, when another batch
	// is being inserted then, as soon as that insert has settled (group commit: the batch
	// keeps taking rows meanwhile).
	MaxDelay time.Duration `yaml:"max_delay"`
	// Queue bounds how many Add calls may wait for the next batch; Add blocks past it.
	Queue int `yaml:"queue"`
	// RetryFor is how long one batch is retried on transient errors before it fails.
	RetryFor time.Duration `yaml:"retry_for"`
	// MinBackoff and MaxBackoff bound the wait between attempts.
	MinBackoff time.Duration `yaml:"min_backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// Inserters is how many full batches (MaxRows) are encoded and sent at once: while one is
	// on the wire, the next is being encoded. Batches that are not full go one at a time.
	Inserters int `yaml:"inserters"`
}

// DefaultBatchConfig returns the batch settings used when a config leaves them out.
func DefaultBatchConfig() BatchConfig {
	return BatchConfig{
		MaxRows: 50000, MaxDelay: 200 * time.Millisecond, Queue: 4096,
		RetryFor: 10 * time.Second, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second,
		Inserters: 2,
	}
}

// Validate reports settings that cannot work.
func (c BatchConfig) Validate() error {
	switch {
	case c.MaxRows < 1:
		return fmt.Errorf("max_rows must be at least 1, got %d", c.MaxRows)
	case c.MaxDelay <= 0:
		return fmt.Errorf("max_delay must be positive, got %s", c.MaxDelay)
	case c.Queue < 1:
		return fmt.Errorf("queue must be at least 1, got %d", c.Queue)
	case c.RetryFor < 0:
		return fmt.Errorf("retry_for must not be negative, got %s", c.RetryFor)
	case c.Inserters < 1 || c.Inserters > 16:
		return fmt.Errorf("inserters must be between 1 and 16, got %d", c.Inserters)
	case c.MinBackoff <= 0 || c.MaxBackoff < c.MinBackoff:
		return fmt.Errorf("need 0 < min_backoff <= max_backoff, got %s and %s", c.MinBackoff, c.MaxBackoff)
	}
	return nil
}

// ErrClosed is returned by Add once the writer is shutting down.
var ErrClosed = errors.New("batch writer is closed")

// Batch outcomes are reported through this type so callers can tell a batch that failed after
// retries from one that was refused outright.
type InsertError struct {
	Table string
	// Transient is true when the last failure was of the server or network, not of the data.
	Transient bool
	Err       error
}

// Error implements error.
func (e *InsertError) Error() string {
	kind := "failed"
	if e.Transient {
		kind = "failed after retries"
	}
	return fmt.Sprintf("insert into %s %s: %v", e.Table, kind, e.Err)
}

// Unwrap returns the cause.
func (e *InsertError) Unwrap() error { return e.Err }

type item[T any] struct {
	rows []T
	done func(error)
}

// BatchWriter groups rows from many producers into batch inserts of one table: a batch is
// flushed when it reaches MaxRows, or MaxDelay after its first row once no other batch is being
// inserted. Each Add's outcome is reported once through its done callback, after the rows are
// committed or have failed. Transient failures are retried with backoff for RetryFor. Up to
// Inserters full batches are encoded and sent at once, while the next one fills.
type BatchWriter[T any] struct {
	store  *Store
	table  string
	insert string
	enc    Encoder[T]
	cfg    BatchConfig
	logger *slog.Logger
	// BeforeRetry, when set, is called before a batch is retried with the rows still to insert;
	// it returns the rows that still need inserting (an insert whose outcome is unknown may have
	// been committed). It runs on the writer's goroutine.
	BeforeRetry func(ctx context.Context, rows []T) ([]T, error)

	in      chan item[T]
	mu      sync.Mutex
	closed  bool
	adding  sync.WaitGroup
	healthy atomic.Bool
	lastErr atomic.Pointer[string]
	runOnce sync.Once
}

// NewBatchWriter returns a writer for table (unqualified; the store's database is used). It
// starts nothing; call Run.
func NewBatchWriter[T any](s *Store, table string, enc Encoder[T], cfg BatchConfig) *BatchWriter[T] {
	w := &BatchWriter[T]{
		store: s, table: table, enc: enc, cfg: cfg, logger: s.logger.With("table", table),
		insert: fmt.Sprintf("INSERT INTO %s.%s (%s)", s.cfg.Database, table, strings.Join(enc.Columns(), ", ")),
		in:     make(chan item[T], cfg.Queue),
	}
	w.healthy.Store(true)
	s.metrics.prepare(table)
	return w
}

// Add queues rows for insertion. done is called exactly once, from the writer's goroutine, with
// nil when every row is committed, or with the error that stopped them (an *InsertError, or
// ErrClosed). Add blocks while the queue is full, until ctx is done. The writer owns rows after
// the call. When Add returns an error, done is not called.
func (w *BatchWriter[T]) Add(ctx context.Context, rows []T, done func(error)) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.adding.Add(1)
	w.mu.Unlock()
	defer w.adding.Done()
	select {
	case w.in <- item[T]{rows: rows, done: done}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Healthy reports whether the last insert (or health check) succeeded.
func (w *BatchWriter[T]) Healthy() bool { return w.healthy.Load() }

// LastError is the message of the last failed insert or health check, "" when healthy.
func (w *BatchWriter[T]) LastError() string {
	if p := w.lastErr.Load(); p != nil && !w.healthy.Load() {
		return *p
	}
	return ""
}

// Queued is the number of Add calls waiting for a batch.
func (w *BatchWriter[T]) Queued() int { return len(w.in) }

// Run inserts batches until ctx is cancelled; then it refuses new rows, flushes everything queued
// (each batch still retried for up to RetryFor) and returns. While unhealthy it pings the server
// every MaxBackoff to notice recovery without waiting for traffic.
func (w *BatchWriter[T]) Run(ctx context.Context) error {
	started := false
	w.runOnce.Do(func() { started = true })
	if !started {
		return errors.New("batch writer: Run called twice")
	}
	batches := make(chan []item[T])
	insertDone := make(chan struct{})
	var (
		inserters sync.WaitGroup
		inflight  atomic.Int32             // batches handed to the inserters and not yet settled
		freed     = make(chan struct{}, 1) // an inserter finished a batch (coalesced)
	)
	for range w.cfg.Inserters {
		inserters.Add(1)
		go func() {
			defer inserters.Done()
			for b := range batches {
				w.flush(b)
				inflight.Add(-1)
				select {
				case freed <- struct{}{}:
				default:
				}
			}
		}()
	}
	go func() {
		inserters.Wait()
		close(insertDone)
	}()

	var (
		pending []item[T]
		rows    int
		timer   = time.NewTimer(time.Hour)
		armed   bool // the timer runs for the pending batch
		due     bool // the pending batch is older than MaxDelay
	)
	timer.Stop()
	ping := time.NewTicker(w.cfg.MaxBackoff)
	defer ping.Stop()
	// dispatch hands the pending batch to an inserter, waiting while all of them are busy.
	dispatch := func() {
		if len(pending) > 0 {
			inflight.Add(1)
			batches <- pending
		}
		pending, rows, armed, due = nil, 0, false, false
		timer.Stop()
	}
	add := func(it item[T]) {
		if len(it.rows) == 0 {
			if it.done != nil {
				it.done(nil)
			}
			return
		}
		for {
			room := w.cfg.MaxRows - rows
			if len(it.rows) <= room {
				pending = append(pending, it)
				rows += len(it.rows)
				break
			}
			// Split an oversized Add across batches; its done runs once all parts are settled.
			first, rest := it.rows[:room], it.rows[room:]
			parts := splitDone(it.done)
			pending = append(pending, item[T]{rows: first, done: parts.part()})
			rows += len(first)
			dispatch()
			it = item[T]{rows: rest, done: parts.last()}
		}
		if rows >= w.cfg.MaxRows {
			dispatch()
		} else if !armed && !due {
			timer.Reset(w.cfg.MaxDelay)
			armed = true
		}
	}
loop:
	for {
		select {
		case it := <-w.in:
			add(it)
		case <-timer.C:
			armed, due = false, true
		case <-freed:
		case <-ping.C:
			if !w.healthy.Load() && len(pending) == 0 {
				w.checkHealth(ctx)
			}
		case <-ctx.Done():
			break loop
		}
		// Group commit: a batch that is not full waits while another is being inserted, and
		// takes everything that arrives meanwhile. Under load the inserts grow towards
		// MaxRows instead of multiplying (each insert costs ClickHouse a new part); full
		// batches still go out at once, up to Inserters of them together.
		if due && inflight.Load() == 0 {
			dispatch()
		}
	}
	// Shutdown: refuse new rows, take what producers are still handing over, flush it all.
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	go func() {
		w.adding.Wait()
		close(w.in)
	}()
	for it := range w.in {
		add(it)
	}
	dispatch()
	close(batches)
	<-insertDone
	return nil
}

func (w *BatchWriter[T]) checkHealth(ctx context.Context) {
	if err := w.store.Ping(ctx); err != nil {
		w.setUnhealthy(err)
		return
	}
	if !w.healthy.Swap(true) {
		w.logger.Info("clickhouse is reachable again")
	}
}

func (w *BatchWriter[T]) setUnhealthy(err error) {
	msg := err.Error()
	w.lastErr.Store(&msg)
	if w.healthy.Swap(false) {
		w.logger.Warn("clickhouse insert failing", "err", err)
	}
}

// countRows is the number of rows in parts.
func countRows[T any](parts [][]T) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// flush inserts one batch with retries and reports the outcome to every Add in it. The rows of
// the Adds are encoded where they are, not copied into one slice first.
func (w *BatchWriter[T]) flush(items []item[T]) {
	parts := make([][]T, len(items))
	for i, it := range items {
		parts[i] = it.rows
	}
	err := w.insertWithRetry(parts)
	for _, it := range items {
		if it.done != nil {
			it.done(err)
		}
	}
}

func (w *BatchWriter[T]) insertWithRetry(parts [][]T) error {
	m := w.store.metrics
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval, bo.MaxInterval = w.cfg.MinBackoff, w.cfg.MaxBackoff
	deadline := time.Now().Add(w.cfg.RetryFor)
	// Inserts run to completion even during shutdown: the rows were accepted.
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			m.retries.WithLabelValues(w.table).Inc()
			if w.BeforeRetry != nil {
				left, err := w.BeforeRetry(ctx, slices.Concat(parts...))
				if err != nil {
					m.insertErrors.WithLabelValues(w.table, reasonTransient).Inc()
					w.setUnhealthy(err)
					if time.Now().After(deadline) {
						return &InsertError{Table: w.table, Transient: true, Err: err}
					}
					time.Sleep(bo.NextBackOff())
					continue
				}
				parts = [][]T{left}
			}
		}
		rows := countRows(parts)
		if rows == 0 {
			w.healthy.Store(true)
			return nil
		}
		start := time.Now()
		err := w.send(ctx, parts)
		m.insertDuration.WithLabelValues(w.table).Observe(time.Since(start).Seconds())
		if err == nil {
			m.insertRows.WithLabelValues(w.table).Add(float64(rows))
			m.batchRows.Observe(float64(rows))
			if !w.healthy.Swap(true) {
				w.logger.Info("clickhouse inserts succeed again")
			}
			return nil
		}
		if !IsTransient(err) {
			m.insertErrors.WithLabelValues(w.table, reasonPermanent).Inc()
			w.logger.Error("batch insert refused", "rows", rows, "err", err)
			return &InsertError{Table: w.table, Err: err}
		}
		m.insertErrors.WithLabelValues(w.table, reasonTransient).Inc()
		w.setUnhealthy(err)
		wait := bo.NextBackOff()
		if time.Now().Add(wait).After(deadline) {
			return &InsertError{Table: w.table, Transient: true, Err: err}
		}
		time.Sleep(wait)
	}
}

func (w *BatchWriter[T]) send(ctx context.Context, parts [][]T) error {
	ctx, cancel := context.WithTimeout(ctx, w.store.cfg.QueryTimeout)
	defer cancel()
	b, err := w.store.conn.PrepareBatch(ctx, w.insert)
	if err != nil {
		return err
	}
	if err := w.enc.Append(b, parts...); err != nil {
		_ = b.Abort()
		return err
	}
	return b.Send()
}

// doneSplitter reports once for an Add split over several batches: the first error, or nil once
// every part has settled.
type doneSplitter struct {
	mu      sync.Mutex
	done    func(error)
	pending int
	err     error
	sealed  bool
}

func splitDone(done func(error)) *doneSplitter { return &doneSplitter{done: done} }

func (s *doneSplitter) part() func(error) {
	s.mu.Lock()
	s.pending++
	s.mu.Unlock()
	return s.settle
}

// last is the callback of the final part; after it no more parts are added.
func (s *doneSplitter) last() func(error) {
	s.mu.Lock()
	s.pending++
	s.sealed = true
	s.mu.Unlock()
	return s.settle
}

func (s *doneSplitter) settle(err error) {
	s.mu.Lock()
	if err != nil && s.err == nil {
		s.err = err
	}
	s.pending--
	fire := s.pending == 0 && s.sealed
	err = s.err
	s.mu.Unlock()
	if fire && s.done != nil {
		s.done(err)
	}
}
