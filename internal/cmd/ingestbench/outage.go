package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chserver"
	"github.com/cxpulse/cxpulse/internal/traffic"
	"github.com/cxpulse/cxpulse/store"
)

// outageConfig drives the outage load test.
type outageConfig struct {
	binary              string
	duration            time.Duration
	downFrom, downUntil time.Duration
	rate                int // events a second offered, 0 for as fast as the senders go
	perRequest          int
	senders             int
}

// runOutage ingests for cfg.duration from several senders while ClickHouse is stopped between
// downFrom and downUntil, then checks that every acknowledged event is stored exactly once. The
// spool takes the events while ClickHouse is down. It needs its own ClickHouse to stop.
func runOutage(ctx context.Context, cfg outageConfig) error {
	srv, err := chserver.Start(ctx, chserver.Options{})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()
	spoolDir, err := os.MkdirTemp("", "cxpulse-bench-spool-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(spoolDir) }()
	sp, err := startServe(cfg.binary, srv.Addr(), "outage", fmt.Sprintf(
		"clickhouse:\n  dial_timeout: 1s\n  writer:\n    retry_for: 2s\n    max_backoff: 500ms\nspool:\n  dir: %s\n", spoolDir))
	if err != nil {
		return err
	}
	defer sp.stop()

	var (
		acked, refused, failed, sent atomic.Int64
		mu                           sync.Mutex
		ackedIDs                     = make(map[string]struct{}, 1<<20)
		perSecond                    = make([]int64, int(cfg.duration/time.Second)+1)
		peakSpool                    atomic.Int64
	)
	start := time.Now()
	end := start.Add(cfg.duration)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.senders}}
	var wg sync.WaitGroup
	var seq atomic.Int64
	var interval time.Duration
	if cfg.rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(cfg.perRequest*cfg.senders) / float64(cfg.rate))
	}
	for s := range cfg.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen := traffic.New(uint64(100 + s))
			next := time.Now()
			for time.Now().Before(end) {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
				}
				var body bytes.Buffer
				ids := make([]string, cfg.perRequest)
				for i := range ids {
					ev := gen.Next(time.Now())
					ev.ID = fmt.Sprintf("o-%d", seq.Add(1))
					ids[i] = ev.ID
					body.Write(event.AppendJSON(nil, &ev))
					body.WriteByte('\n')
				}
				sent.Add(int64(len(ids)))
				status, err := sp.post(ctx, client, body.Bytes())
				switch {
				case err != nil:
					failed.Add(int64(len(ids)))
				case status == http.StatusOK:
					acked.Add(int64(len(ids)))
					sec := int(time.Since(start) / time.Second)
					mu.Lock()
					for _, id := range ids {
						ackedIDs[id] = struct{}{}
					}
					if sec < len(perSecond) {
						perSecond[sec] += int64(len(ids))
					}
					mu.Unlock()
				default:
					refused.Add(int64(len(ids)))
					time.Sleep(200 * time.Millisecond)
				}
			}
		}()
	}
	// The outage, and a watch on the spool's size.
	go func() {
		time.Sleep(time.Until(start.Add(cfg.downFrom)))
		_ = srv.Stop()
		time.Sleep(time.Until(start.Add(cfg.downUntil)))
		_ = srv.Start(context.Background())
	}()
	stopWatch := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopWatch:
				return
			case <-time.After(250 * time.Millisecond):
			}
			if n := dirSize(spoolDir); n > peakSpool.Load() {
				peakSpool.Store(n)
			}
		}
	}()
	wg.Wait()
	close(stopWatch)
	ingestEnd := time.Now()

	// Wait for the spool to drain, then compare what is stored with what was acknowledged.
	scfg := store.DefaultConfig()
	scfg.Addr, scfg.Database = []string{srv.Addr()}, "outage"
	st, err := store.Open(scfg, nil, nil)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	var stored, unique uint64
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if err := st.Conn().QueryRow(ctx, "SELECT count(), uniqExact(id) FROM outage.events").Scan(&stored, &unique); err == nil &&
			stored >= uint64(len(ackedIDs)) {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	drain := time.Since(ingestEnd)
	missing := 0
	rows, err := st.Conn().Query(ctx, "SELECT id FROM outage.events")
	if err != nil {
		return err
	}
	seen := make(map[string]struct{}, stored)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		seen[id] = struct{}{}
	}
	_ = rows.Close()
	for id := range ackedIDs {
		if _, ok := seen[id]; !ok {
			missing++
		}
	}
	rate := func(from, to time.Duration) float64 {
		var n int64
		for s := int(from / time.Second); s < int(to/time.Second) && s < len(perSecond); s++ {
			n += perSecond[s]
		}
		return float64(n) / (to - from).Seconds()
	}
	fmt.Printf("outage: %s of ingestion, ClickHouse stopped from +%s to +%s, %d senders x %d events a request\n",
		cfg.duration, cfg.downFrom, cfg.downUntil, cfg.senders, cfg.perRequest)
	fmt.Printf("  acknowledged %d of %d sent (%d refused with 429/503, %d failed in transit)\n",
		acked.Load(), sent.Load(), refused.Load(), failed.Load())
	fmt.Printf("  acknowledged events/s: %.0f before, %.0f during, %.0f after the outage\n",
		rate(0, cfg.downFrom), rate(cfg.downFrom, cfg.downUntil), rate(cfg.downUntil, cfg.duration))
	fmt.Printf("  spool peak %.1f MiB; drained %s after the last request\n", float64(peakSpool.Load())/(1<<20), drain.Round(100*time.Millisecond))
	fmt.Printf("  stored %d rows, %d distinct ids: lost %d, duplicated %d\n", stored, unique, missing, stored-unique)
	if missing > 0 || stored != unique {
		return fmt.Errorf("lost %d acknowledged events, stored %d twice", missing, stored-unique)
	}
	return nil
}

func dirSize(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}
