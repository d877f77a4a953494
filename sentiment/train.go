package sentiment

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// TrainOptions configure Train. The zero value of a field takes its default.
type TrainOptions struct {
	// Name is the model name, the first part of its version (default "custom").
	Name string
	// Bits is the log2 of the number of hashed feature rows (default 18).
	Bits uint
	// CharBits is the log2 of the number of rows character n-grams share (default 12).
	CharBits uint
	// BigramBits is the log2 of the number of rows bigrams share (default 16).
	BigramBits uint
	// NoCharGrams leaves out the character n-grams of words: for large, general training data,
	// where they add little and take scoring time (see README.md, the default model).
	NoCharGrams bool
	// NgramCap, when more than 0, is the number of n-gram features past which a message's n-gram
	// sum is their mean times √NgramCap instead of their sum over the square root of their
	// number (see Model.ngramScale): a long message's story weighs no more than a tweet's
	// (0, the zero value: no cap; `cxpulse sentiment train` passes 40; see
	// docs/sentiment-record.md).
	NgramCap int
	// Epochs over the data (default 6: more fit a team's own messages a little closer and read
	// other kinds of support messages worse; see docs/sentiment-record.md).
	Epochs int
	// L2 is the regularisation of the n-gram weights, per example (default 2e-6).
	L2 float64
	// RuleL2 pulls the rule feature weights towards their priors, or Base's (default 1e-3).
	RuleL2 float64
	// LearningRate of AdaGrad (default 0.2).
	LearningRate float64
	// Seed fixes the order of the examples; the same data and options give the same model.
	Seed uint64
	// FixedRules keeps the weights of the rule features at their priors (Base's, with a Base):
	// the n-grams then learn what the rules miss. For general-domain data, which has too few
	// customer conversations to weigh the CX cues, and on which the n-grams would otherwise
	// absorb the lexicon.
	FixedRules bool
	// Balanced weights each class by the inverse of its frequency.
	Balanced bool
	// NeutralEpochs, with Polarity, then fits the neutral class's bias and rule weights (the
	// n-grams fixed) on all the examples, classes balanced: how much sentiment it takes for a
	// message not to be neutral, learned from the data's own neutral examples.
	NeutralEpochs int
	// NeutralData, when set, is what NeutralEpochs fits the neutral class on instead of the
	// training examples: the neutral of another kind of text (support messages) than the one the
	// n-grams learn from.
	NeutralData []Example
	// PolarityData are support messages whose negative and positive examples train n-grams
	// too. With Gate they train a second set, the support n-grams, with the examples: the gate
	// moves each message from the first set to the second as it does the neutral class (see
	// Model.sup), so that general text keeps the n-grams of general text. Without Gate they join
	// the examples. Neither the neutral class of the examples nor the gate sees them.
	PolarityData []Example
	PolarityOn   []string
	// SupportRules, with NeutralData, fits the negative and positive rule weights on NeutralData
	// too, after the neutral class (regularised towards their priors, n-grams fixed): with a
	// gate, those of the support side, which the gate moves to as it does the neutral ones;
	// without, the model's own.
	SupportRules bool
	// Gate, with NeutralData, keeps the neutral class fitted on the training examples for general
	// text and fits the one of NeutralData as a second, support calibration; a gate learnt to
	// tell NeutralData from the training examples then moves each message from the first to the
	// second as much as it reads like NeutralData (see gate).
	Gate bool
	// Average returns the average of the weights over all steps of training instead of the last
	// ones: steadier from one seed to another, and usually better on new data.
	Average bool
	// Polarity learns only negative against positive: neutral examples are skipped, and the
	// neutral class and the class biases keep their priors. For general-domain data, whose
	// neutral class (faint sentiment) is not the neutral of customer messages (questions,
	// requests, information).
	Polarity bool
	// MinWordCount is how often a word must occur to enter the model's vocabulary (default 2).
	MinWordCount int
	// TrainedOn names the data, for the model's description; NeutralOn names NeutralData.
	TrainedOn []string
	NeutralOn []string
	// Base, when set, is a model whose n-gram weights (those of its support side, if it has
	// one), times BaseWeight, the n-grams start from and are regularised towards instead of
	// zero, and whose rule weights (its support side's) the rule weights start from and are
	// regularised towards instead of the rule features' priors (FixedRules keeps them there):
	// what a team's labels say nothing of keeps what Base knows. It must hash features as the
	// trained model does (Bits, CharBits, BigramBits, NoCharGrams).
	Base *Model
	// BaseWeight is the share of Base's weights to start from (default 0.35: on the airline
	// tweets, as much as helps support messages of other kinds without costing the tweets'
	// own test split; see docs/sentiment-record.md).
	BaseWeight float64
	// Seeds, when more than one, trains that many models, with seeds Seed, Seed+1, …, and
	// averages their weights: the model no longer depends on the order of one seed, at the cost
	// of that many trainings (default 1).
	Seeds int
	// BaseBlend, with a Base, is the share of Base's support side (its support n-grams, rule
	// weights and biases, in full) that the trained weights are mixed with at the end: a
	// weight-space interpolation, the same as mixing the two models' logits, that keeps more of
	// what Base reads well in messages unlike the training data (0, the zero value: none;
	// `cxpulse sentiment train` passes 0.3; see docs/sentiment-record.md).
	BaseBlend float64

	// rulePrior is what the rule weights start from and are regularised towards: the rule
	// features' priors, or Base's support rule weights (see Model.supportRules).
	rulePrior [numRule][numClass]float32
}

func (o *TrainOptions) defaults() {
	if o.Name == "" {
		o.Name = "custom"
	}
	if o.Bits == 0 {
		o.Bits = 18
	}
	if o.CharBits == 0 {
		o.CharBits = 12
	}
	if o.BigramBits == 0 {
		o.BigramBits = 16
	}
	if o.Epochs == 0 {
		o.Epochs = 6
	}
	if o.L2 == 0 {
		o.L2 = 2e-6
	}
	if o.RuleL2 == 0 {
		o.RuleL2 = 1e-3
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.2
	}
	if o.MinWordCount == 0 {
		o.MinWordCount = 2
	}
	if o.BaseWeight == 0 {
		o.BaseWeight = 0.35
	}
}

// trainSet is examples as features: rows share the feature slices (and the gate rows, when the
// model has a gate).
type trainSet struct {
	rows       []trainRow
	feats      []uint32
	vals       []float32
	grows      []uint32
	classCount [numClass]int
}

// featurize analyses exs with m's hashing; counts, when not nil, counts their words.
func featurize(v *vocab, m *Model, exs []Example, counts map[string]int) trainSet {
	ts := trainSet{rows: make([]trainRow, len(exs))}
	var a analysis
	for i := range exs {
		a.run(v, clip(exs[i].Text))
		nf := a.features(v, m, false, nil)
		r := &ts.rows[i]
		r.off = int32(len(ts.feats))
		for _, e := range a.ents {
			ts.feats = append(ts.feats, e.row)
			ts.vals = append(ts.vals, e.val)
		}
		r.end = int32(len(ts.feats))
		r.goff = int32(len(ts.grows))
		ts.grows = append(ts.grows, a.grows...)
		r.gend = int32(len(ts.grows))
		if nf > 0 {
			r.scale = m.ngramScale(nf)
		}
		r.rule = a.rule
		r.label = int(exs[i].Label) + 1
		ts.classCount[r.label]++
		if counts == nil {
			continue
		}
		t := &a.tok
		for k := range t.toks {
			if tk := &t.toks[k]; tk.kind == tkWord {
				counts[string(t.normOf(tk))]++
			}
		}
	}
	return ts
}

// classWeights weighs each class of ts by the inverse of its frequency when balanced, else 1.
func classWeights(ts *trainSet, balanced bool) [numClass]float64 {
	var cw [numClass]float64
	for c := range cw {
		cw[c] = 1
		if balanced && ts.classCount[c] > 0 {
			cw[c] = float64(len(ts.rows)) / (numClass * float64(ts.classCount[c]))
		}
	}
	return cw
}

// indices returns 0, 1, …, n-1: an order of n examples to shuffle.
func indices(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// head is the set of ts's first n examples.
func (ts trainSet) head(n int) trainSet {
	h := ts
	h.rows = ts.rows[:n]
	h.classCount = [numClass]int{}
	for i := range h.rows {
		h.classCount[h.rows[i].label]++
	}
	return h
}

// trainRow is one example as features.
type trainRow struct {
	off, end   int32 // its rows in the shared feature slices
	goff, gend int32 // its gate rows
	scale      float32
	rule       [numRule]float32
	label      int
}

// Train fits a model to labelled examples: multinomial logistic regression with AdaGrad over the
// hashed n-grams and the rule features, the latter regularised towards their priors (Base's,
// with a Base).
func Train(exs []Example, opt TrainOptions) (*Model, error) {
	opt.defaults()
	if err := opt.check(len(exs)); err != nil {
		return nil, err
	}
	b, err := baseVocab()
	if err != nil {
		return nil, err
	}
	v := b.build()
	for i := range ruleFeatures {
		opt.rulePrior[i] = ruleFeatures[i].prior
	}
	if opt.Base != nil {
		opt.Base.supportRules(&opt.rulePrior)
	}
	d, err := prepare(v, exs, opt)
	if err != nil {
		return nil, err
	}
	ms := make([]*Model, max(opt.Seeds, 1))
	for k := range ms {
		o := opt
		o.Seed = opt.Seed + uint64(k)
		ms[k] = trainSeed(d, o)
	}
	m := ms[0]
	if len(ms) > 1 {
		m = averageModels(ms)
		m.info.Seeds = len(ms)
	}
	// Round-trip through the file format so that the model in memory is the one a file gives
	// (with its list of rule features, which the file carries).
	return reload(m)
}

// check reports options Train cannot train with, for n examples, before any training.
func (o *TrainOptions) check(n int) error {
	switch {
	case n == 0:
		return errors.New("train: no examples")
	case o.Bits < 10 || o.Bits > 24:
		return fmt.Errorf("train: bits %d out of range 10..24", o.Bits)
	case o.Epochs < 0 || o.NeutralEpochs < 0 || o.L2 < 0 || o.RuleL2 < 0:
		return fmt.Errorf("train: epochs %d, neutral epochs %d, L2 %g and rule L2 %g must not be negative", o.Epochs, o.NeutralEpochs, o.L2, o.RuleL2)
	case o.NgramCap < 0:
		return fmt.Errorf("train: n-gram cap %d must not be negative", o.NgramCap)
	case o.Seeds < 0:
		return fmt.Errorf("train: seeds %d must not be negative", o.Seeds)
	case o.BaseBlend < 0 || o.BaseBlend > 1:
		return fmt.Errorf("train: base blend %g out of range [0, 1]", o.BaseBlend)
	case o.CharBits > o.Bits || o.BigramBits > o.Bits:
		return fmt.Errorf("train: char bits %d and bigram bits %d must not exceed bits %d", o.CharBits, o.BigramBits, o.Bits)
	case o.Gate && (len(o.NeutralData) == 0 || !o.Polarity || o.NeutralEpochs == 0):
		return errors.New("train: a gate needs neutral data, polarity and neutral epochs")
	}
	return nil
}

// averageModels returns the mean of models trained alike but for their seeds: every weight
// (n-grams, support n-grams, rule weights, biases, the gate and its calibrations) is the mean of
// theirs, summed in float64 in the models' order, so that the same models give the same bytes on
// every architecture. The models share the vocabulary and the layout of the first.
func averageModels(ms []*Model) *Model {
	n := float64(len(ms))
	mean := func(dst []float32, get func(*Model) []float32) {
		for i := range dst {
			var sum float64
			for _, m := range ms {
				sum += float64(get(m)[i])
			}
			dst[i] = float32(sum / n)
		}
	}
	out := *ms[0]
	out.w = make([]float32, len(ms[0].w))
	mean(out.w, func(m *Model) []float32 { return m.w })
	if ms[0].sup != nil {
		out.sup = make([]float32, len(ms[0].sup))
		mean(out.sup, func(m *Model) []float32 { return m.sup })
	}
	mean(out.bias[:], func(m *Model) []float32 { return m.bias[:] })
	for f := range out.rule {
		mean(out.rule[f][:], func(m *Model) []float32 { return m.rule[f][:] })
	}
	if g0 := ms[0].gate; g0 != nil {
		g := *g0
		g.w = make([]float32, len(g0.w))
		mean(g.w, func(m *Model) []float32 { return m.gate.w })
		one := func(get func(*gate) *float32) float32 {
			var sum float64
			for _, m := range ms {
				sum += float64(*get(m.gate))
			}
			return float32(sum / n)
		}
		g.bias = one(func(g *gate) *float32 { return &g.bias })
		g.neuBias = one(func(g *gate) *float32 { return &g.neuBias })
		mean(g.neuRule[:], func(m *Model) []float32 { return m.gate.neuRule[:] })
		mean(g.negRule[:], func(m *Model) []float32 { return m.gate.negRule[:] })
		mean(g.posRule[:], func(m *Model) []float32 { return m.gate.posRule[:] })
		out.gate = &g
	}
	return &out
}

// trainData is what every seed's training reads and none changes: the data as features, the
// words counted in it, and the n-gram weights a Base gives to start from.
type trainData struct {
	n       int            // examples (the first rows of both)
	both    trainSet       // the examples, then PolarityData
	neutral trainSet       // NeutralData, when the neutral class is fitted on it
	counts  map[string]int // the words of both
	prior   []float32      // BaseWeight times Base's n-gram weights, with a Base
	blend   []float32      // Base's n-gram weights, with a Base to blend with (see blendBase)
}

// newTrainModel returns a model with opt's layout and the rule priors, to train.
func newTrainModel(opt *TrainOptions) *Model {
	m := &Model{bits: opt.Bits, charBits: opt.CharBits, bigramBits: opt.BigramBits, noChars: opt.NoCharGrams, ngramCap: opt.NgramCap, bias: priorBias, w: make([]float32, numClass<<opt.Bits)}
	if opt.Gate {
		m.gate = &gate{bits: gateBits, w: make([]float32, 1<<gateBits)}
	}
	m.rule = opt.rulePrior
	return m
}

// prepare analyses the data of exs and opt once for all seeds, over vocabulary v. The features
// depend only on the model's layout, which every seed shares.
func prepare(v *vocab, exs []Example, opt TrainOptions) (*trainData, error) {
	m := newTrainModel(&opt)
	d := &trainData{n: len(exs), counts: map[string]int{}}
	all := exs
	if len(opt.PolarityData) > 0 {
		all = append(exs[:len(exs):len(exs)], opt.PolarityData...)
	}
	d.both = featurize(v, m, all, d.counts)
	if opt.Polarity && opt.NeutralEpochs > 0 && len(opt.NeutralData) > 0 {
		d.neutral = featurize(v, m, opt.NeutralData, nil)
	}
	if opt.Base != nil {
		var err error
		if d.prior, err = opt.Base.ngramPrior(m, float32(opt.BaseWeight)); err != nil {
			return nil, err
		}
		if opt.BaseBlend > 0 && !opt.Gate {
			if d.blend, err = opt.Base.ngramPrior(m, 1); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// trainSeed trains one model (with opt.Seed, options checked, rulePrior set) on d and returns it
// before it is quantized.
func trainSeed(d *trainData, opt TrainOptions) *Model {
	m := newTrainModel(&opt)

	// With a gate, the support messages of PolarityData train n-grams of their own (see
	// Model.sup); without one, they join the examples.
	split := opt.Gate && len(opt.PolarityData) > 0
	both := d.both
	tr := both.head(d.n)
	main := both // what the model's own n-grams learn from
	if split {
		main = tr
	}
	copy(m.w, d.prior)
	newRand := func() *rand.PCG { return rand.NewPCG(opt.Seed, opt.Seed^0x5DEECE66D) }
	src := newRand()
	rng := rand.New(src)
	fitWeights(m, m.w, d.prior, &main, classWeights(&main, opt.Balanced), opt, rng)
	srng := rng // what the support calibration draws its order from
	if split {
		// The support n-grams: the training of the model without a gate, from fresh weights and
		// the same seed, the rules kept as they are or, with SupportRules, learned from there.
		// With fixed rules, they and the support calibration are that model's (the support model
		// of make model, trained with fixed rules or not as SupportRules says).
		m.sup = make([]float32, len(m.w))
		so := opt
		so.FixedRules = true
		srng = rand.New(newRand())
		fitWeights(m, m.sup, nil, &both, classWeights(&both, opt.Balanced), so, srng)
	}

	if opt.Polarity && opt.NeutralEpochs > 0 {
		switch {
		case opt.Gate:
			// Both calibrations start from the same state, each as it would alone: the general
			// one is then that of the model without NeutralData, the support one that of the
			// model with NeutralData (and PolarityData) and no gate, fitted with the support
			// n-grams if there are any.
			bias, rule, state := m.bias[cNeu], m.rule, *src
			nt := d.neutral
			sw := m.w
			if m.sup != nil {
				sw = m.sup
			}
			g := m.gate
			fitColumns(m, sw, &nt, opt, srng, cNeu)
			if opt.SupportRules {
				fitColumns(m, sw, &nt, opt, srng, cNeg, cPos)
				g.supRules = true
				for f := range m.rule {
					g.negRule[f], g.posRule[f] = m.rule[f][cNeg], m.rule[f][cPos]
				}
			}
			g.neuBias = m.bias[cNeu]
			for f := range g.neuRule {
				g.neuRule[f] = m.rule[f][cNeu]
			}
			m.bias[cNeu], m.rule = bias, rule
			fitColumns(m, m.w, &tr, opt, rand.New(&state), cNeu)
			fitGate(g, &tr, &nt, opt.Seed)
		case len(opt.NeutralData) > 0:
			tr = d.neutral
			fitColumns(m, m.w, &tr, opt, rng, cNeu)
			if opt.SupportRules {
				fitColumns(m, m.w, &tr, opt, rng, cNeg, cPos)
			}
		default:
			fitColumns(m, m.w, &tr, opt, rng, cNeu)
		}
	}

	if d.blend != nil {
		blendBase(m, opt.Base, opt.BaseBlend, d.blend)
	}

	for w, n := range d.counts {
		if n >= opt.MinWordCount && w != "" {
			m.vocab = append(m.vocab, w)
		}
	}
	if opt.Base != nil { // the words whose weights come from the base are the model's too
		for _, w := range opt.Base.vocab {
			if d.counts[w] < opt.MinWordCount {
				m.vocab = append(m.vocab, w)
			}
		}
	}
	sort.Strings(m.vocab)
	rules := "learned"
	if opt.FixedRules {
		rules = "fixed"
	}
	m.info = ModelInfo{
		Name: opt.Name, Bits: opt.Bits, CharBits: opt.CharBits, BigramBits: opt.BigramBits, TrainedOn: opt.TrainedOn, NeutralOn: opt.NeutralOn, PolarityOn: opt.PolarityOn, Examples: d.n, Seed: opt.Seed,
		Epochs: opt.Epochs, L2: opt.L2, Rules: rules, NoCharGrams: opt.NoCharGrams, NgramCap: opt.NgramCap,
	}
	if opt.Base != nil {
		m.info.Base, m.info.BaseWeight = opt.Base.Version(), opt.BaseWeight
		if !opt.Gate {
			m.info.BaseBlend = opt.BaseBlend
		}
	}
	return m
}

func reload(m *Model) (*Model, error) {
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, err
	}
	return ReadModel(m.info.Name, &buf)
}

// Training of the gate: plain stochastic gradient descent on the logistic loss, classes balanced.
const (
	gateEpochs = 10
	gateRate   = 0.1
	gateL2     = 1e-5
)

// fitGate fits g to tell the examples of support (1) from those of general (0), by their gate
// rows. Products are rounded before they are added, as in Train.
func fitGate(g *gate, general, support *trainSet, seed uint64) {
	type ex struct {
		rows []uint32
		y    float64
	}
	var exs []ex
	for _, s := range []struct {
		ts *trainSet
		y  float64
	}{{general, 0}, {support, 1}} {
		for _, r := range s.ts.rows {
			exs = append(exs, ex{s.ts.grows[r.goff:r.gend], s.y})
		}
	}
	n0, n1 := float64(len(general.rows)), float64(len(support.rows))
	cw := [2]float64{(n0 + n1) / (2 * n0), (n0 + n1) / (2 * n1)}
	w := make([]float64, len(g.w))
	var b float64
	rng := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	for epoch := 0; epoch < gateEpochs; epoch++ {
		rng.Shuffle(len(exs), func(i, j int) { exs[i], exs[j] = exs[j], exs[i] })
		for _, e := range exs {
			if len(e.rows) == 0 {
				continue
			}
			sc := 1 / math.Sqrt(float64(len(e.rows)))
			z := b
			for _, r := range e.rows {
				z += float64(w[r] * sc)
			}
			p := 1 / (1 + math.Exp(-z))
			d := float64((p - e.y) * cw[int(e.y)])
			b -= float64(gateRate * d)
			for _, r := range e.rows {
				w[r] -= float64(gateRate * float64(float64(d*sc)+float64(gateL2*w[r])))
			}
		}
	}
	g.bias = float32(b)
	for i := range w {
		g.w[i] = float32(w[i])
	}
}

// fitColumns fits the rule weights of the classes cols, regularised towards their priors, and
// the neutral class's bias if it is among them, with the rest of the model and the n-gram weights
// w fixed, classes balanced; see TrainOptions.NeutralEpochs and SupportRules. The neutral column
// leaves the weights of the CX cues at their priors. Products are rounded before they are added,
// as in Train.
func fitColumns(m *Model, w []float32, ts *trainSet, opt TrainOptions, rng *rand.Rand, cols ...int) {
	rows, feats, vals := ts.rows, ts.feats, ts.vals
	cw := classWeights(ts, true)
	// The n-gram part of every example does not change: compute it once.
	ng := make([][numClass]float32, len(rows))
	for i := range rows {
		r := &rows[i]
		for k, row := range feats[r.off:r.end] {
			x := vals[int(r.off)+k] * r.scale
			for c := 0; c < numClass; c++ {
				ng[i][c] += float32(x * w[int(row)*numClass+c])
			}
		}
	}
	order := indices(len(rows))
	var gb float64
	var gr [numRule][numClass]float64
	const eps = 1e-8
	lr := opt.LearningRate
	for epoch := 0; epoch < opt.NeutralEpochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			r := &rows[i]
			z := m.ruleLogits(&r.rule)
			var zz [numClass]float64
			for c := range zz {
				zz[c] = float64(z[c] + ng[i][c])
			}
			p := softmax(zz)
			for _, c := range cols {
				y := 0.0
				if r.label == c {
					y = 1
				}
				g := (p[c] - y) * cw[r.label]
				if c == cNeu {
					gb += float64(g * g)
					m.bias[cNeu] -= float32(lr * g / math.Sqrt(gb+eps))
				}
				for f := 0; f < numRule; f++ {
					x := float64(r.rule[f])
					if x == 0 || c == cNeu && ruleFeatures[f].cx {
						continue // general text has too few customer conversations to weigh CX cues
					}
					opt.ruleStep(m, &gr, f, c, float64(g*x))
				}
			}
		}
	}
}

// ruleStep takes one AdaGrad step on m's weight of rule feature f for class c, for the gradient
// gx of the loss, regularised by o.RuleL2 towards the weight's prior (o.rulePrior); gr holds the
// squared steps so far. It returns the step taken (subtracted from the weight).
func (o *TrainOptions) ruleStep(m *Model, gr *[numRule][numClass]float64, f, c int, gx float64) float64 {
	const eps = 1e-8
	d := gx + float64(o.RuleL2*float64(m.rule[f][c]-o.rulePrior[f][c]))
	gr[f][c] += float64(d * d)
	delta := o.LearningRate * d / math.Sqrt(gr[f][c]+eps)
	m.rule[f][c] -= float32(delta)
	return delta
}

// fitWeights fits the n-gram weights w (numClass per row) to ts, regularised towards prior (nil:
// zero), and m's biases and rule weights unless opt keeps them (Polarity, FixedRules): opt.Epochs
// of AdaGrad in an order drawn from rng.
func fitWeights(m *Model, w, prior []float32, ts *trainSet, classWeight [numClass]float64, opt TrainOptions, rng *rand.Rand) {
	rows, feats, vals := ts.rows, ts.feats, ts.vals
	// AdaGrad. Every product is rounded before it is added (float32(x*y), float64(x*y)): Go may
	// fuse a multiply and an add into one instruction on some architectures (arm64) and not on
	// others (amd64), and the explicit rounding keeps the same data giving the same model bytes
	// on all of them.
	gw := make([]float32, len(w))
	var gb [numClass]float64
	var gr [numRule][numClass]float64
	order := indices(len(rows))
	lr := opt.LearningRate
	const eps = 1e-8
	// Averaging without touching every weight at every step: u accumulates step·update, and the
	// average is w − u/step at the end.
	var uw []float32
	var ub [numClass]float64
	var ur [numRule][numClass]float64
	if opt.Average {
		uw = make([]float32, len(w))
	}
	step := 1.0
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			r := &rows[i]
			z := m.ruleLogits(&r.rule)
			var sum [numClass]float32
			for k, row := range feats[r.off:r.end] {
				x := vals[int(r.off)+k]
				wr := w[int(row)*numClass : int(row)*numClass+numClass]
				sum[0] += float32(x * wr[0])
				sum[1] += float32(x * wr[1])
				sum[2] += float32(x * wr[2])
			}
			var zz [numClass]float64
			for c := range z {
				zz[c] = float64(z[c] + float32(r.scale*sum[c]))
			}
			var g [numClass]float64
			if opt.Polarity {
				if r.label == cNeu {
					continue
				}
				pp := 1 / (1 + math.Exp(zz[cNeg]-zz[cPos]))
				y := 0.0
				if r.label == cPos {
					y = 1
				}
				g[cPos] = (pp - y) * classWeight[r.label]
				g[cNeg] = -g[cPos]
			} else {
				p := softmax(zz)
				for c := range g {
					y := 0.0
					if c == r.label {
						y = 1
					}
					g[c] = (p[c] - y) * classWeight[r.label]
				}
				for c := range g {
					gb[c] += float64(g[c] * g[c])
					delta := lr * g[c] / math.Sqrt(gb[c]+eps)
					m.bias[c] -= float32(delta)
					ub[c] -= float64(step * delta)
				}
			}
			for f := 0; f < numRule; f++ {
				x := float64(r.rule[f])
				if x == 0 || opt.FixedRules {
					continue
				}
				for c := range g {
					if opt.Polarity && c == cNeu {
						continue
					}
					delta := opt.ruleStep(m, &gr, f, c, float64(g[c]*x))
					ur[f][c] -= float64(step * delta)
				}
			}
			for j, row := range feats[r.off:r.end] {
				k := int(row) * numClass
				x := float64(vals[int(r.off)+j] * r.scale)
				for c := range g {
					if opt.Polarity && c == cNeu {
						continue
					}
					wd := w[k+c]
					if prior != nil {
						wd -= prior[k+c]
					}
					d := float64(g[c]*x) + float64(opt.L2*float64(wd))
					gw[k+c] += float32(d * d)
					delta := lr * d / math.Sqrt(float64(gw[k+c])+eps)
					w[k+c] -= float32(delta)
					if uw != nil {
						uw[k+c] -= float32(step * delta)
					}
				}
			}
			step++
		}
	}
	if opt.Average {
		for k := range w {
			w[k] -= uw[k] / float32(step)
		}
		for c := range m.bias {
			m.bias[c] -= float32(ub[c] / step)
		}
		for f := range m.rule {
			for c := range m.rule[f] {
				m.rule[f][c] -= float32(ur[f][c] / step)
			}
		}
	}
}

// supportRules writes into r the rule weights m gives a support message, those of its support
// side if it has a gate, for the rule features m was trained with (a model older than this build
// leaves the later ones as they are).
func (m *Model) supportRules(r *[numRule][numClass]float32) {
	nr := min(len(m.info.RuleFeatures), numRule)
	for f := range nr {
		w := m.rule[f]
		if g := m.gate; g != nil {
			w[cNeu] = g.neuRule[f]
			if g.supRules {
				w[cNeg], w[cPos] = g.negRule[f], g.posRule[f]
			}
		}
		r[f] = w
	}
}

// blendBase mixes share (in [0, 1]) of base's support side into m's trained weights: n-gram
// weights (w, base's as ngramPrior gives them with share 1), rule weights and biases become
// (1-share)·m's + share·base's. Products are rounded before they are added, as in training.
func blendBase(m, base *Model, share float64, w []float32) {
	a, b := float32(1-share), float32(share)
	for i := range m.w {
		m.w[i] = float32(a*m.w[i]) + float32(b*w[i])
	}
	r := m.rule // the rule features base lacks keep m's weights
	base.supportRules(&r)
	for f := range r {
		for c := range r[f] {
			m.rule[f][c] = float32(a*m.rule[f][c]) + float32(b*r[f][c])
		}
	}
	bias := base.bias
	if g := base.gate; g != nil {
		bias[cNeu] = g.neuBias
	}
	for c := range bias {
		m.bias[c] = float32(a*m.bias[c]) + float32(b*bias[c])
	}
}

// ngramPrior returns share times the n-gram weights of m (those of its support side, if it has
// one) as numClass weights per row, for t, a model in training, to start from.
func (m *Model) ngramPrior(t *Model, share float32) ([]float32, error) {
	if m.q == nil || m.bits != t.bits || m.charBits != t.charBits || m.bigramBits != t.bigramBits || m.noChars != t.noChars {
		return nil, fmt.Errorf("train: base model %s hashes features with bits %d, char bits %d, bigram bits %d, character n-grams %v, the model to train with %d, %d, %d, %v: train with the base's, or without a base (--base none)",
			m.Version(), m.bits, m.charBits, m.bigramBits, !m.noChars, t.bits, t.charBits, t.bigramBits, !t.noChars)
	}
	if share <= 0 || share > 1 {
		return nil, fmt.Errorf("train: base weight %g out of range (0, 1]", share)
	}
	w := make([]float32, len(m.q))
	if m.supQ != nil {
		for r, x := range m.supQ {
			v := float32(float32(x)*m.supScale) * share
			w[r*numClass+cNeg], w[r*numClass+cPos] = -v, v
		}
		return w, nil
	}
	for i, x := range m.q {
		w[i] = float32(float32(x)*m.scale) * share
	}
	return w, nil
}
