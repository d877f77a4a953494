package outreach

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// The integrations a team delivers to.
const (
	integrationSlack   = "slack"
	integrationWebhook = "webhook"
)

// Retry bounds of deliveries: the wait doubles from minBackoff up to maxBackoff, and is at least
// the server's Retry-After.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

func backoff(attempt int) time.Duration {
	d := minBackoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// sendError is a failed delivery attempt: whether to retry, and not before when.
type sendError struct {
	retry      bool
	retryAfter time.Duration
	status     int
	err        error
}

func (e *sendError) Error() string { return e.err.Error() }

func (e *sendError) Unwrap() error { return e.err }

// classify tells whether err is worth retrying and the server's Retry-After. Errors that are not
// *sendError (network errors, timeouts) are retried.
func classify(err error) (retry bool, after time.Duration) {
	var se *sendError
	if errors.As(err, &se) {
		return se.retry, se.retryAfter
	}
	return !errors.Is(err, context.Canceled), 0
}

// redactor removes secrets (and their URL-escaped forms) from error texts.
type redactor []string

func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		if len(s) >= 4 {
			r = append(r, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	sort.Slice(r, func(i, j int) bool { return len(r[i]) > len(r[j]) })
	return r
}

// error returns err with secrets removed, keeping its retry classification but not its cause.
func (r redactor) error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range r {
		msg = strings.ReplaceAll(msg, s, "<redacted>")
	}
	retry, after := classify(err)
	out := &sendError{retry: retry, retryAfter: after, err: errors.New(msg)}
	var se *sendError
	if errors.As(err, &se) {
		out.status = se.status
	}
	return out
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date (relative to now).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// slackSender posts to one channel with a bot token through slack-go (form-encoded
// chat.postMessage and chat.update, the token in the form). Safe for concurrent use.
type slackSender struct {
	channel string
	api     *slack.Client
	redact  redactor
}

func newSlackSender(spec *SlackSpec, token string, hc *http.Client) *slackSender {
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if spec.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(strings.TrimRight(spec.APIURL, "/")+"/"))
	}
	return &slackSender{channel: spec.Channel, api: slack.New(token, opts...), redact: newRedactor(token)}
}

// post posts a message (a reply in a thread when threadTS is set) and returns its channel and ts.
func (s *slackSender) post(ctx context.Context, text string, blocks []slack.Block, channel, threadTS string) (string, string, error) {
	if channel == "" {
		channel = s.channel
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionDisableLinkUnfurl()}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	ch, ts, err := s.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", "", s.wrap("chat.postMessage", err)
	}
	return ch, ts, nil
}

func (s *slackSender) update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	_, _, _, err := s.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return s.wrap("chat.update", err)
	}
	return nil
}

// wrap classifies a slack-go error and removes the token from it.
func (s *slackSender) wrap(what string, err error) error {
	e := &sendError{retry: true, err: fmt.Errorf("slack %s: %w", what, err)}
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		e.status, e.retryAfter = http.StatusTooManyRequests, rl.RetryAfter
	case errors.As(err, &sc):
		e.status, e.retry = sc.Code, sc.Retryable()
	case errors.As(err, &se):
		switch se.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		default:
			e.retry = false
		}
	case errors.Is(err, context.Canceled):
		e.retry = false
	}
	return s.redact.error(e)
}

// webhookSender posts JSON to a URL (a secret: it often embeds a token). Safe for concurrent use.
type webhookSender struct {
	url    string
	hc     *http.Client
	redact redactor
}

func newWebhookSender(u string, hc *http.Client) *webhookSender {
	return &webhookSender{url: u, hc: hc, redact: newRedactor(u)}
}

// post sends v as JSON: 2xx is success; 429 and 5xx are retried (honouring Retry-After); other
// statuses are rejected for good.
func (w *webhookSender) post(ctx context.Context, v any, now time.Time) error {
	body, err := json.Marshal(v)
	if err != nil {
		return &sendError{err: fmt.Errorf("webhook: encode: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return w.redact.error(&sendError{err: fmt.Errorf("webhook: %w", err)})
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cxpulse")
	resp, err := w.hc.Do(req)
	if err != nil {
		return w.redact.error(fmt.Errorf("webhook: %w", err))
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	e := &sendError{status: resp.StatusCode, err: fmt.Errorf("webhook: HTTP %s", resp.Status)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		e.retry, e.retryAfter = true, parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return w.redact.error(e)
}

// clip shortens s to n runes, ending with an ellipsis when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// snippet is a message text as a task shows it: on one line, at most maxSnippet runes.
func snippet(s string) string {
	return clip(strings.Join(strings.Fields(s), " "), maxSnippet)
}

// maxSnippet bounds the text of a message kept with a task.
const maxSnippet = 280

// mrkdwn escapes text for Slack's mrkdwn.
func mrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(text, 3000), false, false), nil, nil)
}

// taskBlocks renders a task for the owning team: who, why, what they said, and links.
func (m *Manager) taskBlocks(t *Task) (string, []slack.Block) {
	h := t.Health
	title := fmt.Sprintf("Reach out to %s", t.CustomerID)
	text := fmt.Sprintf("%s: %d negative of %d contacts in %s (%s, %s priority)", title, int(h["negatives"]),
		int(h["contacts"]), yamlcheck.FormatDays(m.spec.Window), t.Policy, t.Priority)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(":telephone_receiver: "+title, 150), true, false)),
	}
	var why strings.Builder
	fmt.Fprintf(&why, "*%s* priority · policy `%s` · owner *%s*\n", t.Priority, mrkdwn(t.Policy), mrkdwn(t.Owner))
	fmt.Fprintf(&why, "%d negative of %d contacts in %s · mean score %+.2f", int(h["negatives"]), int(h["contacts"]),
		yamlcheck.FormatDays(m.spec.Window), h["mean_score"])
	if h["earlier_contacts"] > 0 && h["recent_contacts"] > 0 {
		word := "worsening"
		if h["trend"] >= 0 {
			word = "recovering"
		}
		fmt.Fprintf(&why, " · %s (%+.2f over the last %s)", word, h["trend"], yamlcheck.FormatDays(m.spec.Recent))
	}
	if u := int(h["unresolved"]); u > 0 {
		fmt.Fprintf(&why, " · %d unresolved", u)
	}
	blocks = append(blocks, section(why.String()))
	var fields []*slack.TextBlockObject
	field := func(name, v string) {
		if v != "" {
			fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*"+name+"*\n"+clip(mrkdwn(v), 200), false, false))
		}
	}
	field("Channels", strings.Join(t.Channels, ", "))
	field("Topics", strings.Join(t.Topics, ", "))
	if t.Product != "" || t.Region != "" {
		field("Last seen", strings.Trim(t.Product+" / "+t.Region, " /"))
	}
	var labels []string
	for _, k := range sortedKeys(t.Labels) {
		labels = append(labels, k+"="+t.Labels[k])
	}
	field("Labels", strings.Join(labels, " "))
	if len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if len(t.Snippets) > 0 {
		var b strings.Builder
		b.WriteString("*Recent complaints*")
		for i, s := range t.Snippets {
			meta := ""
			if i < len(t.MessageChannels) && i < len(t.Scores) {
				meta = fmt.Sprintf("%s, %+.2f: ", t.MessageChannels[i], t.Scores[i])
			}
			fmt.Fprintf(&b, "\n> %s%s", mrkdwn(meta), mrkdwn(s))
		}
		blocks = append(blocks, section(b.String()))
	}
	var links []string
	dash, crm := m.links(t)
	if dash != "" {
		links = append(links, "<"+dash+"|Dashboard>")
	}
	if crm != "" {
		links = append(links, "<"+crm+"|CRM>")
	}
	if m.cfg.ExternalURL != "" {
		links = append(links, "<"+strings.TrimRight(m.cfg.ExternalURL, "/")+"/v1/outreach/"+t.ID+"|Task>")
	}
	if len(links) > 0 {
		blocks = append(blocks, section(strings.Join(links, " · ")))
	}
	ctxText := fmt.Sprintf("cxpulse outreach · task `%s` · `cxpulse outreach ack %s --status contacted`", t.ID, t.ID)
	if t.HeldBy != "" {
		ctxText += " · held during " + mrkdwn(t.HeldBy)
	}
	blocks = append(blocks, slack.NewContextBlock("context", slack.NewTextBlockObject(slack.MarkdownType, ctxText, false, false)))
	return text, blocks
}

// links renders a task's dashboard and CRM links; a relative dashboard link is prefixed with
// the Grafana URL.
func (m *Manager) links(t *Task) (dashboard, crm string) {
	dashboard, crm = m.spec.Links(LinkData{CustomerID: t.CustomerID, TaskID: t.ID, Product: t.Product, Region: t.Region, Labels: t.Labels})
	if dashboard != "" && !strings.Contains(dashboard, "://") && m.cfg.GrafanaURL != "" {
		dashboard = strings.TrimRight(m.cfg.GrafanaURL, "/") + "/" + strings.TrimLeft(dashboard, "/")
	}
	return dashboard, crm
}

func alertTitle(n *Note) string {
	var b strings.Builder
	b.WriteString(n.Alert)
	for _, k := range sortedKeys(n.Labels) {
		if k != "alertname" && k != "severity" && k != "team" {
			fmt.Fprintf(&b, " %s=%s", k, n.Labels[k])
		}
	}
	return b.String()
}

// noteBlocks renders an incident note: what fires, how many customers wait, what happens next.
func noteBlocks(n *Note) (string, []slack.Block) {
	title := alertTitle(n)
	var head, body string
	if n.State == NoteReleased {
		head = ":white_check_mark: Outreach released: " + title
		body = fmt.Sprintf("The incident is over. %d customer(s) were held; %d task(s) were created now for those still unhappy (others follow while they stay unhappy, within the daily caps).",
			n.Held, n.ReleasedTasks)
	} else {
		head = ":pause_button: Outreach on hold: " + title
		body = fmt.Sprintf("*%d* customer(s) whose recent complaints match this incident would have got an outreach task. Their tasks are held while the alert fires; when it resolves, those still unhappy get their tasks.", n.Held)
	}
	text := head + ": " + fmt.Sprintf("%d customer(s) held", n.Held)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(head, 150), true, false)),
	}
	if n.Summary != "" {
		blocks = append(blocks, section(mrkdwn(n.Summary)))
	}
	blocks = append(blocks, section(body))
	if len(n.Customers) > 0 {
		shown := n.Customers[:min(len(n.Customers), 10)]
		more := ""
		if len(n.Customers) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(n.Customers)-len(shown))
		}
		blocks = append(blocks, section("*Customers*: "+mrkdwn(strings.Join(shown, ", "))+more))
	}
	blocks = append(blocks, slack.NewContextBlock("context", slack.NewTextBlockObject(slack.MarkdownType,
		fmt.Sprintf("cxpulse outreach · team %s · alert active since %s", mrkdwn(n.Team), n.ActiveAt.UTC().Format(time.RFC3339)), false, false)))
	return text, blocks
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
