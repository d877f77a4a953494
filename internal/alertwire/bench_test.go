package alertwire_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/internal/wiretest"
	"github.com/cxpulse/cxpulse/pipeline"
	"github.com/cxpulse/cxpulse/sentiment"
	"github.com/cxpulse/cxpulse/store"
)

const benchRules = `
groups:
  - name: bench
    interval: 5s
    rules:
      - alert: IncidentNegative
        select: {channel: [chat, ticket]}
        window: 1m
        group_by: [product]
        when: negative_share > 0.5 && volume >= 20
        labels: {severity: critical}
route:
  receiver: pd
  group_by: [alertname, product]
  group_wait: 1s
  group_interval: 1m
receivers:
  - name: pd
    pagerduty: {routing_key: "${BENCH_PD_KEY}", url: "PDURL"}
`

// BenchmarkIncidentToPage measures, on the real path, the time from the moment an incident's
// events are accepted (durable in ClickHouse, as the HTTP door acknowledges them) to the
// PagerDuty request: pipeline (scoring, batch writer, rollup) → rule evaluation every 5 s →
// dispatcher → PagerDuty Events API. Each iteration is a fresh incident on its own product.
func BenchmarkIncidentToPage(b *testing.B) {
	st := wiretest.Store(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	scorer, err := sentiment.New(sentiment.DefaultConfig())
	require.NoError(b, err)
	angry := "This is terrible, I was charged twice and nobody answers. Worst service ever, I want a refund now!"
	var probe event.Sentiment
	scorer.Score(angry, "en", &probe)
	require.Equal(b, event.Negative, probe.Label, "the incident text must score negative")

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := store.NewBatchWriter[event.Scored](st, "events", store.NewEventEncoder(st.Dialect()), store.DefaultBatchConfig())
	p, err := pipeline.New(pipeline.DefaultConfig(), scorer, w, pipeline.Options{}, logger, prometheus.NewRegistry())
	require.NoError(b, err)
	done := make(chan struct{}, 3)
	go func() { _ = w.Run(ctx); done <- struct{}{} }()
	go func() { _ = p.Run(ctx); done <- struct{}{} }()

	pd := notifytest.NewPagerDuty(b, pdKey, nil)
	rules := filepath.Join(b.TempDir(), "rules.yaml")
	require.NoError(b, os.WriteFile(rules, []byte(strings.ReplaceAll(benchRules, "PDURL", pd.URL)), 0o600))
	deps := alertwire.Deps(st)
	deps.Getenv = func(k string) string {
		if k == "BENCH_PD_KEY" {
			return pdKey
		}
		return ""
	}
	m, err := alerting.New(alerting.Config{RuleFiles: []string{rules}, PollInterval: 250 * time.Millisecond}, deps, logger, prometheus.NewRegistry())
	require.NoError(b, err)
	go func() { _ = m.Run(ctx); done <- struct{}{} }()

	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		product := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
		evs := make([]event.Event, 40)
		now := time.Now()
		for j := range evs {
			evs[j] = event.Event{
				ID: fmt.Sprintf("%s-%d", product, j), Time: now, Source: "bench", Channel: event.ChannelChat,
				CustomerID: fmt.Sprintf("c%d", j), Product: product, Region: "eu", Text: angry,
			}
		}
		before := len(pd.Events())
		_, err := p.Submit(ctx, evs)
		require.NoError(b, err)
		accepted := time.Now()
		deadline := accepted.Add(60 * time.Second)
		for {
			evs := pd.Events()
			if len(evs) > before && evs[len(evs)-1].Payload["component"] == product {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("no page within 60 s of the incident")
			}
			time.Sleep(5 * time.Millisecond)
		}
		lat := time.Since(accepted)
		total += lat
		b.Logf("incident %d: paged %.2f s after the events were accepted", i, lat.Seconds())
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/page")
	cancel()
	for range 3 {
		<-done
	}
}
