package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/internal/chtest"
)

// findTool returns the path of a Prometheus program (Debian's prometheus package puts both
// prometheus and promtool in /usr/bin). Without it the test skips, unless `make test` requires
// the real servers.
func findTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range []string{"/usr/bin/" + name, "/usr/sbin/" + name} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	msg := name + " is not installed (Debian: apt-get install -y prometheus)"
	if os.Getenv(chtest.EnvRequire) == "1" {
		t.Fatal(msg)
	}
	t.Skip("skipping: " + msg)
	return ""
}

func TestPrometheusRulesCheck(t *testing.T) {
	promtool := findTool(t, "promtool")
	for _, args := range [][]string{
		{"check", "rules", "../../deploy/prometheus/cxpulse-alerts.yml"},
		{"check", "config", "../../deploy/prometheus/prometheus.yml"},
		{"test", "rules", "../../deploy/prometheus/tests/cxpulse-alerts_test.yml"},
	} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		require.NoError(t, err, "promtool %s:\n%s", strings.Join(args, " "), out)
	}
}

// promServer is a private Prometheus on a free port in a temporary directory.
type promServer struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startPrometheus(t *testing.T, config string) *promServer {
	t.Helper()
	bin := findTool(t, "prometheus")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(cfg, []byte(config), 0o644))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	require.NoError(t, err)
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	require.NoError(t, cmd.Start())
	p := &promServer{url: "http://" + addr, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	})
	waitFor(t, 60*time.Second, "prometheus ready", func() error {
		select {
		case <-p.done:
			log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Fatalf("prometheus exited:\n%s", log)
		default:
		}
		resp, err := http.Get(p.url + "/-/ready")
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	return p
}

// waitFor checks cond every 100 ms until it returns nil or the deadline passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %s: %v", what, limit, err)
		case <-tick.C:
		}
	}
}

// promResult is the data of an instant query.
type promResult struct {
	Status    string `json:"status"`
	Error     string `json:"error"`
	ErrorType string `json:"errorType"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
		} `json:"result"`
	} `json:"data"`
}

func (p *promServer) query(expr string) (promResult, error) {
	var r promResult
	resp, err := http.PostForm(p.url+"/api/v1/query", url.Values{"query": {expr}})
	if err != nil {
		return r, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &r); err != nil {
		return r, fmt.Errorf("%s: %s", resp.Status, body)
	}
	if r.Status != "success" {
		return r, fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	return r, nil
}

// series requires expr to parse, run and return at least one series.
func (p *promServer) series(expr string) error {
	r, err := p.query(expr)
	if err != nil {
		return err
	}
	if len(r.Data.Result) == 0 {
		return errors.New("no series")
	}
	return nil
}

func (p *promServer) labelValues(label, metric string) ([]string, error) {
	resp, err := http.Get(p.url + "/api/v1/label/" + label + "/values?" + url.Values{"match[]": {metric}}.Encode())
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	var r struct {
		Status string   `json:"status"`
		Data   []string `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	return r.Data, nil
}

const scrapeInterval = time.Second

// rateInterval is Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape
// interval), with the data source's scrape interval.
func rateInterval(interval time.Duration) string {
	return max(interval+scrapeInterval, 4*scrapeInterval).String()
}

// TestDashboardAndAlertQueriesOnPrometheus runs a real Prometheus scraping a running cxpulse
// every second and evaluates every PromQL expression of the Pipeline health dashboard and of the
// alert rules for cxpulse's health. Every metric they read must exist at zero from the start: no
// traffic is sent.
func TestDashboardAndAlertQueriesOnPrometheus(t *testing.T) {
	addr, db := chtest.Database(t)
	r := startServe(t, addr, db, func(c *Config) {
		c.Alerting = &alerting.Config{
			RuleFiles:           []string{"../../deploy/rules/cx.yaml", "../../deploy/rules/routing.yaml"},
			AllowMissingSecrets: true,
		}
	})
	r.waitReady()

	rules, err := filepath.Abs("../../deploy/prometheus/cxpulse-alerts.yml")
	require.NoError(t, err)
	p := startPrometheus(t, fmt.Sprintf(`global:
  scrape_interval: %[1]s
  evaluation_interval: %[1]s
rule_files: [%[2]q]
scrape_configs:
  - job_name: cxpulse
    static_configs:
      - targets: [%[3]q]
`, scrapeInterval, rules, strings.TrimPrefix(r.url, "http://")))

	// Enough scrapes of both targets for rates over $__rate_interval.
	waitFor(t, 60*time.Second, "five scrapes", func() error {
		res, err := p.query(`count_over_time(up{job="cxpulse"}[1m]) >= 5 and up{job="cxpulse"} == 1`)
		if err == nil && len(res.Data.Result) == 0 {
			err = errors.New("not yet")
		}
		return err
	})

	exprs := dashboardExprs(t)
	require.Greater(t, len(exprs), 15)
	for _, e := range exprs {
		for _, state := range []string{"all", "one value"} {
			vars := map[string]string{"instance": ".*", "source": ".*"}
			if state == "one value" {
				for name, metric := range e.vars {
					vals, err := p.labelValues(name, metric)
					require.NoError(t, err)
					require.NotEmpty(t, vals, "variable %s: label_values(%s, %s) is empty", name, metric, name)
					vars[name] = promRegexEscape(vals[0])
				}
			}
			expr := expandPromQL(e.expr, vars, 5*time.Second)
			require.NotContains(t, expr, "$", "%s: a variable is left", e.where)
			// A rate needs two samples inside its window: on a loaded machine a late scrape can
			// leave a gap, so an empty answer is asked again; an error is final.
			_, err := p.query(expr)
			require.NoError(t, err, "%s (%s): %s", e.where, state, expr)
			waitFor(t, 20*time.Second, fmt.Sprintf("%s (%s): %s", e.where, state, expr), func() error { return p.series(expr) })
		}
	}

	var file struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	data, err := os.ReadFile(rules)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &file))
	selector := regexp.MustCompile(`\b(?:cxpulse_\w+|up)\{[^}]*\}`)
	n := 0
	for _, g := range file.Groups {
		for _, rule := range g.Rules {
			n++
			// The condition is false on a healthy cxpulse, so an empty result is right; but it
			// must run, and every series it reads must exist.
			_, err := p.query(rule.Expr)
			require.NoError(t, err, "%s: %s", rule.Alert, rule.Expr)
			sels := selector.FindAllString(rule.Expr, -1)
			require.NotEmpty(t, sels, rule.Alert)
			for _, s := range sels {
				require.NoError(t, p.series(s), "%s reads %s", rule.Alert, s)
			}
		}
	}
	// Prometheus itself loaded the rules and evaluates them without error.
	waitFor(t, 30*time.Second, "alert rules evaluated", func() error {
		resp, err := http.Get(p.url + "/api/v1/rules")
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		var rr struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name      string `json:"name"`
						Health    string `json:"health"`
						LastError string `json:"lastError"`
					} `json:"rules"`
				} `json:"groups"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&rr); err != nil {
			return err
		}
		ok := 0
		for _, g := range rr.Data.Groups {
			for _, rule := range g.Rules {
				if rule.Health == "err" {
					t.Fatalf("rule %s: %s", rule.Name, rule.LastError)
				}
				if rule.Health == "ok" {
					ok++
				}
			}
		}
		if ok != n {
			return fmt.Errorf("%d of %d rules evaluated", ok, n)
		}
		return nil
	})
}

// promExpr is one PromQL expression of a dashboard and the variables it uses, with the metric
// each variable's values come from (label_values(metric, name)).
type promExpr struct {
	where, expr string
	vars        map[string]string
}

// dashboardExprs reads the committed dashboards (what Grafana loads) and returns every
// Prometheus query.
func dashboardExprs(t *testing.T) []promExpr {
	t.Helper()
	files, err := filepath.Glob("../../deploy/grafana/dashboards/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	labelValues := regexp.MustCompile(`^label_values\((\w+), *(\w+)\)$`)
	var out []promExpr
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var d struct {
			UID    string `json:"uid"`
			Panels []struct {
				ID      int    `json:"id"`
				Title   string `json:"title"`
				Targets []struct {
					Datasource struct{ Type string } `json:"datasource"`
					Expr       string                `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
			Templating struct {
				List []struct {
					Name       string                `json:"name"`
					Query      any                   `json:"query"`
					Datasource struct{ Type string } `json:"datasource"`
				} `json:"list"`
			} `json:"templating"`
		}
		require.NoError(t, json.NewDecoder(bytes.NewReader(data)).Decode(&d), f)
		vars := map[string]string{}
		for _, v := range d.Templating.List {
			if v.Datasource.Type != "prometheus" {
				continue
			}
			m := labelValues.FindStringSubmatch(fmt.Sprint(v.Query))
			require.NotNil(t, m, "%s: variable %s: query %v is not label_values(metric, label)", f, v.Name, v.Query)
			require.Equal(t, v.Name, m[2], "%s: variable %s lists another label", f, v.Name)
			vars[v.Name] = m[1]
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				if tg.Datasource.Type != "prometheus" {
					continue
				}
				used := map[string]string{}
				for name, metric := range vars {
					if strings.Contains(tg.Expr, "$"+name) {
						used[name] = metric
					}
				}
				out = append(out, promExpr{where: fmt.Sprintf("%s panel %d %q", d.UID, p.ID, p.Title), expr: tg.Expr, vars: used})
			}
		}
	}
	return out
}

// promRegexEscape formats a value of a multi-value variable as Grafana's Prometheus data source
// does: regex metacharacters escaped, and the escapes escaped again for the string literal.
func promRegexEscape(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '\\':
			b.WriteString(`\\\\`)
		case strings.ContainsRune(`$^*{}[]'+?.()|`, r):
			b.WriteString(`\\`)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// expandPromQL replaces Grafana's variables in a PromQL expression: $__rate_interval and
// $__interval for the given interval, and dashboard variables (already regex-formatted).
func expandPromQL(expr string, vars map[string]string, interval time.Duration) string {
	expr = strings.ReplaceAll(expr, "$__rate_interval", rateInterval(interval))
	expr = strings.ReplaceAll(expr, "$__interval", interval.String())
	for name, v := range vars {
		expr = strings.ReplaceAll(expr, "$"+name, v)
	}
	return expr
}
