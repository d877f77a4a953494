package yamlcheck

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// value parses src as the file f.yaml and returns the value of its key v (nil when absent).
func value(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(src), &root))
	top := Deref(&root)
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "v" {
			return Deref(top.Content[i+1])
		}
	}
	return nil
}

func messages(es Errors) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

func TestReaders(t *testing.T) {
	str := func(c *Checker, n *yaml.Node) any { return c.Str(n, "name") }
	boolean := func(c *Checker, n *yaml.Node) any { return c.Bool(n, "continue") }
	integer := func(c *Checker, n *yaml.Node) any { return c.Int(n, "max") }
	number := func(c *Checker, n *yaml.Node) any { return c.Number(n, "threshold") }
	duration := func(c *Checker, n *yaml.Node) any {
		d, ok := c.Duration(n, "for")
		return fmt.Sprint(d, ok)
	}
	strList := func(c *Checker, n *yaml.Node) any { return c.StrList(n, "group_by") }
	strMap := func(c *Checker, n *yaml.Node) any {
		m, nodes := c.StrMap(n, "labels")
		pos := map[string]string{}
		for k, v := range nodes {
			pos[k] = c.Pos(v).String()
		}
		return fmt.Sprint(m, pos)
	}
	seq := func(c *Checker, n *yaml.Node) any {
		var out []string
		for _, e := range c.Seq(n, "rules") {
			out = append(out, e.Value)
		}
		return out
	}
	mapping := func(c *Checker, n *yaml.Node) any {
		fs := c.Mapping(n, "route", "receiver", "continue")
		out := map[string]string{}
		for k, e := range fs {
			out[k] = c.Pos(e.Key).String() + "=" + e.Val.Value
		}
		return out
	}
	secret := func(c *Checker, n *yaml.Node) any { return c.Secret(n, "slack.token") }

	cases := []struct {
		name        string
		src         string
		nullIsEmpty bool
		read        func(*Checker, *yaml.Node) any
		want        any
		errs        []string
	}{
		{"str", "v: cx", false, str, "cx", nil},
		{"str quoted number", `v: "42"`, false, str, "42", nil},
		{"str absent", "w: 1", false, str, "", nil},
		{"str null", "v: ~", false, str, "", []string{"f.yaml:1:4: name must be a string, not null"}},
		{"str list", "v: [a]", false, str, "", []string{"f.yaml:1:4: name must be a string, not a list"}},
		{"str alias", "a: &x cx\nv: *x", false, str, "cx", nil},
		{"bool", "v: true", false, boolean, true, nil},
		{"bool string", `v: "true"`, false, boolean, false, []string{"f.yaml:1:4: continue must be true or false"}},
		{"int", "v: 12", false, integer, 12, nil},
		{"int negative", "v: -1", false, integer, 0, []string{"f.yaml:1:4: max must be a non-negative integer"}},
		{"int mapping", "v: {a: 1}", false, integer, 0, []string{"f.yaml:1:4: max must be a non-negative integer"}},
		{"number", "v: 0.25", false, number, 0.25, nil},
		{"number word", "v: high", false, number, 0.0, []string{"f.yaml:1:4: threshold must be a number"}},
		{"duration", "v: 1h30m", false, duration, "1h30m0s true", nil},
		{"duration absent", "w: 1", false, duration, "0s false", nil},
		{"duration empty", `v: ""`, false, duration, "0s false", nil},
		{
			"duration bad", "v: 30x", false, duration, "0s false",
			[]string{`f.yaml:1:4: for: invalid duration "30x": unknown unit "x" (want ms, s, m, h, d or w)`},
		},
		{"duration list", "v: [1m]", false, duration, "0s false", []string{"f.yaml:1:4: for must be a string, not a list"}},
		{"strList one", "v: product", false, strList, []string{"product"}, nil},
		{"strList", "v: [product, region]", false, strList, []string{"product", "region"}, nil},
		{"strList items", "v: [product, [x], ~]", false, strList, []string{"product"}, []string{
			"f.yaml:1:14: group_by must hold strings, not a list",
			"f.yaml:1:19: group_by must hold strings, not null",
		}},
		{"strList null", "v: ~", false, strList, []string(nil), []string{"f.yaml:1:4: group_by must be a string or a list of strings"}},
		{"strMap", "v: {team: cx, tier: 1}", false, strMap, "map[team:cx tier:1] map[team:f.yaml:1:11 tier:f.yaml:1:21]", nil},
		{"strMap bad", "v: {team: cx, team: sre, tier: [1]}", false, strMap, "map[team:cx] map[team:f.yaml:1:11]", []string{
			`f.yaml:1:15: duplicate key "team" in labels`,
			"f.yaml:1:32: labels.tier must be a string, not a list",
		}},
		{"strMap list", "v: [a]", false, strMap, "map[] map[]", []string{"f.yaml:1:4: labels must be a mapping of strings"}},
		{"seq", "v: [a, b]", false, seq, []string{"a", "b"}, nil},
		{"seq aliases", "a: &x r\nv: [*x, b]", false, seq, []string{"r", "b"}, nil},
		{"seq scalar", "v: a", false, seq, []string(nil), []string{"f.yaml:1:4: rules must be a list, not a scalar"}},
		{"seq null", "v:", false, seq, []string(nil), []string{"f.yaml:1:3: rules must be a list, not null"}},
		{"seq null is empty", "v:", true, seq, []string(nil), nil},
		{
			"mapping", "v:\n  receiver: pd\n  continue: true", false, mapping,
			map[string]string{"receiver": "f.yaml:2:3=pd", "continue": "f.yaml:3:3=true"},
			nil,
		},
		{
			"mapping unknown and duplicate", "v: {receiver: pd, colour: red, receiver: sre}", false, mapping,
			map[string]string{"receiver": "f.yaml:1:5=pd"},
			[]string{
				`f.yaml:1:19: unknown key "colour" in route (known: receiver, continue)`,
				`f.yaml:1:32: duplicate key "receiver" in route`,
			},
		},
		{"mapping alias", "a: &r {receiver: pd}\nv: *r", false, mapping, map[string]string{"receiver": "f.yaml:1:8=pd"}, nil},
		{"mapping list", "v: [1, 2]", false, mapping, map[string]string{}, []string{"f.yaml:1:4: route must be a mapping, not a list"}},
		{"mapping null", "v: ~", false, mapping, map[string]string{}, []string{"f.yaml:1:4: route must be a mapping, not null"}},
		{"mapping null is empty", "v: ~", true, mapping, map[string]string{}, nil},
		{"secret", "v: ${SLACK_TOKEN}", false, secret, Secret{Name: "SLACK_TOKEN"}, nil},
		{
			"secret written", "v: xoxb-1", false, secret,
			Secret{},
			[]string{"f.yaml:1:4: slack.token must name an environment variable as ${NAME}; secrets are never written in rule files"},
		},
		{"secret absent", "w: 1", false, secret, Secret{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := &Checker{File: "f.yaml", NullIsEmpty: c.nullIsEmpty}
			got := c.read(ch, value(t, c.src))
			require.Equal(t, c.want, got)
			require.Equal(t, append([]string{}, c.errs...), messages(ch.Errs))
		})
	}
}

func TestMappingOfDocument(t *testing.T) {
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("groups: []\nroute: {}\n"), &root))
	c := &Checker{File: "f.yaml"}
	fs := c.Mapping(&root, "rule file", "groups", "route")
	require.Len(t, fs, 2)
	require.Empty(t, c.Errs)

	empty := &yaml.Node{Kind: yaml.DocumentNode}
	require.Nil(t, Deref(empty))
	require.Empty(t, c.Mapping(empty, "rule file", "groups"))
	require.Empty(t, c.Errs)
}

func TestAtOffset(t *testing.T) {
	// Each case reports at the rune offset of the "x" in v's text; want is where that x is in src.
	cases := []struct {
		name, src, want string
		noSrc           bool
	}{
		{name: "plain", src: "v: a > 1 && x", want: "f.yaml:1:13"},
		{name: "double quoted", src: `v: "a > 1 && x"`, want: "f.yaml:1:14"},
		{name: "single quoted, runes", src: `v: 'ü > 1 && x'`, want: "f.yaml:1:14"},
		{name: "literal, second line", src: "v: |\n  a > 1 &&\n  x > 2\n", want: "f.yaml:3:3"},
		{name: "literal, nested and indented", src: "g:\n  - when: ok\nv: |\n      a > 1 &&\n\n      b and x\nw: 1\n", want: "f.yaml:6:13"},
		{name: "folded, first line", src: "v: >\n  y > 1 && x\n", want: "f.yaml:2:12"},
		{name: "folded, after a blank line", src: "v: >-\n   a > 1\n\n   and ü and x\n", want: "f.yaml:4:14"},
		{name: "literal without the source: a guess", src: "v: |\n  a > 1 &&\n  x > 2\n", want: "f.yaml:3:6", noSrc: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := value(t, c.src)
			ch := &Checker{File: "f.yaml", Src: []byte(c.src)}
			if c.noSrc {
				ch.Src = nil
			}
			ch.AtOffset(n, len([]rune(n.Value[:strings.IndexByte(n.Value, 'x')])), "when: here")
			require.Equal(t, []string{c.want + ": when: here"}, messages(ch.Errs))
		})
	}
	n := value(t, "v: abc")
	ch := &Checker{File: "f.yaml"}
	ch.AtOffset(n, -1, "before")
	ch.AtOffset(n, 99, "after")
	require.Equal(t, []string{"f.yaml:1:4: before", "f.yaml:1:7: after"}, messages(ch.Errs))
}

func TestErrors(t *testing.T) {
	unreadable := errors.New("rules c.yaml: permission denied")
	es := Errors{
		&PosError{File: "b.yaml", Line: 2, Col: 1, Msg: "second"},
		unreadable,
		&PosError{File: "a.yaml", Line: 9, Col: 3, Msg: "late"},
		&PosError{File: "a.yaml", Line: 1, Col: 7, Msg: "one"},
		&PosError{File: "a.yaml", Line: 1, Col: 7, Msg: "two"},
		&PosError{File: "a.yaml", Msg: "no position"},
	}
	es.Sort()
	require.Equal(t, strings.Join([]string{
		"a.yaml: no position",
		"a.yaml:1:7: one",
		"a.yaml:1:7: two",
		"a.yaml:9:3: late",
		"b.yaml:2:1: second",
		"rules c.yaml: permission denied",
	}, "\n"), es.Error())

	var err error = es
	var got Errors
	require.ErrorAs(t, err, &got)
	require.Len(t, got, 6)
	require.ErrorIs(t, err, unreadable)
	var pe *PosError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "a.yaml", pe.File)
	require.Equal(t, "a.yaml:1:7", Pos{File: "a.yaml", Line: 1, Col: 7}.String())
	require.Empty(t, Errors{}.Error())
}

func TestCheckerPositions(t *testing.T) {
	c := &Checker{File: "f.yaml"}
	require.Equal(t, Pos{File: "f.yaml"}, c.Pos(nil))
	c.At(nil, "missing %s", "route")
	c.AtPos(3, 5, "at %d", 3)
	require.Equal(t, []string{"f.yaml: missing route", "f.yaml:3:5: at 3"}, messages(c.Errs))
}
