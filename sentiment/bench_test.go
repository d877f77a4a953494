package sentiment

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

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

// benchTexts reads the texts of the data files ($CXPULSE_BENCH_FILES, comma-separated names,
// default benchFiles); it skips tb when the data is absent.
func benchTexts(tb testing.TB) []string {
	files := benchFiles
	if f := os.Getenv("CXPULSE_BENCH_FILES"); f != "" {
		files = strings.Split(f, ",")
	}
	var texts []string
	for _, f := range files {
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

// BenchmarkTokenizeCorpus tokenizes the messages of BenchmarkScoreCorpus.
func BenchmarkTokenizeCorpus(b *testing.B) {
	texts := benchTexts(b)
	var t tokenizer
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t.tokenize(texts[i%len(texts)])
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

// TestCompareGovader scores the corpus with cxpulse and with govader on one core, alternating
// whole passes of each so that both see the same machine load, and prints the rates and their
// ratio, and what the default model's support gate and n-grams cost (passes without them alternate too);
// `make bench` runs it (CXPULSE_BENCH=1, CXPULSE_BENCH_ROUNDS passes of each, default 5).
func TestCompareGovader(t *testing.T) {
	if os.Getenv("CXPULSE_BENCH") == "" {
		t.Skip("set CXPULSE_BENCH=1 (make bench) to compare with govader")
	}
	texts := benchTexts(t)
	rounds := 5
	if r, err := strconv.Atoi(os.Getenv("CXPULSE_BENCH_ROUNDS")); err == nil && r > 0 {
		rounds = r
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	s := newScorer(t)
	// The same scorer without the support gate and the support n-grams it applies, to show
	// what they cost.
	noGate := *s.model
	noGate.gate, noGate.supQ, noGate.pair = nil, nil, nil
	sng, err := NewWithModel(&noGate, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	an := govader.NewSentimentIntensityAnalyzer()
	var d event.Sentiment
	for _, x := range texts { // warm up: the language detector, the pool, d's slices
		s.Score(x, "", &d)
		sng.Score(x, "", &d)
		an.PolarityScores(x)
	}
	var cxTime, gvTime time.Duration
	cxBest, gvBest, ngBest := time.Duration(1<<62), time.Duration(1<<62), time.Duration(1<<62)
	var cxMallocs uint64
	var ms runtime.MemStats
	for r := 0; r < rounds; r++ {
		runtime.ReadMemStats(&ms)
		m0 := ms.Mallocs
		start := time.Now()
		for _, x := range texts {
			s.Score(x, "", &d)
		}
		el := time.Since(start)
		cxTime += el
		cxBest = min(cxBest, el)
		runtime.ReadMemStats(&ms)
		cxMallocs += ms.Mallocs - m0
		start = time.Now()
		for _, x := range texts {
			sng.Score(x, "", &d)
		}
		ngBest = min(ngBest, time.Since(start))
		start = time.Now()
		for _, x := range texts {
			an.PolarityScores(x)
		}
		el = time.Since(start)
		gvTime += el
		gvBest = min(gvBest, el)
	}
	n := float64(len(texts))
	rate := func(d time.Duration, passes int) float64 { return n * float64(passes) / d.Seconds() }
	fmt.Printf("sentiment, one core, %d messages of %s, %d alternating passes each:\n", len(texts), filepath.Join(dataDir(), "sentiment"), rounds)
	fmt.Printf("  cxpulse  best pass %9.0f msg/s (%5.0f ns/msg), all passes %9.0f msg/s; %.4f allocs/msg (language detection, topics and evidence included)\n",
		rate(cxBest, 1), float64(cxBest.Nanoseconds())/n, rate(cxTime, rounds), float64(cxMallocs)/(n*float64(rounds)))
	fmt.Printf("  govader  best pass %9.0f msg/s (%5.0f ns/msg), all passes %9.0f msg/s\n", rate(gvBest, 1), float64(gvBest.Nanoseconds())/n, rate(gvTime, rounds))
	fmt.Printf("  cxpulse/govader: best pass %.1fx, all passes %.1fx\n", rate(cxBest, 1)/rate(gvBest, 1), rate(cxTime, rounds)/rate(gvTime, rounds))
	fmt.Printf("  the support gate and n-grams: %+.1f%% of cxpulse's time (best pass, against the same scorer without them)\n", 100*(float64(cxBest)/float64(ngBest)-1))
}
