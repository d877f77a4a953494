package intake

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
)

var t0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func TestBuildFollowsTheWireRules(t *testing.T) {
	l := event.DefaultLimits()
	l.MaxTextBytes = 16
	p := event.NewParser(l, event.Defaults{Source: "door", Channel: event.ChannelChat})
	ev, fx, err := Build(p, &Fields{Text: "  a rather long message  ", Labels: map[string]string{"k": "v\xff"}}, 0, t0)
	require.NoError(t, err)
	require.Equal(t, "door", ev.Source)
	require.Equal(t, event.ChannelChat, ev.Channel)
	require.Equal(t, "a rather long me", ev.Text)
	require.Equal(t, t0, ev.Time)
	require.Equal(t, event.DefaultID("door", "", "a rather long me", t0, false), ev.ID)
	require.True(t, fx.TextTruncated)
	require.True(t, fx.UTF8Repaired)
	require.Equal(t, "v\uFFFD", ev.Labels["k"])

	_, _, err = Build(p, &Fields{Text: "x", Channel: "fax"}, 3, t0)
	var ee *event.Error
	require.True(t, errors.As(err, &ee))
	require.Equal(t, 3, ee.Index)
	require.Equal(t, "channel", ee.Field)

	ev, _, err = Build(p, &Fields{ID: "given", Text: "x", Time: t0.Add(-time.Hour)}, 0, t0)
	require.NoError(t, err)
	require.Equal(t, "given", ev.ID)
	require.Equal(t, t0.Add(-time.Hour), ev.Time)
}

func TestCloneEvents(t *testing.T) {
	evs := []event.Event{{ID: "a", Labels: map[string]string{"k": "v"}}}
	c := CloneEvents(evs)
	c[0].Labels["k"] = "changed"
	c[0].ID = "b"
	require.Equal(t, "v", evs[0].Labels["k"])
	require.Equal(t, "a", evs[0].ID)
}

func TestSeen(t *testing.T) {
	s := NewSeen(time.Minute, 3)
	for i := range 4 {
		s.Add(fmt.Sprint(i), t0)
	}
	require.Equal(t, 3, s.Len())
	require.False(t, s.Contains("0", t0), "oldest forgotten past the bound")
	require.True(t, s.Contains("3", t0))
	require.True(t, s.Contains("3", t0.Add(59*time.Second)))
	require.False(t, s.Contains("3", t0.Add(time.Minute)), "forgotten after the ttl")
	require.Equal(t, 0, s.Len())
}

func TestMetricsShareFamiliesAcrossDoors(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	shared := ingest.NewMetrics(reg)
	a, err := NewMetrics(shared, reg, "a", []string{"empty"})
	require.NoError(t, err)
	b, err := NewMetrics(shared, reg, "b", []string{"empty"})
	require.NoError(t, err)
	a.Rejected(ingest.ReasonSignature, 1)
	b.Acked(event.Ack{Accepted: 2, Duplicates: 1})
	b.Skipped("empty", 3)
	mfs, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, lp := range m.GetLabel() {
				key += "," + lp.GetValue()
			}
			got[key] = m.GetCounter().GetValue()
		}
	}
	require.Equal(t, 1.0, got["cxpulse_ingest_events_rejected_total,bad_signature,a"])
	require.Contains(t, got, "cxpulse_ingest_events_rejected_total,limit,a", "created at zero")
	require.Equal(t, 2.0, got["cxpulse_ingest_events_accepted_total,b"])
	require.Equal(t, 1.0, got["cxpulse_ingest_events_duplicate_total,b"])
	require.Equal(t, 3.0, got["cxpulse_ingest_events_skipped_total,empty,b"])
	require.Contains(t, got, "cxpulse_ingest_events_skipped_total,empty,a")
}

func TestFieldMap(t *testing.T) {
	m := FieldMap{Product: []string{"missing", "brand"}, Region: []string{"region"}}
	attrs := map[string]string{"brand": "checkout", "region": ""}
	look := func(k string) (string, bool) { v := attrs[k]; return v, v != "" }
	f := Fields{Region: "keep"}
	m.Apply(look, &f)
	require.Equal(t, "checkout", f.Product)
	require.Equal(t, "keep", f.Region, "absent attributes leave the field")
	require.Equal(t, map[string]bool{"missing": true, "brand": true, "region": true}, m.Keys())
	require.ErrorContains(t, (&FieldMap{Region: []string{" "}}).Validate(), "fields.region")
	LabelMap{"b": "brand", "x": "nope"}.Apply(look, &f)
	require.Equal(t, map[string]string{"b": "checkout"}, f.Labels)
}
