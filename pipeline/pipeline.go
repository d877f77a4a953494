// Package pipeline runs events from the ingest doors to storage: a bounded queue, a pool of
// scorers, PII redaction, duplicate suppression and group commit through the writer. A batch
// handed to Submit is acknowledged only once every event of it is committed (or known to be a
// duplicate of a committed one); under back-pressure it is refused whole.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/pipeline/spool"
)

// Scorer scores events in place (their Sentiment). Safe for concurrent use.
type Scorer interface {
	ScoreBatch(evs []event.Scored)
}

// Writer commits scored events: done is called once with nil when every row is committed, or
// with the error that stopped them. Add blocks while the writer's queue is full. Healthy reports
// whether storage currently accepts writes.
type Writer interface {
	Add(ctx context.Context, rows []event.Scored, done func(error)) error
	Healthy() bool
}

// RedactFunc returns text with personal data replaced; it runs after scoring, so the score sees
// the original text and storage never does.
type RedactFunc func(text string) string

// RecentIDsFunc calls fn with the ids of events stored since since, at most limit of them.
type RecentIDsFunc func(ctx context.Context, since time.Time, limit int, fn func(id string)) error

// Config is the `pipeline:` section of the configuration.
type Config struct {
	// QueueSize bounds the events accepted for processing but not yet committed; a batch that
	// would exceed it is refused with 429.
	QueueSize int `yaml:"queue_size"`
	// Scorers is the number of scoring goroutines; GOMAXPROCS when zero.
	Scorers int `yaml:"scorers"`
	// RetryAfter is what refused senders are told to wait.
	RetryAfter time.Duration `yaml:"retry_after"`
	Dedup      DedupConfig   `yaml:"dedup"`
}

// DedupConfig bounds duplicate suppression: the ids of the last CacheSize committed events, and
// at start those of the events ingested within Window, are remembered.
type DedupConfig struct {
	CacheSize int           `yaml:"cache_size"`
	Window    time.Duration `yaml:"window"`
}

// DefaultConfig returns the settings used for keys a file leaves out.
func DefaultConfig() Config {
	return Config{
		QueueSize:  200000,
		RetryAfter: time.Second,
		Dedup:      DedupConfig{CacheSize: 1 << 20, Window: 24 * time.Hour},
	}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.QueueSize < 1 {
		errs = append(errs, fmt.Errorf("queue_size must be at least 1, got %d", c.QueueSize))
	}
	if c.Scorers < 0 {
		errs = append(errs, fmt.Errorf("scorers must not be negative, got %d", c.Scorers))
	}
	if c.RetryAfter < time.Second {
		errs = append(errs, fmt.Errorf("retry_after must be at least 1s, got %s", c.RetryAfter))
	}
	if c.Dedup.CacheSize < 1 {
		errs = append(errs, fmt.Errorf("dedup.cache_size must be at least 1, got %d", c.Dedup.CacheSize))
	}
	if c.Dedup.Window < 0 {
		errs = append(errs, fmt.Errorf("dedup.window must not be negative, got %s", c.Dedup.Window))
	}
	return errors.Join(errs...)
}

// FilterFunc returns the rows not yet stored, for the spool drain: a batch spooled after a write
// whose outcome was unknown may be partly stored already.
type FilterFunc func(ctx context.Context, rows []event.Scored) ([]event.Scored, error)

// Options are the pipeline's optional collaborators.
type Options struct {
	Redact    RedactFunc
	RecentIDs RecentIDsFunc
	// Spool, when set, takes accepted events while storage is unreachable (and while it still
	// holds older events, to keep their order); a drain loop writes them once storage is back.
	Spool *spool.Spool
	// Filter drops already stored rows from a spooled batch before it is written.
	Filter FilterFunc
	// DrainRows bounds the rows of one write from the spool; 50,000 when zero.
	DrainRows int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// OnAccepted, when set, is called with the rows of a request that were made durable (stored,
	// or spooled), redacted and without duplicates, before the request is answered. It must not
	// block for long nor keep rows.
	OnAccepted func(rows []event.Scored)
}

// Pipeline is the runner between the doors and storage. New wires it; Run runs it.
type Pipeline struct {
	cfg     Config
	scorer  Scorer
	writer  Writer
	opts    Options
	logger  *slog.Logger
	metrics *metrics
	keys    keyer

	queue    chan *request
	queued   atomic.Int64
	ready    atomic.Bool
	mu       sync.Mutex // guards closed and the submitting count's transitions
	closed   bool
	entering sync.WaitGroup // Submit calls between admission and enqueue
	open     sync.WaitGroup // requests not yet settled

	gate     sync.Mutex // guards cache and inflight
	cache    *idCache
	inflight *idTable[*flight]

	runOnce sync.Once
}

var _ ingest.Submitter = (*Pipeline)(nil)

// New wires a pipeline. It starts nothing.
func New(cfg Config, scorer Scorer, writer Writer, opts Options, logger *slog.Logger, reg prometheus.Registerer) (*Pipeline, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pipeline config: %w", err)
	}
	if cfg.Scorers == 0 {
		cfg.Scorers = runtime.GOMAXPROCS(0)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DrainRows == 0 {
		opts.DrainRows = 50000
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{
		cfg: cfg, scorer: scorer, writer: writer, opts: opts, logger: logger, metrics: newMetrics(reg),
		keys:     newKeyer(),
		queue:    make(chan *request, 4096),
		cache:    newIDCache(cfg.Dedup.CacheSize),
		inflight: newIDTable[*flight](),
	}, nil
}

// request is one Submit call in flight.
type request struct {
	rows       []event.Scored
	start      time.Time
	mu         sync.Mutex
	parts      int // outstanding outcomes: its own write plus the writes it waits on as a duplicate
	accepted   int
	duplicates int
	err        error
	done       chan struct{}
}

func (r *request) addParts(n int) {
	r.mu.Lock()
	r.parts += n
	r.mu.Unlock()
}

// settle records one outcome; the request completes when none is outstanding.
func (r *request) settle(err error, accepted, duplicates int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && r.err == nil {
		r.err = err
	}
	r.accepted += accepted
	r.duplicates += duplicates
	r.parts--
	if r.parts == 0 {
		close(r.done)
		return true
	}
	return false
}

// flight is one write in progress; requests holding a duplicate of one of its ids wait on it.
type flight struct {
	followers []*request
}

// Ready returns nil when the pipeline accepts events, or the *event.BusyError a Submit would get.
func (p *Pipeline) Ready() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.readyLocked(); err != nil {
		return err
	}
	return nil
}

// Submit implements ingest.Submitter: it returns once every event of evs is committed or known to
// be a duplicate, with the counts; or, refusing the whole batch, an *event.BusyError (queue full,
// storage unavailable, shutting down) or the write error. If ctx ends first Submit returns
// ctx.Err(), and the events may still be committed: a sender that retries is deduplicated.
func (p *Pipeline) Submit(ctx context.Context, evs []event.Event) (event.Ack, error) {
	if len(evs) == 0 {
		return event.Ack{}, nil
	}
	n := int64(len(evs))
	p.mu.Lock()
	if err := p.admit(n); err != nil {
		p.mu.Unlock()
		p.metrics.refused.WithLabelValues(err.Reason).Add(float64(n))
		return event.Ack{}, err
	}
	p.entering.Add(1)
	p.open.Add(1)
	p.mu.Unlock()

	r := &request{rows: make([]event.Scored, len(evs)), start: p.opts.Now(), parts: 1, done: make(chan struct{})}
	for i := range evs {
		r.rows[i].Event = evs[i]
	}
	p.queue <- r // never blocks for long: admission bounds the events queued
	p.entering.Done()

	select {
	case <-r.done:
	case <-ctx.Done():
		return event.Ack{}, ctx.Err()
	}
	p.metrics.commitDuration.Observe(p.opts.Now().Sub(r.start).Seconds())
	if r.err != nil {
		return event.Ack{}, r.err
	}
	return event.Ack{Accepted: r.accepted, Duplicates: r.duplicates}, nil
}

// admit reserves room for n events; p.mu is held.
func (p *Pipeline) admit(n int64) *event.BusyError {
	if err := p.readyLocked(); err != nil {
		return err
	}
	for {
		q := p.queued.Load()
		// A batch larger than the whole queue still gets in when the queue is empty.
		if q > 0 && q+n > int64(p.cfg.QueueSize) {
			return &event.BusyError{Reason: event.BusyQueueFull, RetryAfter: p.cfg.RetryAfter}
		}
		if p.queued.CompareAndSwap(q, q+n) {
			p.metrics.queued.Set(float64(q + n))
			return nil
		}
	}
}

func (p *Pipeline) readyLocked() *event.BusyError {
	switch {
	case p.closed:
		return &event.BusyError{Reason: event.BusyShutdown, RetryAfter: p.cfg.RetryAfter}
	case !p.ready.Load():
		return &event.BusyError{Reason: event.BusyUnavailable, RetryAfter: p.cfg.RetryAfter, Err: errors.New("starting: loading recent event ids")}
	case !p.writer.Healthy() && p.opts.Spool == nil:
		return &event.BusyError{Reason: event.BusyUnavailable, RetryAfter: p.cfg.RetryAfter}
	}
	return nil
}

// Run warms the duplicate cache, then scores and writes until ctx is cancelled. Then it refuses
// new batches, finishes every accepted one (scored, handed to the writer, its outcome reported)
// and returns. Stop the doors before cancelling ctx, and the writer after Run returns.
func (p *Pipeline) Run(ctx context.Context) error {
	started := false
	p.runOnce.Do(func() { started = true })
	if !started {
		return errors.New("pipeline: Run called twice")
	}
	if err := p.warm(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	var workers sync.WaitGroup
	drainCtx, stopDrain := context.WithCancel(context.Background())
	defer stopDrain()
	if p.opts.Spool != nil {
		workers.Add(1)
		go func() {
			defer workers.Done()
			p.drain(drainCtx)
		}()
	}
	for range p.cfg.Scorers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for r := range p.queue {
				p.process(r)
			}
		}()
	}
	<-ctx.Done()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.entering.Wait()
	close(p.queue)
	stopDrain()
	workers.Wait()
	p.open.Wait()
	return nil
}

// warm loads the ids of recently stored events into the duplicate cache, retrying while storage
// is unreachable; Submit answers "unavailable" until it is done.
func (p *Pipeline) warm(ctx context.Context) error {
	defer p.ready.Store(true)
	if sp := p.opts.Spool; sp != nil {
		// Events waiting in the spool are accepted: a re-sent copy is a duplicate.
		n := 0
		p.gate.Lock()
		err := sp.IDs(func(id string) {
			p.cache.add(p.keys.key(id))
			n++
		})
		p.gate.Unlock()
		if err != nil {
			return err
		}
		if n > 0 {
			p.logger.Info("spool holds events from before the restart", "events", n, "bytes", sp.Bytes())
		}
		p.metrics.spoolBytes.Set(float64(sp.Bytes()))
	}
	if p.opts.RecentIDs == nil {
		return nil
	}
	wait := 100 * time.Millisecond
	for {
		start := p.opts.Now()
		n := 0
		p.gate.Lock()
		err := p.opts.RecentIDs(ctx, start.Add(-p.cfg.Dedup.Window), p.cfg.Dedup.CacheSize, func(id string) {
			p.cache.add(p.keys.key(id))
			n++
		})
		p.metrics.cacheEntries.Set(float64(p.cache.len()))
		p.gate.Unlock()
		if err == nil {
			p.logger.Info("duplicate cache warmed", "ids", n, "window", p.cfg.Dedup.Window, "took", p.opts.Now().Sub(start).Round(time.Millisecond))
			return nil
		}
		p.logger.Warn("cannot load recent event ids yet; retrying", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// process scores, redacts and deduplicates one request's events and hands the rest to the writer.
func (p *Pipeline) process(r *request) {
	now := p.opts.Now().UTC()
	start := time.Now()
	p.scorer.ScoreBatch(r.rows)
	p.metrics.scoreDuration.Observe(time.Since(start).Seconds())
	for i := range r.rows {
		row := &r.rows[i]
		row.IngestedAt = now
		if p.opts.Redact != nil {
			row.Text = p.opts.Redact(row.Text)
			for j := range row.Sentiment.Evidence {
				row.Sentiment.Evidence[j].Phrase = p.opts.Redact(row.Sentiment.Evidence[j].Phrase)
			}
		}
	}

	// Gate: drop ids already committed; wait on ids being written by another batch.
	keep := r.rows[:0]
	keys := make([]idKey, 0, len(r.rows))
	dups := 0
	f := &flight{}
	p.gate.Lock()
	for i := range r.rows {
		row := &r.rows[i]
		k := p.keys.key(row.ID)
		if p.cache.has(k) {
			dups++
			continue
		}
		if other, ok := p.inflight.get(k); ok {
			other.followers = append(other.followers, r)
			r.addParts(1)
			continue
		}
		p.inflight.put(k, f)
		keys = append(keys, k)
		if len(keep) == i {
			keep = keep[:i+1] // in place: no row dropped yet
		} else {
			keep = append(keep, *row)
		}
	}
	p.gate.Unlock()
	p.metrics.events.WithLabelValues(outcomeDuplicate).Add(float64(dups))
	if dups > 0 {
		// Duplicates of committed events settle now; the request's own part settles below.
		r.addParts(1)
		p.settle(r, nil, 0, dups)
	}
	total := int64(len(r.rows))
	if len(keep) == 0 {
		p.release(total)
		p.settle(r, nil, 0, 0)
		return
	}
	finish := func(err error) {
		var busy *event.BusyError
		if err != nil && !p.writer.Healthy() && !errors.As(err, &busy) {
			// Storage is down: the sender should retry later, as if refused at the door.
			err = &event.BusyError{Reason: event.BusyUnavailable, RetryAfter: p.cfg.RetryAfter, Err: err}
		}
		p.gate.Lock()
		for _, k := range keys {
			p.inflight.del(k)
			if err == nil {
				p.cache.add(k)
			}
		}
		p.metrics.cacheEntries.Set(float64(p.cache.len()))
		followers := f.followers
		p.gate.Unlock()
		p.release(total)
		if err != nil {
			p.metrics.events.WithLabelValues(outcomeFailed).Add(float64(len(keys)))
		} else {
			p.metrics.events.WithLabelValues(outcomeAccepted).Add(float64(len(keys)))
			if p.opts.OnAccepted != nil {
				p.opts.OnAccepted(keep)
			}
		}
		for _, fr := range followers {
			if err != nil {
				p.settle(fr, err, 0, 0)
			} else {
				p.metrics.events.WithLabelValues(outcomeDuplicate).Inc()
				p.settle(fr, nil, 0, 1)
			}
		}
		p.settle(r, err, len(keys), 0)
	}
	if sp := p.opts.Spool; sp != nil && (!p.writer.Healthy() || !sp.Empty()) {
		// Storage is down, or older events still wait in the spool: queue behind them.
		finish(p.spoolRows(keep))
		return
	}
	written := func(err error) {
		if err != nil && p.opts.Spool != nil && !p.writer.Healthy() {
			// Storage went away while this batch was being written: keep it in the spool.
			err = p.spoolRows(keep)
		}
		finish(err)
	}
	if err := p.writer.Add(context.Background(), keep, written); err != nil {
		finish(fmt.Errorf("hand to writer: %w", err))
	}
}

// spoolRows appends rows to the spool; they count as accepted once it returns nil.
func (p *Pipeline) spoolRows(rows []event.Scored) error {
	sp := p.opts.Spool
	err := sp.Append(rows)
	p.metrics.spoolBytes.Set(float64(sp.Bytes()))
	switch {
	case errors.Is(err, spool.ErrFull):
		return &event.BusyError{Reason: event.BusySpoolFull, RetryAfter: p.cfg.RetryAfter}
	case err != nil:
		p.logger.Error("spool append failed", "rows", len(rows), "err", err)
		return &event.BusyError{Reason: event.BusyUnavailable, RetryAfter: p.cfg.RetryAfter, Err: err}
	}
	p.metrics.spooled.Add(float64(len(rows)))
	return nil
}

// drain writes spooled events to storage, oldest first, while storage is healthy, until ctx ends.
func (p *Pipeline) drain(ctx context.Context) {
	sp := p.opts.Spool
	wait := 100 * time.Millisecond
	tick := time.NewTicker(wait)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for p.writer.Healthy() && !sp.Empty() && ctx.Err() == nil {
			if err := p.drainOnce(ctx); err != nil {
				p.logger.Warn("spool drain failed; will retry", "err", err)
				sp.Rewind()
				break
			}
		}
	}
}

func (p *Pipeline) drainOnce(ctx context.Context) error {
	sp := p.opts.Spool
	rows, pos, ok, err := sp.Next(p.opts.DrainRows)
	if err != nil || !ok {
		return err
	}
	if p.opts.Filter != nil && len(rows) > 0 {
		if rows, err = p.opts.Filter(ctx, rows); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		res := make(chan error, 1)
		if err := p.writer.Add(ctx, rows, func(err error) { res <- err }); err != nil {
			return err
		}
		if err := <-res; err != nil {
			return err
		}
	}
	if err := sp.Commit(pos); err != nil {
		return err
	}
	p.metrics.drained.Add(float64(len(rows)))
	p.metrics.spoolBytes.Set(float64(sp.Bytes()))
	return nil
}

// settle records an outcome of r and, if it was the last, marks r finished for shutdown.
func (p *Pipeline) settle(r *request, err error, accepted, duplicates int) {
	if r.settle(err, accepted, duplicates) {
		p.open.Done()
	}
}

func (p *Pipeline) release(n int64) {
	p.metrics.queued.Set(float64(p.queued.Add(-n)))
}
