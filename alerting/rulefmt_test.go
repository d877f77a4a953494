package alerting

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadBadFiles(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"testdata/several.bad.yaml", []string{
			`testdata/several.bad.yaml:3:15: interval: invalid duration "30x": unknown unit "x"`,
			`testdata/several.bad.yaml:6:27: select.channel: unknown channel "fax"`,
			`testdata/several.bad.yaml:7:17: window must be a whole number of minutes`,
			`testdata/several.bad.yaml:8:15: when: unknown aggregate or field "negative_shar"`,
			`testdata/several.bad.yaml:8:38: when: unknown aggregate or field "volum"`,
			`testdata/several.bad.yaml:9:9: unknown key "colour" in rule`,
			`testdata/several.bad.yaml:12:15: when: "anomaly_score" needs an ` + "`anomaly`" + ` block in the rule`,
			`testdata/several.bad.yaml:17:3: route to undefined receiver "nobody"`,
			`testdata/several.bad.yaml:19:18: matchers: invalid matcher`,
			`testdata/several.bad.yaml:23:36: slack.token must name an environment variable as ${NAME}`,
		}},
		{"testdata/undeliverable.bad.yaml", []string{
			`testdata/undeliverable.bad.yaml:4:9: alert "Lost" cannot be delivered: its routes end at receivers without integrations (blackhole)`,
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := LoadFiles(c.file)
			require.Error(t, err)
			var es Errors
			require.True(t, errors.As(err, &es))
			msgs := strings.Split(err.Error(), "\n")
			require.Len(t, msgs, len(c.want), err.Error())
			for i, w := range c.want {
				require.True(t, strings.HasPrefix(msgs[i], w), "error %d\n got: %s\nwant: %s", i, msgs[i], w)
			}
		})
	}
}

func TestLoadGoodFile(t *testing.T) {
	set, err := LoadFiles("testdata/routing.good.yaml")
	require.NoError(t, err)
	require.Len(t, set.Groups, 1)
	r := set.Groups[0].Rules[0]
	require.Equal(t, []string{"refund"}, r.Topics)
	require.Equal(t, "volume", r.primary)
	require.Equal(t, DefaultGroupWait, set.Route.Routes[0].GroupWait)
	require.Equal(t, "PD_KEY", set.Receivers["pd"].PagerDuty.RoutingKey.Name)
}

func TestMatchers(t *testing.T) {
	for _, c := range []struct {
		in    string
		value string
		match bool
	}{
		{`severity="critical"`, "critical", true},
		{`severity!="critical"`, "critical", false},
		{`team=~"pay.*"`, "payments", true},
		{`team=~"pay"`, "payments", false},
		{`team!~"pay.*"`, "", true},
		{`env=prod`, "prod", true},
	} {
		m, err := ParseMatcher(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.match, m.Matches(c.value), c.in)
	}
	for _, in := range []string{`="x"`, `a=="x"`, `a=~"("`, `1a="x"`, `a`} {
		_, err := ParseMatcher(in)
		require.Error(t, err, in)
	}
}

func TestExpandValues(t *testing.T) {
	v, err := ExpandValues("1+2x2 _ 5x1 -1-1x1")
	require.NoError(t, err)
	require.Len(t, v, 8)
	require.Equal(t, []float64{1, 3, 5}, v[:3])
	require.True(t, v[3] != v[3])
	require.Equal(t, []float64{5, 5, -1, -2}, v[4:])
	_, err = ExpandValues("1xq")
	require.Error(t, err)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"groups: []", "route: {receiver: x}", "groups:\n - name: a\n   rules:\n    - alert: A\n      when: volume > 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		f, err := Parse("fuzz.yaml", b)
		if err == nil && f == nil {
			t.Fatal("nil file without error")
		}
		if f != nil {
			_, _ = Assemble([]*File{f})
		}
	})
}

func TestOutreachSectionIsPassedThrough(t *testing.T) {
	f, err := Parse("a.yaml", []byte("groups: []\noutreach:\n  window: 7d\n"))
	require.NoError(t, err)
	require.NotNil(t, f.Outreach)
	require.Equal(t, 3, f.Outreach.Line)
	g, err := Parse("b.yaml", []byte("receivers: [{name: x, console: {}}]\n"))
	require.NoError(t, err)
	require.Nil(t, g.Outreach)
	set, errs := Assemble([]*File{f, g})
	require.Empty(t, errs)
	require.Len(t, set.Outreach, 1)
	require.Equal(t, "a.yaml", set.Outreach[0].File)
	require.Same(t, f.Outreach, set.Outreach[0].Node)
}
