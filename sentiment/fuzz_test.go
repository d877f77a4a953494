package sentiment

import (
	"bytes"
	"testing"

	"github.com/cxpulse/cxpulse/event"
)

// FuzzScore checks the invariants of a score on any text: no panic, probabilities that sum to one,
// evidence made of phrases of the text.
func FuzzScore(f *testing.F) {
	for _, s := range []string{"", "Still waiting for my refund!! 😡 #fail", "not bad at all", "thanks for nothing", "\xff\xfe", "@a http://x #b :) <3 &lt;3 \\u2019", "Mi pedido no ha llegado", "注文",
		`can\u2019t stand it \ud83d\ude21 \ud83d \ude21 \u12 \u`, "10/10 5/", "on 1/5/2024 2/", "Is my flight delayed?", "didn't arrive on time",
		"thanks for fixing my issue", "the outage was fixed, but", "still wasn't", "open 24 hours?"} {
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

// FuzzTopics feeds arbitrary YAML to the topic dictionary loader.
func FuzzTopics(f *testing.F) {
	f.Add([]byte("topics:\n  refund: [money back]\n"))
	f.Add([]byte("topics: [a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = NewWithModel(RulesModel(), "fuzz.yaml", data)
	})
}
