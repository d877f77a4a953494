package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/outreach"

	"github.com/cxpulse/cxpulse/internal/chserver"
	"github.com/cxpulse/cxpulse/internal/secret"
	"github.com/cxpulse/cxpulse/internal/traffic"
	"github.com/cxpulse/cxpulse/store"
)

type demoFlags struct {
	duration   time.Duration
	rate       int
	clickhouse string
	database   string
	seed       uint64
	rules      []string
}

func newDemoCmd() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole system on this machine with generated traffic and an injected incident",
		Long: `Starts a private ClickHouse (unless --clickhouse is given) and cxpulse serve, sends
generated customer messages (several channels, products and regions, a day-like rhythm squeezed
into the run, and an incident during which checkout messages in the eu region turn negative),
and prints what happened. Ctrl-C stops everything it started.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&f.duration, "duration", 4*time.Minute, "how long to send traffic")
	fl.IntVar(&f.rate, "rate", 400, "mean messages a second")
	fl.StringVar(&f.clickhouse, "clickhouse", "", "use this ClickHouse (host:port) instead of starting one")
	fl.StringVar(&f.database, "database", "cxpulse_demo", "database to use")
	fl.Uint64Var(&f.seed, "seed", 42, "traffic seed")
	fl.StringSliceVar(&f.rules, "rules", []string{"deploy/demo/rules.yaml", "deploy/demo/outreach.yaml"}, "rule files to run (console receiver; PagerDuty and Slack when PD_ROUTING_KEY / SLACK_BOT_TOKEN are set)")
	return cmd
}

func runDemo(ctx context.Context, f demoFlags, out, errOut io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	for _, r := range f.rules {
		if matches, _ := filepath.Glob(r); len(matches) == 0 {
			return fmt.Errorf("rule file %s not found: run the demo from the repository's root (make demo), or pass --rules", r)
		}
	}
	addr := f.clickhouse
	if addr == "" {
		say("starting a private ClickHouse in a temporary directory…")
		srv, err := chserver.Start(ctx, chserver.Options{})
		if err != nil {
			if errors.Is(err, chserver.ErrNotInstalled) {
				return fmt.Errorf("%w; `make demo` installs it when run as root", err)
			}
			return err
		}
		defer func() {
			say("stopping ClickHouse")
			_ = srv.Close()
		}()
		addr = srv.Addr()
		say("ClickHouse is up at %s (data in %s)", addr, srv.Dir())
	}

	token := randomToken()
	cfg := defaultConfig()
	cfg.Server.Listen = "127.0.0.1:0"
	cfg.Server.IngestToken, cfg.Server.tokenFromFlag = secret.Secret(token), true
	cfg.ClickHouse.Addr, cfg.ClickHouse.Database = []string{addr}, f.database
	cfg.ClickHouse.Writer.MaxDelay = 100 * time.Millisecond
	cfg.Alerting = &alerting.Config{RuleFiles: f.rules, AllowMissingSecrets: true}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))

	svcCtx, stopSvc := context.WithCancel(context.Background())
	defer stopSvc()
	up := make(chan *service, 1)
	served := make(chan error, 1)
	go func() { served <- serve(svcCtx, cfg, logger, func(s *service) { up <- s }) }()
	var svc *service
	select {
	case svc = <-up:
	case err := <-served:
		return err
	}
	base := "http://" + svc.addr
	if err := waitReady(ctx, base); err != nil {
		stopSvc()
		if serr := <-served; serr != nil {
			return fmt.Errorf("%w (serve: %v)", err, serr)
		}
		return err
	}
	say("cxpulse serve is up at %s (ingest token %s…)\n", base, token[:6])

	start := time.Now()
	gen := traffic.New(f.seed)
	incident := traffic.Incident{
		Product: "checkout", Region: "eu",
		From: start.Add(f.duration * 25 / 100), To: start.Add(f.duration * 45 / 100),
	}
	gen.SetIncident(incident)
	say("sending about %d messages a second for %s; incident: %s in %s turns negative from +%s to +%s",
		f.rate, f.duration, incident.Product, incident.Region,
		incident.From.Sub(start).Round(time.Second), incident.To.Sub(start).Round(time.Second))

	var sent, accepted, refused atomic.Int64
	client := &http.Client{Timeout: 30 * time.Second}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	report := time.NewTicker(15 * time.Second)
	defer report.Stop()
	lastAccepted, lastReport := int64(0), start
	runCtx, stopRun := context.WithDeadline(ctx, start.Add(f.duration))
	defer stopRun()
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case now := <-tick.C:
			frac := now.Sub(start).Seconds() / f.duration.Seconds()
			n := int(float64(f.rate) * traffic.Rhythm(frac) / 4)
			var body bytes.Buffer
			gen.AppendNDJSON(&body, n, now.Add(-250*time.Millisecond), 250*time.Millisecond)
			sent.Add(int64(n))
			ack, err := postEvents(ctx, client, base, token, body.Bytes())
			if err != nil {
				refused.Add(int64(n))
				continue
			}
			accepted.Add(int64(ack))
		case now := <-report.C:
			acc := accepted.Load()
			rate := float64(acc-lastAccepted) / now.Sub(lastReport).Seconds()
			lastAccepted, lastReport = acc, now
			say("+%-5s sent %7d  stored %7d  %6.0f events/s  %s", now.Sub(start).Round(time.Second), sent.Load(), acc, rate,
				negativeNow(ctx, svc.store, f.database, now, incident))
		}
	}
	el := time.Since(start)
	say("\ntraffic done: %d sent, %d accepted, %d refused in %s (%.0f events/s)\n",
		sent.Load(), accepted.Load(), refused.Load(), el.Round(time.Second), float64(accepted.Load())/el.Seconds())
	summarize(context.Background(), out, svc.store, f.database, start)
	api := &apiClient{url: base, token: token, hc: client}
	if err := waitIncidentOver(ctx, api); err != nil {
		say("(%v)", err)
	}
	printAlerts(context.Background(), out, svc.store, f.database, start)
	if err := printOutreachSummary(context.Background(), out, api); err != nil {
		say("(outreach: %v)", err)
	}

	stopSvc()
	if err := <-served; err != nil {
		return err
	}
	return nil
}

// waitIncidentOver waits (up to 90 s) until no alert is pending or firing and outreach has
// released the tasks it held during the incident.
func waitIncidentOver(ctx context.Context, api *apiClient) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		var alerts []alerting.AlertJSON
		var tasks []outreach.TaskJSON
		active, released := 0, 0
		if err := api.do(ctx, http.MethodGet, "/v1/alerts", nil, &alerts); err == nil {
			for _, a := range alerts {
				if a.State == "pending" || a.State == "firing" {
					active++
				}
			}
		}
		if err := api.do(ctx, http.MethodGet, "/v1/outreach?limit=1000", nil, &tasks); err == nil {
			for _, t := range tasks {
				if t.HeldBy != "" {
					released++
				}
			}
		}
		if active == 0 && released > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after 90 s: %d alert(s) still active, %d held task(s) released", active, released)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func waitReady(ctx context.Context, base string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cxpulse did not become ready: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func postEvents(ctx context.Context, c *http.Client, base, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/events", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	var ack struct {
		Accepted, Duplicates int
		Error                string
	}
	_ = json.NewDecoder(resp.Body).Decode(&ack)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", resp.Status, ack.Error)
	}
	return ack.Accepted, nil
}

// negativeNow is the negative share per product over the last minute, from the rollup, with the
// incident's product and region on its own.
func negativeNow(ctx context.Context, st *store.Store, db string, now time.Time, in traffic.Incident) string {
	q := fmt.Sprintf(`SELECT if(product = '%s' AND region = '%s', concat(product, '/', region), product) AS p,
    sum(negatives) / sum(volume) FROM %s.sentiment_1m
WHERE minute >= toDateTime(%d) GROUP BY p ORDER BY p`, in.Product, in.Region, db, now.Add(-time.Minute).Unix())
	rows, err := st.Conn().Query(ctx, q)
	if err != nil {
		return "(rollup: " + err.Error() + ")"
	}
	defer func() { _ = rows.Close() }()
	var parts []string
	for rows.Next() {
		var p string
		var share float64
		if rows.Scan(&p, &share) == nil {
			parts = append(parts, fmt.Sprintf("%s %2.0f%%", p, 100*share))
		}
	}
	return "negative: " + strings.Join(parts, "  ")
}

// printAlerts lists the alert state changes of the run, from the alerts table.
func printAlerts(ctx context.Context, out io.Writer, st *store.Store, db string, since time.Time) {
	q := fmt.Sprintf(`SELECT toUnixTimestamp(time), rule, state, labels, value FROM %s.alerts
WHERE time >= toDateTime(%d) ORDER BY time, version`, db, since.Unix())
	rows, err := st.Conn().Query(ctx, q)
	if err != nil {
		fmt.Fprintf(out, "(alerts: %v)\n", err)
		return
	}
	defer func() { _ = rows.Close() }()
	fmt.Fprintln(out, "alert state changes (from the alerts table)")
	n := 0
	for rows.Next() {
		var ts uint32
		var rule, state, labels string
		var value float64
		if err := rows.Scan(&ts, &rule, &state, &labels, &value); err != nil {
			fmt.Fprintf(out, "(alerts: %v)\n", err)
			return
		}
		fmt.Fprintf(out, "  +%-6s %-14s %-9s %s value=%.2f\n", time.Unix(int64(ts), 0).Sub(since).Round(time.Second), rule, state, labels, value)
		n++
	}
	if n == 0 {
		fmt.Fprintln(out, "  (none)")
	}
	fmt.Fprintln(out)
}

// summarize prints what the run stored: totals, then sentiment by channel and by product over time.
func summarize(ctx context.Context, out io.Writer, st *store.Store, db string, since time.Time) {
	var events, volume uint64
	_ = st.Conn().QueryRow(ctx, "SELECT count() FROM "+db+".events").Scan(&events)
	_ = st.Conn().QueryRow(ctx, "SELECT sum(volume) FROM "+db+".sentiment_1m").Scan(&volume)
	fmt.Fprintf(out, "ClickHouse: %d rows in %s.events, %d events summed in %s.sentiment_1m\n\n", events, db, volume, db)
	for _, dim := range []string{"channel", "product"} {
		printShareTable(ctx, out, st, db, dim, since)
	}
}

func printShareTable(ctx context.Context, out io.Writer, st *store.Store, db, dim string, since time.Time) {
	q := fmt.Sprintf(`SELECT toUnixTimestamp(minute) AS m, %s, sum(volume), sum(negatives) / sum(volume), sum(score_sum) / sum(volume)
FROM %s.sentiment_1m WHERE minute >= toDateTime(%d) GROUP BY m, %s ORDER BY m, %s`, dim, db, since.Truncate(time.Minute).Unix(), dim, dim)
	rows, err := st.Conn().Query(ctx, q)
	if err != nil {
		fmt.Fprintf(out, "(%s table: %v)\n", dim, err)
		return
	}
	defer func() { _ = rows.Close() }()
	type cell struct {
		volume uint64
		neg    float64
	}
	var minutes []uint32
	var keys []string
	seenKey := map[string]bool{}
	cells := map[uint32]map[string]cell{}
	for rows.Next() {
		var m uint32
		var k string
		var v uint64
		var neg, mean float64
		if err := rows.Scan(&m, &k, &v, &neg, &mean); err != nil {
			fmt.Fprintf(out, "(%s table: %v)\n", dim, err)
			return
		}
		if cells[m] == nil {
			cells[m] = map[string]cell{}
			minutes = append(minutes, m)
		}
		if !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
		cells[m][k] = cell{volume: v, neg: neg}
	}
	fmt.Fprintf(out, "negative share by %s and minute (messages in brackets)\n", dim)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "minute\t")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw)
	for _, m := range minutes {
		fmt.Fprintf(tw, "%s\t", time.Unix(int64(m), 0).Format("15:04"))
		for _, k := range keys {
			c, ok := cells[m][k]
			if !ok {
				fmt.Fprint(tw, "-\t")
				continue
			}
			fmt.Fprintf(tw, "%3.0f%% (%d)\t", 100*c.neg, c.volume)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	fmt.Fprintln(out)
}
