// Package kafka consumes events from Kafka topics as a consumer group (franz-go) and hands them
// to the pipeline.
//
// Delivery is at least once, and offsets never run ahead of durability: a record's offset is
// marked for commit only after Submit returned OK for its events (or, for a record that can
// never become an event, after it was written to the dead-letter destinations). Marked offsets
// are committed every commit_interval, when partitions are revoked and at shutdown. Under
// back-pressure (Submit returns *event.BusyError) fetching is paused and the same events are
// retried with backoff, honouring Retry-After; nothing is skipped. When a rebalance revokes a
// partition, the revocation waits (up to revoke_timeout) for an in-flight Submit, commits what
// is durable, and the records of that partition not yet durable are abandoned uncommitted, to be
// consumed again by the new owner. Redelivered events keep their ids, so storage dedups them.
package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intake"
)

// SourceName is the value of the `source` label of this door's metrics.
const SourceName = "kafka"

// SkipEmpty is the reason for skipping an empty record (a tombstone).
const SkipEmpty = "empty"

// Rejected is a record, or one line of an NDJSON record, that can never become an event. It is
// what the `rejected` table stores.
type Rejected struct {
	// Time is when it was rejected.
	Time time.Time
	// Source is the door ("kafka").
	Source    string
	Topic     string
	Partition int32
	Offset    int64
	// Line is the 1-based line within an NDJSON record, 0 for the whole record.
	Line int
	// Reason is a fixed token: syntax, invalid, limit or too_large.
	Reason string
	// Error says what is wrong, for a person.
	Error string
	// Payload is the raw record value (or line). It is owned by the Rejected.
	Payload []byte
}

// RejectSink stores rejected records durably (the `rejected` table). Reject blocks until rs is
// durable and returns nil, or returns an error and then nothing needs to have been stored: the
// consumer retries the whole slice. Reject must be safe for concurrent use and idempotent
// enough for such retries (a row stored twice is acceptable). rs is owned by the sink once
// passed.
type RejectSink interface {
	Reject(ctx context.Context, rs []Rejected) error
}

// Consumer consumes the configured topics into a Submitter. New wires it, Run runs it.
type Consumer struct {
	cfg    Config
	sub    ingest.Submitter
	sink   RejectSink
	log    *slog.Logger
	parser *event.Parser
	shared *intake.Metrics
	m      *metrics
	opts   []kgo.Opt

	mu       sync.Mutex
	owned    map[topicPartition]bool
	inflight *inflight

	running atomic.Bool
	// killed simulates a crash in tests: nothing is marked or committed any more.
	killed atomic.Bool
	stop   context.CancelFunc
}

type topicPartition struct {
	topic     string
	partition int32
}

// inflight is a Submit in progress.
type inflight struct {
	parts  map[topicPartition]bool
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a consumer of cfg's topics submitting events built within limits to sub and writing rejects to sink (which
// may be nil when cfg.DeadLetterTopic is set). im holds the shared ingest counters (nil: private
// ones); reg receives the Kafka-specific metrics. opts are extra franz-go options (TLS, SASL,
// test tuning); they are applied after cxpulse's own. It starts nothing.
func New(cfg Config, limits event.Limits, sub ingest.Submitter, sink RejectSink, logger *slog.Logger, reg prometheus.Registerer, im *ingest.Metrics, opts ...kgo.Opt) (*Consumer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("kafka: event limits: %w", err)
	}
	if sink == nil && cfg.DeadLetterTopic == "" {
		return nil, errors.New("kafka: a dead-letter destination is required: set dead_letter_topic or wire a RejectSink")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	shared, err := intake.NewMetrics(im, reg, SourceName, []string{SkipEmpty})
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	sec, err := securityOpts(cfg.TLS, cfg.SASL)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	ch := event.ChannelUnknown
	if cfg.Channel != "" {
		ch, _ = event.ParseChannel(cfg.Channel)
	}
	return &Consumer{
		cfg:    cfg,
		sub:    sub,
		sink:   sink,
		log:    logger.With("component", "kafka"),
		parser: event.NewParser(limits, event.Defaults{Source: cfg.Source, Channel: ch}),
		shared: shared,
		m:      m,
		opts:   append(sec, opts...),
		owned:  make(map[topicPartition]bool),
	}, nil
}

// Run consumes until ctx is cancelled (or a fatal client error), then stops fetching, lets an
// in-flight Submit finish (bounded by shutdown_timeout), commits what is durable, leaves the
// group and returns nil. It may be called once.
func (c *Consumer) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("kafka: Run called twice")
	}
	ctx, c.stop = context.WithCancel(ctx)
	defer c.stop()
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.cfg.Brokers...),
		kgo.ClientID(c.cfg.ClientID),
		kgo.ConsumerGroup(c.cfg.Group),
		kgo.ConsumeTopics(c.cfg.Topics...),
		kgo.AutoCommitMarks(),
		kgo.AutoCommitInterval(c.cfg.CommitInterval),
		kgo.AutoCommitCallback(c.commitDone),
		kgo.OnPartitionsAssigned(c.assigned),
		kgo.OnPartitionsRevoked(c.revoked),
		kgo.OnPartitionsLost(c.lost),
	}
	cl, err := kgo.NewClient(append(opts, c.opts...)...)
	if err != nil {
		return fmt.Errorf("kafka: creating client for %v: %w", c.cfg.Brokers, err)
	}
	c.log.Info("consuming", "topics", c.cfg.Topics, "group", c.cfg.Group)
	for ctx.Err() == nil {
		fetches := cl.PollRecords(ctx, c.cfg.MaxPollRecords)
		if fetches.IsClientClosed() {
			break
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if errors.Is(err, context.Canceled) {
				return
			}
			c.m.fetchErrors.Inc()
			c.log.Warn("fetch failed", "topic", topic, "partition", p, "err", err)
		})
		recs := fetches.Records()
		if len(recs) == 0 {
			continue
		}
		if err := c.process(ctx, cl, recs); err != nil {
			break
		}
	}
	if !c.killed.Load() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ShutdownTimeout)
		if err := cl.CommitMarkedOffsets(cctx); err != nil {
			c.m.commitErrors.Inc()
			c.log.Warn("final commit failed; uncommitted records will be consumed again", "err", err)
		}
		cancel()
	}
	cl.Close()
	c.log.Info("stopped")
	return nil
}

// kill simulates a crash: from now on nothing is marked or committed, and Run returns as soon
// as it can. Used by tests.
func (c *Consumer) kill() {
	c.killed.Store(true)
	if c.stop != nil {
		c.stop()
	}
}

func (c *Consumer) commitDone(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, _ *kmsg.OffsetCommitResponse, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		c.m.commitErrors.Inc()
		c.log.Warn("offset commit failed; uncommitted records will be consumed again", "err", err)
	}
}

func (c *Consumer) assigned(_ context.Context, _ *kgo.Client, ps map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, parts := range ps {
		for _, p := range parts {
			c.owned[topicPartition{t, p}] = true
		}
	}
}

// revoked runs in the group's goroutine before ps are given to another member: it waits for a
// Submit touching them (up to revoke_timeout, then cancels it) and commits every durable offset.
func (c *Consumer) revoked(ctx context.Context, cl *kgo.Client, ps map[string][]int32) {
	c.release(ps, c.cfg.RevokeTimeout)
	if c.killed.Load() {
		return
	}
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		c.m.commitErrors.Inc()
		c.log.Warn("commit on revoke failed; uncommitted records will be consumed again", "err", err)
	}
}

// lost runs when the group session is lost: commits would fail, so in-flight work for ps is
// cancelled at once.
func (c *Consumer) lost(_ context.Context, _ *kgo.Client, ps map[string][]int32) {
	c.release(ps, 0)
}

func (c *Consumer) release(ps map[string][]int32, wait time.Duration) {
	c.mu.Lock()
	touched := false
	for t, parts := range ps {
		for _, p := range parts {
			tp := topicPartition{t, p}
			delete(c.owned, tp)
			if c.inflight != nil && c.inflight.parts[tp] {
				touched = true
			}
		}
	}
	inf := c.inflight
	c.mu.Unlock()
	if !touched {
		return
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-inf.done:
			return
		case <-t.C:
			c.log.Warn("revoked partitions still in a Submit; abandoning it", "wait", wait)
		}
	}
	inf.cancel()
	<-inf.done
}

// item is a polled record and what it became.
type item struct {
	rec *kgo.Record
	evs []event.Event
}

// process makes every record of recs durable (as events or as rejects), then marks them for
// commit. It returns an error only when it must stop (shutdown or crash); the records not yet
// durable are then left uncommitted.
func (c *Consumer) process(ctx context.Context, cl *kgo.Client, recs []*kgo.Record) error {
	items := make([]item, 0, len(recs))
	var rejects []Rejected
	for _, r := range recs {
		evs, rej := c.parse(r)
		rejects = append(rejects, rej...)
		items = append(items, item{rec: r, evs: evs})
	}
	if len(rejects) > 0 {
		topicDone := false
		if err := c.retry(ctx, cl, func(ctx context.Context) (string, error) {
			return RetryDeadLetter, c.deadLetter(ctx, cl, rejects, &topicDone)
		}); err != nil {
			return err
		}
		for _, r := range rejects {
			c.m.deadLetters.WithLabelValues(r.Reason).Inc()
			c.shared.Rejected(r.Reason, 1)
		}
	}
	return c.retry(ctx, cl, func(sctx context.Context) (string, error) {
		return c.submit(sctx, cl, &items)
	})
}

// submit hands the events of the still-owned items to the pipeline once and, on success, marks
// their records.
func (c *Consumer) submit(ctx context.Context, cl *kgo.Client, items *[]item) (string, error) {
	c.mu.Lock()
	if c.killed.Load() {
		c.mu.Unlock()
		return "", errKilled
	}
	kept := (*items)[:0]
	var evs []event.Event
	parts := make(map[topicPartition]bool)
	for _, it := range *items {
		tp := topicPartition{it.rec.Topic, it.rec.Partition}
		if !c.owned[tp] {
			c.m.abandoned.Inc()
			continue
		}
		kept = append(kept, it)
		evs = append(evs, it.evs...)
		parts[tp] = true
	}
	*items = kept
	if len(kept) == 0 {
		c.mu.Unlock()
		return "", nil
	}
	sctx, cancel := context.WithTimeout(ctx, c.cfg.SubmitTimeout)
	inf := &inflight{parts: parts, cancel: cancel, done: make(chan struct{})}
	c.inflight = inf
	c.mu.Unlock()

	var ack event.Ack
	var err error
	if len(evs) > 0 {
		// The Submitter owns what it is given; keep our events for a retry.
		ack, err = c.sub.Submit(sctx, intake.CloneEvents(evs))
	}
	cancel()

	c.mu.Lock()
	c.inflight = nil
	if err == nil && !c.killed.Load() {
		recs := make([]*kgo.Record, 0, len(kept))
		for _, it := range kept {
			// A partition revoked during the Submit is not marked: its new owner has already
			// started from the last commit and will deliver these events again.
			if c.owned[topicPartition{it.rec.Topic, it.rec.Partition}] {
				recs = append(recs, it.rec)
			}
		}
		cl.MarkCommitRecords(recs...)
	}
	close(inf.done)
	c.mu.Unlock()
	if err != nil {
		var busy *event.BusyError
		if errors.As(err, &busy) {
			return busy.Reason, err
		}
		return RetryError, err
	}
	c.shared.Acked(ack)
	return "", nil
}

var errKilled = errors.New("kafka: consumer killed")

// retry calls attempt until it succeeds, pausing fetching meanwhile. It returns an error only
// when ctx is done or the consumer was killed.
func (c *Consumer) retry(ctx context.Context, cl *kgo.Client, attempt func(context.Context) (string, error)) error {
	paused := false
	defer func() {
		if paused {
			cl.ResumeFetchTopics(c.cfg.Topics...)
			c.m.paused.Set(0)
		}
	}()
	// Work already polled is finished even when shutting down: ctx's cancellation stops new
	// polls and retries, not the attempt in progress.
	actx := context.WithoutCancel(ctx)
	for n := 0; ; n++ {
		reason, err := attempt(actx)
		if err == nil {
			return nil
		}
		if errors.Is(err, errKilled) || c.killed.Load() {
			return errKilled
		}
		c.m.retries.WithLabelValues(reason).Inc()
		if !paused {
			cl.PauseFetchTopics(c.cfg.Topics...)
			c.m.paused.Set(1)
			paused = true
		}
		wait := c.backoff(n, err)
		if n == 0 || n%10 == 0 {
			c.log.Warn("retrying", "reason", reason, "attempt", n+1, "wait", wait, "err", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// backoff is retry_initial doubled per attempt up to retry_max, or the pipeline's Retry-After
// when longer (still capped at retry_max).
func (c *Consumer) backoff(n int, err error) time.Duration {
	d := c.cfg.RetryInitial
	for i := 0; i < n && d < c.cfg.RetryMax; i++ {
		d *= 2
	}
	var busy *event.BusyError
	if errors.As(err, &busy) && busy.RetryAfter > d {
		d = busy.RetryAfter
	}
	return min(d, c.cfg.RetryMax)
}

// parse turns a record into events, or into rejects for what can never become one.
func (c *Consumer) parse(r *kgo.Record) ([]event.Event, []Rejected) {
	now := r.Timestamp
	if now.IsZero() {
		now = time.Now()
	}
	reject := func(line int, reason, msg string, payload []byte) Rejected {
		return Rejected{
			Time: time.Now().UTC(), Source: c.cfg.Source, Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
			Line: line, Reason: reason, Error: msg, Payload: bytes.Clone(payload),
		}
	}
	if len(bytes.TrimSpace(r.Value)) == 0 {
		c.shared.Skipped(SkipEmpty, 1)
		return nil, nil
	}
	if len(r.Value) > c.cfg.MaxRecordBytes {
		return nil, []Rejected{reject(0, ReasonTooLarge, fmt.Sprintf("record value is %d bytes, more than max_record_bytes %d", len(r.Value), c.cfg.MaxRecordBytes), r.Value)}
	}
	var evs []event.Event
	if c.cfg.Format == "json" {
		err := c.parser.ReadAll(r.Value, event.FormatJSON, now, func(ev event.Event, fx event.Fixes) error {
			c.shared.Received(1)
			c.shared.Fixed(fx)
			evs = append(evs, ev)
			return nil
		})
		if err != nil {
			return nil, []Rejected{reject(0, reasonOf(err), err.Error(), r.Value)}
		}
		return evs, nil
	}
	var rejects []Rejected
	line := 0
	rest := r.Value
	for len(rest) > 0 {
		var l []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			l, rest = rest, nil
		}
		line++
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		c.shared.Received(1)
		ev, fx, err := c.parser.ParseObject(l, line-1, now)
		if err != nil {
			rejects = append(rejects, reject(line, reasonOf(err), "line "+strconv.Itoa(line)+": "+err.Error(), l))
			continue
		}
		c.shared.Fixed(fx)
		evs = append(evs, ev)
	}
	return evs, rejects
}

func reasonOf(err error) string {
	var ee *event.Error
	if errors.As(err, &ee) {
		return ee.Reason
	}
	return event.ReasonInvalid
}

// Headers of a dead-lettered record.
const (
	HeaderReason    = "cxpulse-reason"
	HeaderError     = "cxpulse-error"
	HeaderTopic     = "cxpulse-topic"
	HeaderPartition = "cxpulse-partition"
	HeaderOffset    = "cxpulse-offset"
	HeaderLine      = "cxpulse-line"
)

// deadLetter writes rejects to the dead-letter topic and the sink; both must succeed. topicDone
// records that the topic has them, so that a retry after a failing sink does not produce them
// again.
func (c *Consumer) deadLetter(ctx context.Context, cl *kgo.Client, rejects []Rejected, topicDone *bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.SubmitTimeout)
	defer cancel()
	if c.cfg.DeadLetterTopic != "" && !*topicDone {
		recs := make([]*kgo.Record, 0, len(rejects))
		for _, r := range rejects {
			recs = append(recs, &kgo.Record{
				Topic: c.cfg.DeadLetterTopic,
				Value: r.Payload,
				Headers: []kgo.RecordHeader{
					{Key: HeaderReason, Value: []byte(r.Reason)},
					{Key: HeaderError, Value: []byte(r.Error)},
					{Key: HeaderTopic, Value: []byte(r.Topic)},
					{Key: HeaderPartition, Value: []byte(strconv.Itoa(int(r.Partition)))},
					{Key: HeaderOffset, Value: []byte(strconv.FormatInt(r.Offset, 10))},
					{Key: HeaderLine, Value: []byte(strconv.Itoa(r.Line))},
				},
			})
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return fmt.Errorf("producing to dead-letter topic %s: %w", c.cfg.DeadLetterTopic, err)
		}
		*topicDone = true
	}
	if c.sink != nil {
		cp := make([]Rejected, len(rejects))
		copy(cp, rejects)
		if err := c.sink.Reject(ctx, cp); err != nil {
			return fmt.Errorf("storing rejected records: %w", err)
		}
	}
	return nil
}
