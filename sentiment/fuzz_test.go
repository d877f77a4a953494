package sentiment

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/cxpulse/cxpulse/event"
)

// FuzzScore checks the invariants of a score on any text: no panic, probabilities that sum to one,
// evidence made of phrases of the text.
func FuzzScore(f *testing.F) {
	for _, s := range []string{
		"", "Still waiting for my refund!! 😡 #fail", "not bad at all", "thanks for nothing", "\xff\xfe", "@a http://x #b :) <3 &lt;3 \\u2019", "Mi pedido no ha llegado", "注文",
		`can\u2019t stand it \ud83d\ude21 \ud83d \ude21 \u12 \u`, "10/10 5/", "on 1/5/2024 2/", "Is my flight delayed?", "didn't arrive on time",
		"thanks for fixing my issue", "the outage was fixed, but", "still wasn't", "open 24 hours?",
		"took 5 mins", "in just 2 days", "found my lost", "my lost bag was found?", "lost and found", "great 🙃 🙄",
		"Hi, how do I? x. Is it?", "hello, is it? no", "anyone else", "good", "never again", "won't order again", "never had to again",
		"is fixed", "was sorted", "everything is fixed", "all sorted? no", "everything's fixed but", "thank you so much for", "thanks a lot for losing",
		"not just", "wouldn't hesitate again", "expected", "I expected a", "but it changed my mind", "(x). Could you?", "Has it?", "ill be",
		"Brilliant. Just brilliant.", "working again", "Thanks so much.", "declined. Could you check?",
		`"great"`, "'fast' lane was late", "error", "error (", "Error 5", "fault E", "actually", "third", "my third?",
		"charged twice, could", ", is it?", "x, can you?", "thx for nothing", "game changer",
	} {
		f.Add(s, "")
	}
	f.Add("the order is late", "en-US")
	s, err := New(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		var d event.Sentiment
		s.Score(text, lang, &d)
		checkInvariants(t, text, d)
	})
}

// FuzzReadModel feeds arbitrary bytes to the model reader: an error, never a panic.
func FuzzReadModel(f *testing.F) {
	var good bytes.Buffer
	if _, err := RulesModel().WriteTo(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte("CXPSENT1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadModel("fuzz", bytes.NewReader(data))
		if err == nil && m == nil {
			t.Fatal("no model and no error")
		}
	})
}

// FuzzDecodeModel feeds arbitrary bytes, past the compression, to the model decoder, starting
// from a small model with a gate: an error or a model, never a panic.
func FuzzDecodeModel(f *testing.F) {
	gen, sup := general(6), synthetic(6)
	m, err := Train(gen, TrainOptions{Name: "fuzz", Bits: 10, CharBits: 8, BigramBits: 8, Seed: 1, Polarity: true, NeutralEpochs: 1, NeutralData: sup, Gate: true})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		f.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeModel(data)
		if err != nil {
			return
		}
		if g := m.gate; g != nil {
			var a analysis
			g.add(&a, g.row(1), g.row(unitBOS))
			if p := g.prob(a.gsum, a.gn); !(p >= 0 && p <= 1) {
				t.Fatalf("gate probability %v", p)
			}
		}
	})
}

// FuzzTopics feeds arbitrary YAML to the topic dictionary loader.
func FuzzTopics(f *testing.F) {
	f.Add([]byte("topics:\n  refund: [money back]\n"))
	f.Add([]byte("topics: [a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = NewWithModel(RulesModel(), "fuzz.yaml", data)
	})
}
