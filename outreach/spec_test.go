package outreach

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/internal/yamlcheck"
)

// sectionOf returns the outreach section of a rule file's text.
func sectionOf(file, src string) (Section, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return Section{}, err
	}
	top := yamlcheck.Deref(&root)
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "outreach" {
			return Section{File: file, Node: top.Content[i+1]}, nil
		}
	}
	return Section{File: file}, nil
}

func TestParseGoodFile(t *testing.T) {
	s, err := ParseFile("testdata/outreach.good.yaml")
	require.NoError(t, err)
	require.Equal(t, 30*time.Second, s.Interval)
	require.Equal(t, 14*24*time.Hour, s.Window)
	require.Equal(t, 48*time.Hour, s.Recent)
	require.Equal(t, 5*24*time.Hour, s.Cooldown)
	require.Equal(t, 500, s.MaxCandidates)
	require.Equal(t, 5, s.Evidence)
	require.Equal(t, IncidentSpec{
		HoldWhile: []string{"firing"}, MatchOn: []string{"product"},
		Alerts: []string{"NegativeSpike", "OutageWordsInLogs"},
	}, s.Incidents)
	require.Equal(t, RecoverySpec{Window: 48 * time.Hour, MinContacts: 2, MinScore: 0.1}, s.Recovery)
	require.Len(t, s.Teams, 2)
	cs := s.Team("customer-success")
	require.Equal(t, 20, cs.DailyCap)
	require.Equal(t, &SlackSpec{Channel: "#cs-outreach", Token: Secret{Name: "SLACK_BOT_TOKEN"}}, cs.Slack)
	require.Equal(t, &WebhookSpec{URL: Secret{Name: "CRM_WEBHOOK_URL"}}, cs.Webhook)
	require.Nil(t, s.Team("cx-queue").Slack)
	require.Nil(t, s.Team("nobody"))

	require.Len(t, s.Policies, 2)
	p := s.Policies[0]
	require.Equal(t, PriorityUrgent, p.Priority)
	require.Equal(t, 5*24*time.Hour, p.Cooldown, "the section's cooldown")
	w := s.Policies[1]
	require.Equal(t, PriorityNormal, w.Priority)
	require.Equal(t, 14*24*time.Hour, w.Cooldown)
	require.Equal(t, 15*time.Minute, w.For)
	require.Zero(t, p.For)

	enterprise := &Health{RecentNegatives: 2, Labels: map[string]string{"plan": "enterprise"}, Region: "eu"}
	ok, err := p.Matches(enterprise)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = p.Matches(&Health{RecentNegatives: 5, Labels: map[string]string{}})
	require.NoError(t, err)
	require.False(t, ok)
	worse := &Health{Worsening: true, Trend: -0.6, RecentNegatives: 2, Labels: map[string]string{"plan": "pro"}, Region: "eu"}
	ok, err = w.Matches(worse)
	require.NoError(t, err)
	require.True(t, ok, "a block scalar condition")
	require.Equal(t, "customer-success", w.Route(worse))
	worse.Region = "us"
	require.Equal(t, "cx-queue", w.Route(worse))

	dash, crm := s.Links(LinkData{CustomerID: "acct 9/1", Labels: map[string]string{"plan": "pro"}})
	require.Equal(t, "d/cx-customer?var-customer=acct+9%2F1", dash)
	require.Equal(t, "https://crm.example.com/accounts/acct 9/1?plan=pro", crm)
}

func TestParseBadFile(t *testing.T) {
	_, err := ParseFile("testdata/several.bad.yaml")
	require.Error(t, err)
	want := []string{
		`testdata/several.bad.yaml:2:13: interval must be positive`,
		`testdata/several.bad.yaml:3:11: window must be a whole number of minutes, at least 1m`,
		`testdata/several.bad.yaml:4:11: recent: invalid duration "10x": unknown unit "x"`,
		`testdata/several.bad.yaml:5:3: unknown key "colour" in outreach`,
		`testdata/several.bad.yaml:6:18: dashboard_url: template: dashboard_url:1:3: executing "dashboard_url" at <.Customer>: can't evaluate field Customer in type outreach.LinkData (fields: .CustomerID, .TaskID, .Product, .Region, .Labels)`,
		`testdata/several.bad.yaml:7:27: incidents.hold_while: unknown alert state "resolved" (want pending, firing)`,
		`testdata/several.bad.yaml:7:49: incidents.match_on: unknown field "channel" (want product, region)`,
		`testdata/several.bad.yaml:8:28: recovery.min_contacts must be at least 1`,
		`testdata/several.bad.yaml:11:18: daily_cap must be a non-negative integer`,
		`testdata/several.bad.yaml:12:38: slack.token must name an environment variable as ${NAME}; secrets are never written in rule files`,
		`testdata/several.bad.yaml:13:7: team "cs" is already defined at testdata/several.bad.yaml:10:7`,
		`testdata/several.bad.yaml:14:7: team needs a name`,
		`testdata/several.bad.yaml:14:16: webhook needs a url`,
		`testdata/several.bad.yaml:17:13: when: unknown name negativs (known: `,
		`testdata/several.bad.yaml:18:17: unknown priority "asap" (want low, normal, high or urgent)`,
		`testdata/several.bad.yaml:19:14: policy "p1": owner team "nobody" is not defined under teams`,
		`testdata/several.bad.yaml:20:7: policy "p1" is already defined at testdata/several.bad.yaml:16:7`,
		`testdata/several.bad.yaml:21:13: when: expected bool, but got int`,
		"testdata/several.bad.yaml:23:7: policy \"p3\" needs a `when` condition over the customer's health",
		`testdata/several.bad.yaml:25:7: policy "p3": give owner or owners, not both`,
		`testdata/several.bad.yaml:26:7: policy needs a name`,
		`testdata/several.bad.yaml:26:7: policy "" needs an owner (a team) or owners (teams chosen by the customer's labels)`,
		`testdata/several.bad.yaml:26:30: when: unknown name topcs (known: `,
	}
	msgs := strings.Split(err.Error(), "\n")
	require.Len(t, msgs, len(want), err.Error())
	for i, w := range want {
		require.True(t, strings.HasPrefix(msgs[i], w), "line %d:\n got %s\nwant %s", i, msgs[i], w)
	}
	var es Errors
	require.ErrorAs(t, err, &es)
	require.Len(t, es, len(want))
}

func TestParseSectionsAcrossFiles(t *testing.T) {
	parse := func(file, src string) Section {
		s, err := sectionOf(file, src)
		require.NoError(t, err)
		return s
	}
	a := parse("a.yaml", "outreach:\n  window: 7d\n  teams: [{name: cs}]\n  policies: [{name: p, when: negatives > 1, owner: cs}]\n")
	b := parse("b.yaml", "outreach:\n  window: 3d\n  recent: 8d\n  teams: [{name: cs}]\n  policies: [{name: p, when: negatives > 2, owner: cs}]\n")
	_, err := ParseSections([]Section{a, b})
	require.Error(t, err)
	require.Equal(t, strings.Join([]string{
		`b.yaml:2:3: window is already set at a.yaml:2:3`,
		`b.yaml:3:3: recent (8d) must not be longer than window (7d)`,
		`b.yaml:4:11: team "cs" is already defined at a.yaml:3:11`,
		`b.yaml:5:14: policy "p" is already defined at a.yaml:4:14`,
	}, "\n"), err.Error())

	spec, err := ParseSections(nil)
	require.NoError(t, err)
	require.Nil(t, spec)
	_, err = ParseSections([]Section{parse("c.yaml", "outreach:\n  teams: [{name: cs}]\n")})
	require.EqualError(t, err, "c.yaml:2:3: outreach has no policies: add at least one under policies")
	_, err = ParseSections([]Section{parse("d.yaml", "outreach: [1, 2]\n")})
	require.EqualError(t, err, "d.yaml:1:11: outreach must be a mapping, not a list\nd.yaml:1:11: outreach has no policies: add at least one under policies")
}
