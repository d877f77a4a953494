package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestAnomalyScoreCmd(t *testing.T) {
	var in strings.Builder
	in.WriteString("timestamp,value\n")
	for i := 0; i < 200; i++ {
		in.WriteString("2026-01-01T00:00:00Z,5\n")
	}
	out, err := runCLI(t, in.String(), "anomaly", "score", "--sensitivity", "high", "--seasonality", "none", "--interval", "1m")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 201)
	require.Equal(t, "timestamp,value,anomaly_score", lines[0])
	require.Equal(t, "2026-01-01T00:00:00Z,5,0", lines[200])

	_, err = runCLI(t, "", "anomaly", "score", "--seasonality", "yearly")
	require.EqualError(t, err, `--seasonality: unknown seasonality "yearly": want none, daily, weekly or auto`)
	_, err = runCLI(t, "", "anomaly", "score", "--interval", "-1s")
	require.EqualError(t, err, "--interval: anomaly config: negative interval -1s")
	out, err = runCLI(t, "timestamp,value\n2026-01-01T00:00:00Z,5\nlater,6\n", "anomaly", "score")
	require.ErrorContains(t, err, `line 3: timestamp "later"`)
	require.Equal(t, "timestamp,value,anomaly_score\n2026-01-01T00:00:00Z,5,0\n", out)
}

func TestAnomalyNABCmd(t *testing.T) {
	data, res := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "cat"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "cat", "a.csv"),
		[]byte("timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:05:00,2\n"), 0o644))
	_, err := runCLI(t, "", "anomaly", "nab", "--data", data, "--out", res, "--name", "cx-1")
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(res, "cx-1", "cat", "cx-1_a.csv"))
	require.NoError(t, err)
	require.Equal(t, "timestamp,value,anomaly_score\n2026-01-01 00:00:00,1,0\n2026-01-01 00:05:00,2,0\n", string(b))

	_, err = runCLI(t, "", "anomaly", "nab", "--data", data)
	require.EqualError(t, err, "--data and --out are required")
	_, err = runCLI(t, "", "anomaly", "nab", "--data", data, "--out", res, "--name", "cx_1")
	require.ErrorContains(t, err, `detector name "cx_1"`)
}
