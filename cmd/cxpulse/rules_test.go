package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shipped rules pass `check rules` and their unit tests pass `test rules`, as in CI.
func TestShippedRulesCheckAndTest(t *testing.T) {
	rules, err := filepath.Glob("../../deploy/rules/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, rules)
	out, err := runCLI(t, "", append([]string{"check", "rules"}, rules...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, "ok: ")

	tests, err := filepath.Glob("../../deploy/rules/tests/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, tests)
	out, err = runCLI(t, "", append([]string{"test", "rules"}, tests...)...)
	require.NoError(t, err, out)
	require.Contains(t, out, " passed, 0 failed")

	// The demo's own rule set, too.
	out, err = runCLI(t, "", "check", "rules", "../../deploy/demo/rules.yaml")
	require.NoError(t, err, out)
	out, err = runCLI(t, "", "test", "rules", "../../deploy/demo/rules_test.yaml")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 passed, 0 failed")
}

func TestCheckRulesReportsEveryError(t *testing.T) {
	_, err := runCLI(t, "", "check", "rules", "../../alerting/testdata/several.bad.yaml")
	var ee *exitError
	require.True(t, errors.As(err, &ee))
	require.Equal(t, 1, ee.code)
	lines := strings.Split(ee.msg, "\n")
	require.Len(t, lines, 10)
	for _, l := range lines {
		require.Regexp(t, `^\.\./\.\./alerting/testdata/several\.bad\.yaml:\d+:\d+: `, l)
	}
}
