// Package chtest gives tests a real ClickHouse server: one shared by all tests of a test binary
// (started on first use, or taken from CXPULSE_TEST_CLICKHOUSE) and private ones for tests that
// stop and restart the server.
//
// When no server can be started the tests skip, unless CXPULSE_REQUIRE_CLICKHOUSE=1 (set by
// `make test`), in which case they fail.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/cxpulse/cxpulse/internal/chserver"
)

// EnvAddr names a running server to use instead of starting one (host:port, native protocol).
const EnvAddr = "CXPULSE_TEST_CLICKHOUSE"

// EnvRequire makes a missing ClickHouse a test failure instead of a skip.
const EnvRequire = "CXPULSE_REQUIRE_CLICKHOUSE"

var shared struct {
	once sync.Once
	srv  *chserver.Server
	addr string
	err  error
}

// Main runs the tests of a test binary and stops the shared server afterwards. Call it from
// TestMain: os.Exit(chtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.srv != nil {
		_ = shared.srv.Close()
	}
	return code
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" || !errors.Is(err, chserver.ErrNotInstalled) {
		t.Fatalf("clickhouse: %v", err)
	}
	t.Skipf("skipping: %v", err)
}

// Addr returns the address of the shared server, starting it on first use.
func Addr(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		if a := os.Getenv(EnvAddr); a != "" {
			shared.addr = a
			return
		}
		shared.srv, shared.err = chserver.Start(context.Background(), chserver.Options{})
		if shared.err == nil {
			shared.addr = shared.srv.Addr()
		}
	})
	if shared.err != nil {
		unavailable(t, shared.err)
	}
	return shared.addr
}

// Database creates a database with a fresh name on the shared server and drops it when the test
// ends. It returns the server address and the database name.
func Database(t testing.TB) (addr, db string) {
	t.Helper()
	addr = Addr(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	db = "test_" + hex.EncodeToString(b[:])
	conn := Conn(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := conn.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Logf("drop database %s: %v", db, err)
		}
	})
	return addr, db
}

// Conn opens a native connection to addr, closed when the test ends.
func Conn(t testing.TB, addr string) clickhouse.Conn {
	t.Helper()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open clickhouse %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// Private starts a server used by this test alone (to stop, kill and restart it); it is removed
// when the test ends.
func Private(t testing.TB) *chserver.Server {
	t.Helper()
	srv, err := chserver.Start(context.Background(), chserver.Options{})
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// Count runs a query that returns one unsigned number, failing the test on error.
func Count(t testing.TB, conn clickhouse.Conn, query string, args ...any) uint64 {
	t.Helper()
	var n uint64
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := conn.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Exec runs statements, failing the test on error.
func Exec(t testing.TB, conn clickhouse.Conn, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range stmts {
		if err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, fmt.Errorf("exec: %w", err))
		}
	}
}
