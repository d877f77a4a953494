package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/sentiment"
)

// writeData writes a small labelled data set written for the test.
func writeData(t *testing.T, dir string) string {
	t.Helper()
	rows := []struct{ text, label string }{
		{"the parcel never came and nobody answers", "negative"},
		{"refund still missing after two weeks", "negative"},
		{"the agent was rude and hung up on me", "negative"},
		{"what are your opening hours on sunday", "neutral"},
		{"how do I update my delivery address", "neutral"},
		{"can I change the delivery day of order", "neutral"},
		{"quick delivery and friendly support, thanks", "positive"},
		{"the agent sorted it out in minutes, great", "positive"},
		{"love the new app, so easy", "positive"},
	}
	var b strings.Builder
	for k := 0; k < 20; k++ {
		for _, r := range rows {
			fmt.Fprintf(&b, `{"text": %q, "label": %q}`+"\n", fmt.Sprintf("%s #%d", r.text, k), r.label)
		}
	}
	path := filepath.Join(dir, "data.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestSentimentTrainEval(t *testing.T) {
	dir := t.TempDir()
	data := writeData(t, dir)
	model := filepath.Join(dir, "team.cxm")
	_, stderr, err := run(t, "sentiment", "train", "--data", data, "--split", "0.8", "--part", "train", "--out", model, "--name", "team")
	require.NoError(t, err)
	require.Contains(t, stderr, "trained team-")
	require.Regexp(t, `on \d+ messages \(\d+ negative, \d+ neutral, \d+ positive\)`, stderr)
	require.NotContains(t, stderr, "warning")

	// Data without a class trains, with a warning that names the class.
	onePath := filepath.Join(dir, "positive.jsonl")
	require.NoError(t, os.WriteFile(onePath, []byte(`{"text": "great service", "label": "positive"}`+"\n"+`{"text": "thanks, sorted", "label": "positive"}`+"\n"), 0o600))
	_, stderr, err = run(t, "sentiment", "train", "--data", onePath, "--out", filepath.Join(dir, "one.cxm"))
	require.NoError(t, err)
	require.Contains(t, stderr, "on 2 messages (0 negative, 0 neutral, 2 positive)")
	require.Contains(t, stderr, "warning: the training data has no negative messages")
	require.Contains(t, stderr, "warning: the training data has no neutral messages")
	require.NotContains(t, stderr, "no positive")
	m, err := sentiment.LoadModel(model)
	require.NoError(t, err)
	require.Contains(t, m.Info().Base, "cx-default-", "starts from the default model")
	require.InDelta(t, 0.35, m.Info().BaseWeight, 1e-9)
	require.InDelta(t, 0.3, m.Info().BaseBlend, 1e-9)

	// `sentiment info` says how a model was made: a team's model and the built-in default.
	out, _, err := run(t, "sentiment", "info", "--model", model)
	require.NoError(t, err)
	var info modelReport
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	require.Equal(t, m.Version(), info.Version)
	require.Contains(t, info.Info.Base, "cx-default-")
	require.InDelta(t, 0.3, info.Info.BaseBlend, 1e-9)
	require.Equal(t, 6, info.Info.Epochs)
	out, _, err = run(t, "sentiment", "info")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &info))
	require.Contains(t, info.Version, "cx-default-")
	require.Equal(t, 5, info.Info.Seeds, "make model averages five seeds")
	_, _, err = run(t, "sentiment", "info", "--model", filepath.Join(dir, "missing.cxm"))
	require.ErrorContains(t, err, "no such file")

	out, _, err = run(t, "sentiment", "eval", "--json", "--model", model, "--data", data, "--split", "0.8", "--part", "test")
	require.NoError(t, err)
	var rep evalReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Files, 1)
	require.Contains(t, rep.ModelVersion, "team-")
	f := rep.Files[0]
	require.False(t, f.Binary)
	require.Greater(t, f.N, 10)
	require.Less(t, f.N, 90, "only the test part")
	require.Greater(t, f.Accuracy, 0.9, "%+v", f.Metrics)

	out, _, err = run(t, "sentiment", "eval", "--data", data)
	require.NoError(t, err)
	for _, want := range []string{"model cx-default-", "180 messages, 3-class", "accuracy", "macro-F1", "precision", "true \\ predicted", "log loss", "calibration error", "0.9-1.0"} {
		require.Contains(t, out, want)
	}

	// The same data and flags give the same model file.
	model2 := filepath.Join(dir, "team2.cxm")
	_, _, err = run(t, "sentiment", "train", "--data", data, "--split", "0.8", "--part", "train", "--out", model2, "--name", "team")
	require.NoError(t, err)
	a, _ := os.ReadFile(model)
	b, _ := os.ReadFile(model2)
	require.Equal(t, a, b)

	// A trained model scores through `score --model`.
	cmd := newRootCmd()
	var sout bytes.Buffer
	cmd.SetIn(strings.NewReader("the parcel never came\n"))
	cmd.SetOut(&sout)
	cmd.SetArgs([]string{"score", "--model", model})
	require.NoError(t, cmd.Execute())
	require.Contains(t, sout.String(), `"model_version":"team-`)

	// The neutral class fitted on other data: the model says what on.
	model3 := filepath.Join(dir, "neutral.cxm")
	_, stderr, err = run(t, "sentiment", "train", "--data", data, "--out", model3, "--name", "pol", "--bits", "16", "--base", "none", "--polarity", "--neutral-epochs", "2", "--neutral-data", data)
	require.NoError(t, err, stderr)
	m, err = sentiment.LoadModel(model3)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Base(data)}, m.Info().NeutralOn)
	require.Zero(t, m.Info().GateBits)
	require.Empty(t, m.Info().Base)

	// With a gate, the model keeps both calibrations and says so.
	model4 := filepath.Join(dir, "gate.cxm")
	_, stderr, err = run(t, "sentiment", "train", "--data", data, "--out", model4, "--name", "pol", "--bits", "16", "--base", "none", "--polarity", "--neutral-epochs", "2", "--neutral-data", data, "--gate")
	require.NoError(t, err, stderr)
	m, err = sentiment.LoadModel(model4)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Base(data)}, m.Info().NeutralOn)
	require.Positive(t, m.Info().GateBits)
	require.False(t, m.Info().SupportNgrams)

	// With --polarity-data and --support-rules as well, it has support n-grams and rule weights
	// and names what they learned from.
	model5 := filepath.Join(dir, "support-ngrams.cxm")
	_, stderr, err = run(t, "sentiment", "train", "--data", data, "--out", model5, "--name", "pol", "--bits", "16", "--base", "none", "--polarity", "--neutral-epochs", "2", "--neutral-data", data, "--gate", "--polarity-data", data, "--support-rules")
	require.NoError(t, err, stderr)
	m, err = sentiment.LoadModel(model5)
	require.NoError(t, err)
	require.True(t, m.Info().SupportNgrams)
	require.True(t, m.Info().SupportRules)
	require.Equal(t, []string{filepath.Base(data)}, m.Info().PolarityOn)

	// The support model is built in.
	out, _, err = run(t, "sentiment", "eval", "--model", "builtin:support", "--data", data)
	require.NoError(t, err)
	require.Contains(t, out, "model cx-support-")
}

func TestSentimentErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeData(t, dir)
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"text": "x", "label": "great"}`+"\n"), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sentiment", "eval"}, "no data"},
		{[]string{"sentiment", "eval", "--data", bad}, `bad.jsonl:1: unknown sentiment label "great"`},
		{[]string{"sentiment", "eval", "--data", filepath.Join(dir, "missing.jsonl")}, "no such file"},
		{[]string{"sentiment", "eval", "--data", data, "--part", "dev"}, `split part "dev"`},
		{[]string{"sentiment", "train", "--data", data}, "give --out"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--bits", "30"}, "bits 30 out of range"},
		{[]string{"sentiment", "eval", "--data", data, "--model", data}, "not a cxpulse model file"},
		{[]string{"sentiment", "eval", "--data", data, "--model", "builtin:general"}, `no built-in model "general"`},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--neutral-data", data}, "--neutral-data needs --polarity and --neutral-epochs"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--polarity", "--neutral-epochs", "2", "--neutral-data", bad}, "unknown sentiment label"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--polarity", "--neutral-epochs", "2", "--gate"}, "--gate needs --neutral-data"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--polarity-data", data}, "--polarity-data needs --polarity"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--support-rules"}, "--support-rules needs --neutral-data"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--polarity", "--polarity-data", bad}, "unknown sentiment label"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--bits", "16"}, "hashes features with bits 18, char bits 12, bigram bits 16, character n-grams true, the model to train with 16, 12, 16, true: train with the base's, or without a base (--base none)"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--base-weight", "0"}, "--base-weight 0 out of range (0, 1]"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--epochs", "0"}, "--epochs 0: give 1 or more passes"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--base-blend", "1.5"}, "--base-blend 1.5 out of range [0, 1]"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--ngram-cap", "-2"}, "--ngram-cap -2 must not be negative"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--seeds", "0"}, "--seeds 0: give 1 or more"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--l2", "-1"}, "must not be negative"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--polarity", "--neutral-epochs", "-2"}, "must not be negative"},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--base", "builtin:general"}, `--base: model builtin:general: no such built-in model`},
		{[]string{"sentiment", "train", "--data", data, "--out", filepath.Join(dir, "m.cxm"), "--base", data}, "--base: "},
	} {
		_, _, err := run(t, tc.args...)
		require.ErrorContains(t, err, tc.want, "%v", tc.args)
	}
}
