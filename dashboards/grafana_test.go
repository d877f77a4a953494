package dashboards_test

// What Grafana and the grafana-clickhouse-datasource plugin (v4) do to a panel's SQL before
// ClickHouse sees it, written down so the tests can run every query as Grafana would:
//
//  1. In the browser, the plugin replaces $__conditionalAll(cond, $var) by 1=1 when the
//     variable's current value is "All" (or empty), else by cond.
//  2. Grafana's template service replaces $var, ${var} and ${var:singlequote}; a multi-value
//     variable without a format is joined by the plugin's own formatter as 'a','b'.
//  3. In the plugin's back end, the macros $__fromTime, $__toTime, $__timeFilter(col) and
//     $__interval_s are expanded by the SQL data source library's macro scanner, which has one
//     quirk: for a macro written without arguments, the scanner still takes the first
//     parenthesised group that follows it (before any lone closing parenthesis) as its arguments
//     and replaces the whole stretch. The dashboards are written so that never happens; the
//     expander below reproduces the quirk so a query that would break in Grafana breaks here.

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// allValue is the value Grafana gives a variable whose "All" option is selected.
const allValue = "$__all"

// varState is the current value of each dashboard variable: a list of values, or [allValue].
type varState map[string][]string

// applyConditionalAll mirrors the plugin's applyConditionalAll: it works from the last
// occurrence backwards and splits the arguments at the commas at the macro's own depth.
func applyConditionalAll(sql string, vars varState) (string, error) {
	const macro = "$__conditionalAll("
	varRE := regexp.MustCompile(`\$\{(\w+)\}|\$(\w+)`)
	for i := strings.LastIndex(sql, macro); i >= 0; i = strings.LastIndex(sql, macro) {
		args := macroArgs(sql, i+len(macro)-1)
		if len(args) != 2 {
			return "", fmt.Errorf("$__conditionalAll needs 2 arguments, got %d in %q", len(args), sql[i:])
		}
		phrase := args[0]
		m := varRE.FindStringSubmatch(strings.TrimSpace(args[1]))
		if m == nil {
			return "", fmt.Errorf("$__conditionalAll: %q names no variable", args[1])
		}
		name := m[1] + m[2]
		v, ok := vars[name]
		if !ok {
			return "", fmt.Errorf("$__conditionalAll: unknown variable %q", name)
		}
		if s := strings.Join(v, ","); s == "" || s == allValue {
			phrase = "1=1"
		}
		sql = strings.Replace(sql, macro+args[0]+","+args[1]+")", phrase, 1)
	}
	return sql, nil
}

// macroArgs mirrors the plugin's getMacroArgs: from the opening parenthesis at open, the
// arguments up to the matching closing one.
func macroArgs(s string, open int) []string {
	var args []string
	depth, last := 0, 1
	sub := s[open:]
	for i, r := range sub {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 1 {
				args = append(args, sub[last:i])
				last = i + 1
			}
			continue
		default:
			continue
		}
		if depth == 0 {
			return append(args, sub[last:i])
		}
	}
	return nil
}

// replaceVariables mirrors Grafana's template service for the forms the dashboards use.
func replaceVariables(sql string, vars varState) (string, error) {
	re := regexp.MustCompile(`\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}`)
	var err error
	out := re.ReplaceAllStringFunc(sql, func(m string) string {
		g := re.FindStringSubmatch(m)
		name := g[1] + g[2] + g[4]
		format := g[3] + g[6]
		v, ok := vars[name]
		if !ok {
			return m // not a variable: Grafana leaves it as it is (macros such as $__fromTime)
		}
		if strings.Join(v, ",") == allValue {
			err = fmt.Errorf("variable %s is All but is used outside $__conditionalAll", name)
			return m
		}
		switch format {
		case "singlequote":
			q := make([]string, len(v))
			for i, s := range v {
				q[i] = "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
			}
			return strings.Join(q, ",")
		case "":
			if len(v) == 1 {
				return v[0]
			}
			return "'" + strings.Join(v, "','") + "'"
		}
		err = fmt.Errorf("variable format %q of %s is not handled", format, name)
		return m
	})
	return out, err
}

// pluginMacros are the back-end macros the dashboards use, as the plugin expands them.
var pluginMacros = map[string]func(args []string, from, to time.Time, interval time.Duration) (string, error){
	"fromTime": func(_ []string, from, _ time.Time, _ time.Duration) (string, error) {
		return fmt.Sprintf("toDateTime(%d)", from.Unix()), nil
	},
	"toTime": func(_ []string, _, to time.Time, _ time.Duration) (string, error) {
		return fmt.Sprintf("toDateTime(%d)", to.Unix()), nil
	},
	"timeFilter": func(args []string, from, to time.Time, _ time.Duration) (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("$__timeFilter: expected 1 argument, received %d", len(args))
		}
		return fmt.Sprintf("%s >= toDateTime(%d) AND %s <= toDateTime(%d)", args[0], from.Unix(), args[0], to.Unix()), nil
	},
	"interval_s": func(_ []string, _, _ time.Time, interval time.Duration) (string, error) {
		return fmt.Sprint(int(math.Max(interval.Seconds(), 1))), nil
	},
}

// macroMatches mirrors the SQL data source library's getMacroMatches: each occurrence of
// $__name and the text it is taken to span, with the arguments found in it.
func macroMatches(sql, name string) [][2]string {
	re := regexp.MustCompile(`\$__` + name + `\b`)
	var out [][2]string
	for _, loc := range re.FindAllStringIndex(sql, -1) {
		rest := sql[loc[0]:]
		var depth, end, argStart int
		force := false
		for i, r := range rest {
			if depth == 0 && end > 0 || force {
				break
			}
			switch r {
			case '(':
				depth++
				if argStart == 0 {
					argStart = i + 1
				}
			case ')':
				if depth == 0 {
					end, force = 0, true
					break
				}
				depth--
				end = i + 1
			}
		}
		if end == 0 {
			end = loc[1] - loc[0]
		}
		args := ""
		if argStart > 0 {
			args = rest[argStart : end-1]
		}
		out = append(out, [2]string{rest[:end], args})
	}
	return out
}

// expandMacros expands the plugin's macros with the macros taken in the given order (the
// library walks a Go map, so any order happens).
func expandMacros(sql string, order []string, from, to time.Time, interval time.Duration) (string, error) {
	for _, name := range order {
		for _, m := range macroMatches(sql, name) {
			var args []string
			for _, a := range strings.Split(m[1], ",") {
				args = append(args, strings.TrimSpace(a))
			}
			res, err := pluginMacros[name](args, from, to, interval)
			if err != nil {
				return "", err
			}
			sql = strings.ReplaceAll(sql, m[0], res)
		}
	}
	if i := strings.Index(sql, "$__"); i >= 0 {
		return "", fmt.Errorf("macro left unexpanded at %q", sql[i:min(len(sql), i+30)])
	}
	if i := strings.Index(sql, "$"); i >= 0 {
		return "", fmt.Errorf("variable left unexpanded at %q", sql[i:min(len(sql), i+30)])
	}
	return sql, nil
}

// grafanaSQL is the SQL ClickHouse receives for a query of a dashboard whose variables are vars,
// over [from, to] with the given interval. It fails if the macro order changes the result.
func grafanaSQL(raw string, vars varState, from, to time.Time, interval time.Duration) (string, error) {
	s, err := applyConditionalAll(raw, vars)
	if err != nil {
		return "", err
	}
	if s, err = replaceVariables(s, vars); err != nil {
		return "", err
	}
	names := make([]string, 0, len(pluginMacros))
	for n := range pluginMacros {
		names = append(names, n)
	}
	slices.Sort(names)
	var first string
	for i, order := range permutations(names) {
		out, err := expandMacros(s, order, from, to, interval)
		if err != nil {
			return "", err
		}
		if i == 0 {
			first = out
		} else if out != first {
			return "", fmt.Errorf("macro expansion depends on the order of the macros:\n%s\n---\n%s", first, out)
		}
	}
	return first, nil
}

func permutations(s []string) [][]string {
	if len(s) <= 1 {
		return [][]string{append([]string{}, s...)}
	}
	var out [][]string
	for i := range s {
		rest := append(append([]string{}, s[:i]...), s[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]string{s[i]}, p...))
		}
	}
	return out
}
