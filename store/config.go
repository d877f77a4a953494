// Package store keeps cxpulse's data in ClickHouse: capability-gated schema migrations, the batch
// writer, and the queries that rules, outreach, backtests and dashboards share.
package store

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/internal/secret"
)

// Config is the `clickhouse:` section of the configuration.
type Config struct {
	// Addr lists native-protocol addresses (host:port); the client fails over between them.
	Addr []string `yaml:"addr"`
	// Database holds every cxpulse table.
	Database string `yaml:"database"`
	Username string `yaml:"username"`
	// Password may reference the environment as ${VAR}; it never appears in logs or errors.
	Password    secret.Secret `yaml:"password"`
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// QueryTimeout bounds reads (rule queries, dashboards checks, dedup warm-up).
	QueryTimeout time.Duration `yaml:"query_timeout"`
	// Compression turns on LZ4 compression of the native protocol.
	Compression bool `yaml:"compression"`
	// Retention says how long rows are kept: raw events (with text) shorter than rollups.
	Retention RetentionConfig `yaml:"retention"`
	// Cluster, when set, makes migrations run ON CLUSTER with Replicated engines and Distributed
	// tables in front of the local ones.
	Cluster string `yaml:"cluster"`
}

// RetentionConfig bounds how long data is kept. Zero keeps forever.
type RetentionConfig struct {
	Events  time.Duration `yaml:"events"`
	Rollups time.Duration `yaml:"rollups"`
}

// DefaultConfig returns the configuration used for keys a file leaves out.
func DefaultConfig() Config {
	return Config{
		Addr:         []string{"127.0.0.1:9000"},
		Database:     "cxpulse",
		Username:     "default",
		DialTimeout:  5 * time.Second,
		QueryTimeout: 30 * time.Second,
		Retention:    RetentionConfig{Events: 90 * 24 * time.Hour, Rollups: 400 * 24 * time.Hour},
	}
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if len(c.Addr) == 0 {
		errs = append(errs, errors.New("addr: at least one address is required"))
	}
	for _, a := range c.Addr {
		if !strings.Contains(a, ":") {
			errs = append(errs, fmt.Errorf("addr: %q is not host:port", a))
		}
	}
	if !identRE.MatchString(c.Database) {
		errs = append(errs, fmt.Errorf("database: %q is not a valid identifier (letters, digits, _)", c.Database))
	}
	if c.Cluster != "" && !identRE.MatchString(c.Cluster) {
		errs = append(errs, fmt.Errorf("cluster: %q is not a valid identifier", c.Cluster))
	}
	if c.DialTimeout <= 0 || c.QueryTimeout <= 0 {
		errs = append(errs, errors.New("dial_timeout and query_timeout must be positive"))
	}
	if c.Retention.Events < 0 || c.Retention.Rollups < 0 {
		errs = append(errs, errors.New("retention: durations must not be negative"))
	}
	if c.Retention.Events > 0 && c.Retention.Events < 24*time.Hour {
		errs = append(errs, fmt.Errorf("retention.events: %s is shorter than a day", c.Retention.Events))
	}
	if c.Retention.Rollups > 0 && c.Retention.Rollups < c.Retention.Events {
		errs = append(errs, errors.New("retention.rollups must not be shorter than retention.events"))
	}
	return errors.Join(errs...)
}
