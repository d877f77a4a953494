package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/httpapi"
	"github.com/cxpulse/cxpulse/ingest/kafka"
	"github.com/cxpulse/cxpulse/ingest/redact"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/internal/outreachwire"
	"github.com/cxpulse/cxpulse/internal/secret"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/pipeline"
	"github.com/cxpulse/cxpulse/pipeline/spool"
	"github.com/cxpulse/cxpulse/sentiment"
	"github.com/cxpulse/cxpulse/store"
)

// serveFlags are the flags of `serve` that override the configuration file.
type serveFlags struct {
	config         string
	listen         string
	clickhouse     string
	database       string
	ingestToken    string
	insecureNoAuth bool
	model          string
	rules          []string
	noRules        bool
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: ingest, score, store in ClickHouse, /metrics",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd)
			if err != nil {
				return err
			}
			logger := newLogger(cfg.Server.LogLevel, cfg.Server.LogFormat, cmd.ErrOrStderr())
			return serve(cmd.Context(), cfg, logger, nil)
		},
	}
	f.bind(cmd.Flags())
	return cmd
}

// bind defines the flags of serve on fl.
func (f *serveFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.config, "config", "", "configuration file (YAML); flags override it")
	fl.StringVar(&f.listen, "listen", "", "HTTP listen address (default 127.0.0.1:8080)")
	fl.StringVar(&f.clickhouse, "clickhouse", "", "ClickHouse native address(es), comma-separated (default 127.0.0.1:9000)")
	fl.StringVar(&f.database, "database", "", "ClickHouse database (default cxpulse)")
	fl.StringVar(&f.ingestToken, "ingest-token", "", "bearer token required on ingest endpoints (default $CXPULSE_INGEST_TOKEN)")
	fl.BoolVar(&f.insecureNoAuth, "insecure-no-auth", false, "allow listening beyond loopback without an ingest token")
	addModelFlag(fl, &f.model)
	fl.StringSliceVar(&f.rules, "rules", nil, "rule files (globs allowed; repeat or comma-separate); sets alerting.rule_files")
	fl.BoolVar(&f.noRules, "no-rules", false, "ingest only: run no rules and no outreach, whatever the config says (rules belong on one instance)")
}

// load reads the configuration file (if any) and applies the flags given on the command line.
func (f *serveFlags) load(cmd *cobra.Command) (Config, error) {
	cfg, err := loadConfig(f.config)
	if err != nil {
		return cfg, err
	}
	changed := cmd.Flags().Changed
	if changed("listen") {
		cfg.Server.Listen = f.listen
	}
	if changed("clickhouse") {
		cfg.ClickHouse.Addr = strings.Split(f.clickhouse, ",")
	}
	if changed("database") {
		cfg.ClickHouse.Database = f.database
	}
	if changed("insecure-no-auth") {
		cfg.Server.InsecureNoAuth = f.insecureNoAuth
	}
	if changed("model") {
		cfg.Sentiment.Model = f.model
	}
	if f.noRules && changed("rules") {
		return cfg, errors.New("--rules and --no-rules contradict each other")
	}
	if f.noRules {
		cfg.Alerting = nil
	}
	if changed("rules") {
		if cfg.Alerting == nil {
			cfg.Alerting = &alerting.Config{}
		}
		cfg.Alerting.RuleFiles = f.rules
	}
	switch {
	case changed("ingest-token"):
		cfg.Server.IngestToken, cfg.Server.tokenFromFlag = secret.Secret(f.ingestToken), true
	case cfg.Server.IngestToken == "" && os.Getenv("CXPULSE_INGEST_TOKEN") != "":
		cfg.Server.IngestToken = "${CXPULSE_INGEST_TOKEN}"
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func newLogger(level, format string, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// service is a running `serve`: what tests and the demo need to reach inside.
type service struct {
	addr  string
	store *store.Store
}

// serve runs the service until ctx is cancelled. started, when not nil, is called once the HTTP
// listener is open.
func serve(ctx context.Context, cfg Config, logger *slog.Logger, started func(*service)) error {
	token, err := cfg.Server.token()
	if err != nil {
		return err
	}
	if token == "" && !cfg.Server.InsecureNoAuth && !isLoopback(cfg.Server.Listen) {
		return fmt.Errorf("refusing to listen on %s without an ingest token: set server.ingest_token (or --ingest-token, or $CXPULSE_INGEST_TOKEN), or pass --insecure-no-auth", cfg.Server.Listen)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "cxpulse_build_info", Help: "Always 1; the labels say which build runs.",
	}, []string{"version"})
	buildInfo.WithLabelValues(version).Set(1)
	reg.MustRegister(buildInfo)

	scorer, err := sentiment.New(cfg.Sentiment)
	if err != nil {
		return fmt.Errorf("sentiment: %w", err)
	}
	st, err := store.Open(cfg.ClickHouse.Config, logger, reg)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()

	var alerts *alerting.Manager
	if cfg.Alerting != nil {
		alerts, err = alerting.New(*cfg.Alerting, alertwire.Deps(st), logger, reg)
		if err != nil {
			return err
		}
	}

	reach, err := newOutreach(cfg, st, alerts, logger, reg)
	if err != nil {
		return err
	}

	im := ingest.NewMetrics(reg)
	be := &backend{}
	mux := http.NewServeMux()
	api := ingest.RequireToken(token.Value(), nil, alertsAPI(alerts))
	mux.Handle("GET /v1/alerts", api)
	mux.Handle("/v1/silences", api)
	mux.Handle("/v1/silences/", api)
	oapi := ingest.RequireToken(token.Value(), nil, outreachAPI(reach))
	mux.Handle("/v1/outreach", oapi)
	mux.Handle("/v1/outreach/", oapi)
	events := httpapi.New(cfg.Ingest.HTTP, cfg.Events, be, nil, logger, im)
	denied := func() { im.Rejected(cfg.Ingest.HTTP.Source, ingest.ReasonUnauthorized, 1) }
	mux.Handle("POST /v1/events", ingest.RequireToken(token.Value(), denied, events))
	if err := mountDoors(mux, cfg, token, be, logger, reg, im); err != nil {
		return err
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := be.ready(); err != nil {
			ingest.WriteError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
		fmt.Fprintln(w, "ready")
	})

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "auth", token != "")
	if started != nil {
		started(&service{addr: ln.Addr().String(), store: st})
	}

	// The back end comes up once ClickHouse answers; until then the doors answer 503.
	stages := stageGroup{failed: make(chan error, 16)}
	backCtx, stopBack := context.WithCancel(context.Background())
	defer stopBack()
	upErr := make(chan error, 1)
	go func() {
		upErr <- startBackend(ctx, backCtx, cfg, st, scorer, alerts, reach, im, logger, reg, be, &stages)
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		runErr = fmt.Errorf("http server: %w", err)
	case err := <-upErr:
		if err != nil {
			runErr = err
		} else {
			select {
			case <-ctx.Done():
			case err := <-serveErr:
				runErr = fmt.Errorf("http server: %w", err)
			case err := <-stages.failed:
				runErr = err
			}
		}
	}
	logger.Info("shutting down")
	// Stop the doors first, then drain the pipeline, then close the writer.
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		logger.Warn("http shutdown", "err", err)
	}
	stopBack()
	stages.stop(shutCtx, logger)
	logger.Info("stopped")
	return runErr
}

func (s ServerConfig) token() (secret.Secret, error) {
	if s.IngestToken == "" {
		return "", nil
	}
	if s.tokenFromFlag {
		return s.IngestToken, nil
	}
	t, err := secret.Expand(s.IngestToken.Value())
	if err != nil {
		return "", fmt.Errorf("server.ingest_token: %w", err)
	}
	return t, nil
}

// startBackend migrates the schema (waiting for ClickHouse), then starts the writer and the
// pipeline and publishes the pipeline to be.
func startBackend(ctx, backCtx context.Context, cfg Config, st *store.Store, scorer *sentiment.Scorer,
	alerts *alerting.Manager, reach *outreach.Manager, im *ingest.Metrics, logger *slog.Logger, reg prometheus.Registerer,
	be *backend, stages *stageGroup,
) error {
	wait := 200 * time.Millisecond
	for {
		err := st.Migrate(ctx)
		if err == nil {
			break
		}
		if !store.IsTransient(err) {
			return fmt.Errorf("clickhouse migration: %w", err)
		}
		be.setStarting(fmt.Errorf("waiting for ClickHouse: %w", err))
		logger.Warn("clickhouse not reachable yet; retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
	w := store.NewBatchWriter[event.Scored](st, "events", store.NewEventEncoder(st.Dialect()), cfg.ClickHouse.Writer)
	w.BeforeRetry = st.FilterStored
	red, err := redact.New(cfg.Redact, reg)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	opts := pipeline.Options{
		RecentIDs: st.RecentIDs, Filter: st.FilterStored,
		Redact: func(s string) string { out, _ := red.Redact(s); return out },
	}
	if cfg.Output.Kafka.Enabled() {
		pub, err := kafka.NewPublisher(cfg.Output.Kafka, logger, reg)
		if err != nil {
			return fmt.Errorf("output.kafka: %w", err)
		}
		stages.onStop(pub.Close)
		opts.OnAccepted = pub.Publish
	}
	if cfg.Spool.Dir != "" {
		sp, err := spool.Open(cfg.Spool, logger)
		if err != nil {
			return err
		}
		stages.onStop(func() { _ = sp.Close() })
		opts.Spool = sp
	}
	p, err := pipeline.New(cfg.Pipeline, scorer, w, opts, logger, reg)
	if err != nil {
		return err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "cxpulse_clickhouse_up", Help: "1 when the last ClickHouse insert or health check succeeded.",
	}, func() float64 {
		if w.Healthy() {
			return 1
		}
		return 0
	}))
	// Order matters at shutdown: stages stop in reverse (pipeline, then writer).
	stages.start(backCtx, "writer", w.Run)
	stages.start(backCtx, "pipeline", p.Run)
	if len(cfg.Ingest.Kafka.Brokers) > 0 {
		kc, err := kafka.New(cfg.Ingest.Kafka, cfg.Events, be, rejectSink{st}, logger, reg, im)
		if err != nil {
			return fmt.Errorf("kafka: %w", err)
		}
		stages.start(backCtx, "kafka", kc.Run)
	}
	if alerts != nil {
		stages.start(backCtx, "alerting", alerts.Run)
	}
	if reach != nil {
		stages.start(backCtx, "outreach", reach.Run)
	}
	be.set(p)
	return nil
}

// newOutreach builds the outreach manager from the outreach: sections of the rule files; nil
// when there are none.
func newOutreach(cfg Config, st *store.Store, alerts *alerting.Manager, logger *slog.Logger, reg prometheus.Registerer) (*outreach.Manager, error) {
	if alerts == nil {
		return nil, nil
	}
	spec, err := outreachwire.Spec(alerts.RuleSet())
	if err != nil {
		return nil, fmt.Errorf("outreach: rules:\n%w", err)
	}
	if spec == nil {
		return nil, nil
	}
	oc := cfg.Outreach
	if oc.ExternalURL == "" {
		oc.ExternalURL = cfg.Alerting.ExternalURL
	}
	if oc.GrafanaURL == "" {
		oc.GrafanaURL = cfg.Alerting.GrafanaURL
	}
	oc.AllowMissingSecrets = oc.AllowMissingSecrets || cfg.Alerting.AllowMissingSecrets
	deps := outreach.Deps{Store: outreachwire.Store{S: st}, Alerts: outreachwire.Alerts(alerts)}
	if p := alerts.Pusher(); p != nil {
		deps.Audit = p.Push
	}
	return outreach.New(oc, spec, deps, logger, reg)
}

// outreachAPI serves /v1/outreach, or says outreach is off.
func outreachAPI(m *outreach.Manager) http.Handler {
	if m != nil {
		return m.Handler()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ingest.WriteError(w, http.StatusNotFound, "outreach is not configured (no outreach: section in the rule files)")
	})
}

// alertsAPI serves /v1/alerts and /v1/silences, or says alerting is off.
func alertsAPI(m *alerting.Manager) http.Handler {
	if m != nil {
		return m.Handler()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ingest.WriteError(w, http.StatusNotFound, "alerting is not configured (alerting.rule_files)")
	})
}

// backend is the Submitter the doors see: the pipeline once it is up, 503 before.
type backend struct {
	p        atomic.Pointer[pipeline.Pipeline]
	starting atomic.Pointer[error]
}

var _ ingest.Submitter = (*backend)(nil)

func (b *backend) set(p *pipeline.Pipeline) { b.p.Store(p) }

func (b *backend) setStarting(err error) { b.starting.Store(&err) }

func (b *backend) ready() error {
	if p := b.p.Load(); p != nil {
		return p.Ready()
	}
	cause := errors.New("starting")
	if e := b.starting.Load(); e != nil {
		cause = *e
	}
	return &event.BusyError{Reason: event.BusyUnavailable, RetryAfter: time.Second, Err: cause}
}

// Submit implements ingest.Submitter.
func (b *backend) Submit(ctx context.Context, evs []event.Event) (event.Ack, error) {
	p := b.p.Load()
	if p == nil {
		return event.Ack{}, b.ready()
	}
	return p.Submit(ctx, evs)
}

// stageGroup runs the back-end stages, each with its own context so they can be stopped one by
// one in reverse order of start.
type stageGroup struct {
	mu      sync.Mutex
	stages  []stage
	cleanup []func()
	failed  chan error
}

// onStop registers f to run after every stage has stopped.
func (g *stageGroup) onStop(f func()) {
	g.mu.Lock()
	g.cleanup = append(g.cleanup, f)
	g.mu.Unlock()
}

type stage struct {
	name   string
	cancel context.CancelFunc
	done   chan error
}

func (g *stageGroup) start(parent context.Context, name string, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan error, 1)
	go func() {
		err := run(ctx)
		if err != nil && ctx.Err() == nil {
			g.failed <- fmt.Errorf("%s: %w", name, err)
		}
		done <- err
	}()
	g.mu.Lock()
	g.stages = append(g.stages, stage{name: name, cancel: cancel, done: done})
	g.mu.Unlock()
}

// stop cancels the stages last-started first, waiting for each before the next.
func (g *stageGroup) stop(ctx context.Context, logger *slog.Logger) {
	g.mu.Lock()
	stages := g.stages
	g.mu.Unlock()
	for i := len(stages) - 1; i >= 0; i-- {
		s := stages[i]
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil {
				logger.Warn("stage stopped with error", "stage", s.name, "err", err)
			}
		case <-ctx.Done():
			logger.Error("stage did not stop in time", "stage", s.name)
		}
	}
	g.mu.Lock()
	cleanup := g.cleanup
	g.mu.Unlock()
	for _, f := range cleanup {
		f()
	}
}
