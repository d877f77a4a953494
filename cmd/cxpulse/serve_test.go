package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/internal/chtest"
	"github.com/cxpulse/cxpulse/internal/secret"
)

func TestMain(m *testing.M) {
	code := chtest.Main(m)
	if code == 0 {
		if err := goleak.Find(
			goleak.IgnoreTopFunction("github.com/ClickHouse/clickhouse-go/v2.(*clickhouse).startAutoCloseIdleConnections"),
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

const testToken = "s3cr3t-token"

type running struct {
	t      *testing.T
	url    string
	cancel context.CancelFunc
	done   chan error
}

// startServe runs `serve` against ClickHouse at addr with database db until the test ends.
func startServe(t *testing.T, addr, db string, mutate func(*Config)) *running {
	t.Helper()
	cfg := defaultConfig()
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Server.IngestToken, cfg.Server.tokenFromFlag = secret.Secret(testToken), true
	cfg.ClickHouse.Addr, cfg.ClickHouse.Database = []string{addr}, db
	cfg.ClickHouse.DialTimeout = 2 * time.Second
	cfg.ClickHouse.Writer.MaxDelay = 20 * time.Millisecond
	cfg.ClickHouse.Writer.RetryFor = time.Second
	cfg.ClickHouse.Writer.MinBackoff, cfg.ClickHouse.Writer.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	cfg.Server.ShutdownTimeout = 20 * time.Second
	if mutate != nil {
		mutate(&cfg)
	}
	require.NoError(t, cfg.Validate())
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan string, 1)
	r := &running{t: t, cancel: cancel, done: make(chan error, 1)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		r.done <- serve(ctx, cfg, logger, func(s *service) { up <- s.addr })
	}()
	select {
	case a := <-up:
		r.url = "http://" + a
	case err := <-r.done:
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	require.NoError(r.t, <-r.done)
	r.cancel = nil
}

func (r *running) waitReady() {
	r.t.Helper()
	require.Eventually(r.t, func() bool {
		resp, err := http.Get(r.url + "/readyz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 60*time.Second, 10*time.Millisecond)
}

type reply struct {
	status     int
	body       map[string]any
	retryAfter string
}

func (r *running) post(body []byte, contentType string, hdr map[string]string) reply {
	r.t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.url+"/v1/events", bytes.NewReader(body))
	require.NoError(r.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(r.t, err)
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	require.NoError(r.t, json.Unmarshal(raw, &out), "body %q", raw)
	return reply{status: resp.StatusCode, body: out, retryAfter: resp.Header.Get("Retry-After")}
}

func ndjson(prefix string, from, to int) []byte {
	var b bytes.Buffer
	products := []string{"checkout", "search", "login"}
	texts := []string{
		"Still waiting for my refund, third time I'm asking!!",
		"Thanks so much, the agent solved it in minutes :)",
		"How do I change my billing address?",
		"The app keeps crashing when I pay, this is terrible",
	}
	base := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, `{"id":"%s-%d","time":"%s","source":"zendesk","channel":"%s","customer_id":"c-%d","product":"%s","region":"eu","text":%q}`+"\n",
			prefix, i, base.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), []string{"ticket", "chat", "social"}[i%3],
			i%500, products[i%3], texts[i%4])
	}
	return b.Bytes()
}

func TestServeIngestsExactlyOnce(t *testing.T) {
	addr, db := chtest.Database(t)
	s := startServe(t, addr, db, nil)
	s.waitReady()

	// 10,000 events in 40 concurrent requests.
	const total, per = 10000, 250
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := 0; i < total; i += per {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := s.post(ndjson("ev", i, i+per), "application/x-ndjson", nil)
			require.Equal(t, http.StatusOK, rep.status, "%v", rep.body)
			mu.Lock()
			accepted += int(rep.body["accepted"].(float64))
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Equal(t, total, accepted)

	conn := chtest.Conn(t, addr)
	counts := func() [3]uint64 {
		return [3]uint64{
			chtest.Count(t, conn, "SELECT count() FROM "+db+".events"),
			chtest.Count(t, conn, "SELECT uniqExact(id) FROM "+db+".events"),
			chtest.Count(t, conn, "SELECT sum(volume) FROM "+db+".sentiment_1m"),
		}
	}
	require.Equal(t, [3]uint64{total, total, total}, counts())
	// The rollup's negatives and positives agree with the stored labels.
	require.Equal(t,
		chtest.Count(t, conn, "SELECT count() FROM "+db+".events WHERE label = 'negative'"),
		chtest.Count(t, conn, "SELECT sum(negatives) FROM "+db+".sentiment_1m"))
	require.Positive(t, chtest.Count(t, conn, "SELECT sum(negatives) FROM "+db+".sentiment_1m"))
	require.Positive(t, chtest.Count(t, conn, "SELECT sum(positives) FROM "+db+".sentiment_1m"))

	// The same ids again, as one JSON array, gzipped: all duplicates.
	var arr bytes.Buffer
	arr.WriteString("[")
	arr.WriteString(strings.ReplaceAll(strings.TrimSpace(string(ndjson("ev", 0, 300))), "\n", ","))
	arr.WriteString("]")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(arr.Bytes())
	require.NoError(t, zw.Close())
	rep := s.post(gz.Bytes(), "application/json", map[string]string{"Content-Encoding": "gzip"})
	require.Equal(t, http.StatusOK, rep.status)
	require.Equal(t, map[string]any{"accepted": 0.0, "duplicates": 300.0}, rep.body)
	require.Equal(t, [3]uint64{total, total, total}, counts())

	// And after a restart of the service.
	s.stop()
	s = startServe(t, addr, db, nil)
	s.waitReady()
	rep = s.post(ndjson("ev", 0, total), "application/x-ndjson", nil)
	require.Equal(t, http.StatusOK, rep.status)
	require.Equal(t, map[string]any{"accepted": 0.0, "duplicates": float64(total)}, rep.body)
	require.Equal(t, [3]uint64{total, total, total}, counts())

	// One object, with defaults for id and time.
	rep = s.post([]byte(`{"channel":"chat","text":"where is my parcel?"}`), "application/json", nil)
	require.Equal(t, http.StatusOK, rep.status)
	require.Equal(t, 1.0, rep.body["accepted"])
}

func TestServeRejectsBadRequests(t *testing.T) {
	addr, db := chtest.Database(t)
	s := startServe(t, addr, db, func(c *Config) { c.Ingest.HTTP.MaxBodyBytes = 64 << 10 })
	s.waitReady()
	conn := chtest.Conn(t, addr)

	// A malformed line rejects the whole request, with its index; nothing is stored.
	body := append(ndjson("bad", 0, 5), []byte("{\"channel\":\"chat\",\"text\":\"ok\"\n")...)
	body = append(body, ndjson("bad", 5, 8)...)
	rep := s.post(body, "application/x-ndjson", nil)
	require.Equal(t, http.StatusBadRequest, rep.status)
	require.Equal(t, 5.0, rep.body["index"])
	require.Contains(t, rep.body["error"], "event 5")
	// An invalid field, likewise.
	rep = s.post([]byte(`[{"channel":"chat","text":"a"},{"channel":"fax","text":"b"}]`), "application/json", nil)
	require.Equal(t, http.StatusBadRequest, rep.status)
	require.Equal(t, 1.0, rep.body["index"])
	require.Contains(t, rep.body["error"], `unknown channel "fax"`)

	rep = s.post(ndjson("auth", 0, 2), "application/x-ndjson", map[string]string{"Authorization": ""})
	require.Equal(t, http.StatusUnauthorized, rep.status)
	rep = s.post(ndjson("auth", 0, 2), "application/x-ndjson", map[string]string{"Authorization": "Bearer wrong"})
	require.Equal(t, http.StatusUnauthorized, rep.status)

	rep = s.post(ndjson("big", 0, 1000), "application/x-ndjson", nil)
	require.Equal(t, http.StatusRequestEntityTooLarge, rep.status)
	// A small gzip body that inflates past the limit is caught too.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 1<<20))
	require.NoError(t, zw.Close())
	rep = s.post(gz.Bytes(), "application/x-ndjson", map[string]string{"Content-Encoding": "gzip"})
	require.Equal(t, http.StatusRequestEntityTooLarge, rep.status)

	rep = s.post([]byte("hello"), "text/plain", nil)
	require.Equal(t, http.StatusUnsupportedMediaType, rep.status)

	require.Equal(t, uint64(0), chtest.Count(t, conn, "SELECT count() FROM "+db+".events"))

	// Rejections are counted by reason.
	resp, err := http.Get(s.url + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Contains(t, string(metrics), `cxpulse_ingest_events_rejected_total{reason="unauthorized",source="api"} 2`)
	require.Contains(t, string(metrics), `cxpulse_ingest_events_rejected_total{reason="too_large",source="api"} 2`)
	require.Contains(t, string(metrics), `cxpulse_ingest_events_rejected_total{reason="syntax",source="api"} 1`)
}

func TestServeClickHouseOutage(t *testing.T) {
	srv := chtest.Private(t)
	s := startServe(t, srv.Addr(), "cx", nil)
	s.waitReady()
	rep := s.post(ndjson("o", 0, 100), "application/x-ndjson", nil)
	require.Equal(t, http.StatusOK, rep.status)

	require.NoError(t, srv.Stop())
	// Nothing is accepted while ClickHouse is down: 503 with Retry-After, whether the request
	// found the outage itself or came after it was noticed.
	for range 2 {
		rep = s.post(ndjson("o", 100, 200), "application/x-ndjson", nil)
		require.Equal(t, http.StatusServiceUnavailable, rep.status, "%v", rep.body)
		require.NotEmpty(t, rep.retryAfter)
	}
	resp, err := http.Get(s.url + "/readyz")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)

	require.NoError(t, srv.Start(context.Background()))
	s.waitReady()
	// The sender retries what was refused: everything is stored, once.
	rep = s.post(ndjson("o", 100, 200), "application/x-ndjson", nil)
	require.Equal(t, http.StatusOK, rep.status)
	conn := chtest.Conn(t, srv.Addr())
	require.Equal(t, uint64(200), chtest.Count(t, conn, "SELECT count() FROM cx.events"))
	require.Equal(t, uint64(200), chtest.Count(t, conn, "SELECT uniqExact(id) FROM cx.events"))
	require.Equal(t, uint64(200), chtest.Count(t, conn, "SELECT sum(volume) FROM cx.sentiment_1m"))
}

func TestServeStartsBeforeClickHouse(t *testing.T) {
	srv := chtest.Private(t)
	require.NoError(t, srv.Stop())
	s := startServe(t, srv.Addr(), "cx", nil)
	rep := s.post(ndjson("early", 0, 3), "application/x-ndjson", nil)
	require.Equal(t, http.StatusServiceUnavailable, rep.status)
	require.NotEmpty(t, rep.retryAfter)
	require.NoError(t, srv.Start(context.Background()))
	s.waitReady()
	rep = s.post(ndjson("early", 0, 3), "application/x-ndjson", nil)
	require.Equal(t, http.StatusOK, rep.status)
}

func TestServeRefusesOpenListenWithoutToken(t *testing.T) {
	cfg := defaultConfig()
	cfg.Server.Listen = "0.0.0.0:0"
	err := serve(context.Background(), cfg, slog.New(slog.DiscardHandler), nil)
	require.ErrorContains(t, err, "refusing to listen on 0.0.0.0:0 without an ingest token")
}
