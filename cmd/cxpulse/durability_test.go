package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/internal/chtest"
)

// envRunMain makes the test binary behave as the cxpulse command, so a test can run `serve` in
// its own process and kill it.
const envRunMain = "CXPULSE_TEST_RUN_MAIN"

func init() {
	if os.Getenv(envRunMain) == "1" {
		os.Args = append([]string{"cxpulse"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
}

// proc is `cxpulse serve` in a child process.
type proc struct {
	cmd *exec.Cmd
	url string
}

func startServeProcess(t *testing.T, args ...string) *proc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	_ = l.Close()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--listen", addr, "--ingest-token", testToken}, args...)...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	p := &proc{cmd: cmd, url: "http://" + addr}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("serve output:\n%s", logs.String())
		}
	})
	return p
}

func (p *proc) ready() bool {
	resp, err := http.Get(p.url + "/readyz")
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestDurabilityAcrossKillAndOutage(t *testing.T) {
	srv := chtest.Private(t)
	spoolDir := t.TempDir()
	args := []string{"--clickhouse", srv.Addr(), "--database", "cx", "--config", writeConfig(t, spoolDir)}
	p := startServeProcess(t, args...)
	require.Eventually(t, p.ready, 60*time.Second, 20*time.Millisecond)

	// Senders post small batches with unique ids and remember which were acknowledged.
	var (
		mu      sync.Mutex
		acked   = map[string]bool{}
		batchNo atomic.Int64
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		ok2xx   atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b := int(batchNo.Add(1))
				body := ndjson(fmt.Sprintf("k%d", b), 0, 20)
				req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/events", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/x-ndjson")
				req.Header.Set("Authorization", "Bearer "+testToken)
				resp, err := client.Do(req)
				if err != nil {
					continue // the server is gone; this batch was never acknowledged
				}
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok2xx.Add(1)
					mu.Lock()
					for i := range 20 {
						acked[fmt.Sprintf("k%d-%d", b, i)] = true
					}
					mu.Unlock()
				}
			}
		}()
	}
	waitFor := func(n int64) {
		start := ok2xx.Load()
		require.Eventually(t, func() bool { return ok2xx.Load() >= start+n }, 60*time.Second, 5*time.Millisecond)
	}
	waitFor(20)
	require.NoError(t, srv.Stop()) // ClickHouse goes down; acknowledgements now come from the spool
	waitFor(20)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL)) // and the service dies mid-stream
	_ = p.cmd.Wait()
	close(stop)
	wg.Wait()

	require.NoError(t, srv.Start(context.Background()))
	p = startServeProcess(t, args...)
	require.Eventually(t, p.ready, 60*time.Second, 20*time.Millisecond)

	conn := chtest.Conn(t, srv.Addr())
	ids := func() map[string]int {
		rows, err := conn.Query(context.Background(), "SELECT id, count() FROM cx.events GROUP BY id")
		require.NoError(t, err)
		defer func() { _ = rows.Close() }()
		out := map[string]int{}
		for rows.Next() {
			var id string
			var n uint64
			require.NoError(t, rows.Scan(&id, &n))
			out[id] = int(n)
		}
		return out
	}
	// Every acknowledged event ends up stored, once; nothing at all is stored twice.
	require.Eventually(t, func() bool {
		stored := ids()
		for id := range acked {
			if stored[id] == 0 {
				return false
			}
		}
		return true
	}, 90*time.Second, 100*time.Millisecond)
	stored := ids()
	for id, n := range stored {
		require.Equal(t, 1, n, "event %s stored %d times", id, n)
	}
	// The rollup catches up with events (an insert shows its events a moment before its rollup).
	total := chtest.Count(t, conn, "SELECT count() FROM cx.events")
	require.Eventually(t, func() bool {
		return chtest.Count(t, conn, "SELECT sum(volume) FROM cx.sentiment_1m") == total
	}, 30*time.Second, 20*time.Millisecond)
	t.Logf("%d events acknowledged (%d requests), %d stored", len(acked), ok2xx.Load(), total)
}

func writeConfig(t *testing.T, spoolDir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cxpulse.yaml")
	cfg := fmt.Sprintf(`clickhouse:
  dial_timeout: 2s
  writer:
    max_delay: 20ms
    retry_for: 1s
    min_backoff: 20ms
    max_backoff: 200ms
spool:
  dir: %s
`, spoolDir)
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}
