package alerting

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/cxpulse/cxpulse/alerting/notify/console"
	"github.com/cxpulse/cxpulse/alerting/notify/loki"
	"github.com/cxpulse/cxpulse/alerting/notify/pagerduty"
	"github.com/cxpulse/cxpulse/alerting/notify/slack"
	"github.com/cxpulse/cxpulse/alerting/notify/webhook"
)

// Config configures the alerting Manager (the `alerting` section of the service config).
type Config struct {
	// RuleFiles are the rule files (globs allowed).
	RuleFiles []string `yaml:"rule_files"`
	// ExternalURL is cxpulse's own URL, for links in notifications.
	ExternalURL string `yaml:"external_url"`
	// GrafanaURL prefixes relative dashboard annotations.
	GrafanaURL string `yaml:"grafana_url"`
	// PollInterval is how often the manager looks for due rule groups and notifications.
	PollInterval time.Duration `yaml:"poll_interval"`
	// ResolveTimeout resolves a firing alert its rule stopped reporting (a deleted rule, …).
	ResolveTimeout time.Duration `yaml:"resolve_timeout"`
	// AllowMissingSecrets turns an integration whose ${ENV} secret is unset into a logged,
	// disabled integration instead of a start-up error (for the demo).
	AllowMissingSecrets bool `yaml:"allow_missing_secrets"`
	// Loki ships alert transitions and notifications as log lines when set.
	Loki *loki.Config `yaml:"loki"`
}

// Defaults fills zero fields.
func (c *Config) Defaults() {
	if c.PollInterval == 0 {
		c.PollInterval = time.Second
	}
	if c.ResolveTimeout == 0 {
		c.ResolveTimeout = 5 * time.Minute
	}
}

// Validate checks the configuration (not the rule files: New loads them).
func (c *Config) Validate() error {
	if len(c.RuleFiles) == 0 {
		return errors.New("alerting: rule_files is empty")
	}
	if c.PollInterval <= 0 || c.ResolveTimeout <= 0 {
		return errors.New("alerting: poll_interval and resolve_timeout must be positive")
	}
	if c.Loki != nil {
		c.Loki.Defaults()
		if err := c.Loki.Validate(); err != nil {
			return fmt.Errorf("alerting: %w", err)
		}
	}
	return nil
}

// Deps are the Manager's seams.
type Deps struct {
	// Query runs rule queries (required).
	Query QueryFunc
	// Samples fetches sample messages for notifications (optional).
	Samples SampleFunc
	// Detectors makes anomaly detectors (required by anomaly rules).
	Detectors DetectorFactory
	// Store persists alert state, the notification log and silences (optional: without it a
	// restart forgets).
	Store StateStore
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Getenv resolves ${ENV} secrets; os.Getenv when nil.
	Getenv func(string) string
	// HTTPClient is used by the notifiers; one with a 10 s timeout when nil.
	HTTPClient *http.Client
	// Console receives the console receiver's output; os.Stdout when nil.
	Console io.Writer
}

// Manager runs rules and delivers their alerts: evaluator, dispatcher, silences and the Loki
// audit trail. New wires, Run runs.
type Manager struct {
	cfg     Config
	deps    Deps
	logger  *slog.Logger
	set     *RuleSet
	eval    *Evaluator
	disp    *Dispatcher
	sil     *Silences
	pusher  *loki.Pusher
	metrics *metrics

	restoreMu sync.Mutex
	restored  bool
	runOnce   sync.Once
}

// New loads the rule files, builds the notifiers and wires the manager. It starts nothing.
func New(cfg Config, deps Deps, logger *slog.Logger, reg prometheus.Registerer) (*Manager, error) {
	cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Query == nil {
		return nil, errors.New("alerting: no query function")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Getenv == nil {
		deps.Getenv = os.Getenv
	}
	if deps.Console == nil {
		deps.Console = os.Stdout
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	files, err := expandGlobs(cfg.RuleFiles)
	if err != nil {
		return nil, err
	}
	set, err := LoadFiles(files...)
	if err != nil {
		return nil, fmt.Errorf("alerting: rules:\n%w", err)
	}
	m := &Manager{cfg: cfg, deps: deps, logger: logger, set: set, metrics: newMetrics(reg)}
	var audit AuditFunc
	if cfg.Loki != nil {
		m.pusher, err = loki.New(*cfg.Loki, deps.HTTPClient, logger, reg)
		if err != nil {
			return nil, err
		}
		audit = m.pusher.Push
	}
	if deps.Detectors == nil {
		deps.Detectors = AnomalyDetectors
	}
	for _, g := range set.Groups {
		for _, r := range g.Rules {
			if r.Anomaly != nil && deps.Detectors == nil {
				return nil, fmt.Errorf("alerting: rule %s (%s) is an anomaly rule and no detectors are wired", r.Alert, r.Pos)
			}
		}
	}
	m.eval, err = NewEvaluator(set, EvaluatorDeps{
		Query: deps.Query, Samples: deps.Samples, Detectors: deps.Detectors,
		Store: deps.Store, Audit: audit, ExternalURL: cfg.ExternalURL,
	}, logger, m.metrics)
	if err != nil {
		return nil, err
	}
	integrations, err := m.buildIntegrations()
	if err != nil {
		return nil, err
	}
	m.sil = newSilences(deps.Store, m.metrics)
	m.disp, err = NewDispatcher(DispatcherConfig{
		ExternalURL: cfg.ExternalURL, GrafanaURL: cfg.GrafanaURL,
		ResolveTimeout: cfg.ResolveTimeout,
	}, set, integrations, m.sil, deps.Store, audit, logger, m.metrics)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func expandGlobs(patterns []string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		if !strings.ContainsAny(p, "*?[") {
			out = append(out, p)
			continue
		}
		matches, err := globFiles(p)
		if err != nil {
			return nil, fmt.Errorf("alerting: rule_files %q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("alerting: rule_files %q matches no file", p)
		}
		out = append(out, matches...)
	}
	return out, nil
}

func (m *Manager) secret(recv, field string, s Secret) (string, error) {
	v := s.Resolve(m.deps.Getenv)
	if s.Name != "" && v == "" {
		return "", fmt.Errorf("receiver %s: %s: environment variable %s is not set", recv, field, s.Name)
	}
	return v, nil
}

func (m *Manager) buildIntegrations() (map[string][]Integration, error) {
	out := map[string][]Integration{}
	var errs []error
	for _, name := range sortedKeys(m.set.Receivers) {
		rc := m.set.Receivers[name]
		add := func(in Integration, err error) {
			if err == nil {
				out[name] = append(out[name], in)
				return
			}
			if m.cfg.AllowMissingSecrets {
				m.logger.Warn("integration disabled", "receiver", name, "err", err)
				return
			}
			errs = append(errs, err)
		}
		if c := rc.Slack; c != nil {
			token, err1 := m.secret(name, "slack.token", c.Token)
			hook, err2 := m.secret(name, "slack.webhook_url", c.WebhookURL)
			if token == "" && hook == "" {
				add(Integration{}, errors.Join(err1, err2))
			} else {
				n, err := slack.New(slack.Config{Channel: c.Channel, Token: token, WebhookURL: hook, APIURL: c.APIURL, HTTPClient: m.deps.HTTPClient})
				add(Integration{Notifier: n, SendResolved: c.SendResolved}, err)
			}
		}
		if c := rc.PagerDuty; c != nil {
			key, err := m.secret(name, "pagerduty.routing_key", c.RoutingKey)
			if err != nil {
				add(Integration{}, err)
			} else {
				n, err := pagerduty.New(pagerduty.Config{RoutingKey: key, URL: c.URL, Severity: c.Severity, Source: c.Source, HTTPClient: m.deps.HTTPClient})
				add(Integration{Notifier: n, SendResolved: c.SendResolved}, err)
			}
		}
		if c := rc.Webhook; c != nil {
			u, err := m.secret(name, "webhook.url", c.URL)
			if err != nil {
				add(Integration{}, err)
			} else {
				n, err := webhook.New(webhook.Config{URL: u, MaxAlerts: c.MaxAlerts, HTTPClient: m.deps.HTTPClient})
				add(Integration{Notifier: n, SendResolved: c.SendResolved}, err)
			}
		}
		if c := rc.Console; c != nil {
			add(Integration{Notifier: console.New(m.deps.Console), SendResolved: c.SendResolved}, nil)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("alerting: %w", errors.Join(errs...))
	}
	return out, nil
}

// RuleSet returns the loaded rules.
func (m *Manager) RuleSet() *RuleSet { return m.set }

// Silences returns the silences.
func (m *Manager) Silences() *Silences { return m.sil }

// Evaluator returns the evaluator.
func (m *Manager) Evaluator() *Evaluator { return m.eval }

// Dispatcher returns the dispatcher.
func (m *Manager) Dispatcher() *Dispatcher { return m.disp }

// Restore reloads alert state, the notification log and silences from the store. Tick does
// nothing until Restore succeeded once, so a restart never evaluates (and pages) from a blank
// state.
func (m *Manager) Restore(ctx context.Context, now time.Time) error {
	m.restoreMu.Lock()
	defer m.restoreMu.Unlock()
	if m.restored {
		return nil
	}
	if err := m.eval.Restore(ctx, now); err != nil {
		return err
	}
	if err := m.disp.Restore(ctx, now); err != nil {
		return err
	}
	if err := m.sil.Load(ctx, now); err != nil {
		return err
	}
	m.restored = true
	return nil
}

// Tick evaluates the rule groups due at now, hands their alerts to the dispatcher and sends the
// notifications due. Tests call it with a fake clock; Run calls it every poll interval.
func (m *Manager) Tick(ctx context.Context, now time.Time) {
	m.restoreMu.Lock()
	ok := m.restored
	m.restoreMu.Unlock()
	if !ok {
		return
	}
	alerts := m.eval.EvalDue(ctx, now)
	m.disp.Put(now, alerts)
	m.disp.Flush(ctx, now)
}

// Run restores state (retrying while the store is unavailable), then ticks every poll interval
// until ctx ends, and drains the Loki queue. A second call returns at once.
func (m *Manager) Run(ctx context.Context) error {
	first := false
	m.runOnce.Do(func() { first = true })
	if !first {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	if m.pusher != nil {
		g.Go(func() error { return m.pusher.Run(gctx) })
	}
	g.Go(func() error {
		t := time.NewTicker(m.cfg.PollInterval)
		defer t.Stop()
		lastErr := ""
		for {
			now := m.deps.Now()
			if err := m.Restore(gctx, now); err != nil {
				if err.Error() != lastErr {
					m.logger.Warn("alerting state not restored yet; rules wait", "err", err)
					lastErr = err.Error()
				}
			} else {
				m.Tick(gctx, now)
			}
			select {
			case <-gctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
	return g.Wait()
}

// Pusher returns the Loki audit pusher (nil without Loki). Run runs it; tests that drive Tick
// themselves run it directly.
func (m *Manager) Pusher() *loki.Pusher { return m.pusher }
