package sentiment

import (
	"math"
	"strings"
)

// fent is one hashed feature of a message: its weight row, its value, and the tokens it belongs
// to (b < 0: only a; a < 0: the start of a clause and b).
type fent struct {
	row  uint32
	a, b int32
	val  float32
}

// features lists the model features of the analysed message in a.ents: word unigrams (and their
// negated form inside a negation scope), the mean of each word's character 3–5-grams (unless the
// model has none), bigrams,
// emoji, emoticons and punctuation. Words whose weights the vocabulary caches (when cache is set)
// are summed into cached instead, with their share of the positive-minus-negative logit in
// a.contrib. When the model has a support gate, the units (words, emoji, numbers, …) and their
// bigrams are counted for it (see gate.add). It returns the number of features (a word
// counts two: unigram and characters).
func (a *analysis) features(v *vocab, m *Model, cache bool, cached *[numClass]float32) int {
	t := &a.tok
	toks := t.toks
	a.ents = a.ents[:0]
	a.grows, a.gsum, a.gn = a.grows[:0], 0, 0
	nf := 0
	prevUnit, prevTok := uint64(unitBOS), int32(-1)
	sup := m.pair != nil
	if sup {
		a.sdiff = grow(a.sdiff, len(toks))
		clear(a.sdiff)
	}
	for i := range toks {
		tk := &toks[i]
		var unit uint64
		// Words first, with a plain branch: a switch over all kinds compiles to a jump table, an
		// indirect branch the processor mispredicts far more often.
		if k := tk.kind; k == tkWord || k == tkHashtag {
			switch {
			default:
				if a.mark[i]&mMasked != 0 {
					continue // courtesy in a complaint, praise in sarcasm, filler: transparent
				}
				unit = tk.h
				if a.mark[i]&mNoUnigram != 0 {
					// A negator acts through the words it negates, a function word ("you", "the")
					// through its bigrams; alone they learn only the habits of the training text.
					break
				}
				hit := false
				if cache {
					idx := a.info[i]
					switch {
					case a.mark[i]&mDirect != 0:
					case a.mark[i]&mDirectMiss != 0:
						idx = -1
					default: // found as a hashtag, squeezed or stemmed: the model knows the word itself
						idx = v.lookup(tk.h)
					}
					if idx >= 0 {
						if wi := &v.infos[idx]; wi.flags&wHasModel != 0 {
							hit = true
							d := wi.w[cPos] - wi.w[cNeg]
							cached[cNeg] += wi.w[cNeg]
							cached[cPos] += wi.w[cPos]
							if sup { // w[cNeu] holds the word's support weight x (see cacheWordWeights)
								a.supSum += wi.w[cNeu]
								a.sdiff[i] += wi.w[cNeu] + wi.w[cNeu] - d
							} else {
								cached[cNeu] += wi.w[cNeu]
							}
							nf += int(wi.nf)
							a.contrib[i] += d
						}
					}
				}
				if !hit {
					a.ents = append(a.ents, fent{row: m.row(tk.h ^ saltWord), a: int32(i), b: -1, val: 1})
					nf++
					if !m.noChars && tk.flags&tfDigit == 0 { // codes and numbers ("ua123", "3rd") have no useful spelling
						a.chars(m, t.normOf(tk), int32(i))
						nf++
					}
				}
				if a.mark[i]&(mNegated|mFuncWord) == mNegated {
					a.ents = append(a.ents, fent{row: m.row(tk.h ^ saltNeg), a: int32(i), b: -1, val: 1})
					nf++
				}
			}
		} else {
			switch k {
			case tkEmoji:
				if a.mark[i]&mMasked != 0 {
					continue // an irony marker ("🙃"): the rules weigh it
				}
				unit = uint64(tk.r) ^ saltEmoji
				a.ents = append(a.ents, fent{row: m.row(unit), a: int32(i), b: -1, val: 1})
				nf++
			case tkEmoticon:
				unit = uint64(tk.r) ^ saltEmotic
				a.ents = append(a.ents, fent{row: m.row(unit), a: int32(i), b: -1, val: 1})
				nf++
			case tkMention:
				continue // addressing someone says nothing about sentiment
			case tkURL:
				unit = unitURL
			case tkNumber:
				unit = unitNumber
			case tkExclaim, tkQuestion:
				if a.mark[i]&mMasked != 0 {
					continue // the marks of a complaint: the exclamation_complaint rule weighs them
				}
				unit = unitExclaim
				if tk.kind == tkQuestion {
					unit = unitQuestion
				}
				a.ents = append(a.ents, fent{row: m.row(unit ^ saltSpecial), a: int32(i), b: -1, val: 1})
				nf++
			case tkBreak:
				prevUnit, prevTok = unitBOS, -1
				continue
			}
		}
		bh := bigramHash(prevUnit, unit)
		a.ents = append(a.ents, fent{row: m.bigramRow(bh ^ saltBigram), a: prevTok, b: int32(i), val: 1})
		nf++
		if g := m.gate; g != nil {
			g.add(a, g.row(unit), g.row(bh))
		}
		prevUnit, prevTok = unit, int32(i)
	}
	return nf
}

// chars adds the character 3–5-grams of "<w>", each valued 1/count so that together they weigh
// one feature, however long the word. The n-grams starting at one byte share their hash prefix.
func (a *analysis) chars(m *Model, w []byte, i int32) {
	var buf [64]byte
	var b []byte
	if len(w)+2 <= len(buf) {
		b = append(append(append(buf[:0], '<'), w...), '>')
	} else { // a word of more than 62 bytes (a run of text without spaces): a buffer kept for it
		a.long = append(append(append(a.long[:0], '<'), w...), '>')
		b = a.long
	}
	n := len(b)
	inv := 1 / float32(charGramCount(len(w)))
	ents := a.ents
	for s := 0; s+3 <= n; s++ {
		h := (uint64(fnvOffset) ^ uint64(b[s])) * fnvPrime
		h = (h ^ uint64(b[s+1])) * fnvPrime
		h = (h ^ uint64(b[s+2])) * fnvPrime
		ents = append(ents, fent{row: m.charRow(h ^ saltChar), a: i, b: -1, val: inv})
		if s+4 > n {
			continue
		}
		h = (h ^ uint64(b[s+3])) * fnvPrime
		ents = append(ents, fent{row: m.charRow(h ^ saltChar), a: i, b: -1, val: inv})
		if s+5 > n {
			continue
		}
		h = (h ^ uint64(b[s+4])) * fnvPrime
		ents = append(ents, fent{row: m.charRow(h ^ saltChar), a: i, b: -1, val: inv})
	}
	a.ents = ents
}

// ngrams adds the model's n-gram part to z, scaled by 1/sqrt(number of features), and records
// each token's share of the positive-minus-negative logit in a.contrib. With support n-grams,
// each weight x is moved towards the support one xs by the gate's share: x + share·(xs - x).
func (a *analysis) ngrams(v *vocab, m *Model, z *[numClass]float32) {
	var sum [numClass]float32
	a.supSum = 0
	nf := a.features(v, m, true, &sum)
	a.share = 0
	if g := m.gate; g != nil {
		a.share = float32(a.supportShare(g))
	}
	if nf == 0 {
		return
	}
	// The rows were all computed first, so that the loads below are independent of each other
	// and the memory system can serve several at once.
	sc := m.scale8
	if pr := m.pair; pr != nil {
		sh, ss := a.share, m.supScale8
		d := float32(sh * (a.supSum - sum[cPos])) // the cached words
		sum[cNeg] -= d
		sum[cPos] += d
		for i := range a.tok.toks {
			a.contrib[i] += float32(sh * a.sdiff[i])
		}
		for k := range a.ents {
			e := &a.ents[k]
			x := pr[2*e.row : 2*e.row+2 : 2*e.row+2]
			w2 := float32(float32(x[0]) * (e.val * sc))
			ws := float32(float32(x[1]) * (e.val * ss))
			w2 += float32(sh * (ws - w2))
			sum[cNeg] -= w2
			sum[cPos] += w2
			a.credit(e, w2+w2)
		}
	} else if p := m.pol8; p != nil {
		// The same sums as below for rows (-x, 0, x): -(x·f) is exactly (-x)·f, and
		// w2 + w2 exactly w2 - (-w2).
		for k := range a.ents {
			e := &a.ents[k]
			w2 := float32(float32(p[e.row]) * (e.val * sc))
			sum[cNeg] -= w2
			sum[cPos] += w2
			a.credit(e, w2+w2)
		}
	} else {
		a.sumRows(m.q8, sc, &sum)
	}
	s := m.ngramScale(nf)
	for c := range sum {
		z[c] += float32(s * sum[c])
	}
	for i := range a.tok.toks {
		a.contrib[i] *= s
	}
}

// ngramScale is the factor of the n-gram sum of a message of nf features: 1/√nf, so that the
// n-grams of short and long messages weigh alike when they agree; past the model's cap, √cap/nf:
// their mean weighs as much as that many features of it would at the cap, so that the many words
// of a story (a delay, three calls, a refund) do not outvote the verdict at its end by their
// number alone.
func (m *Model) ngramScale(nf int) float32 {
	if m.ngramCap > 0 && nf > m.ngramCap {
		return float32(math.Sqrt(float64(m.ngramCap)) / float64(nf))
	}
	return float32(1 / math.Sqrt(float64(nf)))
}

// credit adds d, a feature's share of the positive-minus-negative logit, to the contributions of
// its tokens (halved between the two of a bigram).
func (a *analysis) credit(e *fent, d float32) {
	switch {
	case e.b < 0:
		a.contrib[e.a] += d
	case e.a < 0:
		a.contrib[e.b] += d
	default:
		a.contrib[e.a] += d / 2
		a.contrib[e.b] += d / 2
	}
}

// sumRows adds the weight rows of a.ents (q, scaled by sc and each feature's value) to sum and
// their positive-minus-negative weights to the contributions of their tokens.
func (a *analysis) sumRows(q []int8, sc float32, sum *[numClass]float32) {
	for k := range a.ents {
		e := &a.ents[k]
		r := int(e.row) * numClass
		x := q[r : r+numClass : r+numClass]
		f := e.val * sc
		w0, w1, w2 := float32(float32(x[0])*f), float32(float32(x[1])*f), float32(float32(x[2])*f)
		sum[0] += w0
		sum[1] += w1
		sum[2] += w2
		a.credit(e, w2-w0)
	}
}

// wordWeights is the sum of the unigram and the mean character n-gram weights of word w: what
// features gives an uncached word, and the number of features that is. For a model with
// support n-grams, whose rows are (-x, 0, x), the neutral place holds the support weights' x.
func (m *Model) wordWeights(w string) ([numClass]float32, uint8) {
	var a analysis
	a.ents = append(a.ents, fent{row: m.row(hashString(w) ^ saltWord), val: 1})
	nf := uint8(1)
	if !m.noChars && !strings.ContainsAny(w, "0123456789") {
		a.chars(m, []byte(w), 0)
		nf++
	}
	var sum [numClass]float32
	for _, e := range a.ents {
		r := int(e.row) * numClass
		for c := 0; c < numClass; c++ {
			sum[c] += float32(float32(m.q[r+c]) * e.val * m.scale)
		}
	}
	if m.supQ != nil {
		sum[cNeu] = 0
		for _, e := range a.ents {
			sum[cNeu] += float32(float32(m.supQ[e.row]) * e.val * m.supScale)
		}
	}
	return sum, nf
}

// evCand is a phrase that may explain a score: tokens [first, last] and their weight.
type evCand struct {
	first, last int32
	w           float32
}

// The network of topEvidence holds exactly maxEvidence keys.
const _ = uint(maxEvidence-5) + uint(5-maxEvidence)

// topEvidence folds the per-token contributions of the first n tokens into their phrase groups
// (a function word alone weighs nothing) and puts the groups weighing at least 0.05 (in
// magnitude) into top, strongest first (the earlier of two equal ones first); it returns how
// many there are, at most maxEvidence. It overwrites a.contrib. Each group is ranked by a key (its weight's magnitude, then its
// position) kept in a sorting network of min and max, without data-dependent branches.
func topEvidence(a *analysis, n int, top *[maxEvidence]evCand) int {
	group, contrib, mark := a.group[:n], a.contrib[:n], a.mark[:n]
	var k0, k1, k2, k3, k4 uint64 // the best keys, best first; 0: none
	for i := 0; i < n; {
		first := group[i]
		w := contrib[i]
		j := i + 1
		for j < n && group[j] == first {
			w += contrib[j]
			j++
		}
		if mark[i]&mBareFunc != 0 && j == i+1 && first == int32(i) {
			// "for", "the", "my" alone: they act through the words next to them (bigrams); on
			// their own they are no evidence.
			w = 0
		}
		contrib[i] = w
		aw := float32(math.Abs(float64(w)))
		// Magnitudes are positive, so their bits order like them; ^i ranks earlier groups higher.
		x := uint64(math.Float32bits(aw))<<32 | uint64(^uint32(i))
		if !(aw >= 0.05) {
			x = 0
		}
		k0, x = max(k0, x), min(k0, x)
		k1, x = max(k1, x), min(k1, x)
		k2, x = max(k2, x), min(k2, x)
		k3, x = max(k3, x), min(k3, x)
		k4 = max(k4, x)
		i = j
	}
	keys := [maxEvidence]uint64{k0, k1, k2, k3, k4}
	c := 0
	for _, key := range keys {
		if key == 0 {
			break
		}
		i := int(^uint32(key))
		first := group[i]
		j := i + 1
		for j < n && group[j] == first {
			j++
		}
		top[c] = evCand{first: first, last: int32(j - 1), w: contrib[i]}
		c++
	}
	return c
}

// bigramHash is the hash of a pair of consecutive units for the n-gram features. It is symmetric:
// a pair and its reverse share a feature, as in every model trained so far (a model file keeps
// its meaning across versions).
func bigramHash(a, b uint64) uint64 {
	h := (a ^ b) * 0x9E3779B97F4A7C15
	h ^= h >> 31
	if h == 0 {
		h = 1
	}
	return h
}
