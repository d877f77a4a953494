package sentiment

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
)

func TestReadExamples(t *testing.T) {
	exs, err := ReadExamples("d.jsonl", strings.NewReader(`{"text": "great", "label": "positive", "id": 1}

{"text": "awful", "label": "negative", "language": "en"}
`), Split{})
	require.NoError(t, err)
	require.Len(t, exs, 2)
	require.Equal(t, Example{Text: "awful", Language: "en", Label: event.Negative}, exs[1])

	for _, tc := range []struct{ in, want string }{
		{`{"text": "x"}`, `d.jsonl:1: want "text" and "label"`},
		{`{"text": "x", "label": "meh"}`, `d.jsonl:1: unknown sentiment label "meh"`},
		{"{\"text\": \"x\", \"label\": \"neutral\"}\n{oops", `d.jsonl:2: invalid character`},
	} {
		_, err := ReadExamples("d.jsonl", strings.NewReader(tc.in), Split{})
		require.ErrorContains(t, err, tc.want)
	}
}

func TestSplit(t *testing.T) {
	require.NoError(t, Split{}.Validate())
	require.Error(t, Split{Fraction: 0.8, Part: "dev"}.Validate())
	require.Error(t, Split{Fraction: 1, Part: "train"}.Validate())
	train, test := Split{Fraction: 0.8, Part: "train"}, Split{Fraction: 0.8, Part: "test"}
	n := 0
	for i := 0; i < 10000; i++ {
		text := fmt.Sprintf("message %d", i)
		require.NotEqual(t, train.Keep(text), test.Keep(text), "every message is in exactly one part")
		require.Equal(t, train.Keep(text), train.Keep(text), "deterministic")
		if train.Keep(text) {
			n++
		}
	}
	require.InDelta(t, 8000, n, 200)
}

func TestMetrics(t *testing.T) {
	m := Metrics{N: 10, Confusion: [3][3]int{{3, 1, 0}, {1, 2, 0}, {0, 1, 2}}}.finish()
	require.InDelta(t, 0.7, m.Accuracy, 1e-9)
	require.InDelta(t, 0.75, m.Classes["negative"].Precision, 1e-9)
	require.InDelta(t, 0.75, m.Classes["negative"].Recall, 1e-9)
	require.InDelta(t, 0.5, m.Classes["neutral"].Precision, 1e-9)
	require.InDelta(t, 1.0, m.Classes["positive"].Precision, 1e-9)
	require.InDelta(t, (0.75+0.5714285714+0.8)/3, m.MacroF1, 1e-6)
	require.Equal(t, 4, m.Classes["negative"].Support)

	// Binary data: a neutral answer is wrong and the neutral class leaves the macro average.
	b := Metrics{N: 4, Binary: true, Confusion: [3][3]int{{1, 1, 0}, {0, 0, 0}, {0, 0, 2}}}.finish()
	require.InDelta(t, 0.75, b.Accuracy, 1e-9)
	require.InDelta(t, (2.0/3+1)/2, b.MacroF1, 1e-9)
}

func TestMetricsCalibration(t *testing.T) {
	var cal calibration
	cal.add(event.Probs{Negative: 0.7, Neutral: 0.2, Positive: 0.1}, event.Negative, event.Negative) // right at 0.7
	cal.add(event.Probs{Negative: 0.1, Neutral: 0.3, Positive: 0.6}, event.Neutral, event.Positive)  // wrong at 0.6
	cal.add(event.Probs{Positive: 1}, event.Negative, event.Positive)                                // wrong at 1: the last bin
	var m Metrics
	cal.fill(&m)
	require.InDelta(t, (-math.Log(0.7)-math.Log(0.3)-math.Log(1e-4))/3, m.LogLoss, 1e-9)
	require.InDelta(t, (0.09+0.04+0.01+0.01+0.49+0.36+1+1)/3, m.Brier, 1e-9)
	require.InDelta(t, (0.3+0.6+1)/3, m.ECE, 1e-9)
	require.Len(t, m.Reliability, 10)
	for b, bin := range m.Reliability {
		switch b {
		case 6, 7, 9:
			require.Equal(t, 1, bin.N, "bin %d", b)
		default:
			require.Zero(t, bin.N, "bin %d", b)
		}
	}
	require.Equal(t, CalBin{Lo: 0.7, Hi: 0.8, N: 1, Confidence: 0.7, Accuracy: 1}, m.Reliability[7])
	require.InDelta(t, 0.6, m.Reliability[6].Confidence, 1e-12)
	require.Zero(t, m.Reliability[6].Accuracy)

	// No messages: no calibration figures.
	m = Metrics{}
	new(calibration).fill(&m)
	require.Nil(t, m.Reliability)
}

func TestEvaluateDetectsBinary(t *testing.T) {
	s := newScorer(t)
	m := Evaluate(s, []Example{{Text: "terrible, still no refund", Label: event.Negative}, {Text: "love it, thanks!", Label: event.Positive}}, false)
	require.True(t, m.Binary)
	require.Equal(t, 1.0, m.Accuracy)
	require.Positive(t, m.LogLoss)
	n := 0
	for _, b := range m.Reliability {
		n += b.N
		require.True(t, b.N == 0 || b.Accuracy == 1, "both right, in every bin: %+v", b)
	}
	require.Equal(t, 2, n)
	m = Evaluate(s, []Example{{Text: "what time do you open?", Label: event.Neutral}}, false)
	require.False(t, m.Binary)
}

// The support messages written for this project (README.md, "Sentiment") keep what the scorer
// knows of customer conversations: a change of cues, rules or model that loses it fails here.
// Every file but cx_cases was scored unseen, part by part, so its line sits lower. The support
// calibration and n-grams (the support model's, and the default model's for what its gate reads
// as support text) are fitted on cx_cases, cx_fresh, cx_parts and cx_train (CX_TRAIN in the
// Makefile) and on none of the others, which have the lowest line.
func TestCXCases(t *testing.T) {
	def := newScorer(t)
	sup, err := New(Config{Model: "builtin:support"})
	require.NoError(t, err)
	for _, tc := range []struct {
		file    string // in testdata, without .jsonl
		n       int
		min     float64 // accuracy and macro-F1
		support bool    // the support model too, not only the default
	}{
		{"cx_cases", 161, 0.95, false},
		{"cx_fresh", 370, 0.87, false},
		{"cx_parts", 4500, 0.90, true},
		{"cx_train", 30050, 0.90, true},
		{"cx_hardtrain", 12544, 0.90, true},
		{"cx_heldout", 7517, 0.80, true},
		{"cx_informal", 353, 0.80, true},
		{"cx_thanks", 360, 0.80, true},
		{"cx_delivery", 180, 0.80, true},
		{"cx_verdict", 359, 0.80, true},
		{"cx_refund", 357, 0.80, true},
		{"cx_polite", 178, 0.80, true},
		{"cx_outcome", 175, 0.80, true},
		{"cx_runon", 176, 0.80, true},
		{"cx_mixed", 175, 0.80, true},
		{"cx_emoji", 176, 0.80, true},
		{"cx_global", 179, 0.80, true},
		{"cx_survey", 177, 0.80, true},
		{"cx_voice", 180, 0.80, true},
		{"cx_churn", 179, 0.80, true},
		{"cx_b2b", 177, 0.80, true},
		{"cx_followup", 178, 0.80, true},
		{"cx_negation", 180, 0.80, true},
		{"cx_compare", 179, 0.80, true},
		{"cx_short", 153, 0.80, true},
		{"cx_replies", 425, 0.80, true},
		{"cx_rhetorical", 176, 0.80, true},
		{"cx_access", 180, 0.80, true},
		{"cx_caps", 177, 0.80, true},
		{"cx_announce", 179, 0.80, true},
		{"cx_wismo", 179, 0.80, true},
		{"cx_apology", 175, 0.80, true},
		{"cx_escalation", 177, 0.80, true},
		{"cx_long", 180, 0.80, true},
		{"cx_hedged", 179, 0.80, true},
		{"cx_sarcasm", 174, 0.80, true},
		{"cx_mixlang", 178, 0.80, true},
		{"cx_chat", 169, 0.80, true},
		{"cx_security", 180, 0.80, true},
		{"cx_billing", 179, 0.80, true},
		{"cx_outage", 180, 0.80, true},
		{"cx_vocab", 1907, 0.80, true},
		{"cx_hard", 8486, 0.80, true},
		{"cx_inbox", 1908, 0.80, true},
		{"cx_channels", 1893, 0.80, true},
	} {
		file := "testdata/" + tc.file + ".jsonl"
		exs, err := ReadExampleFile(file, Split{})
		require.NoError(t, err)
		require.Len(t, exs, tc.n, file)
		check := func(model string, s *Scorer) {
			m := Evaluate(s, exs, false)
			require.GreaterOrEqual(t, m.Accuracy, tc.min, "%s model, %s: %d of %d right", model, file, int(m.Accuracy*float64(m.N)+0.5), m.N)
			require.GreaterOrEqual(t, m.MacroF1, tc.min, "%s model, %s", model, file)
		}
		check("default", def)
		if tc.support {
			check("support", sup)
		}
	}
}

// TestGateReport prints how much of each data file the default model's gate reads as support
// text (probability above 0.5), and checks the order that should hold: support messages above
// tweets to airlines, and those above general tweets. `make eval` runs it (CXPULSE_BENCH=1).
func TestGateReport(t *testing.T) {
	if os.Getenv("CXPULSE_BENCH") == "" {
		t.Skip("set CXPULSE_BENCH=1 (make eval) for the gate report")
	}
	s := newScorer(t)
	files := []struct{ name, path string }{
		{"cx_heldout.jsonl", "testdata/cx_heldout.jsonl"},
		{"airline_tweets.dev", filepath.Join(dataDir(), "sentiment", "airline_tweets.dev.jsonl")},
		{"tweeteval_val", filepath.Join(dataDir(), "sentiment", "tweeteval_val.jsonl")},
	}
	share := make([]float64, len(files))
	for k, f := range files {
		exs, err := ReadExampleFile(f.path, Split{})
		if os.IsNotExist(err) {
			t.Skipf("no data at %s (set CXPULSE_DATA): %v", dataDir(), err)
		}
		require.NoError(t, err)
		n := 0
		for _, ex := range exs {
			if gateProb(s, ex.Text) > 0.5 {
				n++
			}
		}
		share[k] = float64(n) / float64(len(exs))
		fmt.Printf("the support gate reads %4.1f%% of %s (%d messages) as support text\n", 100*share[k], f.name, len(exs))
	}
	require.Greater(t, share[0], share[1])
	require.Greater(t, share[1], share[2])
}

// respellings are ways customers type the messages of cx_heldout: without apostrophes, in
// texting shorthand (spellings the tokenizer knows, see spellingList), and in lower case without
// full stops and commas (which it cannot restore).
var respellings = []struct {
	name string
	f    func(string) string
}{
	{"as written", func(s string) string { return s }},
	{"without apostrophes", func(s string) string { return apostrophe.ReplaceAllString(s, "$1$2") }},
	{"in shorthand", func(s string) string {
		return shorthandWords.ReplaceAllStringFunc(s, func(w string) string { return shorthand[strings.ToLower(w)] })
	}},
	{"lower case, no . or ,", func(s string) string { return strings.NewReplacer(".", "", ",", "").Replace(strings.ToLower(s)) }},
}

var apostrophe = regexp.MustCompile(`(\pL)['’](\pL)`)

// shorthand is the texting shorthand of respellings: each of these words, in any case, by its
// short form.
var shorthand = map[string]string{
	"please": "pls", "thanks": "thx", "thank you": "ty", "you": "u", "your": "ur", "because": "bc",
	"people": "ppl", "though": "tho", "message": "msg", "tomorrow": "tmrw",
}

var shorthandWords = func() *regexp.Regexp {
	words := slices.Sorted(maps.Keys(shorthand))
	return regexp.MustCompile(`(?i)\b(` + strings.Join(words, "|") + `)\b`)
}()

// TestRespelledReport prints the default model's accuracy on cx_heldout as written and as
// customers also type it (make eval); the apostrophes and the shorthand the tokenizer knows cost
// less than a point.
func TestRespelledReport(t *testing.T) {
	if os.Getenv("CXPULSE_BENCH") == "" {
		t.Skip("set CXPULSE_BENCH=1 (make eval) for the report of respelled messages")
	}
	s := newScorer(t)
	exs, err := ReadExampleFile("testdata/cx_heldout.jsonl", Split{})
	require.NoError(t, err)
	acc := make([]float64, len(respellings))
	for k, r := range respellings {
		changed := 0
		re := make([]Example, len(exs))
		for i, ex := range exs {
			re[i] = ex
			re[i].Text = r.f(ex.Text)
			if re[i].Text != ex.Text {
				changed++
			}
		}
		acc[k] = Evaluate(s, re, false).Accuracy
		fmt.Printf("cx_heldout %-22s accuracy %.4f (%d of %d messages respelled)\n", r.name, acc[k], changed, len(exs))
	}
	require.GreaterOrEqual(t, acc[1], acc[0]-0.01, "without apostrophes")
	require.GreaterOrEqual(t, acc[2], acc[0]-0.01, "in shorthand")
}
