package sentiment

import "math"

// ngrams adds the model's n-gram part to z: word unigrams (and their negated form inside a
// negation scope), character 3–5-grams of each word, bigrams, emoji and emoticons, scaled by
// 1/sqrt(number of features). It records each token's share of the positive-minus-negative logit
// in a.contrib. When a.collect is set it appends the feature hashes to a.feats instead (m unused).
func (a *analysis) ngrams(v *vocab, m *Model, z *[numClass]float32) {
	t := &a.tok
	toks := t.toks
	var sum [numClass]float32
	nf := 0
	prevUnit, prevTok := uint64(unitBOS), -1
	for i := range toks {
		tk := &toks[i]
		var unit uint64
		switch tk.kind {
		case tkWord, tkHashtag:
			if a.mark[i]&mMasked != 0 {
				continue // courtesy in a complaint, praise in sarcasm, filler: transparent
			}
			unit = tk.h
			cached := false
			if !a.collect {
				idx := a.info[i]
				if a.mark[i]&mDirect == 0 {
					idx = v.words.get(tk.h)
				}
				if idx >= 0 {
					if wi := &v.infos[idx]; wi.flags&wHasModel != 0 {
						cached = true
						sum[0] += wi.w[0]
						sum[1] += wi.w[1]
						sum[2] += wi.w[2]
						nf += int(wi.nf)
						a.contrib[i] += wi.w[cPos] - wi.w[cNeg]
					}
				}
			}
			if !cached {
				nf += a.feat(m, tk.h^saltWord, i, &sum)
				nf += a.chars(m, t.normOf(tk), i, &sum)
			}
			if a.mark[i]&mNegated != 0 && (a.info[i] < 0 || v.infos[a.info[i]].flags&wFunction == 0) {
				nf += a.feat(m, tk.h^saltNeg, i, &sum)
			}
		case tkEmoji:
			unit = uint64(tk.r) ^ saltEmoji
			nf += a.feat(m, unit, i, &sum)
		case tkEmoticon:
			unit = uint64(tk.r) ^ saltEmotic
			nf += a.feat(m, unit, i, &sum)
		case tkMention:
			continue // addressing someone says nothing about sentiment
		case tkURL:
			unit = unitURL
		case tkNumber:
			unit = unitNumber
		case tkExclaim:
			unit = unitExclaim
			nf += a.feat(m, unit^saltSpecial, i, &sum)
		case tkQuestion:
			unit = unitQuestion
			nf += a.feat(m, unit^saltSpecial, i, &sum)
		case tkBreak:
			prevUnit, prevTok = unitBOS, -1
			continue
		}
		nf += a.bigram(m, phraseHash(prevUnit, unit)^saltBigram, prevTok, i, &sum)
		prevUnit, prevTok = unit, i
	}
	if a.collect || nf == 0 {
		return
	}
	s := float32(1 / math.Sqrt(float64(nf)))
	for c := range sum {
		z[c] += s * sum[c]
	}
	for i := range toks {
		a.contrib[i] *= s
	}
}

// feat adds one feature of token i; it returns 1 (the count of features).
func (a *analysis) feat(m *Model, h uint64, i int, sum *[numClass]float32) int {
	if a.collect {
		a.feats = append(a.feats, h)
		a.vals = append(a.vals, 1)
		return 1
	}
	r := m.row(h) * numClass
	w := m.w[r : r+numClass : r+numClass]
	sum[0] += w[0]
	sum[1] += w[1]
	sum[2] += w[2]
	a.contrib[i] += w[cPos] - w[cNeg]
	return 1
}

// bigram adds a bigram feature shared by tokens prev (−1: start of clause) and i.
func (a *analysis) bigram(m *Model, h uint64, prev, i int, sum *[numClass]float32) int {
	if a.collect {
		a.feats = append(a.feats, h)
		a.vals = append(a.vals, 1)
		return 1
	}
	r := m.row(h) * numClass
	w := m.w[r : r+numClass : r+numClass]
	sum[0] += w[0]
	sum[1] += w[1]
	sum[2] += w[2]
	d := w[cPos] - w[cNeg]
	if prev >= 0 {
		a.contrib[prev] += d / 2
		a.contrib[i] += d / 2
	} else {
		a.contrib[i] += d
	}
	return 1
}

// chars adds the mean of the character 3–5-gram features of "<w>" (one feature's worth, so that
// a long word weighs no more than a short one); it returns 1.
func (a *analysis) chars(m *Model, w []byte, i int, sum *[numClass]float32) int {
	n := len(w) + 2
	k := charGramCount(len(w))
	inv := 1 / float32(k)
	var cs [numClass]float32
	for s := 0; s+3 <= n; s++ {
		h := uint64(fnvOffset)
		for j := 0; j < 5 && s+j < n; j++ {
			var c byte
			switch p := s + j; p {
			case 0:
				c = '<'
			case n - 1:
				c = '>'
			default:
				c = w[p-1]
			}
			h ^= uint64(c)
			h *= fnvPrime
			if j < 2 {
				continue
			}
			if a.collect {
				a.feats = append(a.feats, h^saltChar)
				a.vals = append(a.vals, inv)
				continue
			}
			r := m.row(h^saltChar) * numClass
			x := m.w[r : r+numClass : r+numClass]
			cs[0] += x[0]
			cs[1] += x[1]
			cs[2] += x[2]
		}
	}
	if a.collect {
		return 1
	}
	for c := range cs {
		cs[c] *= inv
		sum[c] += cs[c]
	}
	a.contrib[i] += cs[cPos] - cs[cNeg]
	return 1
}

// wordWeights is the sum of the unigram and character n-gram weights of word w, and their number.
func (m *Model) wordWeights(w string) ([numClass]float32, int) {
	var a analysis
	a.contrib = make([]float32, 1)
	var sum [numClass]float32
	h := hashString(w)
	n := a.feat(m, h^saltWord, 0, &sum)
	n += a.chars(m, []byte(w), 0, &sum)
	return sum, n
}
