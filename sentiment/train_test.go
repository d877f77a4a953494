package sentiment

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
)

// synthetic makes labelled examples from word lists: enough signal for training to pick up,
// written for the test.
func synthetic(n int) []Example {
	return fromLists(n, "%s order %d",
		[]string{"the parcel never came", "refund still missing", "agent was rude", "app crashes on login", "charged me twice"},
		[]string{"what are your opening hours", "how do I update my address", "is the store open on sunday", "where can I find the invoice", "can I change the delivery day"},
		[]string{"quick delivery, thanks", "the agent sorted it out", "love the new app", "great support team", "arrived early, very happy"})
}

// general makes labelled examples of general text (reviews and news lines), written for the test.
func general(n int) []Example {
	return fromLists(n, "%s %d",
		[]string{"the film was dull and far too long", "a clumsy plot and wooden acting", "the soup tasted awful"},
		[]string{"the senate meets again on tuesday", "the museum reopens next spring", "rain is expected in the north"},
		[]string{"a lovely film with a superb cast", "the best novel of the year", "a delightful little restaurant"})
}

// fromLists makes n examples of each class, cycling through its texts, each written by format
// with the text and the example's number.
func fromLists(n int, format string, neg, neu, pos []string) []Example {
	var out []Example
	for i := 0; i < n; i++ {
		out = append(out,
			Example{Text: fmt.Sprintf(format, neg[i%len(neg)], i), Label: event.Negative},
			Example{Text: fmt.Sprintf(format, neu[i%len(neu)], i), Label: event.Neutral},
			Example{Text: fmt.Sprintf(format, pos[i%len(pos)], i), Label: event.Positive})
	}
	return out
}

func TestTrainLearnsAndRoundTrips(t *testing.T) {
	exs := synthetic(40)
	m, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1})
	require.NoError(t, err)
	s, err := NewWithModel(m, "", nil)
	require.NoError(t, err)
	met := Evaluate(s, exs, false)
	require.Greater(t, met.Accuracy, 0.95, "fits its training data: %+v", met)

	// Deterministic: the same data and options give the same bytes.
	var a, b bytes.Buffer
	_, err = m.WriteTo(&a)
	require.NoError(t, err)
	m2, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1})
	require.NoError(t, err)
	_, err = m2.WriteTo(&b)
	require.NoError(t, err)
	require.Equal(t, a.Bytes(), b.Bytes())

	// Reading the file gives the same scores.
	back, err := ReadModel("test", bytes.NewReader(a.Bytes()))
	require.NoError(t, err)
	require.Equal(t, m.Version(), back.Version())
	s2, err := NewWithModel(back, "", nil)
	require.NoError(t, err)
	for _, ex := range exs[:10] {
		var x, y event.Sentiment
		s.Score(ex.Text, "", &x)
		s2.Score(ex.Text, "", &y)
		require.Equal(t, x, y)
	}
}

func TestReadModelBad(t *testing.T) {
	var good bytes.Buffer
	_, err := RulesModel().WriteTo(&good)
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"truncated": good.Bytes()[:good.Len()/2],
	} {
		_, err := ReadModel(name, bytes.NewReader(data))
		require.ErrorContains(t, err, "model "+name, name)
	}
}

func BenchmarkTrain(b *testing.B) {
	exs := synthetic(1000)
	b.ReportAllocs()
	for b.Loop() {
		_, err := Train(exs, TrainOptions{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// Past a model's n-gram cap, a message's n-gram sum is their mean times √cap: continuous at the
// cap, and a long message whose every feature has the same weight weighs no more than one of cap
// features. Train records the cap in the model file, and a negative one is refused.
func TestNgramCap(t *testing.T) {
	plain, capped := &Model{}, &Model{ngramCap: 16}
	for _, nf := range []int{1, 9, 16} {
		require.Equal(t, plain.ngramScale(nf), capped.ngramScale(nf), nf)
	}
	require.InDelta(t, 0.25, capped.ngramScale(16), 1e-7)
	require.InDelta(t, 4.0/64, capped.ngramScale(64), 1e-7)
	require.InDelta(t, 0.125, plain.ngramScale(64), 1e-7)
	for _, nf := range []int{17, 50, 400} { // nf features of weight 1
		require.InDelta(t, 4, float64(capped.ngramScale(nf))*float64(nf), 1e-5, nf)
	}

	exs := synthetic(40)
	m, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1, NgramCap: 12})
	require.NoError(t, err)
	require.Equal(t, 12, m.Info().NgramCap)
	raw, back := roundTrip(t, m)
	require.Equal(t, 12, back.ngramCap)
	long := strings.Repeat("the parcel never came and nobody answers the phone, ", 8) + "but Dana sorted it in minutes, thank you"
	logits := func(m *Model) [numClass]float64 {
		s, err := NewWithModel(m, "", nil)
		require.NoError(t, err)
		var a analysis
		a.run(s.vocab, long)
		return m.logits(&a, s.vocab)
	}
	require.Equal(t, logits(m), logits(back))
	// The same training without the cap reads the long message otherwise.
	uncapped, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1})
	require.NoError(t, err)
	require.Zero(t, uncapped.Info().NgramCap)
	require.NotEqual(t, logits(uncapped), logits(m))

	_, err = Train(exs, TrainOptions{Name: "test", Seed: 1, NgramCap: -1})
	require.ErrorContains(t, err, "n-gram cap -1 must not be negative")
	bad := bytes.Replace(gunzip(t, raw), []byte(`"ngram_cap":12`), []byte(`"ngram_cap":-3`), 1)
	_, err = ReadModel("bad", bytes.NewReader(gzipped(t, bad)))
	require.ErrorContains(t, err, "model bad: n-gram cap -3 must not be negative")
}

// A model trained without character n-grams says so in its file, and neither training nor
// scoring gives a word its character n-grams.
func TestTrainNoCharGrams(t *testing.T) {
	exs := synthetic(40)
	charFeatures := func(m *Model) int {
		s, err := NewWithModel(m, "", nil)
		require.NoError(t, err)
		var a analysis
		a.run(s.vocab, "the zyxwvut parcel never came")
		a.features(s.vocab, m, false, nil)
		n := 0
		for _, e := range a.ents {
			if e.val < 1 { // the mean of a word's character n-grams: 1/count each
				n++
			}
		}
		return n
	}
	with, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1})
	require.NoError(t, err)
	require.False(t, with.Info().NoCharGrams)
	require.Positive(t, charFeatures(with))

	m, err := Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1, NoCharGrams: true})
	require.NoError(t, err)
	require.True(t, m.Info().NoCharGrams)
	require.Zero(t, charFeatures(m))
	var buf bytes.Buffer
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	back, err := ReadModel("test", bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.True(t, back.Info().NoCharGrams)
	require.Zero(t, charFeatures(back))

	s, err := NewWithModel(back, "", nil)
	require.NoError(t, err)
	require.Greater(t, Evaluate(s, exs, false).Accuracy, 0.95)
}

// The default model, trained with Polarity, is scored from one weight per row, with the same
// results as from its three (without its support n-grams, which need the one).
func TestPolarityRows(t *testing.T) {
	require.Nil(t, polarityRows([]int8{-3, 0, 3, 1, 1, -1}))
	require.Nil(t, polarityRows([]int8{-3, 0, 3, 2, 0, -1}))
	require.Equal(t, []int8{3, -1, 0}, polarityRows([]int8{-3, 0, 3, 1, 0, -1, 0, 0, 0}))

	d := newScorer(t)
	require.NotNil(t, d.model.pol8)
	require.Nil(t, d.model.q8)
	plain := *d.model
	plain.supQ, plain.pair = nil, nil
	s, err := NewWithModel(&plain, "", nil)
	require.NoError(t, err)
	full := plain
	full.q8 = make([]int8, numClass*len(full.pol8))
	for r, x := range full.pol8 {
		full.q8[r*numClass+cNeg], full.q8[r*numClass+cPos] = -x, x
	}
	full.pol8 = nil
	s2, err := NewWithModel(&full, "", nil)
	require.NoError(t, err)
	texts := append([]string{"not bad at all, but the refund is still missing 😡"}, sampleTexts...)
	for _, text := range texts {
		require.Equal(t, score(s, text), score(s2, text), text)
	}
}

// Rows come from the top bits of the mixed hash, where mixHigh and mix agree.
func TestMixHigh(t *testing.T) {
	h := uint64(fnvOffset)
	for k := 0; k < 10000; k++ {
		h = (h ^ uint64(k)) * fnvPrime
		if mixHigh(h)>>31 != mix(h)>>31 {
			t.Fatalf("mixHigh(%#x) = %#x, mix %#x", h, mixHigh(h), mix(h))
		}
	}
}

// A model with a gate has the neutral class of its training data for general text and that of
// the neutral data for support text: each is the one the model would have with only that
// calibration, and the gate tells the two kinds of text apart. The file keeps all of it.
func TestTrainGate(t *testing.T) {
	gen, sup := general(30), synthetic(30)
	opt := TrainOptions{Name: "test", Bits: 16, Seed: 1, Polarity: true, NeutralEpochs: 2}
	plain, err := Train(gen, opt)
	require.NoError(t, err)
	require.Nil(t, plain.gate)
	opt.NeutralData = sup
	support, err := Train(gen, opt)
	require.NoError(t, err)
	opt.Gate = true
	m, err := Train(gen, opt)
	require.NoError(t, err)
	g := m.gate
	require.NotNil(t, g)
	require.Equal(t, uint(gateBits), m.Info().GateBits)

	require.Equal(t, plain.q, m.q)
	require.Equal(t, plain.bias, m.bias)
	require.Equal(t, plain.rule, m.rule)
	require.Equal(t, support.bias[cNeu], g.neuBias)
	require.NotEqual(t, m.bias[cNeu], g.neuBias)
	for f := range g.neuRule {
		require.Equal(t, support.rule[f][cNeu], g.neuRule[f], ruleFeatures[f].name)
	}

	s, err := NewWithModel(m, "", nil)
	require.NoError(t, err)
	checkGate(t, s, map[string]bool{
		"the parcel never came, where is my order": true,
		"how do I update my address":               true,
		"the senate meets again on friday":         false,
		"a lovely film with a wooden plot":         false,
	})

	// The gate moves the neutral class only: from the general calibration (share 0) towards
	// the support one (share 1), much further for support text than for general text.
	logits := func(m *Model, text string) [numClass]float64 {
		s, err := NewWithModel(m, "", nil)
		require.NoError(t, err)
		var a analysis
		a.run(s.vocab, text)
		return m.logits(&a, s.vocab)
	}
	share := func(text string) float64 {
		z, zp, zs := logits(m, text), logits(plain, text), logits(support, text)
		require.Equal(t, zp[cNeg], z[cNeg], text)
		require.Equal(t, zp[cPos], z[cPos], text)
		require.NotEqual(t, zp[cNeu], zs[cNeu], text)
		return (z[cNeu] - zp[cNeu]) / (zs[cNeu] - zp[cNeu])
	}
	require.Greater(t, share("the parcel never came, where is my order"), 0.3)
	require.Less(t, share("the museum reopens next spring"), 0.1)

	file, back := roundTrip(t, m)
	require.Equal(t, m.gate.q, back.gate.q)

	// A file cut inside the gate is an error, not a model without one; so is a gate of a size
	// out of range.
	raw := gunzip(t, file)
	_, err = ReadModel("cut", bytes.NewReader(gzipped(t, raw[:len(raw)-100])))
	require.ErrorContains(t, err, "model cut: truncated")
	huge := bytes.Replace(raw, []byte(`"gate_bits":14`), []byte(`"gate_bits":30`), 1)
	require.NotEqual(t, raw, huge)
	_, err = ReadModel("huge", bytes.NewReader(gzipped(t, huge)))
	require.ErrorContains(t, err, "model huge: gate bits 30 out of range")
	nan := bytes.Clone(raw)
	binary.LittleEndian.PutUint32(nan[len(nan)-1<<gateBits-4:], math.Float32bits(float32(math.NaN()))) // the gate's bias
	_, err = ReadModel("nan", bytes.NewReader(gzipped(t, nan)))
	require.ErrorContains(t, err, "model nan: a weight or scale is not a finite number")

	opt.NeutralData = nil
	_, err = Train(gen, opt)
	require.ErrorContains(t, err, "a gate needs neutral data")
}

// With PolarityData and a gate, a model keeps the n-grams of its examples for general text and
// has support n-grams for support text: those of the model trained without a gate on the
// examples and PolarityData, whose neutral class is the support calibration. The gate moves each
// message from the first to the second by its share. The file keeps them.
func TestTrainSupportNgrams(t *testing.T) {
	gen, sup := general(30), synthetic(30)
	opt := TrainOptions{Name: "test", Bits: 16, Seed: 1, Polarity: true, FixedRules: true, NeutralEpochs: 2, NeutralData: sup, Gate: true}
	base, err := Train(gen, opt)
	require.NoError(t, err)
	require.Nil(t, base.supQ)
	opt.PolarityData, opt.PolarityOn = sup, []string{"sup"}
	m, err := Train(gen, opt)
	require.NoError(t, err)
	opt.Gate = false
	joined, err := Train(gen, opt)
	require.NoError(t, err)
	require.Nil(t, joined.supQ)

	require.Equal(t, base.q, m.q)
	require.NotNil(t, m.pair)
	x := make([]int16, len(joined.q)/numClass)
	for r := range x {
		x[r] = joined.q[r*numClass+cPos]
	}
	require.Equal(t, x, m.supQ)
	require.NotEqual(t, m.supQ, make([]int16, len(m.supQ)))
	require.Equal(t, joined.bias[cNeu], m.gate.neuBias)
	require.Equal(t, []string{"sup"}, m.Info().PolarityOn)
	require.True(t, m.Info().SupportNgrams)
	require.False(t, m.gate.supRules)

	// With SupportRules the support side's negative and positive rule weights are fitted on the
	// support messages too: those of the model without a gate trained so, while the model's own
	// stay at their priors.
	opt.SupportRules, opt.Gate = true, true
	mr, err := Train(gen, opt)
	require.NoError(t, err)
	opt.Gate = false
	joinedR, err := Train(gen, opt)
	require.NoError(t, err)
	require.Equal(t, m.q, mr.q)
	require.Equal(t, m.supQ, mr.supQ)
	require.Equal(t, m.rule, mr.rule)
	require.True(t, mr.gate.supRules)
	require.True(t, mr.Info().SupportRules)
	for f := range mr.rule {
		require.Equal(t, joinedR.rule[f], [numClass]float32{mr.gate.negRule[f], mr.gate.neuRule[f], mr.gate.posRule[f]}, ruleFeatures[f].name)
	}
	require.NotEqual(t, m.rule, joinedR.rule)

	// The positive-minus-negative logit is that of the general side (n-grams and rule weights)
	// moved towards that of the support side by the gate's share, which is larger for support
	// text than for general text.
	polarity := func(m *Model, text string) (float64, float64) {
		s, err := NewWithModel(m, "", nil)
		require.NoError(t, err)
		var a analysis
		a.run(s.vocab, text)
		z := m.logits(&a, s.vocab)
		return z[cPos] - z[cNeg], float64(a.share)
	}
	var shares [2][]float64
	for text, support := range map[string]bool{
		"the parcel never came and the refund is still missing": true,
		"the agent was rude and the app crashes on login":       true,
		"a clumsy plot and wooden acting":                       false,
		"the best novel of the year":                            false,
	} {
		zb, _ := polarity(base, text)
		zj, _ := polarity(joined, text)
		z, share := polarity(m, text)
		require.NotEqual(t, zb, zj, text)
		require.InDelta(t, zb+share*(zj-zb), z, 1e-3*(1+math.Abs(zj-zb)), text)
		zj, _ = polarity(joinedR, text)
		z, _ = polarity(mr, text)
		require.InDelta(t, zb+share*(zj-zb), z, 1e-3*(1+math.Abs(zj-zb)), text)
		if support {
			shares[1] = append(shares[1], share)
		} else {
			shares[0] = append(shares[0], share)
		}
	}
	require.Greater(t, slices.Min(shares[1]), 0.02)
	require.Greater(t, slices.Min(shares[1]), 5*slices.Max(shares[0]))

	file, back := roundTrip(t, m)
	require.Equal(t, m.supQ, back.supQ)
	_, back = roundTrip(t, mr)
	require.Equal(t, mr.gate.posRule, back.gate.posRule)

	// Support n-grams need the gate and the n-gram weights they are read with.
	raw := gunzip(t, file)
	noGate := bytes.Replace(raw, []byte(`"gate_bits":14`), []byte(` "gate_bits":0`), 1) // the same length
	require.NotEqual(t, raw, noGate)
	_, err = ReadModel("nogate", bytes.NewReader(gzipped(t, noGate)))
	require.ErrorContains(t, err, "model nogate: support n-grams without n-gram weights and a gate")
	_, err = ReadModel("cut", bytes.NewReader(gzipped(t, raw[:len(raw)-(1<<gateBits)-200])))
	require.ErrorContains(t, err, "model cut: support n-grams: truncated")
}

// roundTrip writes m and reads it back, checks that the model read writes the same bytes, and
// returns the file and that model.
func roundTrip(t *testing.T, m *Model) ([]byte, *Model) {
	t.Helper()
	var a, b bytes.Buffer
	_, err := m.WriteTo(&a)
	require.NoError(t, err)
	back, err := ReadModel("test", bytes.NewReader(a.Bytes()))
	require.NoError(t, err)
	_, err = back.WriteTo(&b)
	require.NoError(t, err)
	require.Equal(t, a.Bytes(), b.Bytes())
	return a.Bytes(), back
}

func gunzip(t *testing.T, b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	return raw
}

func gzipped(t *testing.T, raw []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestTrainBase(t *testing.T) {
	base, err := DefaultModel()
	require.NoError(t, err)
	exs := synthetic(40)
	plain, err := Train(exs, TrainOptions{Name: "test", Seed: 1})
	require.NoError(t, err)
	m, err := Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base})
	require.NoError(t, err)
	require.Equal(t, base.Version(), m.Info().Base)
	require.InDelta(t, 0.35, m.Info().BaseWeight, 1e-9)
	require.Empty(t, plain.Info().Base)

	// The rows no example has a feature in keep the base's support n-gram weights times the
	// base weight (to the quantization steps of both models); without a base they are zero.
	prior, err := base.ngramPrior(m, 0.35)
	require.NoError(t, err)
	b, err := baseVocab()
	require.NoError(t, err)
	ts := featurize(b.build(), m, exs, nil)
	touched := make(map[uint32]bool)
	for _, r := range ts.feats {
		touched[r] = true
	}
	kept := 0
	for r := 0; r < 1<<m.bits; r++ {
		if touched[uint32(r)] || base.supQ[r] == 0 {
			continue
		}
		kept++
		for c := 0; c < numClass; c++ {
			require.InDelta(t, prior[r*numClass+c], float32(m.q[r*numClass+c])*m.scale, float64(m.scale+0.35*base.supScale), "row %d", r)
			require.Zero(t, plain.q[r*numClass+c])
		}
		require.NotZero(t, m.q[r*numClass+cPos], "row %d", r)
	}
	require.Greater(t, kept, 10000)
	for _, w := range base.vocab { // the base's words are cached too
		_, found := slices.BinarySearch(m.vocab, w)
		require.True(t, found, w)
	}

	// The rule weights start from the base's support side's: with FixedRules they stay there,
	// without a base at the rule features' priors.
	var priors [numRule][numClass]float32
	for f := range priors {
		priors[f] = ruleFeatures[f].prior
	}
	want := priors
	base.supportRules(&want)
	require.NotEqual(t, priors, want)
	require.True(t, base.gate.supRules)
	require.Equal(t, [numClass]float32{base.gate.negRule[1], base.gate.neuRule[1], base.gate.posRule[1]}, want[1])
	fixed, err := Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base, FixedRules: true})
	require.NoError(t, err)
	require.Equal(t, want, fixed.rule)
	fixed, err = Train(exs, TrainOptions{Name: "test", Seed: 1, FixedRules: true})
	require.NoError(t, err)
	require.Equal(t, priors, fixed.rule)
	// Blended in full, the trained model is the base's support side: its rule weights, biases
	// and n-gram weights (to the quantization steps of both models).
	all, err := Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base, BaseBlend: 1})
	require.NoError(t, err)
	require.InDelta(t, 1, all.Info().BaseBlend, 1e-9)
	require.Equal(t, want, all.rule)
	require.Equal(t, [numClass]float32{base.bias[cNeg], base.gate.neuBias, base.bias[cPos]}, all.bias)
	full, err := base.ngramPrior(all, 1)
	require.NoError(t, err)
	for r := 0; r < 1<<all.bits; r += 97 {
		for c := 0; c < numClass; c++ {
			require.InDelta(t, full[r*numClass+c], float32(all.q[r*numClass+c])*all.scale, float64(all.scale+base.supScale), "row %d", r)
		}
	}
	// Blended by a share, the weights lie between the trained ones and the base's.
	half, err := Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base, BaseBlend: 0.5})
	require.NoError(t, err)
	for f := range half.rule {
		for c := range half.rule[f] {
			lo, hi := min(m.rule[f][c], want[f][c]), max(m.rule[f][c], want[f][c])
			require.True(t, half.rule[f][c] >= lo-1e-6 && half.rule[f][c] <= hi+1e-6, "rule %d class %d", f, c)
		}
	}
	_, err = Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base, BaseBlend: 1.5})
	require.ErrorContains(t, err, "base blend 1.5 out of range")

	// A base older than the last rule feature leaves that feature's prior.
	old := *base
	old.info.RuleFeatures = old.info.RuleFeatures[:numRule-1]
	got := priors
	old.supportRules(&got)
	require.Equal(t, want[:numRule-1], got[:numRule-1])
	require.Equal(t, priors[numRule-1], got[numRule-1])

	// A base must hash features as the model to train does.
	_, err = Train(exs, TrainOptions{Name: "test", Bits: 16, Seed: 1, Base: base})
	require.ErrorContains(t, err, "hashes features with bits 18")
	_, err = Train(exs, TrainOptions{Name: "test", Seed: 1, NoCharGrams: true, Base: base})
	require.ErrorContains(t, err, "without a base")
	_, err = Train(exs, TrainOptions{Name: "test", Seed: 1, Base: base, BaseWeight: 1.5})
	require.ErrorContains(t, err, "base weight 1.5 out of range")
}

// A model file made before the last rule feature existed reads as it was written: the feature
// counts nothing, and the scores are those of the model with its weights at zero.
func TestReadModelOlderRuleFeatures(t *testing.T) {
	m := *newScorer(t).model
	require.NotNil(t, m.gate)
	g := *m.gate
	m.gate = &g
	last := numRule - 1
	m.rule[last] = [numClass]float32{}
	g.neuRule[last], g.negRule[last], g.posRule[last] = 0, 0, 0
	var buf bytes.Buffer
	_, err := m.writeTo(&buf, last)
	require.NoError(t, err)
	old, err := ReadModel("old", bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Len(t, old.Info().RuleFeatures, last)

	zeroed, err := NewWithModel(&m, "", nil)
	require.NoError(t, err)
	read, err := NewWithModel(old, "", nil)
	require.NoError(t, err)
	for _, text := range sampleTexts {
		var x, y event.Sentiment
		zeroed.Score(text, "", &x)
		read.Score(text, "", &y)
		x.ModelVersion, y.ModelVersion = "", ""
		require.Equal(t, x, y, text)
	}

	// Written again, it has all of this build's rule features.
	buf.Reset()
	_, err = old.WriteTo(&buf)
	require.NoError(t, err)
	again, err := ReadModel("again", bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Len(t, again.Info().RuleFeatures, numRule)
}

// With Seeds, the model is the mean of the models of its seeds: rule weights, biases, the gate's
// calibration exactly, the n-gram and gate weights to their quantization steps.
func TestTrainSeedsAverage(t *testing.T) {
	gen, sup := general(30), synthetic(30)
	opt := TrainOptions{Name: "test", Bits: 16, Seed: 1, Polarity: true, NeutralEpochs: 2, NeutralData: sup, PolarityData: sup, Gate: true, SupportRules: true}
	m1, err := Train(gen, opt)
	require.NoError(t, err)
	opt.Seed = 2
	m2, err := Train(gen, opt)
	require.NoError(t, err)
	opt.Seed, opt.Seeds = 1, 2
	avg, err := Train(gen, opt)
	require.NoError(t, err)
	require.Equal(t, 2, avg.Info().Seeds)
	require.Zero(t, m1.Info().Seeds)
	require.NotEqual(t, m1.q, m2.q, "the seeds give different models")

	mean := func(a, b float32) float32 { return float32((float64(a) + float64(b)) / 2) }
	for f := range avg.rule {
		for c := range avg.rule[f] {
			require.Equal(t, mean(m1.rule[f][c], m2.rule[f][c]), avg.rule[f][c], "rule %d class %d", f, c)
		}
		require.Equal(t, mean(m1.gate.neuRule[f], m2.gate.neuRule[f]), avg.gate.neuRule[f])
		require.Equal(t, mean(m1.gate.posRule[f], m2.gate.posRule[f]), avg.gate.posRule[f])
	}
	for c := range avg.bias {
		require.Equal(t, mean(m1.bias[c], m2.bias[c]), avg.bias[c])
	}
	require.Equal(t, mean(m1.gate.neuBias, m2.gate.neuBias), avg.gate.neuBias)
	tol := float64(avg.scale + (m1.scale+m2.scale)/2)
	for i := 0; i < len(avg.q); i += 31 {
		want := mean(float32(m1.q[i])*m1.scale, float32(m2.q[i])*m2.scale)
		require.InDelta(t, want, float32(avg.q[i])*avg.scale, tol, "row weight %d", i)
	}
	stol := float64(avg.supScale + (m1.supScale+m2.supScale)/2)
	for r := 0; r < len(avg.supQ); r += 31 {
		want := mean(float32(m1.supQ[r])*m1.supScale, float32(m2.supQ[r])*m2.supScale)
		require.InDelta(t, want, float32(avg.supQ[r])*avg.supScale, stol, "support row %d", r)
	}
	gtol := float64(avg.gate.scale + (m1.gate.scale+m2.gate.scale)/2)
	for r := uint32(0); r < 1<<avg.gate.bits; r += 7 {
		want := mean(m1.gate.weight(r), m2.gate.weight(r))
		require.InDelta(t, want, avg.gate.weight(r), gtol, "gate row %d", r)
	}

	opt.Seeds = -1
	_, err = Train(gen, opt)
	require.ErrorContains(t, err, "seeds -1 must not be negative")
}
