package alerting

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// anomalyRules is a one-rule file with an anomaly rule evaluated every minute.
const anomalyRules = `
groups:
  - name: volume
    interval: 1m
    rules:
      - alert: VolumeAnomaly
        window: 1m
        group_by: [channel]
        anomaly: {series: volume, sensitivity: medium, seasonality: none, warmup: 7h}
        for: 2m
        labels: {severity: warning}
`

func anomalyEvaluator(t *testing.T, mem *MemQuery) *Evaluator {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(path, []byte(anomalyRules), 0o600))
	set, err := LoadRuleFiles(path)
	require.NoError(t, err)
	ev, err := NewEvaluator(set, EvaluatorDeps{Query: mem.Query, Samples: mem.Samples, Detectors: AnomalyDetectors}, nil, nil)
	require.NoError(t, err)
	return ev
}

func firing(ev *Evaluator) bool {
	for _, a := range ev.Alerts() {
		if a.State == StateFiring {
			return true
		}
	}
	return false
}

// A sustained burst fires the anomaly rule after `for` (the detector's damping of repeats after
// its alarm does not cut the incident short), and it resolves once the volume is back.
func TestAnomalyRuleFiresForAnIncidentAndResolves(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	vol := make([]float64, 0, 1200)
	for i := range 1200 {
		v := 40 + 10*math.Sin(float64(i)/7) // noisy but steady
		if i >= 1000 && i < 1010 {
			v = 400
		}
		vol = append(vol, math.Round(v))
	}
	mem := &MemQuery{Start: start, Interval: time.Minute, Series: []MemSeries{{Fields: map[string]string{"channel": "chat"}, Volume: vol}}}
	ev := anomalyEvaluator(t, mem)
	ctx := context.Background()
	var firedAt, resolvedAt int
	for m := 900; m < 1100; m++ {
		require.NoError(t, ev.EvalGroupAt(ctx, "volume", start.Add(time.Duration(m)*time.Minute)))
		switch f := firing(ev); {
		case f && firedAt == 0:
			firedAt = m
		case !f && firedAt != 0 && resolvedAt == 0:
			resolvedAt = m
		}
	}
	require.NotZero(t, firedAt, "never fired")
	require.GreaterOrEqual(t, firedAt, 1001+2, "fired before `for` elapsed")
	require.LessOrEqual(t, firedAt, 1005)
	require.NotZero(t, resolvedAt, "never resolved")
	require.LessOrEqual(t, resolvedAt, 1020)
}

// After a restart the detectors are re-warmed from history: with a warmup covering all of it,
// the restarted evaluator's detector is in exactly the state of one that never stopped.
func TestAnomalyDetectorsRewarmFromHistory(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	vol := make([]float64, 600)
	for i := range vol {
		vol[i] = math.Round(30 + 8*math.Sin(float64(i)/11) + float64(i%7))
	}
	mem := &MemQuery{Start: start, Interval: time.Minute, Series: []MemSeries{{Fields: map[string]string{"channel": "chat"}, Volume: vol}}}
	ctx := context.Background()
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }

	running := anomalyEvaluator(t, mem)
	for m := 0; m <= 400; m++ {
		require.NoError(t, running.EvalGroupAt(ctx, "volume", at(m)))
	}
	restarted := anomalyEvaluator(t, mem)
	require.NoError(t, restarted.EvalGroupAt(ctx, "volume", at(400)))
	for m := 401; m < 420; m++ {
		require.NoError(t, running.EvalGroupAt(ctx, "volume", at(m)))
		require.NoError(t, restarted.EvalGroupAt(ctx, "volume", at(m)))
		require.Equal(t, detectorState(t, running), detectorState(t, restarted), "minute %d", m)
	}
}

// detectorState is the saved state of the evaluator's one detector.
func detectorState(t *testing.T, ev *Evaluator) []byte {
	t.Helper()
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, d := range ev.groups[0].rules[0].dets {
		b, err := d.det.(*anomalyDetector).d.MarshalBinary()
		require.NoError(t, err)
		return b
	}
	t.Fatal("no detector")
	return nil
}
