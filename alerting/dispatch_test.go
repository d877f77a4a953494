package alerting

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/alerting/notify"
	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			code = 1
			_, _ = os.Stderr.WriteString("goleak: " + err.Error() + "\n")
		}
	}
	os.Exit(code)
}

// recorder is an integration that keeps what it is handed.
type recorder struct {
	mu   sync.Mutex
	name string
	got  []notify.Notification
	fail []error
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Notify(_ context.Context, n *notify.Notification) (notify.Ref, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		return nil, err
	}
	r.got = append(r.got, *n)
	return notify.Ref{"n": time.Now().String()}, nil
}

func (r *recorder) reasons() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.got {
		out = append(out, n.Reason.String())
	}
	return out
}

const dispatchYAML = `
groups:
  - name: g
    rules:
      - alert: A
        when: volume > 1
        group_by: [product]
        labels: {severity: critical}
route:
  receiver: r
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: r
    console: {}
    rate_limit: {max: 1, per: 1h}
`

func newTestDispatcher(t *testing.T, y string) (*Dispatcher, *recorder) {
	f, err := Parse("d.yaml", []byte(y))
	require.NoError(t, err)
	set, errs := Assemble([]*File{f})
	require.Empty(t, errs)
	rec := &recorder{name: "console"}
	d, err := NewDispatcher(DispatcherConfig{}, set, map[string][]Integration{"r": {{Notifier: rec, SendResolved: true}}},
		nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	require.NoError(t, err)
	return d, rec
}

func alert(fp, product string, start time.Time) notify.Alert {
	return notify.Alert{Labels: map[string]string{"alertname": "A", "product": product}, StartsAt: start, Fingerprint: fp}
}

func TestDispatcherTimers(t *testing.T) {
	d, rec := newTestDispatcher(t, dispatchYAML)
	d.receivers["r"].limiter = nil // timers only
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	tick := func(at time.Duration, alerts ...notify.Alert) {
		d.Put(t0.Add(at), alerts)
		d.Flush(ctx, t0.Add(at))
	}
	a, b := alert("a", "checkout", t0), alert("b", "search", t0)
	tick(0, a)
	tick(29*time.Second, a)
	require.Empty(t, rec.reasons(), "group_wait holds the first notification")
	tick(30*time.Second, a)
	require.Equal(t, []string{"new"}, rec.reasons())
	tick(40*time.Second, a, b)
	tick(5*time.Minute, a, b)
	require.Equal(t, []string{"new"}, rec.reasons(), "a new alert waits for group_interval")
	tick(5*time.Minute+30*time.Second, a, b)
	require.Equal(t, []string{"new", "changed"}, rec.reasons())
	require.Len(t, rec.got[1].Alerts, 2)
	for m := 6; m < 4*60; m += 5 {
		tick(time.Duration(m)*time.Minute+30*time.Second, a, b)
	}
	require.Equal(t, []string{"new", "changed"}, rec.reasons(), "nothing changed, nothing sent")
	tick(4*time.Hour+10*time.Minute+30*time.Second, a, b)
	require.Equal(t, []string{"new", "changed", "repeat"}, rec.reasons())
	ra, rb := a, b
	ra.EndsAt, rb.EndsAt = t0.Add(5*time.Hour), t0.Add(5*time.Hour)
	tick(5*time.Hour, ra, rb)
	tick(5*time.Hour+5*time.Minute, ra, rb)
	require.Equal(t, []string{"new", "changed", "repeat", "resolved"}, rec.reasons())
	require.Equal(t, notify.StatusResolved, rec.got[3].Status)
	require.Empty(t, d.Groups(), "a resolved group is gone once notified")
}

func TestDispatcherRateLimitDigest(t *testing.T) {
	d, rec := newTestDispatcher(t, dispatchYAML+"")
	// Group per product, so two groups compete for one token an hour.
	d.route.GroupBy = []string{"alertname", "product"}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	a, b := alert("a", "checkout", t0), alert("b", "search", t0)
	d.Put(t0, []notify.Alert{a, b})
	d.Flush(ctx, t0.Add(30*time.Second))
	require.Equal(t, []string{"new"}, rec.reasons())
	for m := 1; m < 60; m++ {
		d.Put(t0.Add(time.Duration(m)*time.Minute), []notify.Alert{a, b})
		d.Flush(ctx, t0.Add(time.Duration(m)*time.Minute))
	}
	require.Equal(t, []string{"new"}, rec.reasons(), "the second group is held back")
	d.Put(t0.Add(61*time.Minute), []notify.Alert{a, b})
	d.Flush(ctx, t0.Add(61*time.Minute))
	require.Equal(t, []string{"new", "digest"}, rec.reasons())
	require.Len(t, rec.got[1].Alerts, 1)
	require.Equal(t, "search", rec.got[1].Alerts[0].Labels["product"])
}

func TestDispatcherRetriesWithBackoff(t *testing.T) {
	d, rec := newTestDispatcher(t, dispatchYAML)
	d.receivers["r"].limiter = nil
	rec.fail = []error{&notify.Error{Retry: true, Err: io.ErrUnexpectedEOF}, &notify.Error{Retry: true, Err: io.ErrUnexpectedEOF}}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	a := alert("a", "checkout", t0)
	d.Put(t0, []notify.Alert{a})
	d.Flush(ctx, t0.Add(30*time.Second))
	require.Equal(t, t0.Add(31*time.Second), d.Next(), "first retry after 1s")
	d.Flush(ctx, t0.Add(31*time.Second))
	require.Equal(t, t0.Add(33*time.Second), d.Next(), "then 2s")
	d.Flush(ctx, t0.Add(33*time.Second))
	require.Equal(t, []string{"new"}, rec.reasons())
	require.Equal(t, t0.Add(5*time.Minute+30*time.Second), d.Next(), "back on the group interval")

	// A 4xx-like failure is not retried.
	rec.fail = []error{&notify.Error{Retry: false, Err: io.ErrUnexpectedEOF}}
	b := alert("b", "checkout", t0)
	for _, at := range []time.Duration{6 * time.Minute, 10*time.Minute + 30*time.Second, 10*time.Minute + 31*time.Second, 15*time.Minute + 30*time.Second} {
		d.Put(t0.Add(at), []notify.Alert{a, b})
		d.Flush(ctx, t0.Add(at))
	}
	require.Equal(t, []string{"new"}, rec.reasons())
}

func TestEvaluatorForAndKeepFiring(t *testing.T) {
	f, err := Parse("e.yaml", []byte(`
groups:
  - name: g
    interval: 1m
    rules:
      - alert: A
        window: 1m
        when: negative_share > 0.5
        for: 2m
        keep_firing_for: 2m
route: {receiver: r}
receivers: [{name: r, console: {}}]
`))
	require.NoError(t, err)
	set, errs := Assemble([]*File{f})
	require.Empty(t, errs)
	//            minute: 0 1 2 3 4 5 6 7 8 9 10
	neg, _ := ExpandValues("0 9 9 9 9 0 9 0 0 0 0 0")
	vol, _ := ExpandValues("10x11")
	mem := &MemQuery{Start: time.Unix(0, 0).UTC(), Interval: time.Minute, Series: []MemSeries{{Volume: vol, Negative: neg}}}
	var changes []string
	ev, err := NewEvaluator(set, EvaluatorDeps{Query: mem.Query, OnChange: func(r AlertRecord) {
		changes = append(changes, yamlcheck.FormatDuration(r.Time.Sub(time.Unix(0, 0)))+" "+r.State)
	}}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	require.NoError(t, err)
	for m := 0; m <= 11; m++ {
		ev.EvalDue(context.Background(), time.Unix(0, 0).Add(time.Duration(m)*time.Minute))
	}
	// Bucket m is seen by the evaluation at m+1.
	require.Equal(t, []string{"2m pending", "4m firing", "10m resolved"}, changes)
}

func TestManagerStopWithoutStart(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/r.yaml"
	require.NoError(t, os.WriteFile(p, []byte(dispatchYAML), 0o600))
	mem := &MemQuery{Start: time.Unix(0, 0), Interval: time.Minute}
	m, err := New(Config{RuleFiles: []string{p}}, Deps{Query: mem.Query, Console: io.Discard}, nil, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, m.Run(ctx))
	require.NoError(t, m.Run(ctx))
}

func TestManagerMissingSecret(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/r.yaml"
	require.NoError(t, os.WriteFile(p, []byte(`
groups: [{name: g, rules: [{alert: A, when: volume > 1}]}]
route: {receiver: pd}
receivers: [{name: pd, pagerduty: {routing_key: "${NOT_SET_ANYWHERE}"}}]
`), 0o600))
	mem := &MemQuery{Start: time.Unix(0, 0), Interval: time.Minute}
	env := func(string) string { return "" }
	_, err := New(Config{RuleFiles: []string{p}}, Deps{Query: mem.Query, Getenv: env}, nil, nil)
	require.ErrorContains(t, err, "environment variable NOT_SET_ANYWHERE is not set")
	_, err = New(Config{RuleFiles: []string{p}, AllowMissingSecrets: true}, Deps{Query: mem.Query, Getenv: env}, nil, nil)
	require.NoError(t, err)
}

func FuzzExpandValues(f *testing.F) {
	for _, s := range []string{"1+2x3", "_x2 5", "-1-1x2", "1e3x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			return
		}
		v, err := ExpandValues(s)
		if err == nil && len(v) > 1<<20 {
			t.Skip()
		}
	})
}

func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{`a="b"`, `a=~"x.*"`, `a!=b`, `a!~""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatcher(s)
		if err != nil {
			return
		}
		m2, err := ParseMatcher(m.String())
		if err != nil || m2.String() != m.String() {
			t.Fatalf("%q → %q does not round-trip: %v", s, m.String(), err)
		}
	})
}
