package loki_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cxpulse/cxpulse/alerting/notify/loki"
	"github.com/cxpulse/cxpulse/alerting/notify/notifytest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met before deadline")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPushSnappyProtobuf(t *testing.T) {
	srv := notifytest.NewLoki(t)
	reg := prometheus.NewRegistry()
	p, err := loki.New(loki.Config{URL: srv.PushURL(), BatchWait: 10 * time.Millisecond}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	t0 := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	p.Push(t0, "alert", "alert=NegativeSpike state=firing")
	p.Push(t0.Add(time.Second), "notification", "receiver=pd outcome=sent")
	srv.Fail(notifytest.Reply{Status: 503})
	// The pusher's own count, not the server's lines: the server keeps the lines before it
	// answers, and cancelling before the answer arrives would cut the push short.
	waitFor(t, func() bool { return testutil.ToFloat64(p.Pushed()) == 2 })
	cancel()
	require.NoError(t, <-done)
	lines := srv.Lines()
	byLabels := map[string]string{}
	for _, l := range lines {
		byLabels[l.Labels] = l.Line
	}
	require.Equal(t, "alert=NegativeSpike state=firing", byLabels[`{app="cxpulse", kind="alert"}`])
	require.Equal(t, "receiver=pd outcome=sent", byLabels[`{app="cxpulse", kind="notification"}`])
	require.Equal(t, 2.0, testutil.ToFloat64(p.Pushed()))
}

func TestFullQueueDropsWithoutBlocking(t *testing.T) {
	reg := prometheus.NewRegistry()
	p, err := loki.New(loki.Config{URL: "http://127.0.0.1:1/loki/api/v1/push", QueueSize: 2}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	require.NoError(t, err)
	for i := 0; i < 5; i++ {
		p.Push(time.Now(), "alert", "x")
	}
	require.Equal(t, 3.0, testutil.ToFloat64(p.Dropped(loki.DropQueueFull)))
}

func TestStopWithoutStart(t *testing.T) {
	p, err := loki.New(loki.Config{URL: "http://127.0.0.1:1/x"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, p.Run(ctx))
	require.NoError(t, p.Run(ctx))
}
