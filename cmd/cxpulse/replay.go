package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cxpulse/cxpulse/ingest/file"
)

type replayOptions struct {
	to          string
	token       string
	format      string
	batch       int
	batchBytes  int
	concurrency int
	retries     int
	timeout     time.Duration
	progress    string
	interval    time.Duration
}

func newReplayCmd() *cobra.Command {
	o := replayOptions{}
	cmd := &cobra.Command{
		Use:   "replay --to URL FILE...",
		Short: "Send JSONL or CSV files of events to a running cxpulse (backfills, migrations)",
		Long: `Reads events from JSONL files (one event object a line, the wire form of POST /v1/events) or
CSV files (a header row naming event fields: id, time, source, channel, customer_id, product,
region, language, text, and label.<key> columns), optionally gzipped, and posts them as gzipped
NDJSON batches to URL/v1/events.

Batches are retried on 429 and 5xx answers, honouring Retry-After, and on connection errors with
backoff. A 400 stops the replay and names the file and line of the refused event. Events keep
their ids, so a replay run again after a fix stores nothing twice.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.token == "" {
				o.token = os.Getenv("CXPULSE_INGEST_TOKEN")
			}
			r, err := newReplayer(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			rep, err := r.run(cmd.Context(), args)
			_, _ = fmt.Fprintln(cmd.OutOrStdout(), rep)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.to, "to", "", "base URL of the cxpulse instance, e.g. http://localhost:8080 (required)")
	f.StringVar(&o.token, "token", "", "bearer token for /v1/events (default $CXPULSE_INGEST_TOKEN)")
	f.StringVar(&o.format, "format", "", "jsonl or csv (default: from each file's name)")
	f.IntVar(&o.batch, "batch", 1000, "events per request")
	f.IntVar(&o.batchBytes, "batch-bytes", 1<<20, "uncompressed bytes per request, at most")
	f.IntVar(&o.concurrency, "concurrency", 4, "requests in flight")
	f.IntVar(&o.retries, "retries", 10, "attempts per request before giving up")
	f.DurationVar(&o.timeout, "timeout", 60*time.Second, "timeout of one request")
	f.StringVar(&o.progress, "progress", "auto", "progress display: auto (a bar on a terminal, lines otherwise), bar, lines or none")
	f.DurationVar(&o.interval, "progress-interval", 10*time.Second, "how often progress lines are printed")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// replayer sends files of events to /v1/events.
type replayer struct {
	o        replayOptions
	url      string
	client   *http.Client
	out, log io.Writer
	// sleep waits d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time

	sent, accepted, duplicates, rejected, retries, batches atomic.Int64
	bytesRead                                              atomic.Int64
}

func newReplayer(o replayOptions, out, log io.Writer) (*replayer, error) {
	switch {
	case o.to == "":
		return nil, errors.New("replay: --to is required")
	case o.batch < 1:
		return nil, fmt.Errorf("replay: --batch must be at least 1, got %d", o.batch)
	case o.batchBytes < 1024:
		return nil, fmt.Errorf("replay: --batch-bytes must be at least 1024, got %d", o.batchBytes)
	case o.concurrency < 1:
		return nil, fmt.Errorf("replay: --concurrency must be at least 1, got %d", o.concurrency)
	case o.retries < 1:
		return nil, fmt.Errorf("replay: --retries must be at least 1, got %d", o.retries)
	}
	switch o.progress {
	case "auto", "bar", "lines", "none":
	default:
		return nil, fmt.Errorf("replay: --progress must be auto, bar, lines or none, got %q", o.progress)
	}
	if o.format != "" {
		if _, err := file.ParseFormat(o.format); err != nil {
			return nil, fmt.Errorf("replay: --format: %w", err)
		}
	}
	if !strings.HasPrefix(o.to, "http://") && !strings.HasPrefix(o.to, "https://") {
		return nil, fmt.Errorf("replay: --to %q must be an http:// or https:// URL", o.to)
	}
	return &replayer{
		o:      o,
		url:    strings.TrimRight(o.to, "/") + "/v1/events",
		client: &http.Client{Timeout: o.timeout},
		out:    out,
		log:    log,
		sleep:  sleepCtx,
		now:    time.Now,
	}, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loc is where an event of a batch comes from.
type loc struct {
	file string
	line int
}

type batch struct {
	body []byte // NDJSON
	locs []loc
}

// report is the final summary.
type report struct {
	sent, accepted, duplicates, rejected, retries, batches int64
	elapsed                                                time.Duration
}

func (r report) String() string {
	rate := 0.0
	if r.elapsed > 0 {
		rate = float64(r.sent) / r.elapsed.Seconds()
	}
	return fmt.Sprintf("replay: sent %d events in %d requests: %d accepted, %d duplicates, %d rejected, %d retries; %s, %.0f events/s",
		r.sent, r.batches, r.accepted, r.duplicates, r.rejected, r.retries, r.elapsed.Round(time.Millisecond), rate)
}

func (r *replayer) report(start time.Time) report {
	return report{
		sent: r.sent.Load(), accepted: r.accepted.Load(), duplicates: r.duplicates.Load(),
		rejected: r.rejected.Load(), retries: r.retries.Load(), batches: r.batches.Load(),
		elapsed: r.now().Sub(start),
	}
}

// run sends every file and returns the summary; the error names file:line when an event was
// refused.
func (r *replayer) run(parent context.Context, files []string) (report, error) {
	start := r.now()
	ctx := parent
	var total int64
	for _, name := range files {
		st, err := os.Stat(name)
		if err != nil {
			return r.report(start), fmt.Errorf("replay: %w", err)
		}
		total += st.Size()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopProgress := r.showProgress(ctx, total)

	batches := make(chan batch, r.o.concurrency)
	var (
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range r.o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if err := r.send(ctx, b); err != nil {
					fail(err)
				}
			}
		}()
	}
	if err := r.read(ctx, files, batches); err != nil {
		fail(err)
	}
	close(batches)
	wg.Wait()
	stopProgress()
	if firstErr == nil && parent.Err() != nil {
		firstErr = fmt.Errorf("replay: interrupted: %w", parent.Err())
	}
	return r.report(start), firstErr
}

// read cuts the files into batches.
func (r *replayer) read(ctx context.Context, files []string, out chan<- batch) error {
	var format *file.Format
	if r.o.format != "" {
		f, _ := file.ParseFormat(r.o.format)
		format = &f
	}
	var cur batch
	flush := func() error {
		if len(cur.locs) == 0 {
			return nil
		}
		select {
		case out <- cur:
		case <-ctx.Done():
			return ctx.Err()
		}
		cur = batch{}
		return nil
	}
	for _, name := range files {
		rd, c, err := file.Open(name, format, 0, func(n int) { r.bytesRead.Add(int64(n)) })
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				_ = c.Close()
				var le *file.LineError
				if errors.As(err, &le) {
					return fmt.Errorf("replay: %s:%d: %v", name, le.Line, le.Err)
				}
				return fmt.Errorf("replay: %s: %w", name, err)
			}
			if len(cur.locs) > 0 && (len(cur.locs) >= r.o.batch || len(cur.body)+len(rec.JSON)+1 > r.o.batchBytes) {
				if err := flush(); err != nil {
					_ = c.Close()
					return err
				}
			}
			cur.body = append(append(cur.body, rec.JSON...), '\n')
			cur.locs = append(cur.locs, loc{name, rec.Line})
		}
		_ = c.Close()
	}
	return flush()
}

// answer is what /v1/events says about a batch.
type answer struct {
	Accepted   *int64 `json:"accepted"`
	Duplicates int64  `json:"duplicates"`
	Rejected   int64  `json:"rejected"`
	Error      string `json:"error"`
	Index      *int   `json:"index"`
}

// send posts one batch, retrying on 429, 5xx and connection errors.
func (r *replayer) send(ctx context.Context, b batch) error {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	_, _ = zw.Write(b.body)
	_ = zw.Close()
	n := int64(len(b.locs))
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(gz.Bytes()))
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Content-Encoding", "gzip")
		if r.o.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.o.token)
		}
		resp, err := r.client.Do(req)
		var wait time.Duration
		var why string
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			wait, why = backoff, err.Error()
			backoff = min(2*backoff, 30*time.Second)
		} else {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
			var a answer
			_ = json.Unmarshal(body, &a)
			switch {
			case resp.StatusCode/100 == 2:
				r.batches.Add(1)
				r.sent.Add(n)
				if a.Accepted != nil {
					r.accepted.Add(*a.Accepted)
				} else {
					r.accepted.Add(n - a.Duplicates - a.Rejected)
				}
				r.duplicates.Add(a.Duplicates)
				r.rejected.Add(a.Rejected)
				return nil
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				wait = retryAfter(resp.Header.Get("Retry-After"), r.now())
				if wait <= 0 {
					wait = backoff
					backoff = min(2*backoff, 30*time.Second)
				}
				why = fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(firstNonEmpty(a.Error, string(body))))
			case resp.StatusCode == http.StatusBadRequest:
				r.batches.Add(1)
				r.sent.Add(n)
				r.rejected.Add(n)
				msg := firstNonEmpty(a.Error, strings.TrimSpace(string(body)), resp.Status)
				if a.Index != nil && *a.Index >= 0 && *a.Index < len(b.locs) {
					l := b.locs[*a.Index]
					return fmt.Errorf("replay: %s:%d: refused by the server: %s", l.file, l.line, msg)
				}
				first, last := b.locs[0], b.locs[len(b.locs)-1]
				return fmt.Errorf("replay: %s:%d-%d: batch refused by the server: %s", first.file, first.line, last.line, msg)
			case resp.StatusCode == http.StatusRequestEntityTooLarge:
				return fmt.Errorf("replay: the server refused a batch of %d bytes as too large: lower --batch-bytes or --batch", len(b.body))
			default:
				return fmt.Errorf("replay: %s: %s", resp.Status, firstNonEmpty(a.Error, strings.TrimSpace(string(body))))
			}
		}
		if attempt >= r.o.retries {
			l := b.locs[0]
			return fmt.Errorf("replay: giving up on the batch starting at %s:%d after %d attempts: %s", l.file, l.line, attempt, why)
		}
		r.retries.Add(1)
		if err := r.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// retryAfter reads a Retry-After header: seconds or an HTTP date. 0 when absent or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(h, 64); err == nil && s >= 0 && !math.IsInf(s, 0) {
		return min(time.Duration(s*float64(time.Second)), 5*time.Minute)
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), 5*time.Minute)
	}
	return 0
}

// showProgress draws a bar on a terminal or prints periodic lines; the returned func stops it.
func (r *replayer) showProgress(ctx context.Context, total int64) func() {
	mode := r.o.progress
	if mode == "auto" {
		mode = "lines"
		if f, ok := r.log.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	if mode == "none" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	start := r.now()
	if mode == "bar" {
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(r.log),
			progressbar.OptionSetDescription("replay"),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { _, _ = fmt.Fprintln(r.log) }),
		)
		go func() {
			defer close(stopped)
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				_ = bar.Set64(r.bytesRead.Load())
				bar.Describe(fmt.Sprintf("replay: %d events", r.sent.Load()))
				select {
				case <-t.C:
				case <-done:
					_ = bar.Set64(r.bytesRead.Load())
					_ = bar.Finish()
					return
				}
			}
		}()
	} else {
		go func() {
			defer close(stopped)
			t := time.NewTicker(r.o.interval)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					rep := r.report(start)
					pct := 100.0
					if total > 0 {
						pct = 100 * float64(r.bytesRead.Load()) / float64(total)
					}
					_, _ = fmt.Fprintf(r.log, "replay: %.0f%% read, %d events sent, %d accepted, %d retries, %.0f events/s\n",
						pct, rep.sent, rep.accepted, rep.retries, float64(rep.sent)/max(rep.elapsed.Seconds(), 1e-9))
				case <-done:
					return
				case <-ctx.Done():
					<-done
					return
				}
			}
		}()
	}
	var once sync.Once
	return func() {
		once.Do(func() { close(done); <-stopped })
	}
}
