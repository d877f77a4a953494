package sentiment

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/cxpulse/cxpulse/event"
)

// The models `make model` trains; see the README for what they were trained on. The support
// model is the default model with its neutral class fitted on support messages.
var (
	//go:embed model/default.cxm
	defaultModelFile []byte
	//go:embed model/support.cxm
	supportModelFile []byte
)

// defaultModelName is the name `make model` gives the default model.
const defaultModelName = "cx-default"

// builtinPrefix marks the name of a model embedded in the binary, in place of a file's path.
const builtinPrefix = "builtin:"

// builtinModels are the models embedded in the binary, by name.
var builtinModels = map[string][]byte{"default": defaultModelFile, "support": supportModelFile}

// DefaultModel returns the default model embedded in the binary.
func DefaultModel() (*Model, error) { return BuiltinModel("default") }

// BuiltinModel returns the embedded model name ("default" or "support").
func BuiltinModel(name string) (*Model, error) {
	raw, ok := builtinModels[name]
	if !ok {
		return nil, fmt.Errorf("model %s%s: no such built-in model (have %s)", builtinPrefix, name, builtinNames())
	}
	return ReadModel(name, bytes.NewReader(raw))
}

// OpenModel returns the model a config names: a built-in one ("builtin:default", also what
// empty means, or "builtin:support") or a model file.
func OpenModel(name string) (*Model, error) {
	switch b, builtin := strings.CutPrefix(name, builtinPrefix); {
	case name == "":
		return DefaultModel()
	case builtin:
		return BuiltinModel(b)
	default:
		return LoadModel(name)
	}
}

// builtinNames lists the built-in models as they are named in a config.
func builtinNames() string {
	names := make([]string, 0, len(builtinModels))
	for n := range builtinModels {
		names = append(names, builtinPrefix+n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// defaultVocab is the vocabulary of the default model (nil if it cannot be read, which the
// tests of this package rule out).
var defaultVocab = sync.OnceValue(func() []string {
	m, err := DefaultModel()
	if err != nil {
		return nil
	}
	return m.vocab
})

// Scorer scores messages. It is read-only once built: every method is safe for concurrent use.
type Scorer struct {
	vocab  *vocab
	model  *Model
	topics []string
	lang   langDetector
	pool   sync.Pool
}

// New loads the model and the topic dictionary of cfg. It starts nothing.
func New(cfg Config) (*Scorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := OpenModel(cfg.Model)
	if err != nil {
		return nil, err
	}
	var extra []byte
	if cfg.Topics != "" {
		if extra, err = os.ReadFile(cfg.Topics); err != nil {
			return nil, fmt.Errorf("topics: %w", err)
		}
	}
	return NewWithModel(m, cfg.Topics, extra)
}

// NewWithModel builds a scorer around m, with the default topic dictionary extended by the YAML
// in topics (nil for none; name is used in errors).
func NewWithModel(m *Model, name string, topics []byte) (*Scorer, error) {
	d, err := loadTopics(name, topics)
	if err != nil {
		return nil, err
	}
	b, err := baseVocab()
	if err != nil {
		return nil, err
	}
	b.addTopics(d)
	// The words the model was trained on, and those of the default model (English text), are
	// evidence that a text is English.
	for _, w := range m.vocab {
		b.word(w).flags |= wEnglish
	}
	if m.info.Name != defaultModelName {
		for _, w := range defaultVocab() {
			b.word(w).flags |= wEnglish
		}
	}
	v := b.build()
	if m.q != nil {
		cacheWordWeights(v, b, m)
	}
	s := &Scorer{vocab: v, model: m, topics: d.names}
	s.pool.New = func() any { return new(analysis) }
	return s, nil
}

// baseVocab is the lexicon, the cues and the common English words.
func baseVocab() (*vocabBuilder, error) {
	b := newVocabBuilder()
	if err := b.addLexicon(lexiconText); err != nil {
		return nil, err
	}
	b.addEnglish()
	if err := b.addCues(cuesText); err != nil {
		return nil, err
	}
	return b, nil
}

// cacheWordWeights stores in every word entry the sum of its unigram and character n-gram
// weights, so that scoring a known word is one lookup.
func cacheWordWeights(v *vocab, b *vocabBuilder, m *Model) {
	for w := range b.words {
		if w == "" || w[0] == '#' {
			continue
		}
		wi := &v.infos[v.lookup(hashString(w))]
		wi.w, wi.nf = m.wordWeights(w)
		wi.flags |= wHasModel
	}
}

// ModelVersion identifies the model the scorer uses.
func (s *Scorer) ModelVersion() string { return s.model.version }

// Model returns the scorer's model.
func (s *Scorer) Model() *Model { return s.model }

// Topics lists the topic names of the scorer's dictionary, sorted.
func (s *Scorer) Topics() []string { return append([]string(nil), s.topics...) }

// ScoreBatch fills evs[i].Sentiment from evs[i].Text and evs[i].Language. It is safe for
// concurrent use (on distinct slices).
func (s *Scorer) ScoreBatch(evs []event.Scored) {
	// The evidence of the whole batch shares one allocation: its events live and go together.
	var backing []event.Evidence
	for i := range evs {
		d := &evs[i].Sentiment
		lent := d.Evidence == nil
		if lent {
			if len(backing) < maxEvidence {
				backing = make([]event.Evidence, maxEvidence*(len(evs)-i))
			}
			d.Evidence, backing = backing[:0:maxEvidence], backing[maxEvidence:]
		}
		s.Score(evs[i].Text, evs[i].Language, d)
		if lent && len(d.Evidence) == 0 {
			d.Evidence = nil // as Score leaves a fresh result without evidence
		}
	}
}

// Score fills dst for text. lang is the sender's language tag ("" if none); it is trusted, except
// "en" on text mostly in a non-Latin script, which is detected. dst's slices are reused
// (dst.Reset()); Evidence phrases are substrings of text. It never fails: text the model cannot
// read (not English, or nothing but numbers and links) gets Reliable=false, a neutral label,
// uniform probabilities and confidence 0. It is safe for concurrent use.
func (s *Scorer) Score(text, lang string, dst *event.Sentiment) {
	dst.Reset()
	dst.ModelVersion = s.model.version
	a := s.pool.Get().(*analysis)
	defer s.pool.Put(a)
	text = clip(text)
	orig := text
	var offs []int32
	if strings.IndexByte(text, '\\') >= 0 && strings.Contains(text, `\u`) { // most text has no backslash
		// Text escaped twice on its way here ("can\u2019t"): read it as it was written.
		if dec, m, ok := decodeEscapes(text, a.dec[:0], a.offs[:0]); ok {
			// The decoded text lives in the analysis's buffer while it is scored: the evidence
			// phrases are cut from orig, so nothing keeps it.
			a.dec, a.offs, offs = dec, m, m
			text = unsafe.String(unsafe.SliceData(dec), len(dec))
		}
	}
	a.run(s.vocab, text)

	var lr langResult
	sc := &a.tok.scripts
	if l := senderLanguage(lang); l != "" && (l != "en" || sc.latin*2 >= sc.total()) {
		lr = langResult{lang: l, english: l == "en"}
	} else { // no tag, or "en" on text mostly in another script: detect
		words, eng := a.words, a.eng
		if words == 0 { // only hashtags ("#fail #neveragain"): they are the words then
			words, eng = a.tags, a.tagEng
		}
		lr = s.lang.detect(&a.tok, words, eng)
	}
	dst.Language = lr.lang
	if !lr.english && (a.words+a.tags > 0 || a.signs == 0) {
		dst.Label = event.Neutral
		dst.Probs = event.Probs{Negative: 0.3333, Neutral: 0.3334, Positive: 0.3333}
		return
	}
	dst.Reliable = true
	if t := a.topics; t != 0 {
		if k := bits.OnesCount64(t); cap(dst.Topics)-len(dst.Topics) < k {
			dst.Topics = slices.Grow(dst.Topics, k) // one allocation for all of them
		}
		for i, name := range s.topics {
			if t&(1<<uint(i)) != 0 {
				dst.Topics = append(dst.Topics, name)
			}
		}
	}

	z := s.model.logits(a, s.vocab)
	p := softmax(z)
	dst.Probs = event.Probs{Negative: round4(p[cNeg]), Neutral: round4(p[cNeu]), Positive: round4(p[cPos])}
	best := cNeu
	if p[cNeg] > p[best] {
		best = cNeg
	}
	if p[cPos] > p[best] {
		best = cPos
	}
	dst.Label = event.Label(best - 1)
	dst.Confidence = round4(p[best])
	dst.Score = round4(p[cPos] - p[cNeg])
	s.evidence(a, text, orig, offs, dst)
}

// logits computes the class scores of an analysed message. Here, in ngrams, sumRows, evidence
// and the cached word weights (Model.wordWeights), products are rounded before they are added
// (float32(x*y)), so that no architecture fuses them into a multiply-add: a message gets the
// same score, to the last bit, on amd64 and arm64 (scripts/crossarch.sh checks it).
func (m *Model) logits(a *analysis, v *vocab) [numClass]float64 {
	z := m.ruleLogits(&a.rule)
	if m.q != nil {
		a.ngrams(v, m, &z)
	}
	if g := m.gate; g != nil { // a.share: set by ngrams
		d := m.supportShift(&a.rule)
		z[cNeu] += float32(a.share * d[cNeu])
		if g.supRules {
			z[cNeg] += float32(a.share * d[cNeg])
			z[cPos] += float32(a.share * d[cPos])
		}
	}
	return [numClass]float64{float64(z[0]), float64(z[1]), float64(z[2])}
}

// ruleLogits is the class biases plus the rule features' part of the logits, for rule feature
// values r (rounded as in logits).
func (m *Model) ruleLogits(r *[numRule]float32) [numClass]float32 {
	z := m.bias
	for f := 0; f < numRule; f++ {
		if x := r[f]; x != 0 {
			z[0] += float32(m.rule[f][0] * x)
			z[1] += float32(m.rule[f][1] * x)
			z[2] += float32(m.rule[f][2] * x)
		}
	}
	return z
}

// supportShare is how far the gate moves the message to the support calibration: the square of
// its probability that the message reads like a support conversation, so that text it is unsure
// of keeps the general calibration.
func (a *analysis) supportShare(g *gate) float64 {
	p := g.prob(a.gsum, a.gn)
	return p * p
}

// supportShift is, per class, the logit of the gate's support side minus that of m's own bias
// and rule weights, for rule features r: the neutral class's always, the negative and positive
// ones with support rules (else 0).
func (m *Model) supportShift(r *[numRule]float32) [numClass]float32 {
	g := m.gate
	var d [numClass]float32
	d[cNeu] = g.neuBias - m.bias[cNeu]
	for f := range r {
		if x := r[f]; x != 0 {
			d[cNeu] += float32((g.neuRule[f] - m.rule[f][cNeu]) * x)
			if g.supRules {
				d[cNeg] += float32((g.negRule[f] - m.rule[f][cNeg]) * x)
				d[cPos] += float32((g.posRule[f] - m.rule[f][cPos]) * x)
			}
		}
	}
	return d
}

func softmax(z [numClass]float64) [numClass]float64 {
	mx := math.Max(z[0], math.Max(z[1], z[2]))
	var p [numClass]float64
	var sum float64
	for c := range z {
		p[c] = 1 // exp(0), for the largest
		if z[c] != mx {
			p[c] = math.Exp(z[c] - mx)
		}
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// ruleDiff is the positive-minus-negative weight of rule feature f for analysis a, moved towards
// the support side's by the gate's share, as in logits.
func (m *Model) ruleDiff(a *analysis, f int) float32 {
	d := m.rule[f][cPos] - m.rule[f][cNeg]
	if g := m.gate; g != nil && g.supRules {
		d += float32(a.share * ((g.posRule[f] - g.negRule[f]) - d))
	}
	return d
}

// creditRules adds to the contributions of a's tokens what the rule features that sum items put
// into the positive-minus-negative logit: each feature's part (its value times ruleDiff) shared
// out among its items in proportion to their values (a sarcasm feature among its markers).
func (m *Model) creditRules(a *analysis) {
	r := &a.rule
	var pos, neg, complaint, praise, sarcasms float32
	for k := range a.items {
		it := &a.items[k]
		switch it.kind {
		case itLex, itEmoji, itPolite:
			if it.v > 0 {
				pos += it.v
			} else {
				neg -= it.v
			}
		case itComplaint:
			complaint += it.v
		case itPraise:
			praise += it.v
		case itSarcasm, itSarcasmCond:
			sarcasms++
		}
	}
	// The positive-minus-negative weight of each summing feature, once.
	var d [numRule]float32
	for _, f := range [...]int{rfPos, rfNeg, rfComplaint, rfPraise, rfSarcasm} {
		if r[f] != 0 {
			d[f] = m.ruleDiff(a, f)
		}
	}
	// share is item value v's part of rule feature f, whose items' values sum to sum.
	share := func(v, sum float32, f int) float32 {
		if sum <= 0 || r[f] == 0 {
			return 0
		}
		return v / sum * r[f] * d[f]
	}
	for k := range a.items {
		it := &a.items[k]
		var w float32
		switch it.kind {
		case itLex, itEmoji, itPolite:
			if it.v > 0 {
				w = share(it.v, pos, rfPos)
			} else {
				w = share(-it.v, neg, rfNeg)
			}
		case itComplaint:
			w = share(it.v, complaint, rfComplaint)
		case itPraise:
			w = share(it.v, praise, rfPraise)
		case itSarcasm, itSarcasmCond:
			w = share(1, sarcasms, rfSarcasm)
		}
		a.contrib[a.group[it.first]] += float32(w) // rounded: see logits
	}
}

// evidence puts the phrases that moved the score most into dst.Evidence: each rule item's share
// of the positive-minus-negative logit plus the model's share of its words. A rule feature that
// sums items (the positive and negative lexicon, complaint and praise cues: log(1 + sum)) is
// shared out among its items in proportion to their values, so that their weights add up to what
// the feature put into the logits ("… before ranked ends. genius move devs 👏👏" reads positive,
// and "genius" is then evidence for it).
// When offs is set, text was decoded from orig and offs maps its byte offsets to orig's: the
// phrases are cut from orig.
func (s *Scorer) evidence(a *analysis, text, orig string, offs []int32, dst *event.Sentiment) {
	s.model.creditRules(a)
	toks := a.tok.toks
	// Fold phrase members into their first token; keep the strongest groups, strongest first.
	var top [maxEvidence]evCand
	n := topEvidence(a, len(toks), &top)
	dst.Evidence = slices.Grow(dst.Evidence, n) // one allocation for all of them
	for k := 0; k < n; k++ {
		c := top[k]
		start, end := toks[c.first].start, toks[c.last].end
		phrase := text[start:end]
		if offs != nil {
			phrase = orig[offs[start]:offs[end]]
		}
		dst.Evidence = append(dst.Evidence, event.Evidence{
			Phrase: phrase,
			Weight: math.Round(float64(c.w)*1000) / 1000,
		})
	}
}

// decodeEscapes appends to b text with its \uXXXX escapes (and \uD83D\uDE02 surrogate pairs)
// replaced by the characters they stand for, and to offs, for every byte of the result and one
// past its end, the offset in text it comes from. ok is false, and b and offs unchanged, when text
// has no such escape.
func decodeEscapes(text string, b []byte, offs []int32) (dec []byte, _ []int32, ok bool) {
	for i := 0; i < len(text); {
		r, n := escapeAt(text, i)
		if n == 0 {
			if ok {
				b = append(b, text[i])
				offs = append(offs, int32(i))
			}
			i++
			continue
		}
		if r >= 0xD800 && r < 0xDC00 { // a high surrogate: its pair follows
			lo, m := escapeAt(text, i+n)
			if m == 0 || lo < 0xDC00 || lo > 0xDFFF {
				r = utf8.RuneError
			} else {
				r, n = 0x10000+(r-0xD800)<<10+(lo-0xDC00), n+m
			}
		} else if r >= 0xDC00 && r <= 0xDFFF {
			r = utf8.RuneError
		}
		if !ok {
			ok = true
			b = slices.Grow(b, len(text))
			b = append(b, text[:i]...)
			for k := 0; k < i; k++ {
				offs = append(offs, int32(k))
			}
		}
		k := len(b)
		b = utf8.AppendRune(b, r)
		for range len(b) - k {
			offs = append(offs, int32(i))
		}
		i += n
	}
	if !ok {
		return b, offs, false
	}
	offs = append(offs, int32(len(text)))
	return b, offs, true
}

// escapeAt returns the code of the \uXXXX escape at text[i:] and its length 6, or 0.
func escapeAt(text string, i int) (rune, int) {
	if i+6 > len(text) || text[i] != '\\' || text[i+1] != 'u' {
		return 0, 0
	}
	var r rune
	for k := i + 2; k < i+6; k++ {
		c := text[k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, 6
}
