package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/kafka"
	"github.com/cxpulse/cxpulse/ingest/lokipush"
	"github.com/cxpulse/cxpulse/ingest/webhook/intercom"
	"github.com/cxpulse/cxpulse/ingest/webhook/zendesk"
	"github.com/cxpulse/cxpulse/internal/secret"
	"github.com/cxpulse/cxpulse/store"
)

// mountDoors adds the Loki push endpoint (behind the ingest token) and the signed webhooks that
// are configured.
func mountDoors(mux *http.ServeMux, cfg Config, token secret.Secret, sub ingest.Submitter, logger *slog.Logger,
	reg prometheus.Registerer, im *ingest.Metrics,
) error {
	loki, err := lokipush.New(cfg.Ingest.Loki, cfg.Events, sub, logger, reg, im)
	if err != nil {
		return fmt.Errorf("ingest.loki: %w", err)
	}
	lokiDenied := func() { im.Rejected(cfg.Ingest.Loki.Source, ingest.ReasonUnauthorized, 1) }
	mux.Handle("POST /loki/api/v1/push", ingest.RequireToken(token.Value(), lokiDenied, loki))

	if zc := cfg.Ingest.Zendesk; zc.SigningSecret != "" {
		s, err := secret.Expand(zc.SigningSecret.Value())
		if err != nil {
			return fmt.Errorf("ingest.zendesk.signing_secret: %w", err)
		}
		zc.SigningSecret = s
		zd, err := zendesk.New(zc, cfg.Events, sub, logger, reg, im)
		if err != nil {
			return fmt.Errorf("ingest.zendesk: %w", err)
		}
		mux.Handle("POST /v1/webhooks/zendesk", zd)
	}
	if ic := cfg.Ingest.Intercom; ic.ClientSecret != "" {
		s, err := secret.Expand(ic.ClientSecret.Value())
		if err != nil {
			return fmt.Errorf("ingest.intercom.client_secret: %w", err)
		}
		ic.ClientSecret = s
		h, err := intercom.New(ic, cfg.Events, sub, logger, reg, im)
		if err != nil {
			return fmt.Errorf("ingest.intercom: %w", err)
		}
		mux.Handle("POST /v1/webhooks/intercom", h)
	}
	return nil
}

// rejectSink stores what the Kafka consumer can never turn into events in the rejected table.
type rejectSink struct{ st *store.Store }

var _ kafka.RejectSink = rejectSink{}

// Reject implements kafka.RejectSink.
func (r rejectSink) Reject(ctx context.Context, rs []kafka.Rejected) error {
	rows := make([]store.RejectedRow, len(rs))
	for i, x := range rs {
		rows[i] = store.RejectedRow{
			Time: x.Time, Source: x.Source, Topic: x.Topic, Partition: x.Partition, Offset: x.Offset,
			Line: uint32(x.Line), Reason: x.Reason, Error: x.Error, Payload: x.Payload,
		}
	}
	return r.st.InsertRejected(ctx, rows)
}
