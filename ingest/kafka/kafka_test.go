package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest/internal/intaketest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	topic = "events"
	dlq   = "events-dead"
	group = "cxpulse-test"
)

// sink is a RejectSink that records what it is given and can be told to fail.
type sink struct {
	mu    sync.Mutex
	rows  []Rejected
	fails int
}

func (s *sink) Reject(_ context.Context, rs []Rejected) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails > 0 {
		s.fails--
		return errors.New("storage down")
	}
	s.rows = append(s.rows, rs...)
	return nil
}

func (s *sink) Rows() []Rejected {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejected(nil), s.rows...)
}

func newCluster(t *testing.T, partitions int32) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic), kfake.SeedTopics(1, dlq))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func testConfig(addrs []string) Config {
	cfg := DefaultConfig()
	cfg.Brokers = addrs
	cfg.Topics = []string{topic}
	cfg.Group = group
	cfg.DeadLetterTopic = dlq
	cfg.CommitInterval = 100 * time.Millisecond
	cfg.RetryInitial = time.Millisecond
	cfg.RetryMax = 20 * time.Millisecond
	cfg.MaxPollRecords = 500
	return cfg
}

// fast tunes the client for a local fake cluster.
var fast = []kgo.Opt{kgo.FetchMaxWait(50 * time.Millisecond), kgo.RetryBackoffFn(func(int) time.Duration { return 10 * time.Millisecond })}

type produced struct {
	// ids[partition][offset] is the id of the event produced there.
	ids map[int32]map[int64]string
}

// produce writes n events, event i to partition i%partitions, and returns where each landed.
func produce(t *testing.T, addrs []string, partitions int32, from, n int) produced {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(topic))
	require.NoError(t, err)
	defer cl.Close()
	p := produced{ids: map[int32]map[int64]string{}}
	const chunk = 5000
	for start := from; start < from+n; start += chunk {
		var recs []*kgo.Record
		for i := start; i < min(start+chunk, from+n); i++ {
			recs = append(recs, &kgo.Record{
				Partition: int32(i) % partitions,
				Value:     fmt.Appendf(nil, `{"id":"e-%d","source":"app","channel":"chat","customer_id":"c-%d","text":"message %d"}`, i, i%97, i),
			})
		}
		res := cl.ProduceSync(context.Background(), recs...)
		require.NoError(t, res.FirstErr())
		for _, r := range res {
			if p.ids[r.Record.Partition] == nil {
				p.ids[r.Record.Partition] = map[int64]string{}
			}
			var i int
			_, err := fmt.Sscanf(string(r.Record.Value), `{"id":"e-%d"`, &i)
			require.NoError(t, err)
			p.ids[r.Record.Partition][r.Record.Offset] = "e-" + strconv.Itoa(i)
		}
	}
	return p
}

// committed returns the group's committed offset per partition of topic.
func committed(t *testing.T, addrs []string) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	require.NoError(t, err)
	defer cl.Close()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = group
	rt := kmsg.NewOffsetFetchRequestTopic()
	rt.Topic = topic
	rt.Partitions = []int32{0, 1, 2, 3}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), cl)
	require.NoError(t, err)
	out := map[int32]int64{}
	for _, tp := range resp.Topics {
		for _, p := range tp.Partitions {
			if p.Offset >= 0 {
				out[p.Partition] = p.Offset
			}
		}
	}
	for _, g := range resp.Groups {
		for _, tp := range g.Topics {
			for _, p := range tp.Partitions {
				if p.Offset >= 0 {
					out[p.Partition] = p.Offset
				}
			}
		}
	}
	return out
}

func start(t *testing.T, c *Consumer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return")
		}
	}
}

func TestPoisonGoesToDeadLetter(t *testing.T) {
	addrs := newCluster(t, 1)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic))
	require.NoError(t, err)
	defer cl.Close()
	values := []string{
		`{"id":"a","source":"app","channel":"chat","text":"first"}`,
		`this is not json`,
		`{"id":"b","source":"app","channel":"fax","text":"unknown channel"}`,
		``,
		`[{"id":"c","source":"app","channel":"chat","text":"in an array"},{"id":"d","source":"app","channel":"chat","text":"too"}]`,
		`{"id":"e","source":"app","channel":"chat","text":"after the poison"}`,
	}
	for _, v := range values {
		require.NoError(t, cl.ProduceSync(context.Background(), &kgo.Record{Value: []byte(v)}).FirstErr())
	}

	sub := intaketest.New()
	sk := &sink{fails: 2} // the rejected table is briefly unavailable: retried, not skipped
	reg := prometheus.NewPedanticRegistry()
	c, err := New(testConfig(addrs), event.DefaultLimits(), sub, sk, slog.New(slog.DiscardHandler), reg, nil, fast...)
	require.NoError(t, err)
	stop := start(t, c)

	require.NoError(t, sub.WaitFor(context.Background(), 30*time.Second, func(evs []event.Event) bool { return len(evs) == 4 }))
	ids := []string{}
	for _, ev := range sub.Events() {
		ids = append(ids, ev.ID)
	}
	require.Equal(t, []string{"a", "c", "d", "e"}, ids)
	rows := sk.Rows()
	require.Len(t, rows, 2)
	require.Equal(t, int64(1), rows[0].Offset)
	require.Equal(t, "syntax", rows[0].Reason)
	require.Equal(t, "this is not json", string(rows[0].Payload))
	require.Equal(t, int64(2), rows[1].Offset)
	require.Equal(t, "invalid", rows[1].Reason)
	require.Contains(t, rows[1].Error, `unknown channel "fax"`)
	stop()

	require.Equal(t, map[int32]int64{0: 6}, committed(t, addrs))

	// The dead-letter topic holds both poison records with their reasons.
	dl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(dlq), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	require.NoError(t, err)
	defer dl.Close()
	var got []*kgo.Record
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(got) < 2 && ctx.Err() == nil {
		got = append(got, dl.PollFetches(ctx).Records()...)
	}
	require.Len(t, got, 2)
	hdr := func(r *kgo.Record, k string) string {
		for _, h := range r.Headers {
			if h.Key == k {
				return string(h.Value)
			}
		}
		return ""
	}
	require.Equal(t, "this is not json", string(got[0].Value))
	require.Equal(t, "syntax", hdr(got[0], HeaderReason))
	require.Equal(t, "1", hdr(got[0], HeaderOffset))
	require.Equal(t, topic, hdr(got[0], HeaderTopic))
	require.Equal(t, "invalid", hdr(got[1], HeaderReason))
}

func TestNDJSONRecords(t *testing.T) {
	addrs := newCluster(t, 1)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic))
	require.NoError(t, err)
	defer cl.Close()
	v := "{\"id\":\"x1\",\"text\":\"one\"}\n\n{broken\n{\"id\":\"x2\",\"text\":\"two\"}\n"
	require.NoError(t, cl.ProduceSync(context.Background(), &kgo.Record{Value: []byte(v)}).FirstErr())
	cfg := testConfig(addrs)
	cfg.Format = "ndjson"
	cfg.Channel = "review"
	cfg.DeadLetterTopic = ""
	sub, sk := intaketest.New(), &sink{}
	c, err := New(cfg, event.DefaultLimits(), sub, sk, nil, nil, nil, fast...)
	require.NoError(t, err)
	stop := start(t, c)
	require.NoError(t, sub.WaitFor(context.Background(), 30*time.Second, func(evs []event.Event) bool { return len(evs) == 2 }))
	stop()
	evs := sub.Events()
	require.Equal(t, event.ChannelReview, evs[0].Channel)
	require.Equal(t, "kafka", evs[0].Source)
	rows := sk.Rows()
	require.Len(t, rows, 1)
	require.Equal(t, 3, rows[0].Line)
	require.Equal(t, "{broken", string(rows[0].Payload))
}

// TestAtLeastOnceAcrossCrash consumes 50,000 events from 4 partitions. The first consumer
// pushes back now and then and is killed mid-stream without committing; at that moment every
// committed offset must be covered by events the pipeline holds. Two consumers then share the
// group (a rebalance) and every event must be delivered.
func TestAtLeastOnceAcrossCrash(t *testing.T) {
	const n, partitions = 50_000, 4
	addrs := newCluster(t, partitions)
	p := produce(t, addrs, partitions, 0, n)

	sub := intaketest.New()
	var calls atomic.Int64
	var first *Consumer
	sub.SetHook(func(evs []event.Event) error {
		k := calls.Add(1)
		if k%7 == 3 {
			return intaketest.Busy(time.Millisecond)
		}
		if len(sub.Events()) >= 20_000 && first != nil {
			first.kill()
		}
		return nil
	})
	var err error
	first, err = New(testConfig(addrs), event.DefaultLimits(), sub, &sink{}, nil, nil, nil, fast...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	require.NoError(t, first.Run(ctx)) // returns once killed

	// Never committed past what is durable.
	delivered := sub.Deliveries()
	got := committed(t, addrs)
	for part, off := range got {
		for o := int64(0); o < off; o++ {
			if _, ok := delivered[p.ids[part][o]]; !ok {
				t.Fatalf("partition %d offset %d committed but not delivered", part, o)
			}
		}
	}
	require.Less(t, len(sub.Events()), n, "killed before the end")

	sub.SetHook(func([]event.Event) error {
		if calls.Add(1)%11 == 5 {
			return intaketest.Busy(time.Millisecond)
		}
		return nil
	})
	second, err := New(testConfig(addrs), event.DefaultLimits(), sub, &sink{}, nil, nil, nil, fast...)
	require.NoError(t, err)
	third, err := New(testConfig(addrs), event.DefaultLimits(), sub, &sink{}, nil, prometheus.NewRegistry(), nil, fast...)
	require.NoError(t, err)
	stop2 := start(t, second)
	stop3 := start(t, third)
	require.NoError(t, sub.WaitFor(context.Background(), 2*time.Minute, func(evs []event.Event) bool { return len(evs) == n }))
	stop2()
	stop3()

	delivered = sub.Deliveries()
	for i := range n {
		if _, ok := delivered["e-"+strconv.Itoa(i)]; !ok {
			t.Fatalf("e-%d never delivered", i)
		}
	}
	require.Equal(t, map[int32]int64{0: n / 4, 1: n / 4, 2: n / 4, 3: n / 4}, committed(t, addrs))
	t.Logf("delivered %d events, %d redelivered after the crash", n, countDup(delivered))
}

func countDup(d map[string]int) int {
	k := 0
	for _, v := range d {
		k += v - 1
	}
	return k
}

func TestBackPressurePausesAndResumes(t *testing.T) {
	addrs := newCluster(t, 1)
	produce(t, addrs, 1, 0, 100)
	sub := intaketest.New()
	sub.FailNext(intaketest.Busy(time.Millisecond), intaketest.Busy(time.Millisecond), errors.New("pipeline hiccup"))
	reg := prometheus.NewPedanticRegistry()
	c, err := New(testConfig(addrs), event.DefaultLimits(), sub, &sink{}, nil, reg, nil, fast...)
	require.NoError(t, err)
	stop := start(t, c)
	require.NoError(t, sub.WaitFor(context.Background(), 30*time.Second, func(evs []event.Event) bool { return len(evs) == 100 }))
	stop()
	require.Equal(t, 2.0, metricValue(t, reg, "cxpulse_ingest_kafka_retries_total", "queue_full"))
	require.Equal(t, 1.0, metricValue(t, reg, "cxpulse_ingest_kafka_retries_total", "error"))
	require.Equal(t, 0.0, metricValue(t, reg, "cxpulse_ingest_kafka_paused", ""))
	require.Equal(t, map[int32]int64{0: 100}, committed(t, addrs))
}

func metricValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != label) {
				continue
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s{%s}", name, label)
	return 0
}

func TestStopWithoutStart(t *testing.T) {
	c, err := New(testConfig([]string{"127.0.0.1:1"}), event.DefaultLimits(), intaketest.New(), &sink{}, nil, nil, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, c.Run(ctx))
	require.Error(t, c.Run(ctx), "Run twice")
}

func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	err := cfg.Validate()
	require.ErrorContains(t, err, "brokers must not be empty")
	require.ErrorContains(t, err, "topics must not be empty")
	cfg = testConfig([]string{"x:1"})
	cfg.Format = "xml"
	cfg.DeadLetterTopic = topic
	cfg.RetryMax = time.Nanosecond
	err = cfg.Validate()
	require.ErrorContains(t, err, "format must be json or ndjson")
	require.ErrorContains(t, err, "must not be one of topics")
	require.ErrorContains(t, err, "retry_max")
	cfg = testConfig([]string{"x:1"})
	cfg.DeadLetterTopic = ""
	_, err = New(cfg, event.DefaultLimits(), intaketest.New(), nil, nil, nil, nil)
	require.ErrorContains(t, err, "dead-letter destination is required")
}
