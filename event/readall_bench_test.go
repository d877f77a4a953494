package event_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/traffic"
)

// BenchmarkReadAllNDJSON parses one request of generated traffic: 5000 events a request, the
// ingest benchmark's default. "owned" is the HTTP door's way.
func BenchmarkReadAllNDJSON(b *testing.B) {
	b.Run("copied", func(b *testing.B) { benchReadAll(b, (*event.Parser).ReadAll) })
	b.Run("owned", func(b *testing.B) { benchReadAll(b, (*event.Parser).ReadAllOwned) })
}

func benchReadAll(b *testing.B, read func(*event.Parser, []byte, event.Format, time.Time, func(event.Event, event.Fixes) error) error) {
	var buf bytes.Buffer
	from := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	traffic.New(1).AppendNDJSON(&buf, 5000, from, time.Hour)
	body := buf.Bytes()
	now := from.Add(2 * time.Hour)
	p := event.NewParser(event.DefaultLimits(), event.Defaults{Source: "api"})
	evs := make([]event.Event, 0, 5000)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		evs = evs[:0]
		err := read(p, body, event.FormatNDJSON, now, func(ev event.Event, _ event.Fixes) error {
			evs = append(evs, ev)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*5000), "ns/event")
}
