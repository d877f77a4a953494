package sentiment

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/jonreiter/govader"

	"github.com/cxpulse/cxpulse/event"
)

// dataDir is where the shared evaluation data lives ($CXPULSE_DATA, default ../shared/data from
// the repository root).
func dataDir() string {
	if d := os.Getenv("CXPULSE_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "data")
}

// benchFiles are the message files the comparison benchmark scores.
var benchFiles = []string{"airline_tweets.dev", "tweeteval_val", "vader_tweets", "vader_amazon", "vader_movies", "vader_nyt", "uci_amazon", "uci_imdb", "uci_yelp"}

// benchTexts reads the texts of every data file; it skips b when the data is absent.
func benchTexts(tb testing.TB) []string {
	var texts []string
	for _, f := range benchFiles {
		exs, err := ReadExampleFile(filepath.Join(dataDir(), "sentiment", f+".jsonl"), Split{})
		if os.IsNotExist(err) {
			tb.Skipf("no data at %s (set CXPULSE_DATA): %v", dataDir(), err)
		}
		if err != nil {
			tb.Fatal(err)
		}
		for _, ex := range exs {
			texts = append(texts, ex.Text)
		}
	}
	return texts
}

// sampleTexts are customer messages written for the benchmarks, used when the data is absent.
var sampleTexts = []string{
	"@acme Still waiting for my refund, third time I'm asking!! Thanks for nothing 😡 #fail",
	"Great service today, the agent sorted my login issue in minutes. Thank you!",
	"What time does the store open on Sunday?",
	"My parcel was delivered to the wrong address and nobody answers the phone",
	"not bad at all, the new app is much faster :)",
	"I was charged twice for my subscription, please fix this",
}

// BenchmarkScore measures scoring of customer messages (language detection and topics included).
func BenchmarkScore(b *testing.B) {
	s := newScorer(b)
	var d event.Sentiment
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Score(sampleTexts[i%len(sampleTexts)], "", &d)
		i++
	}
}

// BenchmarkScoreCorpus scores every message of the evaluation data in turn.
func BenchmarkScoreCorpus(b *testing.B) {
	texts := benchTexts(b)
	s := newScorer(b)
	var d event.Sentiment
	for _, t := range texts { // warm the language detector, the pool and d
		s.Score(t, "", &d)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Score(texts[i%len(texts)], "", &d)
		i++
	}
}

// BenchmarkGovaderCorpus scores the same messages with govader, for comparison.
func BenchmarkGovaderCorpus(b *testing.B) {
	texts := benchTexts(b)
	an := govader.NewSentimentIntensityAnalyzer()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		an.PolarityScores(texts[i%len(texts)])
		i++
	}
}

// TestCompareGovader runs both corpus benchmarks on one core and prints the rates and their
// ratio; `make bench` runs it (CXPULSE_BENCH=1).
func TestCompareGovader(t *testing.T) {
	if os.Getenv("CXPULSE_BENCH") == "" {
		t.Skip("set CXPULSE_BENCH=1 (make bench) to compare with govader")
	}
	benchTexts(t) // skip early without data
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	cx := testing.Benchmark(BenchmarkScoreCorpus)
	gv := testing.Benchmark(BenchmarkGovaderCorpus)
	rate := func(r testing.BenchmarkResult) float64 { return float64(r.N) / r.T.Seconds() }
	fmt.Printf("sentiment on one core, %d messages of %s:\n", len(benchTexts(t)), filepath.Join(dataDir(), "sentiment"))
	fmt.Printf("  cxpulse  %10.0f msg/s  %6.0f ns/msg  %.3f allocs/msg\n", rate(cx), float64(cx.T.Nanoseconds())/float64(cx.N), float64(cx.MemAllocs)/float64(cx.N))
	fmt.Printf("  govader  %10.0f msg/s  %6.0f ns/msg  %.3f allocs/msg\n", rate(gv), float64(gv.T.Nanoseconds())/float64(gv.N), float64(gv.MemAllocs)/float64(gv.N))
	fmt.Printf("  cxpulse/govader: %.1fx\n", rate(cx)/rate(gv))
}
