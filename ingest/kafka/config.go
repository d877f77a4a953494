package kafka

import (
	"fmt"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/event"
)

// Config configures the Kafka consumer. YAML keys are snake_case; start from DefaultConfig and
// decode over it so absent keys keep their defaults.
type Config struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string `yaml:"brokers"`
	// Topics are consumed as one consumer group.
	Topics []string `yaml:"topics"`
	// Group is the consumer group; instances sharing it share the partitions.
	Group string `yaml:"group"`
	// ClientID names this client to the brokers.
	ClientID string `yaml:"client_id"`
	// Format of a record's value: "json" (one event object, or a JSON array of them, per
	// record; a bad event dead-letters the whole record) or "ndjson" (one event a line; a bad
	// line dead-letters only that line).
	Format string `yaml:"format"`
	// Source is the event source when an event gives none.
	Source string `yaml:"source"`
	// Channel is the event channel when an event gives none; empty means events must name it.
	Channel string `yaml:"channel"`
	// MaxPollRecords bounds the records handed to the pipeline in one Submit.
	MaxPollRecords int `yaml:"max_poll_records"`
	// MaxRecordBytes dead-letters larger record values (reason too_large).
	MaxRecordBytes int `yaml:"max_record_bytes"`
	// CommitInterval is how often durable offsets are committed; they are also committed when
	// partitions are revoked and at shutdown.
	CommitInterval time.Duration `yaml:"commit_interval"`
	// SubmitTimeout bounds one Submit call; a Submit that times out is retried.
	SubmitTimeout time.Duration `yaml:"submit_timeout"`
	// RevokeTimeout bounds how long a rebalance waits for an in-flight Submit of a revoked
	// partition before abandoning it (its records are then consumed again by the new owner).
	RevokeTimeout time.Duration `yaml:"revoke_timeout"`
	// RetryInitial and RetryMax bound the exponential backoff between retries of a Submit or a
	// dead-letter write; a Retry-After from the pipeline is honoured up to RetryMax.
	RetryInitial time.Duration `yaml:"retry_initial"`
	RetryMax     time.Duration `yaml:"retry_max"`
	// DeadLetterTopic receives records (or NDJSON lines) that can never become events, with the
	// reason in headers. Optional when a RejectSink is wired; at least one of them is required.
	DeadLetterTopic string `yaml:"dead_letter_topic"`
	// ShutdownTimeout bounds the final Submit and commit at shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// TLS and SASL secure the connections to the brokers.
	TLS  TLSConfig  `yaml:"tls"`
	SASL SASLConfig `yaml:"sasl"`
}

// DefaultConfig returns the defaults: group and client id "cxpulse", format json, source
// "kafka", 1000 records a poll, 1 MiB records, commits every second.
func DefaultConfig() Config {
	return Config{
		Group:           "cxpulse",
		ClientID:        "cxpulse",
		Format:          "json",
		Source:          "kafka",
		MaxPollRecords:  1000,
		MaxRecordBytes:  1 << 20,
		CommitInterval:  time.Second,
		SubmitTimeout:   30 * time.Second,
		RevokeTimeout:   10 * time.Second,
		RetryInitial:    100 * time.Millisecond,
		RetryMax:        10 * time.Second,
		ShutdownTimeout: 10 * time.Second,
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []string
	if len(c.Brokers) == 0 {
		errs = append(errs, "brokers must not be empty")
	}
	if len(c.Topics) == 0 {
		errs = append(errs, "topics must not be empty")
	}
	for _, t := range c.Topics {
		if t == c.DeadLetterTopic && t != "" {
			errs = append(errs, fmt.Sprintf("dead_letter_topic %q must not be one of topics", t))
		}
	}
	if strings.TrimSpace(c.Group) == "" {
		errs = append(errs, "group must not be empty")
	}
	if c.Format != "json" && c.Format != "ndjson" {
		errs = append(errs, fmt.Sprintf("format must be json or ndjson, got %q", c.Format))
	}
	if strings.TrimSpace(c.Source) == "" {
		errs = append(errs, "source must not be empty")
	}
	if c.Channel != "" {
		if _, err := event.ParseChannel(c.Channel); err != nil {
			errs = append(errs, "channel: "+err.Error())
		}
	}
	if c.MaxPollRecords < 1 {
		errs = append(errs, fmt.Sprintf("max_poll_records must be at least 1, got %d", c.MaxPollRecords))
	}
	if c.MaxRecordBytes < 1024 {
		errs = append(errs, fmt.Sprintf("max_record_bytes must be at least 1024, got %d", c.MaxRecordBytes))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"commit_interval", c.CommitInterval},
		{"submit_timeout", c.SubmitTimeout},
		{"revoke_timeout", c.RevokeTimeout},
		{"retry_initial", c.RetryInitial},
		{"retry_max", c.RetryMax},
		{"shutdown_timeout", c.ShutdownTimeout},
	} {
		if d.v <= 0 {
			errs = append(errs, fmt.Sprintf("%s must be positive, got %s", d.name, d.v))
		}
	}
	if c.CommitInterval > 0 && c.CommitInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Sprintf("commit_interval must be at least 100ms, got %s", c.CommitInterval))
	}
	if c.RetryMax < c.RetryInitial {
		errs = append(errs, fmt.Sprintf("retry_max %s must not be less than retry_initial %s", c.RetryMax, c.RetryInitial))
	}
	errs = append(errs, c.TLS.problems()...)
	errs = append(errs, c.SASL.problems()...)
	if len(errs) > 0 {
		return fmt.Errorf("kafka: %s", strings.Join(errs, "; "))
	}
	return nil
}
