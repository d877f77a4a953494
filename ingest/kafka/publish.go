package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cxpulse/cxpulse/event"
)

// PublishConfig is the `output.kafka:` section: scored events published to a topic as they are
// accepted, so that other systems can react to them as they happen.
type PublishConfig struct {
	// Brokers are the seed brokers, host:port; empty turns publishing off.
	Brokers []string `yaml:"brokers"`
	// Topic receives one record per accepted event.
	Topic    string `yaml:"topic"`
	ClientID string `yaml:"client_id"`
	// MaxBuffered bounds the records waiting for the brokers. Publishing never holds up
	// ingestion: beyond the bound, records are dropped and counted.
	MaxBuffered int `yaml:"max_buffered"`
	// CloseTimeout bounds the flush of buffered records at shutdown.
	CloseTimeout time.Duration `yaml:"close_timeout"`
	// TLS and SASL secure the connections to the brokers.
	TLS  TLSConfig  `yaml:"tls"`
	SASL SASLConfig `yaml:"sasl"`
}

// DefaultPublishConfig returns the defaults: client id "cxpulse", 100,000 buffered records, 10 s
// to flush at shutdown.
func DefaultPublishConfig() PublishConfig {
	return PublishConfig{ClientID: "cxpulse", MaxBuffered: 100000, CloseTimeout: 10 * time.Second}
}

// Enabled reports whether brokers are set.
func (c PublishConfig) Enabled() bool { return len(c.Brokers) > 0 }

// Validate reports every problem at once.
func (c PublishConfig) Validate() error {
	var errs []string
	if c.Topic == "" {
		errs = append(errs, "topic must be set")
	}
	if c.MaxBuffered <= 0 {
		errs = append(errs, fmt.Sprintf("max_buffered must be positive, got %d", c.MaxBuffered))
	}
	if c.CloseTimeout <= 0 {
		errs = append(errs, fmt.Sprintf("close_timeout must be positive, got %s", c.CloseTimeout))
	}
	errs = append(errs, c.TLS.problems()...)
	errs = append(errs, c.SASL.problems()...)
	return joinProblems(errs)
}

// Outcomes of a published record (label `outcome` of cxpulse_output_kafka_records_total).
const (
	PublishSent    = "sent"
	PublishFailed  = "failed"
	PublishDropped = "dropped"
)

// Publisher writes scored events to a Kafka topic, one JSON record each, keyed by customer (by
// event id when there is none) so a customer's events stay in order on one partition. Delivery
// is at least once and best effort: Publish never blocks; records the brokers do not take in
// time are counted, never retried forever. Events are published after they are durable and
// after redaction, exactly as stored.
type Publisher struct {
	cl           *kgo.Client
	closeTimeout time.Duration
	logger       *slog.Logger
	records      *prometheus.CounterVec
}

// NewPublisher connects lazily to the brokers; it fails only on a bad configuration.
func NewPublisher(cfg PublishConfig, logger *slog.Logger, reg prometheus.Registerer) (*Publisher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sec, err := securityOpts(cfg.TLS, cfg.SASL)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(sec,
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID(cfg.ClientID),
		kgo.DefaultProduceTopic(cfg.Topic),
		kgo.MaxBufferedRecords(cfg.MaxBuffered),
		kgo.ProducerLinger(5*time.Millisecond),
	)...)
	if err != nil {
		return nil, err
	}
	p := &Publisher{
		cl: cl, closeTimeout: cfg.CloseTimeout, logger: logger.With("component", "kafka-output"),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxpulse_output_kafka_records_total",
			Help: "Scored events published to the output topic, by outcome (sent, failed, dropped when the buffer was full).",
		}, []string{"outcome"}),
	}
	for _, o := range []string{PublishSent, PublishFailed, PublishDropped} {
		p.records.WithLabelValues(o)
	}
	if reg != nil {
		if err := reg.Register(p.records); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return p, nil
}

// Publish queues one record per row; it encodes the rows before returning and keeps nothing of
// them.
func (p *Publisher) Publish(rows []event.Scored) {
	for i := range rows {
		r := &rows[i]
		key := r.CustomerID
		if key == "" {
			key = r.ID
		}
		rec := &kgo.Record{Key: []byte(key), Value: AppendScoredJSON(nil, r)}
		p.cl.TryProduce(context.Background(), rec, p.done)
	}
}

func (p *Publisher) done(_ *kgo.Record, err error) {
	switch {
	case err == nil:
		p.records.WithLabelValues(PublishSent).Inc()
	case errors.Is(err, kgo.ErrMaxBuffered):
		p.records.WithLabelValues(PublishDropped).Inc()
	default:
		p.records.WithLabelValues(PublishFailed).Inc()
		p.logger.Warn("publishing a scored event failed", "err", err)
	}
}

// Close flushes what is buffered (for at most the configured close timeout) and closes the
// client; records still unsent then count as failed.
func (p *Publisher) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), p.closeTimeout)
	defer cancel()
	if err := p.cl.Flush(ctx); err != nil {
		p.logger.Warn("flushing the output topic at shutdown", "err", err)
	}
	p.cl.Close()
}

// AppendScoredJSON appends the JSON form of a scored event: the event's fields (as in the ingest
// API), then "sentiment" (as `cxpulse score` prints it) and "ingested_at".
func AppendScoredJSON(dst []byte, s *event.Scored) []byte {
	dst = event.AppendJSON(dst, &s.Event) // an object with at least "id": continue it
	dst = append(dst[:len(dst)-1], ',')
	sent := s.Sentiment
	if sent.Evidence == nil {
		sent.Evidence = []event.Evidence{}
	}
	if sent.Topics == nil {
		sent.Topics = []string{}
	}
	b, _ := json.Marshal(&sent) // plain data: cannot fail
	dst = append(dst, `"sentiment":`...)
	dst = append(dst, b...)
	dst = append(dst, `,"ingested_at":`...)
	dst = append(dst, '"')
	dst = s.IngestedAt.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"', '}')
}
