// Package notifytest provides httptest servers that speak the real wire formats of Slack's Web
// API (form-encoded chat.postMessage and chat.update with the token in the form), PagerDuty's
// Events API v2 (/v2/enqueue JSON) and Loki's push API (snappy-compressed protobuf). They check
// each request strictly, record what they accepted, and can be told to fail.
package notifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
)

// Reply is a canned failure: the status, an optional Retry-After, and the body.
type Reply struct {
	Status     int
	RetryAfter string
	Body       string
}

type failQueue struct {
	mu      sync.Mutex
	replies []Reply
}

func (f *failQueue) Fail(r ...Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, r...)
}

func (f *failQueue) next() (Reply, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.replies) == 0 {
		return Reply{}, false
	}
	r := f.replies[0]
	f.replies = f.replies[1:]
	return r, true
}

func writeReply(w http.ResponseWriter, r Reply) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.Status)
	_, _ = io.WriteString(w, r.Body)
}

// SlackMessage is a request Slack accepted.
type SlackMessage struct {
	Method   string
	Channel  string
	TS       string // chat.update: the message updated
	ThreadTS string // a reply in a thread
	Text     string
	Blocks   []map[string]any
}

// Slack is a fake Slack Web API.
type Slack struct {
	failQueue
	*httptest.Server
	t     testing.TB
	token string

	mu       sync.Mutex
	msgs     []SlackMessage
	attempts int
	seq      int
}

// NewSlack starts a fake Slack that accepts the bot token. Its API URL is URL + "/api/".
func NewSlack(t testing.TB, token string) *Slack {
	s := &Slack{t: t, token: token}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// APIURL is the base URL to configure as the Slack API URL.
func (s *Slack) APIURL() string { return s.URL + "/api/" }

func (s *Slack) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.attempts++
	s.mu.Unlock()
	if f, ok := s.next(); ok {
		writeReply(w, f)
		return
	}
	fail := func(code string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		s.t.Errorf("slack: want a form-encoded POST, got %s %s", r.Method, r.Header.Get("Content-Type"))
		fail("invalid_request")
		return
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.t.Errorf("slack: bad form: %v", err)
		fail("invalid_form_data")
		return
	}
	if form.Get("token") != s.token {
		fail("invalid_auth")
		return
	}
	m := SlackMessage{Channel: form.Get("channel"), Text: form.Get("text"), TS: form.Get("ts"), ThreadTS: form.Get("thread_ts")}
	if b := form.Get("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &m.Blocks); err != nil {
			s.t.Errorf("slack: blocks are not JSON: %v", err)
			fail("invalid_blocks")
			return
		}
	}
	if m.Channel == "" || (m.Text == "" && len(m.Blocks) == 0) {
		s.t.Errorf("slack: message without channel or content: %v", form)
		fail("no_text")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/chat.postMessage":
		m.Method = "chat.postMessage"
		s.mu.Lock()
		s.seq++
		ts := fmt.Sprintf("1700000000.%06d", s.seq)
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":"C0CXALERTS","ts":%q,"message":{"text":%q}}`, ts, m.Text)
	case "/api/chat.update":
		m.Method = "chat.update"
		if m.TS == "" {
			s.t.Errorf("slack: chat.update without ts")
			fail("message_not_found")
			return
		}
		s.mu.Lock()
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"text":%q}`, m.Channel, m.TS, m.Text)
	default:
		s.t.Errorf("slack: unexpected path %s", r.URL.Path)
		fail("unknown_method")
	}
}

// Messages returns what was accepted, in order.
func (s *Slack) Messages() []SlackMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SlackMessage(nil), s.msgs...)
}

// Attempts counts every request, failed ones included.
func (s *Slack) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// PDEvent is an event PagerDuty accepted.
type PDEvent struct {
	RoutingKey string         `json:"routing_key"`
	Action     string         `json:"event_action"`
	DedupKey   string         `json:"dedup_key"`
	Payload    map[string]any `json:"payload"`
	Links      []any          `json:"links"`
	Client     string         `json:"client"`
	ClientURL  string         `json:"client_url"`
}

// PagerDuty is a fake Events API v2.
type PagerDuty struct {
	failQueue
	*httptest.Server
	t   testing.TB
	key string

	mu       sync.Mutex
	events   []PDEvent
	attempts []time.Time
	now      func() time.Time
}

// NewPagerDuty starts a fake Events API v2 that accepts routing key key. now stamps attempts
// (for tests driving a fake clock); time.Now when nil.
func NewPagerDuty(t testing.TB, key string, now func() time.Time) *PagerDuty {
	if now == nil {
		now = time.Now
	}
	p := &PagerDuty{t: t, key: key, now: now}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *PagerDuty) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.attempts = append(p.attempts, p.now())
	p.mu.Unlock()
	if f, ok := p.next(); ok {
		writeReply(w, f)
		return
	}
	bad := func(msg string) {
		p.t.Errorf("pagerduty: %s", msg)
		writeReply(w, Reply{Status: 400, Body: fmt.Sprintf(`{"status":"invalid event","message":"Event object is invalid","errors":[%q]}`, msg)})
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v2/enqueue" {
		bad("want POST /v2/enqueue, got " + r.Method + " " + r.URL.Path)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		bad("content type " + ct)
		return
	}
	var ev PDEvent
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		bad("body: " + err.Error())
		return
	}
	if ev.RoutingKey != p.key {
		bad("wrong routing key")
		return
	}
	if ev.DedupKey == "" || len(ev.DedupKey) > 255 {
		bad("dedup_key missing or longer than 255")
		return
	}
	switch ev.Action {
	case "trigger":
		s, _ := ev.Payload["summary"].(string)
		sev, _ := ev.Payload["severity"].(string)
		src, _ := ev.Payload["source"].(string)
		if s == "" || len([]rune(s)) > 1024 || src == "" {
			bad("trigger needs a summary of at most 1024 characters and a source")
			return
		}
		switch sev {
		case "critical", "error", "warning", "info":
		default:
			bad("bad severity " + sev)
			return
		}
	case "resolve", "acknowledge":
	default:
		bad("bad event_action " + ev.Action)
		return
	}
	p.mu.Lock()
	p.events = append(p.events, ev)
	p.mu.Unlock()
	writeReply(w, Reply{Status: http.StatusAccepted, Body: fmt.Sprintf(`{"status":"success","message":"Event processed","dedup_key":%q}`, ev.DedupKey)})
}

// Events returns what was accepted, in order.
func (p *PagerDuty) Events() []PDEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PDEvent(nil), p.events...)
}

// Attempts returns the time of every request, failed ones included.
func (p *PagerDuty) Attempts() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.attempts...)
}

// LokiLine is a line Loki accepted.
type LokiLine struct {
	Labels string
	Time   time.Time
	Line   string
}

// Loki is a fake Loki push endpoint at /loki/api/v1/push.
type Loki struct {
	failQueue
	*httptest.Server
	t     testing.TB
	mu    sync.Mutex
	lines []LokiLine
}

// NewLoki starts a fake Loki.
func NewLoki(t testing.TB) *Loki {
	l := &Loki{t: t}
	l.Server = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(l.Close)
	return l
}

// PushURL is the push endpoint.
func (l *Loki) PushURL() string { return l.URL + "/loki/api/v1/push" }

func (l *Loki) serve(w http.ResponseWriter, r *http.Request) {
	if f, ok := l.next(); ok {
		writeReply(w, f)
		return
	}
	if r.URL.Path != "/loki/api/v1/push" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		l.t.Errorf("loki: want protobuf POST to /loki/api/v1/push, got %s %s", r.URL.Path, r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	raw, err := snappy.Decode(nil, body)
	if err != nil {
		l.t.Errorf("loki: body is not snappy: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var req push.PushRequest
	if err := req.Unmarshal(raw); err != nil {
		l.t.Errorf("loki: body is not a PushRequest: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	l.mu.Lock()
	for _, s := range req.Streams {
		for _, e := range s.Entries {
			l.lines = append(l.lines, LokiLine{Labels: s.Labels, Time: e.Timestamp, Line: e.Line})
		}
	}
	l.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Lines returns what was accepted.
func (l *Loki) Lines() []LokiLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LokiLine(nil), l.lines...)
}

// RetryAfter formats seconds for Reply.RetryAfter.
func RetryAfter(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
