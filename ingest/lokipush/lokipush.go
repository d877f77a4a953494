// Package lokipush receives log streams the way Loki does, so that Promtail, Grafana Alloy,
// Vector and Fluent Bit can ship them to cxpulse unchanged: POST /loki/api/v1/push with a
// snappy-compressed protobuf push.PushRequest (Content-Type application/x-protobuf, the
// default) or JSON (application/json, optionally gzip-encoded). Each log line becomes an event;
// stream labels and structured metadata fill event fields as configured.
package lokipush

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
	"github.com/cxpulse/cxpulse/ingest/internal/intake"
)

// SourceName is the value of the `source` label of this door's metrics.
const SourceName = "loki"

// Reasons for skipping a log line.
const (
	SkipEmpty = "empty"
)

// Handler is the http.Handler of POST /loki/api/v1/push. It answers 204 once every accepted
// line is durable, 400 (with a message) for a malformed push or rejected lines, 413 for a body
// over the limit, 429/503 with Retry-After under back-pressure. When some lines of a push are
// rejected, the others are still stored, and the answer is 400 naming the first rejection, as
// Loki does. Safe for concurrent use.
type Handler struct {
	cfg     Config
	sub     ingest.Submitter
	log     *slog.Logger
	parser  *event.Parser
	m       *intake.Metrics
	dropped prometheus.Counter
	skip    map[string]bool // labels never copied into event labels
	limits  event.Limits
	now     func() time.Time
}

var _ http.Handler = (*Handler)(nil)

// New returns a handler submitting to sub, building events within limits. im holds the shared
// ingest counters (nil: private ones); reg receives the door's own metrics. It starts nothing.
func New(cfg Config, limits event.Limits, sub ingest.Submitter, logger *slog.Logger, reg prometheus.Registerer, im *ingest.Metrics) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("%s: event limits: %w", SourceName, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := intake.NewMetrics(im, reg, SourceName, []string{SkipEmpty})
	if err != nil {
		return nil, err
	}
	dropped := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "cxpulse_ingest_loki_labels_dropped_total",
		Help: "Stream labels and structured metadata not copied into event labels because an event already had the max_labels of the event limits.",
	})
	if reg != nil {
		if err := reg.Register(dropped); err != nil {
			return nil, fmt.Errorf("registering loki push metrics: %w", err)
		}
	}
	ch, _ := event.ParseChannel(cfg.Channel)
	h := &Handler{
		cfg:     cfg,
		sub:     sub,
		log:     logger,
		parser:  event.NewParser(limits, event.Defaults{Source: cfg.Source, Channel: ch}),
		m:       m,
		dropped: dropped,
		skip:    cfg.Fields.Keys(),
		limits:  limits,
		now:     time.Now,
	}
	for _, l := range cfg.DropLabels {
		h.skip[l] = true
	}
	return h, nil
}

// stream is a decoded stream of either wire format.
type stream struct {
	labels  []Label
	entries []entry
}

type entry struct {
	ts       time.Time
	line     string
	metadata []Label
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.m.Rejected(ingest.ReasonUnsupported, 1)
		w.Header().Set("Allow", http.MethodPost)
		ingest.WriteError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	body, err := ingest.ReadBody(r, h.cfg.MaxBodyBytes)
	if err != nil {
		h.bodyError(w, err)
		return
	}
	streams, err := h.decode(r.Header.Get("Content-Type"), body)
	if err != nil {
		if errors.Is(err, ingest.ErrTooLarge) {
			h.bodyError(w, err)
			return
		}
		h.m.Rejected(event.ReasonSyntax, 1)
		ingest.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	evs, rejected, firstErr := h.events(streams)
	if len(evs) > 0 {
		ack, err := h.sub.Submit(r.Context(), evs)
		if err != nil {
			h.m.Rejected(ingest.WriteSubmitError(w, err), len(evs))
			return
		}
		h.m.Acked(ack)
	}
	if rejected > 0 {
		ingest.WriteError(w, http.StatusBadRequest, fmt.Sprintf("%d of %d lines rejected, the others were stored; first: %v", rejected, rejected+len(evs), firstErr))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) bodyError(w http.ResponseWriter, err error) {
	h.m.Rejected(ingest.BodyReason(err), 1)
	ingest.WriteBodyError(w, err)
}

// decode picks the wire format as Loki does: JSON for application/json, protobuf otherwise.
func (h *Handler) decode(contentType string, body []byte) ([]stream, error) {
	mt := ""
	if contentType != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(contentType); err != nil {
			return nil, fmt.Errorf("bad Content-Type %q: %w", contentType, err)
		}
	}
	if mt == "application/json" {
		return DecodeJSON(body)
	}
	return DecodeProto(body, h.cfg.MaxBodyBytes)
}

// DecodeProto decodes a snappy-compressed (block format) protobuf push.PushRequest. A body that
// would decompress past limit bytes is refused before decompressing, with an error wrapping
// ingest.ErrTooLarge.
func DecodeProto(body []byte, limit int64) ([]stream, error) {
	n, err := snappy.DecodedLen(body)
	if err != nil {
		return nil, fmt.Errorf("push request is not snappy-compressed protobuf: %w", err)
	}
	if int64(n) > limit {
		return nil, fmt.Errorf("%w: push request decompresses to %d bytes, more than %d", ingest.ErrTooLarge, n, limit)
	}
	raw, err := snappy.Decode(nil, body)
	if err != nil {
		return nil, fmt.Errorf("push request is not snappy-compressed protobuf: %w", err)
	}
	var req push.PushRequest
	if err := req.Unmarshal(raw); err != nil {
		return nil, fmt.Errorf("push request is not a valid protobuf PushRequest: %w", err)
	}
	out := make([]stream, 0, len(req.Streams))
	for i, s := range req.Streams {
		ls, err := ParseLabels(s.Labels)
		if err != nil {
			return nil, fmt.Errorf("stream %d: %w", i, err)
		}
		st := stream{labels: ls, entries: make([]entry, 0, len(s.Entries))}
		for _, e := range s.Entries {
			en := entry{ts: e.Timestamp, line: e.Line}
			for _, md := range e.StructuredMetadata {
				if md.Value != "" {
					en.metadata = append(en.metadata, Label{Name: md.Name, Value: md.Value})
				}
			}
			st.entries = append(st.entries, en)
		}
		out = append(out, st)
	}
	return out, nil
}

type jsonPush struct {
	Streams []jsonStream `json:"streams"`
}

type jsonStream struct {
	Stream map[string]string   `json:"stream"`
	Values [][]json.RawMessage `json:"values"`
}

// DecodeJSON decodes Loki's JSON push form:
// {"streams":[{"stream":{"job":"app"},"values":[["<unix ns>","line",{"trace_id":"x"}]]}]}.
// The timestamp is a string (or number) of Unix nanoseconds; the third element, structured
// metadata, is optional.
func DecodeJSON(body []byte) ([]stream, error) {
	var p jsonPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("push request is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	out := make([]stream, 0, len(p.Streams))
	for i, s := range p.Streams {
		st := stream{}
		names := make([]string, 0, len(s.Stream))
		for k := range s.Stream {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if k == "" {
				return nil, fmt.Errorf("stream %d: empty label name", i)
			}
			if v := s.Stream[k]; v != "" {
				st.labels = append(st.labels, Label{Name: k, Value: v})
			}
		}
		if len(st.labels) == 0 {
			return nil, fmt.Errorf("stream %d: at least one label pair is required per stream", i)
		}
		for j, v := range s.Values {
			e, err := jsonEntry(v)
			if err != nil {
				return nil, fmt.Errorf("stream %d, value %d: %w", i, j, err)
			}
			st.entries = append(st.entries, e)
		}
		out = append(out, st)
	}
	return out, nil
}

func jsonEntry(v []json.RawMessage) (entry, error) {
	var e entry
	if len(v) != 2 && len(v) != 3 {
		return e, fmt.Errorf("want [timestamp, line] or [timestamp, line, metadata], got %d elements", len(v))
	}
	ts := string(v[0])
	if strings.HasPrefix(ts, `"`) {
		if err := json.Unmarshal(v[0], &ts); err != nil {
			return e, fmt.Errorf("timestamp: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	ns, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return e, fmt.Errorf("timestamp %s is not Unix nanoseconds", event.TruncateUTF8(ts, 40))
	}
	e.ts = time.Unix(0, ns)
	if err := json.Unmarshal(v[1], &e.line); err != nil {
		return e, fmt.Errorf("line must be a string")
	}
	if len(v) == 3 && string(v[2]) != "null" {
		var md map[string]string
		if err := json.Unmarshal(v[2], &md); err != nil {
			return e, fmt.Errorf("structured metadata must be an object of strings")
		}
		names := make([]string, 0, len(md))
		for k := range md {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if md[k] != "" {
				e.metadata = append(e.metadata, Label{Name: k, Value: md[k]})
			}
		}
	}
	return e, nil
}

// events turns streams into events; it returns the accepted events, how many lines were
// rejected, and the first rejection.
func (h *Handler) events(streams []stream) ([]event.Event, int, error) {
	now := h.now()
	var evs []event.Event
	rejected, index := 0, 0
	var firstErr error
	for _, st := range streams {
		canon := canonical(st.labels)
		for _, e := range st.entries {
			i := index
			index++
			if strings.TrimSpace(e.line) == "" {
				h.m.Skipped(SkipEmpty, 1)
				continue
			}
			f := h.fields(st.labels, &e, canon)
			ev, fx, err := intake.Build(h.parser, &f, i, now)
			if err != nil {
				var ee *event.Error
				reason := event.ReasonInvalid
				if errors.As(err, &ee) {
					reason = ee.Reason
				}
				h.m.Rejected(reason, 1)
				rejected++
				if firstErr == nil {
					firstErr = fmt.Errorf("line %d of the push: %w", i, err)
				}
				continue
			}
			h.m.Received(1)
			h.m.Fixed(fx)
			evs = append(evs, ev)
		}
	}
	return evs, rejected, firstErr
}

func (h *Handler) fields(labels []Label, e *entry, canon string) intake.Fields {
	look := func(k string) (string, bool) {
		for _, l := range e.metadata {
			if l.Name == k {
				return l.Value, true
			}
		}
		for _, l := range labels {
			if l.Name == k {
				return l.Value, true
			}
		}
		return "", false
	}
	f := intake.Fields{Time: e.ts, Text: e.line}
	h.cfg.Fields.Apply(look, &f)
	if f.ID == "" {
		f.ID = lineID(canon, e)
	}
	if h.cfg.Labels == "remaining" {
		max := h.limits.MaxLabels
		add := func(l Label) {
			if h.skip[l.Name] {
				return
			}
			if _, ok := f.Labels[l.Name]; ok {
				return
			}
			if len(f.Labels) >= max {
				h.dropped.Inc()
				return
			}
			if f.Labels == nil {
				f.Labels = make(map[string]string)
			}
			f.Labels[l.Name] = l.Value
		}
		// Metadata first: it is more specific than the stream's labels.
		for _, l := range e.metadata {
			add(l)
		}
		for _, l := range labels {
			add(l)
		}
	}
	return f
}

// canonical renders a label set sorted by name, for hashing.
func canonical(ls []Label) string {
	sorted := make([]Label, len(ls))
	copy(sorted, ls)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var b strings.Builder
	for _, l := range sorted {
		b.WriteString(l.Name)
		b.WriteByte(0)
		b.WriteString(l.Value)
		b.WriteByte(0)
	}
	return b.String()
}

// lineID derives the id of a log line that carries none: a hash of its stream's labels, its
// timestamp in nanoseconds and its text, so that a shipper re-sending a push (Promtail retries
// on 429 and 5xx) stores each line once, while the same text logged at another instant or by
// another stream is a new event.
func lineID(canon string, e *entry) string {
	h := sha256.New()
	h.Write([]byte(canon))
	var ts [20]byte
	h.Write(strconv.AppendInt(ts[:0], e.ts.UnixNano(), 10))
	h.Write([]byte{0})
	h.Write([]byte(e.line))
	var sum [sha256.Size]byte
	return "lk-" + hex.EncodeToString(h.Sum(sum[:0])[:16])
}
