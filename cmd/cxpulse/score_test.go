package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/sentiment"
)

func TestScoreStream(t *testing.T) {
	s, err := sentiment.New(sentiment.DefaultConfig())
	require.NoError(t, err)
	in := strings.Join([]string{
		`{"id": "zd-1", "text": "Still waiting for my refund, third time I'm asking!!", "channel": "ticket"}`,
		`love the new app :)`,
		`{"id": 42, "text": "Mi pedido no ha llegado", "language": "es"}`,
		`{"text": 5}`,
		`{"id": "x"}`,
		`{not json`,
		``,
		`{"id": "last", "text": "what time do you open?"}`,
	}, "\n")
	var out bytes.Buffer
	bad, err := scoreStream(s, strings.NewReader(in), &out)
	require.NoError(t, err)
	require.Equal(t, 3, bad)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 8, "one output line per input line, in order")
	var rows []map[string]any
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		rows = append(rows, m)
	}
	require.Equal(t, "zd-1", rows[0]["id"])
	require.Equal(t, "negative", rows[0]["label"])
	require.Equal(t, []any{"refund", "wait_time"}, rows[0]["topics"])
	require.NotEmpty(t, rows[0]["evidence"])
	for _, k := range []string{"score", "label", "confidence", "probabilities", "evidence", "language", "reliable", "model_version", "topics"} {
		require.Contains(t, rows[1], k)
	}
	require.NotContains(t, rows[1], "id")
	require.Equal(t, "positive", rows[1]["label"])
	require.Equal(t, 42.0, rows[2]["id"])
	require.Equal(t, false, rows[2]["reliable"])
	require.Equal(t, "es", rows[2]["language"])
	require.Equal(t, 4.0, rows[3]["line"])
	require.Contains(t, rows[3]["error"], "invalid JSON")
	require.Equal(t, `JSON object without "text"`, rows[4]["error"])
	require.Contains(t, rows[5]["error"], "invalid JSON")
	require.Equal(t, false, rows[6]["reliable"], "an empty line is an empty message")
	require.Equal(t, "last", rows[7]["id"])
	require.Equal(t, "neutral", rows[7]["label"])
}

func TestScoreCmd(t *testing.T) {
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader("terrible service\n"))
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"score"})
	require.NoError(t, cmd.Execute())
	require.Contains(t, out.String(), `"label":"negative"`)

	cmd = newRootCmd()
	cmd.SetIn(strings.NewReader("{oops\n"))
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"score"})
	err := cmd.Execute()
	var ee *exitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 1, ee.code)

	cmd = newRootCmd()
	cmd.SetArgs([]string{"score", "--model", "/nonexistent.cxm"})
	require.ErrorContains(t, cmd.Execute(), "sentiment.model")
}
