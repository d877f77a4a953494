package kafka

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cxpulse/cxpulse/event"
)

func scoredRows() []event.Scored {
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	return []event.Scored{
		{
			Event: event.Event{
				ID: "a", Time: at, Source: "app", Channel: event.ChannelChat, CustomerID: "c-1", Text: "still waiting",
				Labels: map[string]string{"plan": "pro"},
			},
			Sentiment: event.Sentiment{
				Score: -0.8, Label: event.Negative, Confidence: 0.9, Language: "en", Reliable: true,
				Evidence: []event.Evidence{{Phrase: "still waiting", Weight: -1.5}}, Topics: []string{"wait_time"}, ModelVersion: "m1",
			},
			IngestedAt: at.Add(time.Second),
		},
		{Event: event.Event{ID: "b", Time: at, Source: "app", Channel: event.ChannelTicket, Text: "hello"}, IngestedAt: at},
	}
}

func TestAppendScoredJSON(t *testing.T) {
	rows := scoredRows()
	var got map[string]any
	require.NoError(t, json.Unmarshal(AppendScoredJSON(nil, &rows[0]), &got))
	require.Equal(t, "a", got["id"])
	require.Equal(t, "c-1", got["customer_id"])
	require.Equal(t, map[string]any{"plan": "pro"}, got["labels"])
	require.Equal(t, "2026-11-25T09:30:01Z", got["ingested_at"])
	s := got["sentiment"].(map[string]any)
	require.Equal(t, "negative", s["label"])
	require.Equal(t, -0.8, s["score"])
	require.Equal(t, []any{"wait_time"}, s["topics"])
	require.Equal(t, []any{map[string]any{"phrase": "still waiting", "weight": -1.5}}, s["evidence"])

	got = nil
	require.NoError(t, json.Unmarshal(AppendScoredJSON([]byte("x"), &rows[1])[1:], &got))
	require.Equal(t, []any{}, got["sentiment"].(map[string]any)["evidence"])
}

func TestPublisherSendsKeyedRecords(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "scored"))
	require.NoError(t, err)
	defer c.Close()
	cfg := DefaultPublishConfig()
	cfg.Brokers, cfg.Topic = c.ListenAddrs(), "scored"
	p, err := NewPublisher(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	p.Publish(scoredRows())
	p.Close()
	require.Eventually(t, func() bool { return testutil.ToFloat64(p.records.WithLabelValues(PublishSent)) == 2 }, 10*time.Second, 5*time.Millisecond)

	cons, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("scored"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	require.NoError(t, err)
	defer cons.Close()
	keys := map[string]string{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(keys) < 2 && ctx.Err() == nil {
		cons.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			var ev struct{ ID string }
			require.NoError(t, json.Unmarshal(r.Value, &ev))
			keys[ev.ID] = string(r.Key)
		})
	}
	// Keyed by customer, by id without one.
	require.Equal(t, map[string]string{"a": "c-1", "b": "b"}, keys)
}

func TestPublisherDropsBeyondItsBuffer(t *testing.T) {
	cfg := DefaultPublishConfig()
	cfg.Brokers, cfg.Topic = []string{"127.0.0.1:1"}, "scored" // nothing listens there
	cfg.MaxBuffered, cfg.CloseTimeout = 2, 100*time.Millisecond
	p, err := NewPublisher(cfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	rows := append(scoredRows(), scoredRows()...)
	rows = append(rows, scoredRows()[0])
	p.Publish(rows) // returns at once: two buffered, three dropped
	require.Eventually(t, func() bool {
		return testutil.ToFloat64(p.records.WithLabelValues(PublishDropped)) == 3
	}, 10*time.Second, 5*time.Millisecond)
	p.Close()
	require.Eventually(t, func() bool {
		return testutil.ToFloat64(p.records.WithLabelValues(PublishFailed)) == 2
	}, 10*time.Second, 5*time.Millisecond)
	require.Zero(t, testutil.ToFloat64(p.records.WithLabelValues(PublishSent)))
}

func TestPublishConfigValidate(t *testing.T) {
	cfg := PublishConfig{Brokers: []string{"k:9092"}}
	err := cfg.Validate()
	require.EqualError(t, err, "topic must be set\nmax_buffered must be positive, got 0\nclose_timeout must be positive, got 0s")
	ok := DefaultPublishConfig()
	ok.Brokers, ok.Topic = []string{"k:9092"}, "scored"
	require.NoError(t, ok.Validate())
	require.False(t, DefaultPublishConfig().Enabled())
}
