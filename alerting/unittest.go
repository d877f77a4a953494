package alerting

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestFile is a rule unit test file, in the spirit of `promtool test rules`.
type TestFile struct {
	// RuleFiles are the rule files under test, relative to the test file.
	RuleFiles []string `yaml:"rule_files"`
	// EvaluationInterval overrides every group's interval when set.
	EvaluationInterval string     `yaml:"evaluation_interval"`
	Tests              []TestCase `yaml:"tests"`
}

// TestCase is one test: input series and the alerts expected at given times.
type TestCase struct {
	Name string `yaml:"name"`
	// Interval is the bucket width of the input series; 1m by default.
	Interval    string          `yaml:"interval"`
	InputSeries []TestInput     `yaml:"input_series"`
	AlertTests  []AlertRuleTest `yaml:"alert_rule_test"`
}

// TestInput is one input series: event fields and per-bucket values in promtool's notation.
type TestInput struct {
	Series    map[string]string `yaml:"series"`
	Topics    []string          `yaml:"topics"`
	Text      string            `yaml:"text"`
	Volume    string            `yaml:"volume"`
	Negative  string            `yaml:"negative"`
	Positive  string            `yaml:"positive"`
	Score     string            `yaml:"score"`
	Customers string            `yaml:"customers"`
}

// AlertRuleTest lists the alerts of one name expected to fire at EvalTime (relative to the start
// of the input series).
type AlertRuleTest struct {
	EvalTime  string          `yaml:"eval_time"`
	AlertName string          `yaml:"alertname"`
	ExpAlerts []ExpectedAlert `yaml:"exp_alerts"`
}

// ExpectedAlert is a firing alert expected by a test. Labels must match exactly (alertname is
// implied); annotations are compared exactly when ExpAnnotations is given.
type ExpectedAlert struct {
	ExpLabels      map[string]string  `yaml:"exp_labels"`
	ExpAnnotations *map[string]string `yaml:"exp_annotations"`
}

// TestOptions configure RunTests.
type TestOptions struct {
	// Detectors makes anomaly detectors for anomaly rules.
	Detectors DetectorFactory
	// Out receives the report: one line per test, and the differences of failures.
	Out io.Writer
}

// RunTests runs rule unit test files. It returns the numbers of passed and failed tests; an
// error means a file could not be run at all (its messages name file:line:col).
func RunTests(ctx context.Context, paths []string, opts TestOptions) (passed, failed int, err error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	var errs Errors
	for _, p := range paths {
		pa, fa, err := runTestFile(ctx, p, opts)
		passed += pa
		failed += fa
		if err != nil {
			if es, ok := err.(Errors); ok {
				errs = append(errs, es...)
			} else {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return passed, failed, errs
	}
	return passed, failed, nil
}

func runTestFile(ctx context.Context, path string, opts TestOptions) (int, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, fmt.Errorf("rule tests %s: %w", path, err)
	}
	var tf TestFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return 0, 0, yamlPosError(path, err)
	}
	var files []string
	for _, rf := range tf.RuleFiles {
		if !filepath.IsAbs(rf) {
			rf = filepath.Join(filepath.Dir(path), rf)
		}
		files = append(files, rf)
	}
	if len(files) == 0 {
		return 0, 0, &PosError{File: path, Line: 1, Col: 1, Msg: "rule_files is empty"}
	}
	var override time.Duration
	if tf.EvaluationInterval != "" {
		if override, err = ParseDuration(tf.EvaluationInterval); err != nil || override <= 0 {
			return 0, 0, &PosError{File: path, Msg: fmt.Sprintf("evaluation_interval: bad duration %q", tf.EvaluationInterval)}
		}
	}
	passed, failed := 0, 0
	for i := range tf.Tests {
		tc := &tf.Tests[i]
		// Each test gets its own rule set: groups carry no state between tests.
		set, err := LoadFiles(files...)
		if err != nil {
			return passed, failed, err
		}
		if override > 0 {
			for _, g := range set.Groups {
				g.Interval = override
			}
		}
		problems, err := runTestCase(ctx, set, tc, opts)
		if err != nil {
			return passed, failed, fmt.Errorf("%s: test %q: %w", path, tc.Name, err)
		}
		if len(problems) == 0 {
			passed++
			_, _ = fmt.Fprintf(opts.Out, "ok    %s: %s\n", path, tc.Name)
			continue
		}
		failed++
		_, _ = fmt.Fprintf(opts.Out, "FAIL  %s: %s\n", path, tc.Name)
		for _, p := range problems {
			_, _ = fmt.Fprintf(opts.Out, "      %s\n", strings.ReplaceAll(p, "\n", "\n      "))
		}
	}
	return passed, failed, nil
}

func yamlPosError(path string, err error) error {
	var errs Errors
	if te, ok := err.(*yaml.TypeError); ok {
		for _, m := range te.Errors {
			if pe := parseYAMLMsg(path, m); pe != nil {
				errs = append(errs, pe)
			}
		}
		return errs
	}
	if pe := parseYAMLMsg(path, err.Error()); pe != nil {
		return Errors{pe}
	}
	return fmt.Errorf("rule tests %s: %w", path, err)
}

func parseYAMLMsg(path, msg string) *PosError {
	msg = strings.TrimPrefix(msg, "yaml: ")
	var line int
	if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
		rest := msg[strings.Index(msg, ":")+1:]
		return &PosError{File: path, Line: line, Col: 1, Msg: strings.TrimSpace(rest)}
	}
	return &PosError{File: path, Msg: msg}
}

func runTestCase(ctx context.Context, set *RuleSet, tc *TestCase, opts TestOptions) ([]string, error) {
	interval := time.Minute
	if tc.Interval != "" {
		d, err := ParseDuration(tc.Interval)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("interval: bad duration %q", tc.Interval)
		}
		interval = d
	}
	start := time.Unix(0, 0).UTC()
	mem := &MemQuery{Start: start, Interval: interval}
	for i, in := range tc.InputSeries {
		s := MemSeries{Fields: in.Series, Topics: in.Topics, Text: in.Text}
		for _, f := range []struct {
			name string
			src  string
			dst  *[]float64
		}{
			{"volume", in.Volume, &s.Volume},
			{"negative", in.Negative, &s.Negative},
			{"positive", in.Positive, &s.Positive},
			{"score", in.Score, &s.Score},
			{"customers", in.Customers, &s.Customers},
		} {
			v, err := ExpandValues(f.src)
			if err != nil {
				return nil, fmt.Errorf("input_series[%d].%s: %w", i, f.name, err)
			}
			*f.dst = v
		}
		if len(s.Volume) == 0 {
			return nil, fmt.Errorf("input_series[%d]: no volume", i)
		}
		for k := range s.Fields {
			if !groupableField(k) {
				return nil, fmt.Errorf("input_series[%d].series: unknown field %q (want source, channel, product, region, language, customer_id or labels.NAME)", i, k)
			}
		}
		mem.Series = append(mem.Series, s)
	}
	if opts.Detectors == nil {
		opts.Detectors = AnomalyDetectors
	}
	ev, err := NewEvaluator(set, EvaluatorDeps{Query: mem.Query, Samples: mem.Samples, Detectors: opts.Detectors},
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return nil, err
	}
	type check struct {
		t  time.Duration
		at *AlertRuleTest
	}
	var checks []check
	var last time.Duration
	known := map[string]bool{}
	for _, g := range set.Groups {
		for _, r := range g.Rules {
			known[r.Alert] = true
		}
	}
	for i := range tc.AlertTests {
		at := &tc.AlertTests[i]
		d, err := ParseDuration(at.EvalTime)
		if err != nil {
			return nil, fmt.Errorf("alert_rule_test[%d].eval_time: %w", i, err)
		}
		if !known[at.AlertName] {
			return nil, fmt.Errorf("alert_rule_test[%d]: no rule with alertname %q", i, at.AlertName)
		}
		for _, g := range set.Groups {
			for _, r := range g.Rules {
				if r.Alert == at.AlertName && r.Anomaly != nil && opts.Detectors == nil {
					return nil, fmt.Errorf("alert_rule_test[%d]: %s is an anomaly rule and no anomaly detectors are available", i, at.AlertName)
				}
			}
		}
		checks = append(checks, check{d, at})
		if d > last {
			last = d
		}
	}
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].t < checks[j].t })
	tick := time.Duration(0)
	for _, g := range set.Groups {
		tick = gcd(tick, g.Interval)
	}
	if tick <= 0 {
		tick = time.Minute
	}
	var times []time.Duration
	for t := time.Duration(0); t <= last; t += tick {
		times = append(times, t)
	}
	for _, c := range checks {
		times = append(times, c.t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	var problems []string
	ci := 0
	var prev time.Duration = -1
	for _, t := range times {
		if t == prev {
			continue
		}
		prev = t
		ev.EvalDue(ctx, start.Add(t))
		for ci < len(checks) && checks[ci].t == t {
			problems = append(problems, compareAlerts(ev.Alerts(), checks[ci].at)...)
			ci++
		}
	}
	return problems, nil
}

func gcd(a, b time.Duration) time.Duration {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func compareAlerts(alerts []Alert, at *AlertRuleTest) []string {
	type got struct {
		labels Labels
		ann    map[string]string
	}
	var gots []got
	for _, a := range alerts {
		if a.Rule == at.AlertName && a.State == StateFiring {
			gots = append(gots, got{a.Labels, a.Annotations})
		}
	}
	used := make([]bool, len(gots))
	var problems []string
	var missing []string
	for _, exp := range at.ExpAlerts {
		want := Labels{LabelAlertName: at.AlertName}
		for k, v := range exp.ExpLabels {
			want[k] = v
		}
		found := false
		for i, g := range gots {
			if used[i] || !reflect.DeepEqual(map[string]string(g.labels), map[string]string(want)) {
				continue
			}
			used[i] = true
			found = true
			if exp.ExpAnnotations != nil && !equalMaps(*exp.ExpAnnotations, g.ann) {
				problems = append(problems, fmt.Sprintf("alertname %s at %s: alert %s has annotations\n  %s\nwant\n  %s",
					at.AlertName, at.EvalTime, want, fmtMap(g.ann), fmtMap(*exp.ExpAnnotations)))
			}
			break
		}
		if !found {
			missing = append(missing, want.String())
		}
	}
	var extra []string
	for i, g := range gots {
		if !used[i] {
			extra = append(extra, g.labels.String())
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		var gotS []string
		for _, g := range gots {
			gotS = append(gotS, g.labels.String())
		}
		problems = append(problems, fmt.Sprintf("alertname %s at %s: firing\n  %s\nwant\n  %s",
			at.AlertName, at.EvalTime, orNone(gotS), orNone(wantList(at))))
	}
	return problems
}

func wantList(at *AlertRuleTest) []string {
	var out []string
	for _, exp := range at.ExpAlerts {
		want := Labels{LabelAlertName: at.AlertName}
		for k, v := range exp.ExpLabels {
			want[k] = v
		}
		out = append(out, want.String())
	}
	return out
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	sort.Strings(s)
	return strings.Join(s, "\n  ")
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func fmtMap(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s: %q", k, m[k]))
	}
	return strings.Join(parts, "\n  ")
}

var _ = math.NaN
