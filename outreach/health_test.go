package outreach

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNewHealth(t *testing.T) {
	last := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	h := NewHealth(HealthRow{
		CustomerID: "alice", Contacts: 8, Negatives: 5, Positives: 2, ScoreSum: -1.6,
		RecentContacts: 4, RecentNegatives: 4, RecentScoreSum: -3.2, Unresolved: 3,
		Channels: []string{"ticket", "chat"}, Topics: []string{"refund", "billing"},
		Places:  []string{"checkout\x1feu", "login\x1fus", "checkout\x1feu"},
		Product: "login", Region: "us", Labels: nil, LastNegativeAt: last,
	})
	require.Equal(t, 0.625, h.NegativeShare)
	require.InDelta(t, -0.2, h.MeanScore, 1e-12)
	require.InDelta(t, -0.8, h.RecentMeanScore, 1e-12)
	require.Equal(t, 4, h.EarlierContacts)
	require.InDelta(t, 0.4, h.EarlierMeanScore, 1e-12)
	require.InDelta(t, -1.2, h.Trend, 1e-12)
	require.True(t, h.Worsening)
	require.False(t, h.Recovering)
	require.Equal(t, []string{"chat", "ticket"}, h.Channels)
	require.Equal(t, 2, h.ChannelCount)
	require.Equal(t, []string{"billing", "refund"}, h.Topics)
	require.Equal(t, []Place{{"checkout", "eu"}, {"login", "us"}}, h.Places)
	require.NotNil(t, h.Labels)

	n := h.numbers()
	require.Equal(t, 5.0, n["negatives"])
	require.Equal(t, 1.0, n["worsening"])
	require.Equal(t, 0.0, n["recovering"])
	require.NotContains(t, n, "customer_id")
	require.Len(t, n, len(HealthNames())-6, "every number and flag, no strings, lists or maps")

	// Only recent contacts: no trend.
	h = NewHealth(HealthRow{Contacts: 2, Negatives: 2, ScoreSum: -1, RecentContacts: 2, RecentNegatives: 2, RecentScoreSum: -1})
	require.Zero(t, h.Trend)
	require.False(t, h.Worsening || h.Recovering)
}

func TestCoveringAlerts(t *testing.T) {
	m := &Manager{spec: &Spec{Incidents: IncidentSpec{HoldWhile: []string{"firing"}, MatchOn: []string{"product", "region"}}}}
	h := &Health{Places: []Place{{"checkout", "eu"}, {"search", "us"}}}
	alert := func(name, state string, labels map[string]string) Alert {
		return Alert{Name: name, State: state, Fingerprint: name, Labels: labels}
	}
	for _, tc := range []struct {
		name   string
		alerts []Alert
		want   string
	}{
		{"product and region", []Alert{alert("A", "firing", map[string]string{"product": "checkout", "region": "eu"})}, "A"},
		{"product only", []Alert{alert("A", "firing", map[string]string{"product": "search", "severity": "critical"})}, "A"},
		{"other region", []Alert{alert("A", "firing", map[string]string{"product": "checkout", "region": "us"})}, ""},
		{"no place label", []Alert{alert("A", "firing", map[string]string{"channel": "chat"})}, ""},
		{"pending is not held here", []Alert{alert("A", "pending", map[string]string{"product": "checkout"})}, ""},
		{"first by name", []Alert{alert("B", "firing", map[string]string{"region": "us"}), alert("A", "firing", map[string]string{"region": "eu"})}, "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := m.covering(h, m.incidentAlerts(tc.alerts))
			if tc.want == "" {
				require.Nil(t, a)
				return
			}
			require.NotNil(t, a)
			require.Equal(t, tc.want, a.Name)
		})
	}
	m.spec.Incidents.Alerts = []string{"B"}
	require.Nil(t, m.covering(h, m.incidentAlerts([]Alert{alert("A", "firing", map[string]string{"product": "checkout"})})))
}

func TestEnums(t *testing.T) {
	for _, p := range []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent} {
		got, err := ParsePriority(p.String())
		require.NoError(t, err)
		require.Equal(t, p, got)
	}
	_, err := ParsePriority("p1")
	require.Error(t, err)
	require.Equal(t, "priority(9)", Priority(9).String())
	for _, s := range []Status{StatusOpen, StatusContacted, StatusResolved, StatusDismissed} {
		got, err := ParseStatus(s.String())
		require.NoError(t, err)
		require.Equal(t, s, got)
	}
	_, err = ParseStatus("closed")
	require.Error(t, err)
	require.Equal(t, "status(7)", Status(7).String())
}

func FuzzParseSections(f *testing.F) {
	f.Add("outreach:\n  policies: [{name: p, when: negatives > 1, owner: cs}]\n  teams: [{name: cs, daily_cap: 3}]\n")
	f.Add("outreach:\n  window: 7d\n  recent: 1d\n  incidents: {match_on: product}\n")
	f.Add("outreach: {policies: [{name: p, when: \"labels.plan == 'x' && 'refund' in topics\", owners: [{team: a, labels: {plan: [x]}}]}]}\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := sectionOf("f.yaml", src)
		if err != nil || s.Node == nil {
			return
		}
		spec, err := ParseSections([]Section{s})
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("want positioned errors, got %v", err)
			}
			return
		}
		// A checked condition runs (it may fail, e.g. topics[0] on no topics, but never panics).
		for _, p := range spec.Policies {
			_, _ = p.Matches(&Health{Labels: map[string]string{}})
		}
	})
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultConfig().Validate())
	c := DefaultConfig()
	c.PollInterval, c.DeliverFor, c.ExternalURL = 0, -time.Second, "cxpulse.local"
	err := c.Validate()
	require.ErrorContains(t, err, "poll_interval must be positive")
	require.ErrorContains(t, err, "deliver_for must be positive")
	require.ErrorContains(t, err, `external_url must be an http(s) URL, got "cxpulse.local"`)
}

func TestWebhookErrorsKeepTheURLSecret(t *testing.T) {
	const secret = "s3cr3t-hook-token"
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	w := newWebhookSender(srv.URL+"/hook/"+secret, srv.Client())
	err := w.post(context.Background(), map[string]string{"a": "b"}, now)
	require.Equal(t, "/hook/"+secret, got)
	retry, after := classify(err)
	require.True(t, retry)
	require.Equal(t, 7*time.Second, after)
	srv.Close()
	err = w.post(context.Background(), map[string]string{"a": "b"}, now)
	require.Error(t, err)
	require.NotContains(t, err.Error(), secret)
	retry, _ = classify(err)
	require.True(t, retry, "a network error is retried")
	require.Equal(t, 12*time.Second, parseRetryAfter(now.Add(12*time.Second).Format(http.TimeFormat), now))
	require.Zero(t, parseRetryAfter("soon", now))
}

func TestBackoff(t *testing.T) {
	var got []time.Duration
	for a := 1; a <= 9; a++ {
		got = append(got, backoff(a))
	}
	require.Equal(t, []time.Duration{
		time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, time.Minute, time.Minute, time.Minute,
	}, got)
}

func TestSnippetAndMarkdown(t *testing.T) {
	require.Equal(t, "a b c", snippet("a\n b\t\tc "))
	long := snippet(strings.Repeat("é", 400))
	require.Len(t, []rune(long), maxSnippet)
	require.True(t, strings.HasSuffix(long, "…"))
	require.Equal(t, "&lt;@U1&gt; &amp; co", mrkdwn("<@U1> & co"))
}
