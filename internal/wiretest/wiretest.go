// Package wiretest is what the end-to-end tests of the wiring packages (internal/alertwire,
// internal/outreachwire) share: a TestMain with a leak check, a fake clock, a buffer safe to log
// into from several goroutines, and a migrated store on a fresh ClickHouse database. Only tests
// import it.
package wiretest

import (
	"bytes"
	"context"
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
	"github.com/cxpulse/cxpulse/store"
)

// Main runs the tests through chtest.Main, then, when they passed, fails on leaked goroutines.
// It ignores the idle-connection closer of clickhouse-go and the loops of the kept-alive HTTP
// connections of the fake Slack, PagerDuty, Loki and CRM servers, which outlive a test by
// design. Call it from TestMain: os.Exit(wiretest.Main(m)).
func Main(m *testing.M) int {
	code := chtest.Main(m)
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreTopFunction("github.com/ClickHouse/clickhouse-go/v2.(*clickhouse).startAutoCloseIdleConnections"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"), goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	return code
}

// Clock is a scenario's fake time: the test sets it, the components read it through Now. It is
// safe for concurrent use; the zero Clock reads the zero time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time last set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Buffer collects what is written to it (a logger's or a console receiver's output); it is safe
// for concurrent use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Store opens a store on a fresh database of the shared test server and creates its tables; it
// is closed when the test ends.
func Store(t testing.TB) *store.Store {
	t.Helper()
	addr, db := chtest.Database(t)
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	s, err := store.Open(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// Insert writes rows into the events table in one batch, as the pipeline's writer would, so that
// the rollups see them.
func Insert(t testing.TB, s *store.Store, rows []event.Scored) {
	t.Helper()
	ctx := context.Background()
	enc := store.NewEventEncoder(s.Dialect())
	b, err := s.Conn().PrepareBatch(ctx, "INSERT INTO "+s.Dialect().Qualified("events")+" ("+strings.Join(enc.Columns(), ", ")+")")
	require.NoError(t, err)
	require.NoError(t, enc.Append(b, rows))
	require.NoError(t, b.Send())
}
