// Command ingestbench measures, in one run on the same rows, how fast events go from HTTP NDJSON
// through `cxpulse serve` (parse, score, redact, deduplicate, commit) into ClickHouse, against a
// plain clickhouse-go batch insert of the same rows into the same schema — written column by
// column as the service's writer does, and row by row with clickhouse-go's row API. It prints the
// rates and the ratios.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/chserver"
	"github.com/cxpulse/cxpulse/internal/traffic"
	"github.com/cxpulse/cxpulse/sentiment"
	"github.com/cxpulse/cxpulse/store"
)

func main() {
	var (
		chAddr     = flag.String("clickhouse", "", "ClickHouse native address; a private server is started when empty")
		binary     = flag.String("binary", "bin/cxpulse", "the cxpulse binary to benchmark")
		n          = flag.Int("events", 300000, "events per round")
		perRequest = flag.Int("request", 5000, "events per HTTP request")
		// Senders wait for their answer before they send again, so at most senders × request
		// events are in flight: with 32 × 5,000 that is enough to fill the 50,000-row batches
		// the plain insert uses, and the run measures throughput rather than commit latency.
		concurrency = flag.Int("concurrency", 32, "concurrent HTTP senders")
		rounds      = flag.Int("rounds", 3, "rounds; each measures both paths, and the median is reported")
		warmup      = flag.Int("warmup", 1, "rounds run first and not counted (a cold ClickHouse and page cache)")
		batchRows   = flag.Int("batch", 50000, "rows per batch insert (both paths)")
		inserters   = flag.Int("inserters", 0, "batch inserts the service runs at once (0: its default)")
		outage      = flag.Duration("outage", 0, "instead: ingest this long with ClickHouse stopped for its middle third, and check nothing is lost")
		outageRate  = flag.Int("outage-rate", 5000, "events a second offered during the outage test")
	)
	flag.Parse()
	log.SetFlags(0)
	if *rounds < 1 || *warmup < 0 || *n < 1 || *perRequest < 1 || *concurrency < 1 {
		log.Fatal("ingestbench: -rounds, -events, -request and -concurrency must be at least 1, -warmup at least 0")
	}
	ctx := context.Background()
	if *outage > 0 {
		err := runOutage(ctx, outageConfig{
			binary: *binary, duration: *outage, downFrom: *outage / 3, downUntil: 2 * *outage / 3,
			rate: *outageRate, perRequest: 500, senders: 4,
		})
		if err != nil {
			log.Fatal(err)
		}
		return
	}

	addr := *chAddr
	if addr == "" {
		srv, err := chserver.Start(ctx, chserver.Options{})
		if err != nil {
			log.Fatal(err)
		}
		defer func() { _ = srv.Close() }()
		addr = srv.Addr()
		serverPid = srv.Pid()
	}
	scorer, err := sentiment.New(sentiment.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}

	// The same rows for both paths: NDJSON request bodies for the service, scored rows for the
	// plain insert (scored outside the timed section).
	gen := traffic.New(1)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	evs := make([]event.Event, *n)
	for i := range evs {
		evs[i] = gen.Next(start.Add(time.Duration(i) * time.Hour / time.Duration(*n)))
	}
	var bodies [][]byte
	for i := 0; i < len(evs); i += *perRequest {
		var b bytes.Buffer
		for j := i; j < min(i+*perRequest, len(evs)); j++ {
			b.Write(event.AppendJSON(nil, &evs[j]))
			b.WriteByte('\n')
		}
		bodies = append(bodies, b.Bytes())
	}
	rows := make([]event.Scored, len(evs))
	for i := range evs {
		rows[i].Event = evs[i]
		rows[i].IngestedAt = time.Now().UTC()
	}
	scorer.ScoreBatch(rows)

	var version string
	var plainRates, rowRates, pipeRates []float64
	for r := range *warmup + *rounds {
		cpu0, ev0 := cpuNow(), serverEvents(ctx, addr)
		rate, v, err := plain(ctx, addr, fmt.Sprintf("bench_plain_%d_%s", r, nonce()), rows, *batchRows, false)
		if err != nil {
			log.Fatalf("plain insert: %v", err)
		}
		version = v
		cpu1 := cpuNow()
		rowRate, _, err := plain(ctx, addr, fmt.Sprintf("bench_rows_%d_%s", r, nonce()), rows, *batchRows, true)
		if err != nil {
			log.Fatalf("plain row-wise insert: %v", err)
		}
		cpu2, ev2 := cpuNow(), serverEvents(ctx, addr)
		profile := ""
		if r == *warmup+*rounds-1 {
			profile = *cpuProfile
		}
		prate, err := pipeline(ctx, addr, fmt.Sprintf("bench_pipe_%d_%s", r, nonce()), *binary, bodies, len(evs), *concurrency, *batchRows, *inserters, profile)
		if err != nil {
			log.Fatalf("pipeline: %v", err)
		}
		if *verbose {
			log.Printf("  CPU seconds (this tool / ClickHouse): plain columnar %s, plain row-wise %s, pipeline %s (the service's own CPU is above)",
				cpu1.sub(cpu0), cpu2.sub(cpu1), cpuNow().sub(cpu2))
			ev3 := serverEvents(ctx, addr)
			log.Printf("  ClickHouse events, plain paths: %s", diffEvents(ev0, ev2))
			log.Printf("  ClickHouse events, pipeline:    %s", diffEvents(ev2, ev3))
		}
		if r < *warmup {
			log.Printf("warm-up round %d (not counted): plain columnar %.0f rows/s, plain row-wise %.0f rows/s, pipeline %.0f events/s", r+1, rate, rowRate, prate)
			continue
		}
		plainRates = append(plainRates, rate)
		rowRates = append(rowRates, rowRate)
		pipeRates = append(pipeRates, prate)
		log.Printf("round %d: plain columnar %.0f rows/s, plain row-wise %.0f rows/s, pipeline %.0f events/s", r+1-*warmup, rate, rowRate, prate)
	}
	p, pr, q := median(plainRates), median(rowRates), median(pipeRates)
	fmt.Printf("ingest: %d events a round, %d rounds after %d warm-up, ClickHouse %s, %d CPUs, %d events a request, %d senders\n",
		*n, *rounds, *warmup, version, runtime.NumCPU(), *perRequest, *concurrency)
	fmt.Printf("  plain clickhouse-go batch insert, columnar:  %9.0f rows/s   (median of %v)\n", p, rounded(plainRates))
	fmt.Printf("  plain clickhouse-go batch insert, row API:   %9.0f rows/s   (median of %v)\n", pr, rounded(rowRates))
	fmt.Printf("  HTTP NDJSON -> scored -> ClickHouse:         %9.0f events/s (median of %v)\n", q, rounded(pipeRates))
	fmt.Printf("  ratio pipeline/plain: %.2f against the columnar insert, %.2f against the row API\n", q/p, q/pr)
}

// plain inserts rows with clickhouse-go batches into a fresh database with cxpulse's schema.
func plain(ctx context.Context, addr, db string, rows []event.Scored, batch int, rowWise bool) (float64, string, error) {
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	st, err := store.Open(cfg, nil, prometheus.NewRegistry())
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = st.Close() }()
	defer st.Conn().Exec(ctx, "DROP DATABASE IF EXISTS "+db) //nolint:errcheck // best effort
	if err := st.Migrate(ctx); err != nil {
		return 0, "", err
	}
	enc := store.NewEventEncoder(st.Dialect())
	insert := fmt.Sprintf("INSERT INTO %s.events (%s)", db, joinCols(enc.Columns()))
	t0 := time.Now()
	for i := 0; i < len(rows); i += batch {
		b, err := st.Conn().PrepareBatch(ctx, insert)
		if err != nil {
			return 0, "", err
		}
		part := rows[i:min(i+batch, len(rows))]
		if rowWise {
			for j := range part {
				if err := b.Append(rowValues(enc.Columns(), &part[j])...); err != nil {
					return 0, "", err
				}
			}
		} else if err := enc.Append(b, part); err != nil {
			return 0, "", err
		}
		if err := b.Send(); err != nil {
			return 0, "", err
		}
	}
	el := time.Since(t0)
	return float64(len(rows)) / el.Seconds(), st.Dialect().Caps.Version, nil
}

// rowValues is one row of the events table in column order, as a program using clickhouse-go's
// row API would pass it to Batch.Append.
func rowValues(cols []string, r *event.Scored) []any {
	keys := make([]string, 0, len(r.Labels))
	for k := range r.Labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = r.Labels[k]
	}
	topics := r.Sentiment.Topics
	if topics == nil {
		topics = []string{}
	}
	lang := r.Sentiment.Language
	if lang == "" {
		lang = r.Language
	}
	out := make([]any, 0, len(cols))
	for _, c := range cols {
		var v any
		switch c {
		case "id":
			v = r.ID
		case "time":
			v = r.Time
		case "time_ms":
			v = uint16(r.Time.Nanosecond() / 1e6)
		case "source":
			v = r.Source
		case "channel":
			v = r.Channel.String()
		case "customer_id":
			v = r.CustomerID
		case "product":
			v = r.Product
		case "region":
			v = r.Region
		case "language":
			v = lang
		case "text":
			v = r.Text
		case "label_keys":
			v = keys
		case "label_values":
			v = vals
		case "score":
			v = float32(r.Sentiment.Score)
		case "label":
			v = r.Sentiment.Label.String()
		case "confidence":
			v = float32(r.Sentiment.Confidence)
		case "p_negative":
			v = float32(r.Sentiment.Probs.Negative)
		case "p_neutral":
			v = float32(r.Sentiment.Probs.Neutral)
		case "p_positive":
			v = float32(r.Sentiment.Probs.Positive)
		case "evidence":
			v = string(store.AppendEvidence(nil, r.Sentiment.Evidence))
		case "topics":
			v = topics
		case "reliable":
			v = map[bool]uint8{true: 1}[r.Sentiment.Reliable]
		case "model_version":
			v = r.Sentiment.ModelVersion
		case "ingested_at":
			v = r.IngestedAt
		}
		out = append(out, v)
	}
	return out
}

// pipeline runs `cxpulse serve` and posts the bodies to it from several senders.
func pipeline(ctx context.Context, addr, db, binary string, bodies [][]byte, n, senders, batch, inserters int, profile string) (float64, error) {
	conf := fmt.Sprintf("clickhouse:\n  writer:\n    max_rows: %d\n", batch)
	if inserters > 0 {
		conf += fmt.Sprintf("    inserters: %d\n", inserters)
	}
	sp, err := startServe(binary, addr, db, conf)
	if err != nil {
		return 0, err
	}
	defer sp.stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	profiled := make(chan error, 1)
	if profile != "" {
		go func() { profiled <- sp.profile(ctx, profile, 3*time.Second) }()
	} else {
		profiled <- nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	t0 := time.Now()
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				for {
					status, err := sp.post(ctx, client, bodies[i])
					if err != nil {
						errs <- err
						return
					}
					if status == http.StatusOK {
						break
					}
					if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
						errs <- fmt.Errorf("POST /v1/events: %d", status)
						return
					}
					time.Sleep(100 * time.Millisecond) // back-pressure: retry as a sender would
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if err := <-profiled; err != nil {
		return 0, fmt.Errorf("cpu profile: %w", err)
	}
	if profile != "" && *allocProfile != "" {
		if err := sp.fetch(ctx, "/debug/pprof/allocs", *allocProfile); err != nil {
			return 0, fmt.Errorf("allocation profile: %w", err)
		}
	}
	if *verbose {
		printServeMetrics(sp, el)
	}
	close(errs)
	for err := range errs {
		return 0, err
	}
	// Every event must be stored once.
	cfg := store.DefaultConfig()
	cfg.Addr, cfg.Database = []string{addr}, db
	st, err := store.Open(cfg, nil, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = st.Close() }()
	defer st.Conn().Exec(ctx, "DROP DATABASE IF EXISTS "+db) //nolint:errcheck // best effort
	var stored uint64
	if err := st.Conn().QueryRow(ctx, "SELECT count() FROM "+db+".events").Scan(&stored); err != nil {
		return 0, err
	}
	if stored != uint64(n) {
		return 0, fmt.Errorf("stored %d events, sent %d", stored, n)
	}
	return float64(n) / el.Seconds(), nil
}

// serveProc is `cxpulse serve` in a child process.
type serveProc struct {
	cmd         *exec.Cmd
	base, token string
	cfgFile     string
}

// startServe runs binary serve against ClickHouse at addr with the given extra configuration and
// waits until it is ready.
func startServe(binary, addr, db, config string) (*serveProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	token := nonce()
	cfgFile, err := os.CreateTemp("", "cxpulse-bench-*.yaml")
	if err != nil {
		return nil, err
	}
	fmt.Fprint(cfgFile, config)
	_ = cfgFile.Close()
	cmd := exec.Command(binary, "serve", "--config", cfgFile.Name(), "--clickhouse", addr, "--database", db, "--listen", listen, "--ingest-token", token)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		_ = os.Remove(cfgFile.Name())
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	sp := &serveProc{cmd: cmd, base: "http://" + listen, token: token, cfgFile: cfgFile.Name()}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(sp.base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return sp, nil
			}
		}
		if time.Now().After(deadline) {
			sp.stop()
			return nil, fmt.Errorf("cxpulse serve did not become ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (sp *serveProc) stop() {
	_ = sp.cmd.Process.Signal(syscall.SIGTERM)
	_ = sp.cmd.Wait()
	_ = os.Remove(sp.cfgFile)
}

// profile writes a CPU profile of the service over d to file.
func (sp *serveProc) profile(ctx context.Context, file string, d time.Duration) error {
	return sp.fetch(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(d.Seconds())), file)
}

// fetch writes the answer of an authorized GET of path to file.
func (sp *serveProc) fetch(ctx context.Context, path, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sp.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+sp.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// post sends one NDJSON body and returns the HTTP status.
func (sp *serveProc) post(ctx context.Context, client *http.Client, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sp.base+"/v1/events", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+sp.token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

var (
	verbose      = flag.Bool("v", false, "print the service's insert and commit figures after each round")
	cpuProfile   = flag.String("cpuprofile", "", "write a CPU profile of the service, taken during the last round's pipeline run, to this file")
	allocProfile = flag.String("allocprofile", "", "with -cpuprofile: write the service's allocation profile at the end of the last round to this file")
)

// printServeMetrics prints what the service's own metrics say about a round: batches, insert
// time, commit latency.
func printServeMetrics(sp *serveProc, el time.Duration) {
	resp, err := http.Get(sp.base + "/metrics")
	if err != nil {
		return
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	vals := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		for _, k := range []string{
			"cxpulse_clickhouse_batch_rows_sum", "cxpulse_clickhouse_batch_rows_count",
			`cxpulse_clickhouse_insert_duration_seconds_sum{table="events"}`, `cxpulse_clickhouse_insert_duration_seconds_count{table="events"}`,
			"cxpulse_pipeline_commit_duration_seconds_sum", "cxpulse_pipeline_commit_duration_seconds_count",
			"cxpulse_pipeline_score_batch_duration_seconds_sum", "process_cpu_seconds_total",
		} {
			if v, ok := strings.CutPrefix(line, k+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				vals[k] = f
			}
		}
	}
	log.Printf("  serve: %.0f batches of %.0f rows, %.2f s inserting (%.0f ms each), commit latency %.0f ms, scoring %.2f s, process CPU %.1f s in %.1f s",
		vals["cxpulse_clickhouse_batch_rows_count"], vals["cxpulse_clickhouse_batch_rows_sum"]/vals["cxpulse_clickhouse_batch_rows_count"],
		vals[`cxpulse_clickhouse_insert_duration_seconds_sum{table="events"}`],
		1000*vals[`cxpulse_clickhouse_insert_duration_seconds_sum{table="events"}`]/vals[`cxpulse_clickhouse_insert_duration_seconds_count{table="events"}`],
		1000*vals["cxpulse_pipeline_commit_duration_seconds_sum"]/vals["cxpulse_pipeline_commit_duration_seconds_count"],
		vals["cxpulse_pipeline_score_batch_duration_seconds_sum"], vals["process_cpu_seconds_total"], el.Seconds())
}

// serverEvents reads ClickHouse's cumulative event counters (system.events).
func serverEvents(ctx context.Context, addr string) map[string]uint64 {
	cfg := store.DefaultConfig()
	cfg.Addr = []string{addr}
	st, err := store.Open(cfg, nil, nil)
	if err != nil {
		return nil
	}
	defer func() { _ = st.Close() }()
	rows, err := st.Conn().Query(ctx, "SELECT event, value FROM system.events")
	if err != nil {
		return nil
	}
	defer func() { _ = rows.Close() }()
	out := map[string]uint64{}
	for rows.Next() {
		var k string
		var v uint64
		if rows.Scan(&k, &v) == nil {
			out[k] = v
		}
	}
	return out
}

// diffEvents prints the counters that grew from a to b.
func diffEvents(a, b map[string]uint64) string {
	var parts []string
	for _, k := range []string{"Query", "SelectQuery", "InsertQuery", "InsertedRows", "Merge", "MergedRows", "MergesTimeMilliseconds", "UserTimeMicroseconds", "SystemTimeMicroseconds", "RealTimeMicroseconds"} {
		if d := b[k] - a[k]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, d))
		}
	}
	return strings.Join(parts, ", ")
}

// serverPid is the process id of the private ClickHouse server, 0 when an external one is used.
var serverPid int

// cpuSample is the CPU time used so far by this process and by the private ClickHouse server.
type cpuSample struct{ self, server time.Duration }

// cpuNow reads the CPU time (user and system) of this process and of the ClickHouse server from
// /proc; zero where it cannot be read.
func cpuNow() cpuSample {
	return cpuSample{self: procCPU("self"), server: procCPU(strconv.Itoa(serverPid))}
}

func (c cpuSample) sub(o cpuSample) string {
	return fmt.Sprintf("%.1f/%.1f", (c.self - o.self).Seconds(), (c.server - o.server).Seconds())
}

// procCPU is the user plus system CPU time of process pid ("self" for this one), from
// /proc/PID/stat in clock ticks of 1/100 s.
func procCPU(pid string) time.Duration {
	if pid == "0" {
		return 0
	}
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, may hold spaces: count fields after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func joinCols(c []string) string {
	var b bytes.Buffer
	for i, s := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func rounded(v []float64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

func nonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}
