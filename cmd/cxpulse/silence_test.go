package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/alerting"
)

func TestSilenceCommands(t *testing.T) {
	rules, err := filepath.Abs("../../deploy/rules/routing.yaml")
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "r.yaml")
	b, err := os.ReadFile(rules)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	mem := &alerting.MemQuery{Start: time.Now(), Interval: time.Minute}
	m, err := alerting.New(alerting.Config{RuleFiles: []string{p}, AllowMissingSecrets: true},
		alerting.Deps{Query: mem.Query, Getenv: func(string) string { return "" }}, nil, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	out, err := runCLI(t, "", "silence", "add", "--url", srv.URL, "--author", "oncall", "--duration", "2h", "--comment", "known incident", `product="checkout"`)
	require.NoError(t, err, out)
	id := strings.TrimSpace(out)
	require.Len(t, id, 16)
	out, err = runCLI(t, "", "silence", "list", "--url", srv.URL)
	require.NoError(t, err)
	require.Contains(t, out, id)
	require.Contains(t, out, "active")
	require.Contains(t, out, "known incident")
	_, err = runCLI(t, "", "silence", "expire", "--url", srv.URL, id)
	require.NoError(t, err)
	out, err = runCLI(t, "", "silence", "list", "--url", srv.URL)
	require.NoError(t, err)
	require.Contains(t, out, "expired")
	_, err = runCLI(t, "", "silence", "expire", "--url", srv.URL, "nope")
	require.ErrorContains(t, err, "404")
	_, err = runCLI(t, "", "silence", "add", "--url", srv.URL, `product=="x"`)
	require.ErrorContains(t, err, "invalid matcher")
}
