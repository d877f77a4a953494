package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/httpapi"
)

// eventsServer is an httptest stand-in for POST /v1/events that checks the real wire form: bearer
// token, gzip, NDJSON parsed with event.Parser; it answers 400 with the index of a bad event,
// dedups ids, and can be told to push back first.
type eventsServer struct {
	mu       sync.Mutex
	ids      map[string]bool
	requests int
	busy     int // answer 429 with Retry-After to this many requests first
	drop     int // close the connection of this many requests first
}

func (s *eventsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.drop > 0 {
		s.drop--
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
		return
	}
	if r.URL.Path != "/v1/events" || r.Header.Get("Authorization") != "Bearer s3cret" ||
		r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Content-Type") != "application/x-ndjson" {
		http.Error(w, `{"error":"bad request shape"}`, http.StatusUnauthorized)
		return
	}
	if s.busy > 0 {
		s.busy--
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"error":"ingest queue is full, retry after 2s"}`)
		return
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(zr)
	p := event.NewParser(event.DefaultLimits(), event.Defaults{Source: "api"})
	var evs []event.Event
	if err := p.ReadAll(body, event.FormatNDJSON, time.Now(), func(ev event.Event, _ event.Fixes) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		ee := err.(*event.Error)
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": ee.Error(), "index": ee.Index})
		return
	}
	var ack event.Ack
	for _, ev := range evs {
		if s.ids[ev.ID] {
			ack.Duplicates++
			continue
		}
		s.ids[ev.ID] = true
		ack.Accepted++
	}
	_ = json.NewEncoder(w).Encode(ack)
}

func writeFiles(t *testing.T, n int) (jsonl, csv string) {
	t.Helper()
	dir := t.TempDir()
	var a, b strings.Builder
	for i := range n {
		fmt.Fprintf(&a, `{"id":"j-%d","channel":"chat","text":"message %d"}`+"\n", i, i)
	}
	b.WriteString("id,time,channel,customer_id,text,label.plan\n")
	for i := range n {
		fmt.Fprintf(&b, "c-%d,2026-11-25T10:00:00Z,ticket,acct-%d,\"refund, please (%d)\",pro\n", i, i%7, i)
	}
	jsonl, csv = filepath.Join(dir, "events.jsonl"), filepath.Join(dir, "tickets.csv")
	require.NoError(t, os.WriteFile(jsonl, []byte(a.String()), 0o644))
	require.NoError(t, os.WriteFile(csv, []byte(b.String()), 0o644))
	return jsonl, csv
}

func newTestReplayer(t *testing.T, url string, mod func(*replayOptions)) (*replayer, *[]time.Duration, *bytes.Buffer) {
	t.Helper()
	o := replayOptions{to: url, token: "s3cret", batch: 100, batchBytes: 1 << 20, concurrency: 3, retries: 5, timeout: 10 * time.Second, progress: "lines", interval: time.Hour}
	if mod != nil {
		mod(&o)
	}
	var out, log bytes.Buffer
	r, err := newReplayer(o, &out, &log)
	require.NoError(t, err)
	var mu sync.Mutex
	slept := []time.Duration{}
	r.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return nil
	}
	return r, &slept, &log
}

func TestReplaySendsEverything(t *testing.T) {
	srv := &eventsServer{ids: map[string]bool{}, busy: 2, drop: 1}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	jsonl, csv := writeFiles(t, 1250)
	r, slept, _ := newTestReplayer(t, ts.URL+"/", nil)
	rep, err := r.run(context.Background(), []string{jsonl, csv})
	require.NoError(t, err)
	require.EqualValues(t, 2500, rep.sent)
	require.EqualValues(t, 2500, rep.accepted)
	require.EqualValues(t, 0, rep.duplicates)
	require.EqualValues(t, 3, rep.retries)
	require.EqualValues(t, 25, rep.batches, "batches span files")
	require.Len(t, srv.ids, 2500)
	require.Contains(t, *slept, 2*time.Second, "Retry-After honoured")
	require.Contains(t, *slept, 500*time.Millisecond, "connection error backed off")
	require.Contains(t, rep.String(), "sent 2500 events in 25 requests: 2500 accepted, 0 duplicates, 0 rejected, 3 retries")

	// Run again: everything is a duplicate.
	r, _, _ = newTestReplayer(t, ts.URL, nil)
	rep, err = r.run(context.Background(), []string{jsonl, csv})
	require.NoError(t, err)
	require.EqualValues(t, 2500, rep.duplicates)
	require.EqualValues(t, 0, rep.accepted)
}

func TestReplayStopsAtBadEvent(t *testing.T) {
	ts := httptest.NewServer(&eventsServer{ids: map[string]bool{}})
	defer ts.Close()
	dir := t.TempDir()
	name := filepath.Join(dir, "bad.jsonl")
	var b strings.Builder
	for i := range 250 {
		ch := "chat"
		if i == 157 {
			ch = "fax"
		}
		fmt.Fprintf(&b, `{"id":"x-%d","channel":%q,"text":"t"}`+"\n", i, ch)
	}
	require.NoError(t, os.WriteFile(name, []byte(b.String()), 0o644))
	r, _, _ := newTestReplayer(t, ts.URL, func(o *replayOptions) { o.concurrency = 1 })
	rep, err := r.run(context.Background(), []string{name})
	require.Error(t, err)
	require.Contains(t, err.Error(), name+":158: refused by the server: event 57: channel: unknown channel \"fax\"")
	require.EqualValues(t, 100, rep.rejected)
}

func TestReplayLocalSyntaxError(t *testing.T) {
	ts := httptest.NewServer(&eventsServer{ids: map[string]bool{}})
	defer ts.Close()
	name := filepath.Join(t.TempDir(), "broken.jsonl")
	require.NoError(t, os.WriteFile(name, []byte("{\"text\":\"ok\"}\n{oops\n"), 0o644))
	r, _, _ := newTestReplayer(t, ts.URL, nil)
	_, err := r.run(context.Background(), []string{name})
	require.EqualError(t, err, "replay: "+name+":2: not a JSON object")
}

func TestReplayGivesUp(t *testing.T) {
	srv := &eventsServer{ids: map[string]bool{}, busy: 100}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	jsonl, _ := writeFiles(t, 10)
	r, slept, _ := newTestReplayer(t, ts.URL, func(o *replayOptions) { o.retries = 3 })
	_, err := r.run(context.Background(), []string{jsonl})
	require.ErrorContains(t, err, jsonl+":1 after 3 attempts: 429 Too Many Requests")
	require.Len(t, *slept, 2)
}

func TestReplayProgressLines(t *testing.T) {
	ts := httptest.NewServer(&eventsServer{ids: map[string]bool{}})
	defer ts.Close()
	jsonl, _ := writeFiles(t, 10)
	r, _, _ := newTestReplayer(t, ts.URL, func(o *replayOptions) { o.interval = time.Millisecond })
	log := &signalWriter{seen: make(chan struct{})}
	r.log = log
	// Hold the only request until a progress line has been printed.
	r.client.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		select {
		case <-log.seen:
		case <-time.After(10 * time.Second):
			t.Error("no progress line")
		}
		return http.DefaultTransport.RoundTrip(req)
	})
	_, err := r.run(context.Background(), []string{jsonl})
	require.NoError(t, err)
	require.Contains(t, log.String(), "% read, 0 events sent")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// signalWriter collects what is written and closes seen at the first write.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.once.Do(func() { close(w.seen) })
	return w.buf.Write(p)
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestReplayFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "f.jsonl"}, `required flag(s) "to" not set`},
		{[]string{"replay", "--to", "localhost:8080", "f.jsonl"}, "must be an http:// or https:// URL"},
		{[]string{"replay", "--to", "http://x", "--format", "xml", "f.jsonl"}, "unknown format"},
		{[]string{"replay", "--to", "http://x", "--batch", "0", "f.jsonl"}, "--batch must be at least 1"},
		{[]string{"replay", "--to", "http://x", "--progress", "fancy", "f.jsonl"}, "--progress must be"},
		{[]string{"replay", "--to", "http://127.0.0.1:1", "missing.jsonl"}, "no such file"},
	} {
		cmd := newRootCmd()
		cmd.SetArgs(tc.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		require.ErrorContains(t, cmd.Execute(), tc.want, tc.args)
	}
}

func TestReplayTokenFromEnv(t *testing.T) {
	srv := &eventsServer{ids: map[string]bool{}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	jsonl, _ := writeFiles(t, 5)
	t.Setenv("CXPULSE_INGEST_TOKEN", "s3cret")
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"replay", "--to", ts.URL, "--progress", "none", jsonl})
	require.NoError(t, cmd.Execute())
	require.Contains(t, out.String(), "sent 5 events in 1 requests: 5 accepted")
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	require.Equal(t, 3*time.Second, retryAfter("3", now))
	require.Equal(t, 1500*time.Millisecond, retryAfter("1.5", now))
	require.Equal(t, 10*time.Second, retryAfter(now.Add(10*time.Second).Format(http.TimeFormat), now))
	require.Equal(t, time.Duration(0), retryAfter("soon", now))
	require.Equal(t, 5*time.Minute, retryAfter("99999", now))
}

func TestReplayProgressBar(t *testing.T) {
	ts := httptest.NewServer(&eventsServer{ids: map[string]bool{}})
	defer ts.Close()
	jsonl, _ := writeFiles(t, 300)
	r, _, _ := newTestReplayer(t, ts.URL, func(o *replayOptions) { o.progress = "bar" })
	log := &signalWriter{seen: make(chan struct{})}
	r.log = log
	rep, err := r.run(context.Background(), []string{jsonl})
	require.NoError(t, err)
	require.EqualValues(t, 300, rep.accepted)
	require.Contains(t, log.String(), "100%")
}

// TestReplayAgainstHTTPAPI replays into the real POST /v1/events handler (with its bearer-token
// check) in front of a recording pipeline seam.
func TestReplayAgainstHTTPAPI(t *testing.T) {
	sub := &recorder{}
	api := httpapi.New(httpapi.DefaultConfig(), event.DefaultLimits(), sub, nil, nil, ingest.NewMetrics(nil))
	mux := http.NewServeMux()
	mux.Handle("POST /v1/events", ingest.RequireToken("s3cret", nil, api))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	jsonl, csv := writeFiles(t, 700)
	r, _, _ := newTestReplayer(t, ts.URL, nil)
	rep, err := r.run(context.Background(), []string{jsonl, csv})
	require.NoError(t, err)
	require.EqualValues(t, 1400, rep.accepted)
	require.Len(t, sub.Events(), 1400)
	byID := map[string]event.Event{}
	for _, ev := range sub.Events() {
		byID[ev.ID] = ev
	}
	ev := byID["c-5"]
	require.Equal(t, event.ChannelTicket, ev.Channel)
	require.Equal(t, "acct-5", ev.CustomerID)
	require.Equal(t, "refund, please (5)", ev.Text)
	require.Equal(t, map[string]string{"plan": "pro"}, ev.Labels)

	r, _, _ = newTestReplayer(t, ts.URL, func(o *replayOptions) { o.token = "wrong" })
	_, err = r.run(context.Background(), []string{jsonl})
	require.ErrorContains(t, err, "401 Unauthorized: missing or wrong bearer token")
}

// recorder is the pipeline seam of TestReplayAgainstHTTPAPI: it keeps what it is given.
type recorder struct {
	mu  sync.Mutex
	evs []event.Event
}

func (r *recorder) Submit(_ context.Context, evs []event.Event) (event.Ack, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, evs...)
	return event.Ack{Accepted: len(evs)}, nil
}

func (r *recorder) Events() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.evs...)
}
