// Package slack posts alert notifications to Slack: with a bot token through chat.postMessage
// (a Block Kit message), updating that message and replying in its thread on resolution; or,
// without a token, to an incoming webhook.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/cxpulse/cxpulse/alerting/notify"
)

// Ref keys the notifier remembers per group.
const (
	RefChannel = "slack_channel"
	RefTS      = "slack_ts"
)

// Config configures a Slack notifier. Token and WebhookURL are secrets.
type Config struct {
	// Channel to post to (bot token mode).
	Channel string
	// Token is a bot token (xoxb-…); when empty, WebhookURL is used.
	Token string
	// WebhookURL is an incoming webhook, the fallback without a bot token.
	WebhookURL string
	// APIURL overrides Slack's API base URL (https://slack.com/api/).
	APIURL string
	// HTTPClient is used for every request; http.DefaultClient's transport with a 10 s timeout
	// when nil.
	HTTPClient *http.Client
}

// Notifier posts to Slack. Safe for concurrent use.
type Notifier struct {
	cfg    Config
	api    *slack.Client
	redact *notify.Redactor
	hc     *http.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier; it makes no request.
func New(cfg Config) (*Notifier, error) {
	if cfg.Token == "" && cfg.WebhookURL == "" {
		return nil, errors.New("slack: need a bot token or a webhook url")
	}
	if cfg.Token != "" && cfg.Channel == "" {
		return nil, errors.New("slack: a bot token needs a channel")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	n := &Notifier{cfg: cfg, hc: hc, redact: notify.NewRedactor(cfg.Token, cfg.WebhookURL)}
	if cfg.Token != "" {
		opts := []slack.Option{slack.OptionHTTPClient(hc)}
		if cfg.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(strings.TrimRight(cfg.APIURL, "/")+"/"))
		}
		n.api = slack.New(cfg.Token, opts...)
	}
	return n, nil
}

// Name implements notify.Notifier.
func (n *Notifier) Name() string { return "slack" }

// Notify implements notify.Notifier. In bot mode the first notification of a group posts a
// message; later ones update it (a repeat also replies in its thread); the resolution updates it
// and replies in its thread.
func (n *Notifier) Notify(ctx context.Context, no *notify.Notification) (notify.Ref, error) {
	blocks := Blocks(no)
	text := fallbackText(no)
	if n.api == nil {
		msg := &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}}
		if err := slack.PostWebhookCustomHTTPContext(ctx, n.cfg.WebhookURL, n.hc, msg); err != nil {
			return nil, n.wrap("post to incoming webhook", err)
		}
		return nil, nil
	}
	channel, ts := no.Ref[RefChannel], no.Ref[RefTS]
	if ts == "" {
		ch, newTS, err := n.api.PostMessageContext(ctx, n.cfg.Channel,
			slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...), slack.MsgOptionDisableLinkUnfurl())
		if err != nil {
			return nil, n.wrap("chat.postMessage", err)
		}
		return notify.Ref{RefChannel: ch, RefTS: newTS}, nil
	}
	if _, _, _, err := n.api.UpdateMessageContext(ctx, channel, ts,
		slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return nil, n.wrap("chat.update", err)
	}
	var reply string
	switch {
	case no.Status == notify.StatusResolved:
		reply = ":large_green_circle: Resolved" + durationSince(no)
	case no.Reason == notify.ReasonRepeat:
		reply = fmt.Sprintf(":repeat: Still firing: %d alert(s)", len(no.Firing()))
	case no.Reason == notify.ReasonChanged:
		reply = fmt.Sprintf(":warning: Changed: %d alert(s) firing", len(no.Firing()))
	}
	if reply != "" {
		if _, _, err := n.api.PostMessageContext(ctx, channel, slack.MsgOptionText(reply, false), slack.MsgOptionTS(ts)); err != nil {
			return nil, n.wrap("chat.postMessage (thread reply)", err)
		}
	}
	return notify.Ref{RefChannel: channel, RefTS: ts}, nil
}

func durationSince(no *notify.Notification) string {
	var start time.Time
	for _, a := range no.Alerts {
		if start.IsZero() || a.StartsAt.Before(start) {
			start = a.StartsAt
		}
	}
	if start.IsZero() || no.Now.Before(start) {
		return "."
	}
	return fmt.Sprintf(" after %s.", no.Now.Sub(start).Round(time.Second))
}

// wrap classifies a slack-go error and removes secrets from it.
func (n *Notifier) wrap(what string, err error) error {
	e := &notify.Error{Retry: true, Err: fmt.Errorf("slack %s: %w", what, err)}
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		e.Status, e.RetryAfter = http.StatusTooManyRequests, rl.RetryAfter
	case errors.As(err, &sc):
		e.Status, e.Retry = sc.Code, sc.Retryable()
	case errors.As(err, &se):
		switch se.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		default:
			e.Retry = false
		}
	case errors.Is(err, context.Canceled):
		e.Retry = false
	}
	return n.redact.Error(e)
}

func fallbackText(no *notify.Notification) string {
	return no.Title() + ": " + no.Summary()
}

// Blocks renders a notification as a Block Kit message: what fires, how bad, sample messages,
// and links to the dashboard and the runbook.
func Blocks(no *notify.Notification) []slack.Block {
	icon := ":red_circle:"
	if no.Status == notify.StatusResolved {
		icon = ":large_green_circle:"
	} else if no.CommonLabels["severity"] != "critical" {
		icon = ":large_orange_circle:"
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(icon+" "+no.Title(), 150), true, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(no.Summary(), 3000), false, false), nil, nil),
	}
	var fields []*slack.TextBlockObject
	if sev := no.CommonLabels["severity"]; sev != "" {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*Severity*\n"+sev, false, false))
	}
	fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf("*Alerts*\n%d firing, %d resolved",
		len(no.Firing()), len(no.Alerts)-len(no.Firing())), false, false))
	keys := make([]string, 0, len(no.GroupLabels))
	for k := range no.GroupLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(fields) >= 10 {
			break
		}
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*"+k+"*\n"+clip(no.GroupLabels[k], 200), false, false))
	}
	blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	if d := no.CommonAnnotations["description"]; d != "" {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(d, 3000), false, false), nil, nil))
	}
	var samples []string
	for _, a := range no.Alerts {
		for _, s := range a.Samples {
			if len(samples) < 3 {
				samples = append(samples, "> "+clip(strings.ReplaceAll(s, "\n", " "), 280))
			}
		}
	}
	if len(samples) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
			"*Sample messages*\n"+strings.Join(samples, "\n"), false, false), nil, nil))
	}
	var buttons []slack.BlockElement
	if no.DashboardURL != "" {
		buttons = append(buttons, slack.NewButtonBlockElement("dashboard", "dashboard",
			slack.NewTextBlockObject(slack.PlainTextType, "Dashboard", false, false)).WithURL(no.DashboardURL))
	}
	if no.RunbookURL != "" {
		buttons = append(buttons, slack.NewButtonBlockElement("runbook", "runbook",
			slack.NewTextBlockObject(slack.PlainTextType, "Runbook", false, false)).WithURL(no.RunbookURL))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("links", buttons...))
	}
	ctxText := "cxpulse · " + no.Receiver
	if no.Reason == notify.ReasonDigest {
		ctxText += " · digest of notifications held back by the rate limit"
	}
	blocks = append(blocks, slack.NewContextBlock("context", slack.NewTextBlockObject(slack.MarkdownType, ctxText, false, false)))
	return blocks
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
