// Package dashboards builds cxpulse's Grafana dashboards as code, with Grafana's foundation SDK:
// CX overview, Customer, Alerts and outreach over ClickHouse (the same tables and, where a panel
// shows what a rule evaluates, the same SQL as the rules), and Pipeline health over Prometheus.
// `cxpulse dashboards --out DIR` writes them as JSON for Grafana's file provisioning.
package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/grafana/grafana-foundation-sdk/go/common"

	"github.com/cxpulse/cxpulse/store"
)

// Dashboard uids: stable, so links (in rule annotations, between dashboards) keep working.
const (
	UIDOverview = "cx-overview"
	UIDCustomer = "cx-customer"
	UIDAlerts   = "cx-alerts"
	UIDPipeline = "cx-pipeline"
)

// Panel ids that links land on (`d/<uid>?viewPanel=<id>`). They never change once released.
const (
	// CX overview.
	PanelVolumeByChannel   = 5
	PanelSentimentTrend    = 6
	PanelRuleNegativeShare = 7
	PanelNegativeByProduct = 8
	PanelTopTopics         = 9
	PanelVolumeAnomalyBand = 10
	PanelLatestNegative    = 11
	// Customer.
	PanelCustomerTimeline  = 5
	PanelCustomerSentiment = 4
	PanelCustomerHealth    = 9
	PanelCustomerOutreach  = 10
	// Alerts and outreach.
	PanelAlertsFiring        = 1
	PanelAlertHistory        = 3
	PanelNotificationOutcome = 4
	PanelNotificationFailed  = 5
	PanelAnomalyScores       = 7
	PanelAnomalyBands        = 8
	PanelOutreachFunnel      = 9
	PanelOutreachRecovery    = 10
)

// Data source uids the provisioning under deploy/grafana/provisioning/datasources gives.
const (
	DatasourceClickHouse = "cxpulse-clickhouse"
	DatasourcePrometheus = "cxpulse-prometheus"
	DatasourceLoki       = "cxpulse-loki"
)

// Options say where the dashboards read from.
type Options struct {
	// Database is the ClickHouse database holding cxpulse's tables.
	Database string
	// ClickHouse and Prometheus are the uids of the data sources.
	ClickHouse string
	Prometheus string
}

// DefaultOptions are the options of the committed dashboards.
func DefaultOptions() Options {
	return Options{Database: store.DefaultConfig().Database, ClickHouse: DatasourceClickHouse, Prometheus: DatasourcePrometheus}
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports what is wrong with the options.
func (o Options) Validate() error {
	var errs []error
	if !identRE.MatchString(o.Database) {
		errs = append(errs, fmt.Errorf("database: %q is not a valid identifier", o.Database))
	}
	if o.ClickHouse == "" || o.Prometheus == "" {
		errs = append(errs, errors.New("data source uids must not be empty"))
	}
	return errors.Join(errs...)
}

// Dashboard is one generated dashboard.
type Dashboard struct {
	// UID is the dashboard's uid; its file is UID + ".json".
	UID   string
	Model classicDashboard
}

// JSON renders the dashboard as Grafana reads it: indented, ending with a newline, the same bytes
// for the same input.
func (d Dashboard) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d.Model); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return buf.Bytes(), nil
}

// Build returns every dashboard.
func Build(o Options) ([]Dashboard, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("dashboards: %w", err)
	}
	b := builder{
		o: o, d: store.Dialect{Database: o.Database},
		ch:   common.DataSourceRef{Type: ptr(ClickHousePluginID), Uid: ptr(o.ClickHouse)},
		prom: common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr(o.Prometheus)},
	}
	var out []Dashboard
	for _, f := range []func() (string, *dashboardBuilder){b.overview, b.customer, b.alerts, b.pipeline} {
		uid, db := f()
		m, err := db.Build()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", uid, err)
		}
		out = append(out, Dashboard{UID: uid, Model: m})
	}
	return out, nil
}

// Write builds the dashboards and writes each to dir/<uid>.json, creating dir. It returns the
// paths written.
func Write(dir string, o Options) ([]string, error) {
	ds, err := Build(o)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dashboards: %w", err)
	}
	var paths []string
	for _, d := range ds {
		data, err := d.JSON()
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, d.UID+".json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, fmt.Errorf("dashboards: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func ptr[T any](v T) *T { return &v }
