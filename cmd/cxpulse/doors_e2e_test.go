package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/kafka"
	"github.com/cxpulse/cxpulse/ingest/redact"
	"github.com/cxpulse/cxpulse/internal/chtest"
	"github.com/cxpulse/cxpulse/pipeline"
	"github.com/cxpulse/cxpulse/store"
)

// neutralScorer leaves every event neutral: this test is about delivery, not sentiment.
type neutralScorer struct{}

func (neutralScorer) ScoreBatch(evs []event.Scored) {
	for i := range evs {
		evs[i].Sentiment.Reset()
		evs[i].Sentiment.ModelVersion = "test"
	}
}

// lostAcks passes every batch to the pipeline and then, for some, reports a timeout as if the
// acknowledgement had been lost after the events were stored: the consumer must retry them, and
// storage must keep each event once.
type lostAcks struct {
	next       ingest.Submitter
	calls      atomic.Int64
	lost       atomic.Int64
	duplicates atomic.Int64
	accepted   atomic.Int64
}

func (s *lostAcks) Submit(ctx context.Context, evs []event.Event) (event.Ack, error) {
	ack, err := s.next.Submit(ctx, evs)
	if err != nil {
		return ack, err
	}
	s.accepted.Add(int64(ack.Accepted))
	s.duplicates.Add(int64(ack.Duplicates))
	if s.calls.Add(1)%5 == 2 {
		s.lost.Add(1)
		return event.Ack{}, fmt.Errorf("acknowledgement lost: %w", context.DeadlineExceeded)
	}
	return ack, nil
}

// TestKafkaExactlyOnceInClickHouse runs Kafka (kfake) into the real pipeline and a real
// ClickHouse: acknowledgements are lost now and then (so batches are delivered again), a second
// consumer joins mid-stream (a rebalance), and every event must be stored exactly once, with its
// personal data redacted; the same events, scored and redacted, are published once each to an
// output topic.
func TestKafkaExactlyOnceInClickHouse(t *testing.T) {
	const n, partitions = 20_000, 4
	srv := chtest.Private(t)

	scfg := store.DefaultConfig()
	scfg.Addr, scfg.Database, scfg.DialTimeout = []string{srv.Addr()}, "cx", 5*time.Second
	st, err := store.Open(scfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	defer func() { _ = st.Close() }()
	require.NoError(t, st.Migrate(context.Background()))
	bcfg := store.DefaultBatchConfig()
	bcfg.MaxDelay = 20 * time.Millisecond
	w := store.NewBatchWriter[event.Scored](st, "events", store.NewEventEncoder(st.Dialect()), bcfg)
	w.BeforeRetry = st.FilterStored
	red, err := redact.New(redact.DefaultConfig(), prometheus.NewRegistry())
	require.NoError(t, err)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "messages"), kfake.SeedTopics(1, "messages-dead"), kfake.SeedTopics(2, "scored"))
	require.NoError(t, err)
	defer cluster.Close()
	pcfg := kafka.DefaultPublishConfig()
	pcfg.Brokers, pcfg.Topic = cluster.ListenAddrs(), "scored"
	pub, err := kafka.NewPublisher(pcfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	pipe, err := pipeline.New(pipeline.DefaultConfig(), neutralScorer{}, w, pipeline.Options{
		RecentIDs:  st.RecentIDs,
		Filter:     st.FilterStored,
		Redact:     func(s string) string { out, _ := red.Redact(s); return out },
		OnAccepted: pub.Publish,
	}, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	run := func(f func(context.Context) error) func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f(ctx) }()
		return func() { cancel(); require.NoError(t, <-done) }
	}
	stopWriter := run(w.Run)
	stopPipe := run(pipe.Run)
	require.Eventually(t, func() bool { return pipe.Ready() == nil }, 30*time.Second, 5*time.Millisecond)

	prod, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.DefaultProduceTopic("messages"))
	require.NoError(t, err)
	var recs []*kgo.Record
	for i := range n {
		recs = append(recs, &kgo.Record{Key: []byte(fmt.Sprint(i % 97)), Value: fmt.Appendf(nil,
			`{"id":"k-%d","time":"2026-11-25T10:%02d:%02dZ","source":"app","channel":"chat","customer_id":"c-%d","text":"order %d late, write to kim%d@example.com"}`,
			i, i/60%60, i%60, i%97, i, i)})
	}
	require.NoError(t, prod.ProduceSync(context.Background(), recs...).FirstErr())
	prod.Close()

	sub := &lostAcks{next: pipe}
	kcfg := kafka.DefaultConfig()
	kcfg.Brokers, kcfg.Topics, kcfg.Group, kcfg.DeadLetterTopic = cluster.ListenAddrs(), []string{"messages"}, "cx", "messages-dead"
	kcfg.CommitInterval, kcfg.RetryInitial, kcfg.RetryMax = 100*time.Millisecond, time.Millisecond, 50*time.Millisecond
	kcfg.MaxPollRecords = 500
	im := ingest.NewMetrics(prometheus.NewRegistry())
	fast := kgo.FetchMaxWait(50 * time.Millisecond)
	a, err := kafka.New(kcfg, event.DefaultLimits(), sub, nil, nil, nil, im, fast)
	require.NoError(t, err)
	stopA := run(a.Run)
	require.Eventually(t, func() bool { return sub.accepted.Load() >= n/3 }, 60*time.Second, 5*time.Millisecond)
	b, err := kafka.New(kcfg, event.DefaultLimits(), sub, nil, nil, nil, im, fast)
	require.NoError(t, err)
	stopB := run(b.Run)

	conn := chtest.Conn(t, srv.Addr())
	require.Eventually(t, func() bool {
		return chtest.Count(t, conn, "SELECT count() FROM cx.events") >= n
	}, 2*time.Minute, 20*time.Millisecond)
	stopA()
	stopB()
	stopPipe()
	stopWriter()
	pub.Close()

	require.EqualValues(t, n, chtest.Count(t, conn, "SELECT count() FROM cx.events"))
	require.EqualValues(t, n, chtest.Count(t, conn, "SELECT uniqExact(id) FROM cx.events"))
	require.EqualValues(t, 0, chtest.Count(t, conn, "SELECT count() FROM cx.events WHERE position(text, '@') > 0"))
	require.EqualValues(t, n, chtest.Count(t, conn, "SELECT count() FROM cx.events WHERE position(text, '[email]') > 0"))
	require.Positive(t, sub.lost.Load())
	require.Positive(t, sub.duplicates.Load(), "redelivered events were recognised as duplicates")

	// The output topic holds every event once, as stored.
	cons, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("scored"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	require.NoError(t, err)
	defer cons.Close()
	published := map[string]int{}
	total := 0
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for total < n && ctx.Err() == nil {
		fs := cons.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			var got struct {
				ID         string `json:"id"`
				CustomerID string `json:"customer_id"`
				Text       string `json:"text"`
				Sentiment  struct {
					Label string `json:"label"`
				} `json:"sentiment"`
			}
			require.NoError(t, json.Unmarshal(r.Value, &got), "%s", r.Value)
			require.Equal(t, got.CustomerID, string(r.Key))
			require.NotContains(t, got.Text, "@")
			require.Equal(t, "neutral", got.Sentiment.Label)
			published[got.ID]++
			total++
		})
	}
	require.Equal(t, n, total)
	require.Len(t, published, n)
	t.Logf("%d events stored once; %d acknowledgements lost, %d redelivered events deduplicated",
		n, sub.lost.Load(), sub.duplicates.Load())
}
