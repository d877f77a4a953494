package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/internal/secret"
)

// Store is cxpulse's connection to ClickHouse. Open wires it without contacting the server;
// Migrate probes the server and applies the schema. Safe for concurrent use.
type Store struct {
	cfg     Config
	conn    driver.Conn
	logger  *slog.Logger
	metrics *metrics

	mu      sync.RWMutex
	dialect Dialect
	probed  bool
}

// Open prepares a connection pool to the configured servers. It does not contact them.
func Open(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("clickhouse config: %w", err)
	}
	pw, err := secret.Expand(cfg.Password.Value())
	if err != nil {
		return nil, fmt.Errorf("clickhouse password: %w", err)
	}
	opts := &clickhouse.Options{
		Addr:             cfg.Addr,
		Auth:             clickhouse.Auth{Database: "default", Username: cfg.Username, Password: pw.Value()},
		DialTimeout:      cfg.DialTimeout,
		ReadTimeout:      cfg.QueryTimeout + 30*time.Second,
		MaxOpenConns:     16,
		MaxIdleConns:     8,
		ConnMaxLifetime:  time.Hour,
		ConnOpenStrategy: clickhouse.ConnOpenInOrder,
	}
	if cfg.Compression {
		opts.Compression = &clickhouse.Compression{Method: clickhouse.CompressionLZ4}
	}
	if cfg.Cluster != "" {
		// Acknowledged means stored: an insert into a Distributed table returns only once the
		// shards have the rows, not when they are queued on the node that took it.
		opts.Settings = clickhouse.Settings{"insert_distributed_sync": 1}
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse %s: %w", strings.Join(cfg.Addr, ","), err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Store{
		cfg: cfg, conn: conn, logger: logger, metrics: newMetrics(reg),
		dialect: Dialect{Caps: Portable(), Database: cfg.Database, Cluster: cfg.Cluster, Retention: cfg.Retention},
	}, nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.conn.Close() }

// Conn is the underlying connection pool, for packages that run their own queries.
func (s *Store) Conn() driver.Conn { return s.conn }

// Database is the configured database name.
func (s *Store) Database() string { return s.cfg.Database }

// Dialect is how DDL and queries are rendered for the server; valid after Probe or Migrate.
func (s *Store) Dialect() Dialect {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dialect
}

// Ping checks that a server answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
	defer cancel()
	return s.conn.Ping(ctx)
}

// Probe asks the server for its capabilities and fixes the dialect.
func (s *Store) Probe(ctx context.Context) (Capabilities, error) {
	caps, err := Probe(ctx, s.conn)
	if err != nil {
		return caps, err
	}
	s.mu.Lock()
	s.dialect.Caps = caps
	s.probed = true
	s.mu.Unlock()
	return caps, nil
}

// Migrate probes the server, creates the database and applies the migrations not yet recorded in
// schema_migrations. Every statement is idempotent, so an interrupted migration is safely re-run.
func (s *Store) Migrate(ctx context.Context) error {
	caps, err := s.Probe(ctx)
	if err != nil {
		return err
	}
	d := s.Dialect()
	s.logger.Info("clickhouse capabilities", "server", caps.String(), "database", d.Database, "cluster", d.Cluster)
	if err := s.conn.Exec(ctx, d.CreateDatabase()); err != nil {
		return fmt.Errorf("create database %s: %w", d.Database, err)
	}
	for _, stmt := range d.CreateTable(migrationsTable) {
		if err := s.conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("create %s: %w", migrationsTable.Name, err)
		}
	}
	applied, err := column(ctx, s.conn, "SELECT id FROM "+d.Qualified(migrationsTable.Name))
	if err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	for _, m := range Migrations() {
		if applied[m.ID] {
			continue
		}
		stmts := d.Statements(m)
		for _, stmt := range stmts {
			if err := s.conn.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migration %s: %w\n%s", m.ID, err, stmt)
			}
		}
		b, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+d.Qualified(migrationsTable.Name)+" (id, applied_at, statements)")
		if err != nil {
			return fmt.Errorf("record migration %s: %w", m.ID, err)
		}
		if err := b.Append(m.ID, time.Now(), uint32(len(stmts))); err != nil {
			return fmt.Errorf("record migration %s: %w", m.ID, err)
		}
		if err := b.Send(); err != nil {
			return fmt.Errorf("record migration %s: %w", m.ID, err)
		}
		s.logger.Info("applied migration", "id", m.ID, "statements", len(stmts))
	}
	return nil
}

// IsTransient reports whether err is worth retrying: the server or the network failed, not the
// statement.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		switch ex.Code {
		case 159, // TIMEOUT_EXCEEDED
			164, // READONLY
			202, // TOO_MANY_SIMULTANEOUS_QUERIES
			203, // NO_FREE_CONNECTION
			209, // SOCKET_TIMEOUT
			210, // NETWORK_ERROR
			241, // MEMORY_LIMIT_EXCEEDED
			242, // TABLE_IS_READ_ONLY
			252, // TOO_MANY_PARTS
			319, // UNKNOWN_STATUS_OF_INSERT
			425, // SYSTEM_ERROR
			999: // KEEPER_EXCEPTION
			return true
		}
		return false
	}
	// Everything that is not a server exception is a connection, protocol or timeout failure.
	return !errors.Is(err, context.Canceled)
}
