package anomaly

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// writeSeries writes a NAB-style data file of n points.
func writeSeries(t *testing.T, path string, n int) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	for i := 0; i < n; i++ {
		b.WriteString(t0.Add(time.Duration(i)*5*time.Minute).Format("2006-01-02 15:04:05") + ",")
		b.WriteString(FormatScore(float64(i%17) + 0.5))
		b.WriteString("\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

func TestRunNAB(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	writeSeries(t, filepath.Join(data, "realTweets", "Twitter_volume_X.csv"), 400)
	writeSeries(t, filepath.Join(data, "artificial", "flat.csv"), 200)
	writeSeries(t, filepath.Join(data, "top.csv"), 10)
	require.NoError(t, os.WriteFile(filepath.Join(data, "README.md"), []byte("not data"), 0o644))

	files, err := NABFiles(data)
	require.NoError(t, err)
	require.Equal(t, []string{"artificial/flat.csv", "realTweets/Twitter_volume_X.csv", "top.csv"}, files)

	require.NoError(t, RunNAB(data, out, "cxpulse", nil, func() *Detector { return New(Config{}) }))
	for f, rows := range map[string]int{
		"cxpulse/realTweets/cxpulse_Twitter_volume_X.csv": 400,
		"cxpulse/artificial/cxpulse_flat.csv":             200,
		"cxpulse/cxpulse_top.csv":                         10,
	} {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f)))
		require.NoError(t, err, f)
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		require.Equal(t, "timestamp,value,anomaly_score", lines[0], f)
		require.Len(t, lines, rows+1, f)
		require.True(t, strings.HasPrefix(lines[1], "2026-03-02 00:00:00,0.5,"), f)
	}
	left, err := filepath.Glob(filepath.Join(out, "cxpulse", "*", ".tmp-*"))
	require.NoError(t, err)
	require.Empty(t, left, "no temporary files left behind")

	// Only the files asked for.
	out2 := t.TempDir()
	require.NoError(t, RunNAB(data, out2, "x", []string{"top.csv"}, func() *Detector { return New(Config{}) }))
	_, err = os.Stat(filepath.Join(out2, "x", "artificial"))
	require.True(t, os.IsNotExist(err))
}

func TestRunNABErrors(t *testing.T) {
	data := t.TempDir()
	newDet := func() *Detector { return New(Config{}) }
	require.ErrorContains(t, RunNAB(data, t.TempDir(), "cxpulse", nil, newDet), "no .csv files")
	require.ErrorContains(t, RunNAB(filepath.Join(data, "missing"), t.TempDir(), "cxpulse", nil, newDet), "no such file")
	for _, name := range []string{"", "cx_pulse", "a/b", ".hidden", "sp ace"} {
		require.Error(t, RunNAB(data, t.TempDir(), name, nil, newDet), "name %q", name)
	}
	bad := filepath.Join(data, "cat", "bad.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o755))
	require.NoError(t, os.WriteFile(bad, []byte("timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,oops\n"), 0o644))
	out := t.TempDir()
	err := RunNAB(data, out, "cxpulse", nil, newDet)
	require.ErrorContains(t, err, "bad.csv: line 3: value \"oops\"")
	_, err = os.Stat(NABResultPath(out, "cxpulse", "cat/bad.csv"))
	require.True(t, os.IsNotExist(err), "no partial result file")
}
