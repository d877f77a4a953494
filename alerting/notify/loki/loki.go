// Package loki ships cxpulse's audit trail (alert transitions, notifications) to Loki with its
// push protocol (snappy-compressed protobuf). The pusher never blocks its callers: lines go to a
// bounded queue, a full queue drops and counts, and a background loop batches and pushes.
package loki

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// Config configures a Pusher.
type Config struct {
	// URL is Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push.
	URL string `yaml:"url"`
	// TenantID is sent as X-Scope-OrgID when set.
	TenantID string `yaml:"tenant_id"`
	// Labels are added to every stream ({app="cxpulse"} by default).
	Labels map[string]string `yaml:"labels"`
	// QueueSize bounds the lines waiting to be pushed; beyond it lines are dropped and counted.
	QueueSize int `yaml:"queue_size"`
	// BatchSize is the most lines in one push.
	BatchSize int `yaml:"batch_size"`
	// BatchWait is the longest a line waits for its batch to fill.
	BatchWait time.Duration `yaml:"batch_wait"`
	// Timeout bounds one push; MaxRetries the attempts after the first.
	Timeout    time.Duration `yaml:"timeout"`
	MaxRetries int           `yaml:"max_retries"`
}

// Defaults fills zero fields.
func (c *Config) Defaults() {
	if c.QueueSize == 0 {
		c.QueueSize = 10000
	}
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.BatchWait == 0 {
		c.BatchWait = time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.Labels == nil {
		c.Labels = map[string]string{"app": "cxpulse"}
	}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.URL == "" {
		return errors.New("loki: url is required")
	}
	if c.QueueSize < 0 || c.BatchSize < 0 || c.MaxRetries < 0 {
		return errors.New("loki: queue_size, batch_size and max_retries must not be negative")
	}
	return nil
}

// Reasons lines are dropped (label values of cxpulse_loki_lines_dropped_total).
const (
	DropQueueFull  = "queue_full"
	DropPushFailed = "push_failed"
	DropShutdown   = "shutdown"
)

type line struct {
	t    time.Time
	kind string
	text string
}

// Pusher batches lines and pushes them to Loki. Push is safe for concurrent use and never
// blocks; Run pushes until its context ends, then pushes what is queued within a drain bound.
type Pusher struct {
	cfg    Config
	hc     *http.Client
	logger *slog.Logger
	queue  chan line

	dropped *prometheus.CounterVec
	pushed  prometheus.Counter

	runOnce sync.Once
}

// New wires a pusher; it starts nothing.
func New(cfg Config, hc *http.Client, logger *slog.Logger, reg prometheus.Registerer) (*Pusher, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{}
	}
	p := &Pusher{
		cfg: cfg, hc: hc, logger: logger, queue: make(chan line, cfg.QueueSize),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_loki_lines_dropped_total",
			Help: "Audit lines not shipped to Loki, by reason (queue_full, push_failed, shutdown).",
		}, []string{"reason"}),
		pushed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cxpulse_loki_lines_pushed_total",
			Help: "Audit lines shipped to Loki.",
		}),
	}
	for _, r := range []string{DropQueueFull, DropPushFailed, DropShutdown} {
		p.dropped.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(p.dropped, p.pushed)
	}
	return p, nil
}

// Push queues a line of a kind ("alert", "notification") without blocking; when the queue is
// full the line is dropped and counted.
func (p *Pusher) Push(t time.Time, kind, text string) {
	select {
	case p.queue <- line{t: t, kind: kind, text: text}:
	default:
		p.dropped.WithLabelValues(DropQueueFull).Inc()
	}
}

// Run batches and pushes lines until ctx ends, then drains the queue for at most 5 s. A second
// call returns at once.
func (p *Pusher) Run(ctx context.Context) error {
	first := false
	p.runOnce.Do(func() { first = true })
	if !first {
		return nil
	}
	var batch []line
	timer := time.NewTimer(p.cfg.BatchWait)
	defer timer.Stop()
	flush := func(ctx context.Context) {
		if len(batch) == 0 {
			return
		}
		if err := p.pushRetry(ctx, batch); err != nil {
			p.dropped.WithLabelValues(DropPushFailed).Add(float64(len(batch)))
			p.logger.Warn("push audit lines to loki", "lines", len(batch), "err", err)
		} else {
			p.pushed.Add(float64(len(batch)))
		}
		batch = batch[:0]
	}
	for {
		select {
		case <-ctx.Done():
			drain, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
		drainLoop:
			for {
				select {
				case l := <-p.queue:
					batch = append(batch, l)
					if len(batch) >= p.cfg.BatchSize {
						flush(drain)
					}
				default:
					break drainLoop
				}
			}
			flush(drain)
			return nil
		case l := <-p.queue:
			batch = append(batch, l)
			if len(batch) >= p.cfg.BatchSize {
				flush(ctx)
			}
		case <-timer.C:
			flush(ctx)
			timer.Reset(p.cfg.BatchWait)
		}
	}
}

func (p *Pusher) pushRetry(ctx context.Context, batch []line) error {
	body, err := Encode(p.cfg.Labels, batch2entries(batch))
	if err != nil {
		return err
	}
	var last error
	wait := 500 * time.Millisecond
	for attempt := 0; attempt <= p.cfg.MaxRetries; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(last, ctx.Err())
			case <-t.C:
			}
			wait *= 2
		}
		last = p.push(ctx, body)
		if last == nil {
			return nil
		}
		if retry, after := notify.Retryable(last); !retry {
			return last
		} else if after > wait {
			wait = after
		}
	}
	return last
}

func (p *Pusher) push(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return &notify.Error{Err: fmt.Errorf("loki push: %w", err)}
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("Content-Encoding", "snappy")
	if p.cfg.TenantID != "" {
		req.Header.Set("X-Scope-OrgID", p.cfg.TenantID)
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return fmt.Errorf("loki push: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return notify.StatusError(resp, "loki push")
}

// Entry is one line of a stream kind.
type Entry struct {
	Time time.Time
	Kind string
	Line string
}

func batch2entries(b []line) []Entry {
	out := make([]Entry, len(b))
	for i, l := range b {
		out[i] = Entry{Time: l.t, Kind: l.kind, Line: l.text}
	}
	return out
}

// Encode builds the snappy-compressed protobuf body of a push: one stream per kind, the kind
// as label "kind" next to the given labels, entries in time order.
func Encode(labels map[string]string, entries []Entry) ([]byte, error) {
	byKind := map[string][]push.Entry{}
	for _, e := range entries {
		byKind[e.Kind] = append(byKind[e.Kind], push.Entry{Timestamp: e.Time, Line: e.Line})
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	req := push.PushRequest{}
	for _, k := range kinds {
		es := byKind[k]
		sort.SliceStable(es, func(i, j int) bool { return es[i].Timestamp.Before(es[j].Timestamp) })
		ls := map[string]string{"kind": k}
		for n, v := range labels {
			ls[n] = v
		}
		req.Streams = append(req.Streams, push.Stream{Labels: labelString(ls), Entries: es})
	}
	raw, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("loki: encode push: %w", err)
	}
	return snappy.Encode(nil, raw), nil
}

func labelString(ls map[string]string) string {
	names := make([]string, 0, len(ls))
	for k := range ls {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%q", k, ls[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Dropped returns the drop counter of a reason (for tests and dashboards).
func (p *Pusher) Dropped(reason string) prometheus.Counter { return p.dropped.WithLabelValues(reason) }

// Pushed returns the counter of pushed lines.
func (p *Pusher) Pushed() prometheus.Counter { return p.pushed }
