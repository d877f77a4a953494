package sentiment

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxScoreBytes bounds how much of a message is read; longer text is scored on its first
// maxScoreBytes bytes (events are truncated at 8 KiB by default anyway).
const maxScoreBytes = 16 << 10

// maxEvidence is how many phrases a score explains itself with.
const maxEvidence = 5

// Token marks set by the analysis.
const (
	mCovered    = 1 << iota // part of a cue phrase: its words do not count on their own
	mNegated                // inside the scope of a negator
	mMasked                 // courtesy in a complaint, or praise in sarcasm: the model ignores it
	mDirect                 // info was found under the token's own hash (not as hashtag or squeezed)
	mDirectMiss             // the token's own hash is not in the vocabulary
	mNegEmph                // a negator whose negation is emphatic ("not bad at all")

	// Marks copied from the word's classes (see lexMarks).
	mFuncWord  = lxFunc << lexMarks      // a word whose info is a function word (wFunction)
	mNoUnigram = lxNoUnigram << lexMarks // a negator or function word under its own hash: no unigram feature
	mBareFunc  = lxBareFunc << lexMarks  // a word (not hashtag) that is a function word without valence or cue: no evidence on its own
	mPlain     = lxPlain << lexMarks     // a word under its own entry with no valence, cue or role in the rules

	// lexMarks shifts the classes lxFunc…lxPlain to their marks.
	lexMarks = 4
)

// The classes copied to marks lie above the marks set otherwise.
const _ = uint(mFuncWord - 2*mNegEmph)

// item is a rule contribution: a lexicon word, an emoji or a cue, over tokens [first, last].
type item struct {
	first, last int32
	v           float32 // signed valence (lexicon, emoji) or weight (cues)
	kind        uint8
}

const (
	itLex uint8 = iota
	itEmoji
	itPolite // a courtesy word with valence
	itComplaint
	itPraise
	itSarcasm
	itSarcasmCond
	itContextual // a complaint if its sentence allows it (see resolveContextual)
)

// analysis holds the per-message work buffers; it is reused through a sync.Pool.
type analysis struct {
	tok   tokenizer
	info  []int32  // index into vocab.infos per token, or -1
	mark  []uint16 // m* marks per token
	group []int32  // first token of the cue phrase a token belongs to (itself otherwise)
	items []item

	rule   [numRule]float32
	topics uint64
	words  int // word tokens (not hashtags)
	tags   int // hashtags
	tagEng int // hashtags that are common English words
	eng    int // common English words among them
	emo    int // emoji and emoticons

	// Per-token model contribution to the positive-minus-negative logit, for evidence.
	contrib []float32
	// With support n-grams (see Model.sup): per token, what the support weights of its cached
	// word change in its contribution, and their sum over the cached words; share is the gate's.
	sdiff  []float32
	supSum float32
	share  float32
	// ents are the hashed features of the message; grows, or gsum and gn, what the model's gate
	// reads of it (see features and gate.add).
	ents  []fent
	grows []uint32
	gsum  int32
	gn    int32
	// dec holds a decoded text while it is scored, and offs maps its bytes to the original (see
	// decodeEscapes).
	dec  []byte
	offs []int32
	// long holds "<w>" for a word too long for the stack buffer of chars.
	long []byte
	sink uint64 // keeps the loads that warm the vocabulary's cache lines (see run)
	// thanks is the first token of the first gratitude cue that is not negated; -1 if none.
	thanks int32
}

func (a *analysis) reset(n int) {
	a.info = grow(a.info, n)
	a.mark = grow(a.mark, n)
	a.group = grow(a.group, n)
	a.contrib = grow(a.contrib, n)
	info, group := a.info[:n], a.group[:n]
	for i := range info {
		info[i] = -1
	}
	for i := range group {
		group[i] = int32(i)
	}
	clear(a.mark)
	clear(a.contrib)
	a.items = a.items[:0]
	a.ents = a.ents[:0]
	a.grows, a.gsum, a.gn = a.grows[:0], 0, 0
	a.rule = [numRule]float32{}
	a.topics, a.words, a.eng, a.emo, a.tags, a.tagEng = 0, 0, 0, 0, 0, 0
	a.thanks = -1
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4+16)
	}
	return s[:n]
}

// clip bounds text to maxScoreBytes on a rune boundary.
func clip(text string) string {
	if len(text) <= maxScoreBytes {
		return text
	}
	cut := maxScoreBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// hashtagHash is the hash of '#' followed by b.
func hashtagHash(b []byte) uint64 {
	h := uint64(fnvOffset)
	h ^= '#'
	h *= fnvPrime
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	if h == 0 {
		h = 1
	}
	return h
}

// squeezeHash hashes b with every run of a repeated letter collapsed to one ("soo" → "so").
func squeezeHash(b []byte) uint64 {
	h := uint64(fnvOffset)
	var prev byte
	for i, c := range b {
		if i > 0 && c == prev && c > '9' {
			continue
		}
		prev = c
		h ^= uint64(c)
		h *= fnvPrime
	}
	if h == 0 {
		h = 1
	}
	return h
}

// run tokenizes text and applies the lexicon and the rules; it fills a.rule, a.items, a.topics.
func (a *analysis) run(v *vocab, text string) {
	t := &a.tok
	t.tokenize(text)
	toks := t.toks
	a.reset(len(toks))
	if len(v.infos) > 0 {
		// Touch the vocabulary slot of every word first: these loads do not wait for each
		// other, so the memory system serves them together and the lookups below find their
		// slots in cache. (Other tokens have no hash yet and touch slot 0.)
		var sink uint64
		for i := range toks {
			h := toks[i].h
			sink += v.infos[(h^h>>29)&v.mask].key
		}
		a.sink = sink
	}

	// Look every word up once, and match the cue and topic phrases that start at it: longest
	// match first; a cue phrase covers its words. (A phrase match reads the words before it,
	// and only the hashes of the words after it.)
	lastContrast := -1
	untilAt := -1 // an "until" after praise in its clause ("worked great until the update")
	request, url, fix := false, false, false
	middle := false  // a middle score ("3/5", "6/10", "3 stars"): the writer's own verdict is "so-so"
	var hs [8]uint64 // the hashes of the phrases that start at a word, by length
	for i := range toks {
		tk := &toks[i]
		switch tk.kind {
		case tkWord, tkHashtag:
			idx := int32(-1)
			if tk.kind == tkHashtag {
				idx = v.lookup(hashtagHash(t.normOf(tk)))
			} else {
				a.words++ // hashtags are no evidence of a language
			}
			if idx < 0 {
				idx = v.lookup(tk.h)
				if idx >= 0 {
					a.mark[i] |= mDirect
				} else {
					a.mark[i] |= mDirectMiss
				}
			}
			if idx < 0 && tk.flags&tfElongated != 0 {
				idx = v.lookup(squeezeHash(t.normOf(tk)))
			}
			if idx < 0 {
				idx = stemLookup(v, t.normOf(tk))
			}
			a.info[i] = idx
			isEng := false
			if idx >= 0 {
				wi := &v.infos[idx]
				isEng = wi.flags&wEnglish != 0
				mk := a.mark[i]
				x := wi.lex
				if mk&mDirect == 0 { // found under another entry: the word may be another
					x &^= lxNoUnigram | lxPlain
				}
				if tk.kind != tkWord {
					x &^= lxBareFunc
				}
				a.mark[i] = mk | uint16(x&(lxFunc|lxNoUnigram|lxBareFunc|lxPlain))<<lexMarks
			}
			switch {
			case tk.kind == tkWord && isEng:
				a.eng++
			case tk.kind == tkHashtag:
				a.tags++
				if isEng {
					a.tagEng++
				}
			}
		case tkNumber:
			a.info[i] = v.lookup(tk.h)
			a.maskEnding(i)
			r, ok := a.rating(text, i)
			middle = middle || ok && r == 0 || a.wordIs(i+1, "stars") && text[tk.start:tk.end] == "3"
			if r != 0 {
				// "10/10", "1/5": a score out of five or ten.
				kind := uint8(itPraise)
				if r < 0 {
					kind = itComplaint
				}
				a.items = append(a.items, item{first: int32(i), last: int32(i + 2), v: ratingWeight, kind: kind})
				for k := i; k <= i+2; k++ {
					a.mark[k] |= mCovered
					a.group[k] = int32(i)
				}
			}
		case tkEmoji, tkEmoticon:
			a.emo++
		case tkURL:
			url = true
		}
		idx := a.info[i]
		if idx < 0 {
			continue
		}
		wi := &v.infos[idx]
		a.topics |= v.topicsOf(idx)
		fix = fix || wi.lex&lxFix != 0
		if wi.flags&wContrast != 0 {
			lastContrast = i
		}
		if tk.h == untilHash && a.valenceBefore(v, i) {
			untilAt = i
		}
		if wi.cue == cueNegEmph && a.mark[i]&mCovered == 0 {
			a.negEmph(a.negatorBefore(v, i, false), i, i)
			continue
		}
		if wi.flags&wPhraseStart == 0 {
			continue
		}
		hs[0] = keyHash(&toks[i], t)
		n := 1
		for n < int(wi.maxLen) && i+n < len(toks) && isPhraseTok(toks[i+n].kind) {
			hs[n] = phraseHash(hs[n-1], keyHash(&toks[i+n], t))
			if !v.mayBegin(hs[n]) {
				break // no phrase begins with these words, nor with any longer run
			}
			n++
		}
		cueDone := a.mark[i]&mCovered != 0
		for L := n; L >= 2; L-- {
			pi := v.phrases.get(hs[L-1])
			if pi < 0 {
				continue
			}
			p := &v.phraseInfo[pi]
			a.topics |= p.topics
			if p.cue == cueNone || cueDone {
				continue
			}
			cueDone = true
			first, last := int32(i), int32(i+L-1)
			neg := a.negatorBefore(v, i, false)
			if neg < 0 && (p.cue == cuePraise || p.cue == cueComplaint) {
				neg = a.usedToBefore(i) // "it used to be 5 stars"
			}
			if p.cue == cueNegEmph {
				a.negEmph(neg, i, i+L-1)
				continue
			}
			if p.cue == cuePraise && neg < 0 {
				if c := a.negatorBefore(v, i, true); c >= 0 && a.inComplaint(int32(c)) {
					// "didn't arrive on time": the praise is what the complaint before it
					// denies, and part of its phrase.
					for k := first; k <= last; k++ {
						a.mark[k] |= mCovered | mMasked
					}
					a.joinGroup(c, int(last))
					continue
				}
			}
			a.addCueNegated(p.cue, p.cueW, first, last, neg >= 0)
			if p.cue != cueSarcasmCond {
				// The cue's words are the cue: the n-gram model does not weigh them again (it
				// would learn on general text to offset the cue).
				mk := uint16(mCovered | mMasked)
				if p.cue == cueRequest {
					request = true
				}
				for k := first; k <= last; k++ {
					a.mark[k] |= mk
					a.group[k] = first
				}
				if neg >= 0 && (p.cue == cuePraise || p.cue == cueGratitude) {
					a.joinGroup(neg, int(last)) // "not on time", "no thanks to": one phrase
				}
			} else {
				a.joinGroup(i, i+L-1) // "Great job": one phrase, whether sarcastic or not
			}
		}
	}

	// Lexicon, one-word cues, emoji; negation, intensifiers, contrast.
	negScope, negAt, negF := 0, -1, float32(negationFactor)
	titled := int8(0) // whether title case marks names (fewTitleWords), once needed: 1 yes, -1 no
	boost := float32(0)
	exclaim, negations, capsHits, question, person := 0, 0, 0, false, false
	firstWord := true
	for i := range toks {
		tk := &toks[i]
		if tk.h == usedHash && a.usedTo(i) {
			// "it used to be my favourite", "my internet used to die every evening": what it
			// was, it is no longer; the words after "to" are turned around as after a negator.
			negScope, negAt, negF = negationScope+1, i, emphaticNegation
			firstWord = false
			continue
		}
		if a.mark[i]&mPlain != 0 {
			// A plain word (or hashtag), first: what the steps below do with it is count in a
			// negation scope and fade an intensifier before it.
			if tk.kind == tkWord {
				firstWord = false
			}
			if negScope > 0 {
				negScope--
				a.mark[i] |= mNegated
			}
			if a.mark[i]&mCovered == 0 {
				boost *= 0.5
			}
			continue
		}
		switch tk.kind {
		case tkBreak:
			negScope, boost = 0, 0
			continue
		case tkExclaim:
			exclaim += int(tk.n)
			negScope, boost = 0, 0
			continue
		case tkQuestion:
			// "How?!", "Seriously?!": amazement or anger, not a question.
			question = question || strings.IndexByte(text[tk.start:tk.end], '!') < 0
			negScope, boost = 0, 0
			continue
		case tkEmoji, tkEmoticon:
			var val float32
			if tk.kind == tkEmoji {
				val = emojiValence(tk.r)
			} else {
				val = emoticons[tk.r].valence
			}
			if val != 0 {
				a.items = append(a.items, item{first: int32(i), last: int32(i), v: val, kind: itEmoji})
			}
			if tk.kind == tkEmoji && isIronyEmoji(tk.r) {
				// "great stuff guys 🙃", "great service as always 🙄": not meant.
				// The marker is what the emoji means here: the n-gram model does not weigh it
				// again (it learns the upside-down face as a smile on general text).
				a.items = append(a.items, item{first: int32(i), last: int32(i), v: 1, kind: itSarcasm})
				a.mark[i] |= mMasked
			}
			continue
		case tkMention, tkURL:
			continue
		}
		idx := a.info[i]
		if idx >= 0 && v.infos[idx].flags&wPerson != 0 {
			person = true
		}
		if tk.kind == tkWord && firstWord {
			firstWord = false
			question = question || a.asks(v, i) && !a.droppedSubject(text, i)
		}
		inScope := negScope > 0
		if negScope > 0 {
			negScope--
			a.mark[i] |= mNegated
		}
		if idx < 0 {
			if boost != 0 {
				boost *= 0.5
			}
			if tk.kind == tkHashtag {
				if val := a.compoundValence(v, t.normOf(tk)); val != 0 {
					// "#neveragain", "#goodtimes": a hashtag of several words.
					a.items = append(a.items, item{first: int32(i), last: int32(i), v: val, kind: itLex})
				}
			}
			continue
		}
		wi := &v.infos[idx]
		if a.mark[i]&mCovered != 0 {
			// "the room still wasn't cleaned": a complaint that ends in a negator negates what
			// follows it, as the negator alone would.
			endsCue := i+1 == len(toks) || a.group[i+1] != a.group[i]
			if wi.flags&wNegator != 0 && endsCue && a.inComplaint(int32(i)) {
				negScope, negAt, negF = negationScope, i, negationFactor
			}
			continue
		}
		if wi.flags&wNegator != 0 {
			if wi.cue != cueNone { // "nobody": a negator and a complaint
				a.addCueNegated(wi.cue, wi.cueWF(), int32(i), int32(i), inScope)
			}
			if a.wordIs(i+1, "just") || a.wordIs(i+1, "only") {
				continue // "it wasn't just a delay", "not only late but rude": what follows is affirmed
			}
			negScope, negAt, negF = negationScope, i, negationFactor
			if a.mark[i]&mNegEmph != 0 {
				negF = emphaticNegation
			}
			negations++
			a.mark[i] &^= mNegated
			continue
		}
		if wi.flags&wContrast != 0 {
			negScope, boost = 0, 0
			continue
		}
		if wi.boost != 0 {
			boost += wi.boostF()
			continue
		}
		if a.spelt(i, wi, lxSwear) && a.sentimentNext(v, i) {
			// "so fucking excited", "damn fine": a swear word before a sentiment word intensifies
			// it and says nothing of its own.
			boost += swearBoost
			a.mark[i] |= mMasked
			continue
		}
		if wi.flags&wTopic != 0 && isErrorWord(t.normOf(tk)) && a.codeAfter(text, i) {
			// "error code E-402", "Error 502", "fault F07": the name of a state the customer
			// reports, read off a screen, says nothing of how they feel about it. The topic stays.
			a.mark[i] |= mMasked
			continue
		}
		if wi.cue != cueNone {
			if negAt >= 0 && wi.cue == cueContextual && a.neverAgain(negAt, i) {
				// "will never order again", "won't be using them again": a customer who leaves.
				// As a cue phrase's, its words are the cue: the n-grams do not weigh them again.
				a.items = append(a.items, item{first: int32(negAt), last: int32(i), v: neverAgainWeight, kind: itComplaint})
				a.coverPhrase(negAt, i)
			} else {
				a.addCueNegated(wi.cue, wi.cueWF(), int32(i), int32(i), inScope)
			}
			if inScope && wi.cue == cuePraise {
				a.joinGroup(negAt, i)
			}
		}
		// ("How many days until it shows?" asks how long, counting nothing.)
		if wi.flags&wDuration != 0 && i > 0 && a.isCount(v, i-1) && !a.notWaiting(v, i+1) && !a.wordIs(i-2, "how") {
			if (a.speedBefore(v, i-1, isShortUnit(t.normOf(tk))) || a.quickTook(text, i-1)) && a.negatorBefore(v, i-1, true) < 0 {
				// "sorted it in 10 mins", "paid within four days": how fast, not how long a
				// wait ("they haven't replied in 3 days" stays one). Its words are no evidence.
				a.mark[i-1] |= mMasked
				a.mark[i] |= mMasked
			} else {
				// "3 hours", "two days": customers count the time they were kept waiting.
				a.items = append(a.items, item{first: int32(i - 1), last: int32(i), v: durationWeight, kind: itContextual})
			}
			a.group[i] = int32(i - 1)
		}
		val := wi.valence
		if val != 0 && a.titleWord(text, i) && titled == 0 {
			titled = -1
			if a.fewTitleWords(text) {
				titled = 1
			}
		}
		if val != 0 && titled > 0 && a.inName(v, text, i) {
			// "Bad Blood", "The Walking Dead": a sentiment word in a name says nothing.
			a.mark[i] |= mMasked
			val = 0
		}
		if val > 0 && isAnswerWord(t.normOf(tk)) && a.opensMessage(i) && !a.exclaimNext(i) {
			// "@united yes in Lusaka", "Ok, what now?": a reply that answers, not delight ("Yes!!"
			// is).
			a.mark[i] |= mMasked
			val = 0
		}
		if val > 0 && i < untilAt && untilAt-i <= 3 {
			// "The game was fun until the last update": praise of what is over.
			a.mark[i] |= mMasked
			val = 0
		}
		if val > 0 && a.signOff(text, i) {
			// "… Who should I contact? Best, Mark": the closing of a letter, no praise.
			a.mark[i] |= mMasked
			val = 0
		}
		if val < 0 && a.inGoodWay(i+1) {
			// "Boring in the best way", "scary in a good way": the phrase after it (a praise
			// cue) turns the word around.
			a.mark[i] |= mMasked
			val = 0
		}
		if wi.flags&wNeedsSubj != 0 && (i == 0 || a.info[i-1] < 0 || v.infos[a.info[i-1]].flags&wSubject == 0 || a.wouldBefore(i)) {
			val = 0 // "looks like", "like a": not the verb; "I'd like this refunded": wanting, not liking
		}
		if val == 0 {
			boost *= 0.5
			continue
		}
		val *= 1 + boost
		boost = 0
		if tk.flags&tfCaps != 0 && t.upper < t.letters*3/4 {
			val *= capsFactor
			capsHits++
		}
		if tk.flags&tfElongated != 0 {
			val *= elongFactor
		}
		if inScope {
			val *= negF
			a.joinGroup(negAt, i) // "No problems": the negated phrase is the evidence
		}
		if lastContrast >= 0 {
			if i < lastContrast {
				val *= beforeContrast
			} else {
				val *= afterContrast
			}
		}
		kind := itLex
		if wi.flags&wPolite != 0 {
			kind = itPolite
		}
		if val > 0 && !inScope && a.quotedWord(text, i) {
			// "the 'quick' checkout took eleven minutes", "so the "free" upgrade costs £12 a
			// month": praise in quotation marks, with a complaint after it in its sentence, is
			// quoted to be denied.
			a.items = append(a.items, item{first: int32(i), last: int32(i), v: 1, kind: itSarcasmCond})
		}
		a.items = append(a.items, item{first: int32(i), last: int32(i), v: val, kind: kind})
	}

	// Message-level rules.
	if fix {
		a.resolution(v, text)
		a.allFixed(v, text, lastContrast)
	}
	a.backdrop(v, text)
	a.recovery(v, text)
	a.resolveContextual(text)
	if lastContrast >= 0 {
		a.expectation(text, lastContrast)
	}
	a.onlyWait(v)
	// What the sarcasm and laughter rules need, to skip them cheaply: a positive word,
	// applause, something negative, a complaint.
	posLex, praiseAny, clap, negAny, complaintAny, laughBad := false, false, false, false, false, false
	for k := range a.items {
		it := &a.items[k]
		switch it.kind {
		case itComplaint:
			complaintAny = true
			laughBad = laughBad || it.v > 0
		case itLex, itEmoji, itPolite, itPraise:
			if it.v > 0 {
				posLex = posLex || it.kind == itLex
				praiseAny = praiseAny || it.kind == itPraise
				clap = clap || it.kind == itEmoji && toks[it.first].r == clapRune
			} else if it.v < 0 {
				negAny = true
				laughBad = laughBad || it.kind == itLex || it.kind == itEmoji
			}
		}
	}
	mixed := (posLex || praiseAny) && (complaintAny || negAny) // praise and something bad
	if mixed {
		a.foreboding(text) // before the irony rules: the feared problems are no failure to be ironic about
	}
	if posLex && (complaintAny || negAny) {
		a.affectSarcasm(v)
	}
	if mixed || posLex && leadingAnother(text) {
		// Bare praise after something bad ("On hold 47 mins... great customer service guys"),
		// or leading "another" ("Great, another 'scheduled maintenance' window", "Perfect.
		// Another bot.").
		a.bareSarcasm(v, text)
	}
	if clap && (complaintAny || negAny) {
		a.applause(v, text)
	}
	if mixed {
		a.elsewhere(v)
		a.joyTears()
		if k := a.scareQuotes(text); k >= 0 && (!question || !a.infoQuestion(v, text)) {
			// "Does 'free cancellation' mean …?" quotes the booking page to ask about it.
			it := a.items[k]
			a.items = append(a.items, item{first: it.first, last: it.last, v: 1, kind: itSarcasm})
		}
	}
	if laughBad {
		a.softLaughter(v)
	}
	if exclaim > 0 {
		a.anticipation(text)
	}
	if question && a.infoQuestion(v, text) {
		// "Does the warranty cover accidental damage?", "Is my flight delayed?": a plain
		// question names a topic of complaint without complaining. The one-word cues, plain
		// durations, the customer's own cancelling and the negative topic terms ("damage",
		// "delayed") go; phrases ("is the website down?") and other negative words ("does
		// anyone else hate the update?") stay.
		for k := range a.items {
			if it := &a.items[k]; (it.kind == itComplaint && a.namedInQuestion(v, it)) || (it.kind == itLex && it.v < 0) {
				it.v = 0 // the only negative words left are topic terms (see infoQuestion)
			}
		}
	}
	if a.thanks >= 0 {
		a.thanked(v, lastContrast)
	}
	a.thanksForProblem(v)
	var pos, neg, complaint, praise, emoPos, emoNeg float32
	sarcasm, sarcasmCond, polite := false, false, false
	for k := range a.items {
		it := &a.items[k]
		switch it.kind {
		case itComplaint:
			complaint += it.v
		case itSarcasm:
			sarcasm = true
		case itSarcasmCond:
			// "Great job losing my bag": the complaint follows the marker in its sentence.
			sarcasmCond = sarcasmCond || a.complaintAfter(v, text, int(it.last))
		case itLex, itEmoji, itPolite:
			if it.v < 0 {
				neg -= it.v
			}
			if it.kind == itPolite {
				polite = true
			}
		}
	}
	complains := complaint > 0 || neg >= 1.5
	if complains && !sarcasm && (question || request) && a.disclaims() {
		complains = false // "Not a complaint, just curious - why are the bins collected fortnightly?"
	}
	if sarcasmCond && complains {
		sarcasm = true
	}
	// A question or request whose only positive words are courtesy: "What is the number for
	// reservations? Thanks" thanks in advance, for nothing done yet. So is an acknowledgement
	// ("Noted, thanks.", "Ok, got it, thank you"): thanks for the information, no praise.
	ack := -1
	if exclaim == 0 {
		ack = a.acknowledgement()
	}
	asks := (question || request || ack >= 0) && !complains
	for k := range a.items {
		if it := &a.items[k]; asks && it.v > 0 && it.kind != itPolite && !a.softSmile(it) {
			asks = false
		}
	}
	for k := range a.items {
		it := &a.items[k]
		switch {
		case asks && a.softSmile(it):
			a.drop(it) // "Can you check on order #48213 please! 🙂": a smile with a question is courtesy.
		case it.kind == itPolite && (complains || asks):
			a.drop(it) // "Thanks, still waiting": courtesy, not praise.
		case sarcasm && it.kind == itEmoji && it.v > 0 && toks[it.first].r == clapRune:
			a.drop(it) // "Oh brilliant. ... 👏👏": the applause of irony is no smile.
		case sarcasm && it.v > 0 && (it.kind == itLex || it.kind == itPolite || it.kind == itPraise):
			// "Great job losing my bag", "great work 👏👏": the praise is the complaint.
			it.v = -0.5 * it.v
			it.kind = itLex
			for j := it.first; j <= it.last; j++ {
				a.mark[j] |= mMasked
			}
		}
	}
	for k := range a.items {
		it := &a.items[k]
		switch it.kind {
		case itPraise: // what sarcasm did not turn around
			praise += it.v
		case itLex, itPolite:
			if it.v > 0 {
				pos += it.v
			}
		case itEmoji:
			if it.v > 0 {
				pos += it.v
				emoPos++
			} else if it.v < 0 {
				emoNeg++
			}
		}
	}
	neg = 0
	for k := range a.items {
		if it := &a.items[k]; (it.kind == itLex || it.kind == itEmoji || it.kind == itPolite) && it.v < 0 {
			neg -= it.v
		}
	}
	r := &a.rule
	r[rfPos] = log1p(pos)
	r[rfNeg] = log1p(neg)
	r[rfComplaint] = log1p(complaint)
	r[rfPraise] = log1p(praise)
	if sarcasm {
		r[rfSarcasm] = 1
	}
	if (question || request) && !complains || ack >= 0 && asks {
		r[rfQuestion] = 1 // "ok thanks, will do" acknowledges, as neutral as a question
	}
	// 1 without any sentiment, fading as sentiment adds up.
	r[rfNoSentiment] = 1 / (1 + pos + neg + complaint + praise)
	r[rfExclaim] = float32(min(exclaim, 3)) / 3
	if polite && complains {
		r[rfPoliteComplaint] = 1
	}
	r[rfNegation] = float32(min(negations, 3)) / 3
	if capsHits > 0 {
		r[rfCaps] = 1
	}
	if middle {
		r[rfMiddleRating] = 1
	}
	r[rfEmojiPos] = min(emoPos, 3) / 3
	r[rfEmojiNeg] = min(emoNeg, 3) / 3
	if url {
		r[rfURL] = 1
	}
	if a.words < len(lengthRule) {
		r[rfLength] = lengthRule[a.words]
	} else {
		r[rfLength] = log1p(float32(a.words)) / 4
	}
	if person {
		r[rfPerson] = 1
	}
	if complains && exclaim == 0 && !sarcasm && emoNeg == 0 && capsHits == 0 && (request || question && a.asksQuestion(v, text)) && a.calm(v) {
		// "My card was declined at checkout. Could you check it?": a problem named calmly,
		// with a question or request: the customer asks for help more than complains.
		r[rfCalmAsk] = 1
	}
}

// asksQuestion reports whether a sentence that ends in a question mark opens with a question
// word among its first three words ("Hi, how do I …?", "My card was declined. Could you check
// it?"), or its last clause does ("I was charged twice, could someone check?"), not a
// rhetorical one ("… and this is how you treat me?").
func (a *analysis) asksQuestion(v *vocab, text string) bool {
	for j := range a.tok.toks {
		if a.tok.toks[j].kind != tkQuestion || j == 0 {
			continue
		}
		start, _ := a.sentence(text, j-1)
		// A stop, colon or semicolon ends a sentence too ("… invoice (INV-2291). Could you …?");
		// a comma ends the clause the question may open ("…, could someone check?").
		comma := -1
		for k := j - 1; k > start; k-- {
			tk := &a.tok.toks[k]
			if tk.kind != tkBreak {
				continue
			}
			// (A run of marks is one break token: ")." reads up to the next token.)
			if strings.ContainsAny(text[tk.start:a.tok.toks[k+1].start], ".:;") {
				start = k + 1
				break
			}
			if comma < 0 && text[tk.start] == ',' {
				comma = k
			}
		}
		if comma >= 0 && a.tok.toks[comma+1].kind == tkWord && a.asks(v, comma+1) {
			return true
		}
		for k, n := start, 0; k < j && n < 3; k++ {
			if a.tok.toks[k].kind == tkWord {
				// (Before a question mark, "has" and "have" ask too when they open it: "Has my
				// refund been sent?", not "You have been a customer for years and …?")
				if a.asks(v, k) || n == 0 && (a.wordIs(k, "has") || a.wordIs(k, "have")) {
					return true
				}
				n++
			}
		}
	}
	return false
}

// calm reports whether the only negative words of the message are topic terms ("delayed",
// "error", "damaged"), with no word of feeling ("ridiculous", "furious") and no word of
// impatience ("Have you fixed it yet?", "still", "again", "every time", "even", "how long do I have to wait", "??",
// a time waited), and no complaint that calls itself one or asks if it is "too much to ask".
func (a *analysis) calm(v *vocab) bool {
	for k := range a.items {
		it := &a.items[k]
		if it.kind == itLex && it.v < 0 && !a.topicWord(v, it) {
			return false
		}
		if it.kind == itComplaint && it.v > 0 && a.isUnit(v, int(it.last)) && !a.plainDuration(v, it) {
			return false // time counted while waiting: "Is it reasonable to wait 45 mins for my bag?"
		}
	}
	for j := range a.tok.toks {
		tk := &a.tok.toks[j]
		if tk.kind == tkQuestion && tk.n > 1 { // "Is my order delayed??"
			return false
		}
		if tk.kind != tkWord {
			continue
		}
		switch string(a.tok.normOf(tk)) {
		case "still", "yet", "again", "already", "every", "always", "anymore", "ever", "even",
			"complaint", "complain": // "I'd like to make a complaint about …"
			return false
		case "how":
			if a.wordIs(j+1, "long") || a.wordIs(j+1, "much") {
				return false
			}
		case "too":
			if a.wordIs(j+1, "much") { // "Would it be too much to ask for a reply?"
				return false
			}
		case "second", "third", "fourth", "fifth", "sixth", "2nd", "3rd", "4th", "5th", "6th":
			if a.repeatNounAt(j+1) || a.repeatNounAt(j+2) {
				return false // "This is my third email about it.", "the second time this month"
			}
		case "actually":
			// "Is anyone actually reading these?", "Can someone actually look at it?"
			if a.wordIs(j-1, "anyone") || a.wordIs(j-1, "someone") || a.wordIs(j-1, "anybody") || a.wordIs(j-1, "somebody") {
				return false
			}
		case "nobody", "elsewhere", "ombudsman":
			return false // "nobody can tell me anything", "before I take my business elsewhere"
		}
	}
	return true
}

// leadingAnother reports whether text holds "another", in any case, after a comma or a stop
// and any spaces (", another", ". Another", ",another"; see bareSarcasm), in one scan.
func leadingAnother(text string) bool {
	for off := 0; ; {
		p := strings.Index(text[off:], "nother")
		if p < 0 {
			return false
		}
		p += off
		if p >= 2 && text[p-1]|0x20 == 'a' {
			q := p - 2
			for q > 0 && text[q] == ' ' {
				q--
			}
			if text[q] == ',' || text[q] == '.' {
				return true
			}
		}
		off = p + 1
	}
}

// disclaims reports whether the message says it is no complaint ("Not a complaint, just …",
// "not complaining, just asking").
func (a *analysis) disclaims() bool {
	for j := range a.tok.toks {
		switch {
		case a.wordIs(j, "complaint"):
			if a.wordIs(j-1, "a") && a.wordIs(j-2, "not") {
				return true
			}
		case a.wordIs(j, "complaining"):
			if a.wordIs(j-1, "not") {
				return true
			}
		}
	}
	return false
}

// maskEnding masks the words that name number token i as the last digits of a card, account or
// phone number ("card ending 4471", "number ends in 409", "account ending with 0457"): a
// reference, not an ending.
func (a *analysis) maskEnding(i int) {
	j := i - 1
	if a.wordIs(j, "in") || a.wordIs(j, "with") {
		j--
	}
	if a.wordIs(j, "ending") || a.wordIs(j, "ends") {
		for k := j; k < i; k++ {
			a.mark[k] |= mMasked
		}
	}
}

// inGoodWay reports whether "in a good way", "in the best way" or "in the best possible way"
// starts at token i.
func (a *analysis) inGoodWay(i int) bool {
	if !a.wordIs(i, "in") {
		return false
	}
	switch {
	case a.wordIs(i+1, "a") && a.wordIs(i+2, "good"):
		return a.wordIs(i+3, "way")
	case a.wordIs(i+1, "the") && a.wordIs(i+2, "best"):
		return a.wordIs(i+3, "way") || a.wordIs(i+3, "possible") && a.wordIs(i+4, "way")
	}
	return false
}

// isErrorWord reports the words a screen names a failure with ("error 502", "fault code F07").
func isErrorWord(w []byte) bool {
	switch string(w) {
	case "error", "errors", "fault", "failure":
		return true
	}
	return false
}

// codeAfter reports whether a code follows word token i: a number ("error 502"), a word with
// digits ("0x8003", "E42"), a letter and a number ("E-402", "(E-402)") or "code"/"message"
// ("error code E204", "error message").
func (a *analysis) codeAfter(text string, i int) bool {
	toks := a.tok.toks
	j := i + 1
	if j < len(toks) && toks[j].kind == tkBreak && j+1 < len(toks) && text[toks[j].start] == '(' {
		j++
	}
	if j >= len(toks) {
		return false
	}
	switch tk := &toks[j]; tk.kind {
	case tkNumber:
		return true
	case tkWord:
		w := a.tok.normOf(tk)
		switch string(w) {
		case "code", "codes", "message", "messages":
			return true
		}
		if len(w) <= 2 && j+1 < len(toks) && toks[j+1].kind == tkNumber && toks[j+1].start-tk.end <= 1 {
			return true // "E-402": a letter, a hyphen or nothing, a number
		}
		return bytes.ContainsAny(w, "0123456789")
	}
	return false
}

// repeatNounAt reports whether token j is a noun a customer counts the repeats of a complaint in
// ("the third time", "my fourth email").
func (a *analysis) repeatNounAt(j int) bool {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "time", "times", "email", "emails", "e-mail", "message", "messages", "call", "calls", "one", "request", "ticket", "letter", "chat", "attempt", "complaint", "person", "agent":
		return true
	}
	return false
}

func log1p(x float32) float32 {
	if x == 0 { // the common case: no such item
		return 0
	}
	return float32(math.Log1p(float64(x)))
}

// lengthRule is the length rule of messages of up to 255 words, computed once.
var lengthRule = func() (t [256]float32) {
	for n := range t {
		t[n] = log1p(float32(n)) / 4
	}
	return t
}()

// stemLookup finds a lexicon word under a few English suffixes ("smartest" → "smart",
// "nicely" → "nice", "happier" → "happy"); only sentiment-bearing stems count.
func stemLookup(v *vocab, w []byte) int32 {
	n := len(w)
	if n < 5 {
		return -1
	}
	try := func(stem []byte, tail string) int32 {
		h := uint64(fnvOffset)
		for _, c := range stem {
			h ^= uint64(c)
			h *= fnvPrime
		}
		for i := 0; i < len(tail); i++ {
			h ^= uint64(tail[i])
			h *= fnvPrime
		}
		if h == 0 {
			h = 1
		}
		if idx := v.lookup(h); idx >= 0 && v.infos[idx].valence != 0 {
			return idx
		}
		return -1
	}
	switch {
	case w[n-3] == 'i' && w[n-2] == 'e' && w[n-1] == 'r': // happier
		return try(w[:n-3], "y")
	case w[n-4] == 'i' && w[n-3] == 'e' && w[n-2] == 's' && w[n-1] == 't': // happiest
		return try(w[:n-4], "y")
	case w[n-3] == 'i' && w[n-2] == 'l' && w[n-1] == 'y': // happily
		return try(w[:n-3], "y")
	case w[n-3] == 'e' && w[n-2] == 's' && w[n-1] == 't': // smartest, nicest
		if idx := try(w[:n-3], ""); idx >= 0 {
			return idx
		}
		return try(w[:n-2], "")
	case w[n-2] == 'l' && w[n-1] == 'y': // nicely, badly
		return try(w[:n-2], "")
	case w[n-2] == 'e' && w[n-1] == 'r': // smarter, nicer
		if idx := try(w[:n-2], ""); idx >= 0 {
			return idx
		}
		return try(w[:n-1], "")
	}
	return -1
}

// notWaiting reports whether token i says that a duration before it was no wait ("two days
// early", "3 hours ago").
func (a *analysis) notWaiting(v *vocab, i int) bool {
	if i >= len(a.tok.toks) || a.info[i] < 0 {
		return false
	}
	return v.infos[a.info[i]].flags&wNotWaiting != 0
}

// speedBefore reports whether the count at token c is how fast something was done: "within"
// before it, or "in" or "under" when its unit is short (perhaps with "just", "only" or the like
// between), after a verb in the past in its clause ("sorted it in 10 mins", "paid out within 3
// days"; "in 3 days" may be a wait), and no "finally" between them.
func (a *analysis) speedBefore(v *vocab, c int, short bool) bool {
	toks := a.tok.toks
	j, w := a.wordBeforeCount(c)
	switch string(w) {
	case "within":
	case "in", "under":
		if !short {
			return false
		}
	default:
		return false
	}
	// Something was done: a verb in the past before it in the clause ("delivered in 2 days",
	// not "going to Disneyland in 3 days").
	for k, n := j-1, 0; k >= 0 && n < 8; k-- {
		switch toks[k].kind {
		case tkWord:
			n++
			w := a.tok.normOf(&toks[k])
			if string(w) == "finally" || string(w) == "eventually" {
				return false // "it finally arrived in 3 days": after a wait
			}
			if isPastVerb(w) || a.info[k] >= 0 && v.infos[a.info[k]].lex&lxFix != 0 {
				return true
			}
		case tkMention, tkNumber, tkHashtag, tkEmoji, tkEmoticon:
		default:
			return false
		}
	}
	return false
}

// quickTook reports whether the count at token c says that something took a few minutes:
// "took" before it (perhaps with "just", "only" or the like between), at most fifteen minutes,
// and no "to", "for" or "before" after them ("the whole process took five minutes", not "it
// took 45 minutes to get through" or "took ten minutes for anyone to answer").
func (a *analysis) quickTook(text string, c int) bool {
	toks := a.tok.toks
	if c+1 >= len(toks) {
		return false
	}
	switch string(a.tok.normOf(&toks[c+1])) {
	case "minutes", "mins":
	default:
		return false
	}
	n := 0
	if tk := &toks[c]; tk.kind == tkNumber {
		n = countValue(text[tk.start:tk.end])
	} else if w := a.tok.normOf(tk); len(w) <= 9 { // (a short conversion does not allocate)
		n = countValue(string(w))
	}
	if n <= 0 || n > 15 {
		return false
	}
	if _, w := a.wordBeforeCount(c); string(w) != "took" {
		return false
	}
	if k := c + 2; k < len(toks) && toks[k].kind == tkWord {
		switch string(a.tok.normOf(&toks[k])) {
		case "to", "for", "before", "until", "till":
			return false
		}
	}
	return true
}

// wordBeforeCount returns the word before the count at token c, passing over a filler ("in just 5
// mins"), and its index; nil and -1 when no word stands there.
func (a *analysis) wordBeforeCount(c int) (int, []byte) {
	toks := a.tok.toks
	j := c - 1
	if j >= 0 && toks[j].kind == tkWord && isSpeedFiller(a.tok.normOf(&toks[j])) {
		j--
	}
	if j < 0 || toks[j].kind != tkWord {
		return -1, nil
	}
	return j, a.tok.normOf(&toks[j])
}

// countValue is the value of a count of digits (up to six) or a number word up to twenty, or 0.
func countValue(w string) int {
	if len(w) > 0 && len(w) <= 6 && isDigit(w[0]) {
		n := 0
		for i := 0; i < len(w); i++ {
			if !isDigit(w[i]) {
				return 0
			}
			n = n*10 + int(w[i]-'0')
		}
		return n
	}
	for k, s := range [...]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"} {
		if w == s {
			return k + 1
		}
	}
	return 0
}

// isShortUnit reports a unit of time short enough for a job done in a few of it to be quick.
func isShortUnit(w []byte) bool {
	switch string(w) {
	case "minutes", "mins", "hours", "hrs", "hour", "hr", "days":
		return true
	}
	return false
}

// isPastVerb reports a verb in the past: an -ed form, or a common irregular one.
func isPastVerb(w []byte) bool {
	if n := len(w); n > 3 && string(w[n-2:]) == "ed" {
		return true
	}
	switch string(w) {
	case "came", "sent", "got", "found", "paid", "done", "made", "gave", "brought", "rang":
		return true
	}
	return false
}

// isSpeedFiller reports the words that may stand between "in" and a count ("in just 5 mins").
func isSpeedFiller(w []byte) bool {
	switch string(w) {
	case "just", "only", "literally", "about", "around":
		return true
	}
	return false
}

// isCount reports whether token i is a number or a number word.
func (a *analysis) isCount(v *vocab, i int) bool {
	tk := &a.tok.toks[i]
	if tk.kind == tkNumber {
		return true
	}
	idx := a.info[i]
	return tk.kind == tkWord && idx >= 0 && v.infos[idx].flags&wCount != 0
}

// isUnit reports whether token i is a unit of time (duration in cues.txt: "hours", "days").
func (a *analysis) isUnit(v *vocab, i int) bool {
	idx := a.info[i]
	return idx >= 0 && v.infos[idx].flags&wDuration != 0
}

func isPhraseTok(k tokKind) bool { return k == tkWord || k == tkHashtag || k == tkNumber }

// keyHash is the hash a token is known by in phrases (hashtags with their '#').
func keyHash(tk *token, t *tokenizer) uint64 {
	if tk.kind == tkHashtag {
		return hashtagHash(t.normOf(tk))
	}
	return tk.h
}

// negatorBefore returns the negator that stands within negationScope words before token i, in
// the same clause, or -1. A negator inside a cue phrase counts only when covered is set.
func (a *analysis) negatorBefore(v *vocab, i int, covered bool) int {
	toks := a.tok.toks
	for j, n := i-1, 0; j >= 0 && n < negationScope; j-- {
		switch toks[j].kind {
		case tkWord, tkHashtag, tkNumber:
			n++
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&wNegator != 0 && (covered || a.mark[j]&mCovered == 0) {
				return j
			}
		case tkMention, tkEmoji, tkEmoticon:
		default:
			return -1
		}
	}
	return -1
}

// inComplaint reports whether token j belongs to a complaint found so far.
func (a *analysis) inComplaint(j int32) bool {
	for k := range a.items {
		if it := &a.items[k]; it.kind == itComplaint && it.first <= j && j <= it.last {
			return true
		}
	}
	return false
}

// joinGroup makes tokens [first, last] one evidence phrase, extending the phrase token first
// belongs to.
func (a *analysis) joinGroup(first, last int) {
	if first < 0 || first > last {
		return
	}
	g := a.group[first]
	for k := first; k <= last; k++ {
		a.group[k] = g
	}
}

// coverPhrase makes tokens [first, last] one phrase of a cue found by a rule ("will never order
// again", "fixed our outage"): as a cue phrase's words, they are evidence together and the
// n-gram model does not weigh them again.
func (a *analysis) coverPhrase(first, last int) {
	for k := first; k <= last; k++ {
		a.mark[k] |= mCovered | mMasked
	}
	a.joinGroup(first, last)
}

// negEmph handles an emphatic phrase ("at all") over tokens [first, last]: no sentiment of its
// own, and after a negator (neg >= 0) it makes the negation emphatic and joins it.
func (a *analysis) negEmph(neg, first, last int) {
	for k := first; k <= last; k++ {
		a.mark[k] |= mCovered | mMasked
		a.group[k] = int32(first)
	}
	if neg >= 0 {
		a.mark[neg] |= mNegEmph
		a.joinGroup(neg, last)
	}
}

// affectSarcasm finds a verb of liking whose object is a complaint ("I love waiting on hold",
// "love being ignored") or an activity that ends in one ("Love spending my Saturday on hold"): it
// records a sarcasm item over the verb and the complaint, one phrase.
func (a *analysis) affectSarcasm(v *vocab) {
	toks := a.tok.toks
	n := len(a.items)
	for k := 0; k < n; k++ {
		it := a.items[k]
		i := int(it.first)
		if it.kind != itLex || it.v <= 0 || it.first != it.last || a.mark[i]&mNegated != 0 {
			continue
		}
		if idx := a.info[i]; idx < 0 || v.infos[idx].flags&wAffect == 0 {
			continue
		}
		// The object: the next word, past "being", "getting", "to".
		j := i + 1
		for j < len(toks) && toks[j].kind == tkWord && isLinkWord(a.tok.normOf(&toks[j])) {
			j++
		}
		end := a.complaintAt(v, j, true)
		if end < 0 && j < len(toks) && toks[j].kind == tkWord && isIngForm(a.tok.normOf(&toks[j])) {
			// "Love spending my Saturday on hold", "love paying for premium to wait 2 hours":
			// the object is an activity whose own object, in its clause, is the complaint.
			// Only a complaint cue: "love watching horror films" is no irony.
			_, hi := a.clause(v, j)
			end = a.complaintCueIn(j+1, min(hi, j+1+activityWords))
		}
		if end < 0 {
			continue
		}
		for e := a.complaintAt(v, end+1, false); e >= 0; e = a.complaintAt(v, end+1, false) {
			end = e
		}
		a.items = append(a.items, item{first: int32(i), last: int32(end), v: 1, kind: itSarcasm})
		a.joinGroup(i, end)
	}
}

// wouldBefore reports whether "would" or a contraction of it ("I'd", "we'd") stands right before
// token i.
func (a *analysis) wouldBefore(i int) bool {
	if i == 0 || a.tok.toks[i-1].kind != tkWord {
		return false
	}
	w := a.tok.normOf(&a.tok.toks[i-1])
	return string(w) == "would" || len(w) > 2 && string(w[len(w)-2:]) == "'d"
}

// complaintCueIn returns the last token of the first complaint cue that starts in tokens [lo, hi),
// or -1.
func (a *analysis) complaintCueIn(lo, hi int) int {
	first, last := hi, -1
	for m := range a.items {
		if o := &a.items[m]; o.kind == itComplaint && o.v > 0 && int(o.first) >= lo && int(o.first) < first {
			first, last = int(o.first), int(o.last)
		}
	}
	return last
}

// complaintAt returns the last token of the complaint item, or of the negative lexicon item
// (with verb only a verb form: "waiting", "ignored"), that starts at token j; -1 if none.
func (a *analysis) complaintAt(v *vocab, j int, verb bool) int {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return -1
	}
	for k := range a.items {
		it := &a.items[k]
		if int(it.first) != j {
			continue
		}
		if it.kind == itComplaint {
			return int(it.last)
		}
		if it.kind == itLex && it.v < 0 && (!verb || isVerbForm(a.tok.normOf(&a.tok.toks[j]))) {
			return int(it.last)
		}
	}
	return -1
}

// titleWord reports whether token i is a word in title case ("Blood", not "BLOOD" or "blood").
func (a *analysis) titleWord(text string, i int) bool {
	tk := &a.tok.toks[i]
	if tk.kind != tkWord || tk.end-tk.start < 2 {
		return false
	}
	c, d := text[tk.start], text[tk.start+1]
	return c >= 'A' && c <= 'Z' && d >= 'a' && d <= 'z'
}

// usedHash is the hash of the word "used".
var usedHash = hashString("used")

// usedTo reports whether word i begins the "used to" of a past state or habit ("it used to be
// great", "we used to wait a week"), not that of "get used to", "I'm used to" or "is used to
// build".
func (a *analysis) usedTo(i int) bool {
	if !a.wordIs(i, "used") || !a.wordIs(i+1, "to") {
		return false
	}
	if i == 0 || a.tok.toks[i-1].kind != tkWord {
		return true
	}
	w := string(a.tok.normOf(&a.tok.toks[i-1]))
	switch w {
	case "get", "gets", "got", "getting", "gotten", "be", "been", "being", "am", "is", "are",
		"was", "were", "become", "becomes", "became", "becoming", "im", "youre", "theyre":
		return false
	}
	return !strings.HasSuffix(w, "'m") && !strings.HasSuffix(w, "'re") && !strings.HasSuffix(w, "'s")
}

// usedToBefore returns the "used" of a past state's "used to" (see usedTo) when token i is one of
// the negationScope words after its "to", in the same clause (the words the scorer turns around
// after it), or -1.
func (a *analysis) usedToBefore(i int) int {
	toks := a.tok.toks
	for j, n := i-1, 0; j >= 0 && n <= negationScope; j-- {
		switch toks[j].kind {
		case tkWord, tkHashtag, tkNumber:
			n++
			if toks[j].h == usedHash && a.usedTo(j) {
				return j
			}
		case tkMention, tkEmoji, tkEmoticon:
		default:
			return -1
		}
	}
	return -1
}

// untilHash is the hash of the word "until".
var untilHash = hashString("until")

// valenceBefore reports whether a word with positive valence stands among the three words
// before token i, in its clause.
func (a *analysis) valenceBefore(v *vocab, i int) bool {
	for j, n := i-1, 0; j >= 0 && n < 3; j, n = j-1, n+1 {
		if a.tok.toks[j].kind != tkWord {
			return false
		}
		if idx := a.info[j]; idx >= 0 && v.infos[idx].valence > 0 {
			return true
		}
	}
	return false
}

// signOff reports whether word i closes a letter, as "best" in "… Best, Mark" does: it is not
// the first word, opens a sentence or a line, and a comma and one or two words in title case (a
// name) follow it to the end of the message.
func (a *analysis) signOff(text string, i int) bool {
	toks := a.tok.toks
	n := len(toks) - i - 2 // the words of the name
	if i == 0 || n < 1 || n > 2 || string(a.tok.normOf(&toks[i])) != "best" {
		return false
	}
	if c := &toks[i+1]; c.kind != tkBreak || text[c.start] != ',' {
		return false
	}
	for k := i + 2; k < len(toks); k++ {
		if !a.titleWord(text, k) {
			return false
		}
	}
	return a.opensSentence(text, i) || strings.IndexByte(text[toks[i-1].end:toks[i].start], '\n') >= 0
}

// fewTitleWords reports whether fewer than half of the words that do not open a sentence are in
// title case: then title case marks names, not a headline style.
func (a *analysis) fewTitleWords(text string) bool {
	n, words := 0, 0
	for i := range a.tok.toks {
		if a.tok.toks[i].kind == tkWord && !a.opensSentence(text, i) {
			words++
			if a.titleWord(text, i) {
				n++
			}
		}
	}
	return n*2 < words
}

// opensSentence reports whether nothing but mentions comes before token i since the start of the
// message or a '.', '!' or '?'.
func (a *analysis) opensSentence(text string, i int) bool {
	toks := a.tok.toks
	for j := i - 1; j >= 0; j-- {
		switch tk := &toks[j]; tk.kind {
		case tkMention:
			continue
		case tkExclaim, tkQuestion:
			return true
		case tkBreak:
			return text[tk.start] == '.' || text[tk.start] == '\n'
		default:
			return false
		}
	}
	return true
}

// inName reports whether word i is part of a name: a run of two or more words in title case that
// does not open a sentence ("the era of Bad Translations", "on The Walking Dead"). Title case is
// also how customers emphasise ("the app is Really Bad", "a Horrible Experience"), so a run is no
// name when it holds or follows a word that makes it a predicate or an emphasis (see nameBreak),
// or holds a common noun of customer service or a greeting ("Terrible Customer Service", "Happy
// Birthday").
func (a *analysis) inName(v *vocab, text string, i int) bool {
	toks := a.tok.toks
	if !a.titleWord(text, i) {
		return false
	}
	first, last := i, i
	for first > 0 && a.titleWord(text, first-1) {
		first--
	}
	for last+1 < len(toks) && a.titleWord(text, last+1) {
		last++
	}
	if first == last || a.opensSentence(text, first) {
		return false
	}
	plain := false // a word without sentiment: a name is more than its sentiment words
	for k := first; k <= last; k++ {
		if a.nameBreak(v, k) || isCommonNoun(a.tok.normOf(&toks[k])) {
			return false
		}
		if idx := a.info[k]; idx < 0 || v.infos[idx].valence == 0 {
			plain = true
		}
	}
	if !plain {
		return false
	}
	// The words before the run: "is Really Bad", "was the Worst Airline", "so Bad".
	for j := first - 1; j >= 0; j-- {
		switch toks[j].kind {
		case tkMention:
			continue
		case tkWord:
			if a.nameBreak(v, j) {
				return false
			}
			if isDeterminer(a.tok.normOf(&toks[j])) {
				continue // "is the", "was a"
			}
		}
		break
	}
	return true
}

// nameBreak reports whether word i is a negator, an intensifier, a contrast, a personal or
// possessive pronoun, a topic term, or a verb that links a subject to what is said of it:
// around such a word title case is emphasis, not a name.
func (a *analysis) nameBreak(v *vocab, i int) bool {
	if idx := a.info[i]; idx >= 0 {
		wi := &v.infos[idx]
		if wi.boost != 0 || wi.flags&(wNegator|wContrast|wPerson|wTopic) != 0 {
			return true
		}
	}
	switch string(a.tok.normOf(&a.tok.toks[i])) {
	case "is", "was", "are", "were", "be", "been", "being", "am", "it's", "its", "that's", "thats",
		"seems", "seemed", "looks", "looked", "feels", "felt", "became", "becomes", "got", "gets",
		"ever", "so", "too", "very", "really", "such", "just", "most", "least", "how", "what",
		"their", "his", "her":
		return true
	}
	return false
}

// maxCompound bounds the hashtags that are split into words, in bytes.
const maxCompound = 40

// compoundValence splits a hashtag into as few known words as it can ("neveragain" → "never
// again", "badservice" → "bad service") and returns their valence, with negators and
// intensifiers applied like in running text; 0 when it cannot be split.
func (a *analysis) compoundValence(v *vocab, w []byte) float32 {
	n := len(w)
	if n < 5 || n > maxCompound {
		return 0
	}
	// best[j]: fewest words that spell w[:j] (0: none); from[j]: where the last one starts (the
	// first such start). Every word that starts at k extends a spelling of w[:k], final by then,
	// and hashes one byte more than the word before it.
	var best [maxCompound + 1]uint8
	var from [maxCompound + 1]uint8
	var idxs [maxCompound + 1]int32
	for k := 0; k < n; k++ {
		if k > 0 && best[k] == 0 {
			continue
		}
		h := uint64(fnvOffset)
		for j := k + 1; j <= n; j++ {
			h = (h ^ uint64(w[j-1])) * fnvPrime
			if j-k < 2 && w[k] != 'i' && w[k] != 'a' || best[j] != 0 && best[k]+1 >= best[j] {
				continue
			}
			hk := h
			if hk == 0 {
				hk = 1 // as hashBytes
			}
			idx := v.lookup(hk)
			if idx < 0 || v.infos[idx].flags&wEnglish == 0 { // a word of English text
				continue
			}
			best[j], from[j], idxs[j] = best[k]+1, uint8(k), idx
		}
	}
	if best[n] < 2 {
		return 0
	}
	// The words, last first.
	var parts [maxCompound]int32
	m := 0
	for j := n; j > 0; j = int(from[j]) {
		parts[m] = idxs[j]
		m++
	}
	var sum, boost float32
	negated := false
	for k := m - 1; k >= 0; k-- {
		wi := &v.infos[parts[k]]
		switch {
		case wi.flags&wNegator != 0:
			negated = true
		case wi.boost != 0:
			boost += wi.boostF()
		case wi.valence != 0:
			val := wi.valence * (1 + boost)
			if negated {
				val *= negationFactor
			}
			sum += val
			boost, negated = 0, false
		}
	}
	return sum
}

// isAnswerWord reports the words that answer a question ("yes", "ok").
func isAnswerWord(w []byte) bool {
	switch string(w) {
	case "yes", "yeah", "yep", "yup", "ok", "okay":
		return true
	}
	return false
}

// opensMessage reports whether nothing but mentions comes before token i.
func (a *analysis) opensMessage(i int) bool {
	for j := 0; j < i; j++ {
		if a.tok.toks[j].kind != tkMention {
			return false
		}
	}
	return true
}

// isInterjection reports answers and exclamations of surprise ("yes", "wow"), which open a
// sentence without evaluating anything.
func isInterjection(w []byte) bool {
	switch string(w) {
	case "wow", "yay", "woohoo", "hooray", "omg":
		return true
	}
	return isAnswerWord(w)
}

// exclaimNext reports whether an exclamation mark follows token i.
func (a *analysis) exclaimNext(i int) bool {
	return i+1 < len(a.tok.toks) && a.tok.toks[i+1].kind == tkExclaim
}

// swearBoost is how much a swear word before a sentiment word intensifies it, like "really".
const swearBoost = 0.3

// spelt reports whether word i, with info wi, is of spelling class c (lxSwear, lxLaugh). The
// class is read from wi when wi is the word's own entry; otherwise the word is read.
func (a *analysis) spelt(i int, wi *wordInfo, c uint8) bool {
	if a.mark[i]&mDirect != 0 {
		return wi.lex&c != 0
	}
	w := a.tok.normOf(&a.tok.toks[i])
	if c == lxSwear {
		return isSwearWord(w)
	}
	return isLaughter(w)
}

// isSwearWord reports swear words that also serve as intensifiers.
func isSwearWord(w []byte) bool {
	if len(w) < 4 || w[0] != 'f' && w[0] != 'd' && w[0] != 'e' && w[0] != 'b' {
		return false
	}
	switch string(w) {
	case "fucking", "fuckin", "effing", "freaking", "freakin", "frickin", "friggin", "damn",
		"bloody":
		return true
	}
	return false
}

// sentimentNext reports whether the token after i is a word with a lexicon valence, not part
// of a cue phrase.
func (a *analysis) sentimentNext(v *vocab, i int) bool {
	j := i + 1
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord || a.info[j] < 0 || a.mark[j]&mCovered != 0 {
		return false
	}
	return v.infos[a.info[j]].valence != 0
}

// isDeterminer reports articles and demonstratives, which a name may follow.
func isDeterminer(w []byte) bool {
	switch string(w) {
	case "a", "an", "the", "this", "that", "these", "those":
		return true
	}
	return false
}

// isCommonNoun reports common nouns of customer messages and greetings: a title-case run that
// holds one is emphasis or a greeting ("Worst Experience", "Happy Birthday"), not a name.
func isCommonNoun(w []byte) bool {
	switch string(w) {
	case "experience", "experiences", "service", "services", "customer", "customers", "support",
		"help", "staff", "team", "people", "person", "company", "business", "product", "products",
		"quality", "food", "meal", "place", "store", "shop", "restaurant", "hotel", "room", "flight",
		"flights", "airline", "trip", "stay", "visit", "job", "work", "value", "price", "time",
		"day", "days", "night", "week", "weekend", "morning", "year", "birthday", "anniversary",
		"holiday", "holidays", "christmas", "halloween", "thanksgiving", "easter", "luck",
		"waiter", "waiters", "waitress", "driver", "drivers", "owner", "seller", "app", "website":
		return true
	}
	return false
}

// anticipation finds eager anticipation: an exclamation about a time to come ("Concert
// tomorrow!", "Seeing them on Friday!!") in a message that says nothing negative. It records a
// praise item over the time word.
func (a *analysis) anticipation(text string) {
	for k := range a.items {
		switch it := &a.items[k]; it.kind {
		case itComplaint, itSarcasm:
			if it.v > 0 {
				return
			}
		case itLex, itEmoji, itPolite:
			if it.v < 0 {
				return
			}
		}
	}
	toks := a.tok.toks
	for i := range toks {
		if toks[i].kind != tkWord || a.mark[i]&mCovered != 0 || !isComingTime(a.tok.normOf(&toks[i])) {
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].kind != tkExclaim && !a.opensSentence(text, j) {
			j++
		}
		if j < len(toks) && toks[j].kind == tkExclaim {
			a.items = append(a.items, item{first: int32(i), last: int32(i), v: anticipationWeight, kind: itPraise})
			return
		}
	}
}

// anticipationWeight is the praise weight of eager anticipation, like a mild praise cue.
const anticipationWeight = 1.0

// isComingTime reports the words that name a time to come.
func isComingTime(w []byte) bool {
	switch string(w) {
	case "tomorrow", "tmrw", "tmr", "tonight", "tonite", "weekend", "monday", "tuesday",
		"wednesday", "thursday", "friday", "saturday", "sunday":
		return true
	}
	return false
}

// softLaughter hides laughter ("lol", "haha") from the model in a message that complains or
// says something negative: there it softens or mocks ("3 hours on hold lol"), it is no joy.
// Laughter has no valence in the lexicon: elsewhere the model weighs what it signals.
func (a *analysis) softLaughter(v *vocab) {
	bad := false
	for k := range a.items {
		it := &a.items[k]
		if it.problem() {
			bad = true
			break
		}
	}
	if !bad {
		return
	}
	for i := range a.tok.toks {
		if a.tok.toks[i].kind != tkWord {
			continue
		}
		var wi *wordInfo
		if idx := a.info[i]; idx >= 0 {
			wi = &v.infos[idx]
		}
		if a.spelt(i, wi, lxLaugh) {
			a.mark[i] |= mMasked
		}
	}
}

// isLaughter reports written laughter ("lol", "haha", "hahahaha").
func isLaughter(w []byte) bool {
	if len(w) < 3 || w[0] != 'l' && w[0] != 'h' && w[0] != 'r' {
		return false
	}
	switch string(w) {
	case "lol", "lolol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe":
		return true
	}
	return len(w) >= 4 && w[0] == 'h' && w[1] == 'a' && w[2] == 'h' && w[3] == 'a'
}

// mildPraise is the valence of "ok", "alright", "decent": approval too mild to be ironic.
const mildPraise = 1.6

// bareSarcasm finds praise that stands alone as a sentence after a complaint ("They never
// came. Awesome!", "Lost my bag again. Just great."), or opens a sentence before a comma and a
// complaint or "another" ("Great, another delay", "Wow, another 'scheduled maintenance'
// outage"): an ironic reaction, when nothing else in the message is
// positive (but emoji in the praise's sentence: "Nobody replies. Great work 👏👏") and no
// contrast ("but") turned the complaint around; before "another" ("Perfect. Another bot.",
// a stop for the comma), whatever else the message praises. It records a sarcasm item over
// the praise word.
func (a *analysis) bareSarcasm(v *vocab, text string) {
	n := len(a.items)
	for k := 0; k < n; k++ {
		it := a.items[k]
		if it.kind != itLex && it.kind != itPraise || it.v <= 0 || a.mark[it.first]&mNegated != 0 {
			continue
		}
		if idx := a.info[it.first]; it.kind == itPraise && (idx < 0 || v.infos[idx].valence <= 0) {
			continue // a praise phrase is ironic when it opens with praise ("great customer service guys"), not "Couldn't ask for more."
		}
		start, end := a.sentence(text, int(it.first))
		// "Great, another delay": the praise opens its sentence, a comma, then the complaint.
		// "Oh good, another …": an "oh" or "wow" may come first. Mild approval ("Alright, I'll
		// wait for the email then") leads nothing.
		f := int(it.first)
		strong := it.kind == itLex && !isInterjection(a.tok.normOf(&a.tok.toks[f])) && a.info[f] >= 0 && v.infos[a.info[f]].valence > mildPraise
		lead := strong && (f == start || f == start+1 && (a.wordIs(start, "oh") || a.wordIs(start, "wow"))) && a.markAfter(text, f, ',')
		// "Great, another 'scheduled maintenance' window": "another" after the comma is the
		// complaint. "perfect. another bot.": a stop may stand for the comma. Then the praise is
		// ironic whatever else the message praises ("… Fantastic work.", "Love that for us."):
		// that is ironic too.
		another := a.wordIs(f+2, "another") && (lead || strong && f == start && a.markAfter(text, f, '.'))
		if !lead && !another && (start == 0 || !a.bareWords(v, start, end, int(it.first), int(it.last))) {
			continue
		}
		if !lead && !another && a.fixedBefore(v, text, start) {
			continue // "… By Monday they had credited our account. Very impressed.": the story ended well
		}
		before, other := false, false
		for m := 0; m < n; m++ {
			o := &a.items[m]
			if m == k {
				continue
			}
			in := int(o.first) >= start && int(o.first) < end
			prior := int(o.first) < start || lead && in
			switch o.kind {
			case itComplaint:
				before = before || prior
			case itLex, itEmoji, itPolite, itPraise:
				if o.v > 0 {
					// An emoji in the praise's own sentence is part of the reaction ("great
					// work 👏👏"), and so is praise that stands alone in a later sentence too
					// ("Brilliant. Just brilliant."); any other positive item makes the praise meant.
					other = other || (o.kind != itEmoji || !in || lead) && !a.barePraiseAfter(v, text, start, o)
				} else if o.v < 0 && prior {
					before = true
				}
			}
		}
		for j := 0; j < start && before && !lead; j++ {
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&wContrast != 0 {
				before = false // "Lost my bag but your agent found it. Amazing!"
			}
		}
		if another || before && !other {
			a.items = append(a.items, item{first: it.first, last: it.last, v: 1, kind: itSarcasm})
		}
	}
}

// barePraiseAfter reports whether positive item o stands alone as its sentence, from token
// start on ("… Brilliant. Just brilliant."): an echo of the praise bareSarcasm looks at.
func (a *analysis) barePraiseAfter(v *vocab, text string, start int, o *item) bool {
	if int(o.first) < start || o.kind != itLex {
		return false
	}
	s, e := a.sentence(text, int(o.first))
	return s > 0 && a.bareWords(v, s, e, int(o.first), int(o.last))
}

// fixedBefore reports whether a verb of fixing before token i says a problem was dealt with
// (see fixDone: "refunded", "credited", "replaced").
func (a *analysis) fixedBefore(v *vocab, text string, i int) bool {
	for j := 0; j < i; j++ {
		if a.fixDone(v, text, j) {
			return true
		}
	}
	return false
}

// applause finds clapping after a complaint ("Train cancelled, replacement bus never showed.
// Brilliant service as always 👏", "only 6 weeks to process a simple claim. Truly world class
// service 👏👏"): applause for a failure is irony, unless praise comes before the failure (but
// an opening "Wow," or "Great,"), a contrast ("but") stands between them ("Delayed two hours
// but the crew were great 👏") or a praise cue in the applause's sentence says what was good
// ("That's how it should be done 👏"). It records a sarcasm item over the emoji (so that, as in
// every ironic message, the clapping then counts nothing as an emoji).
func (a *analysis) applause(v *vocab, text string) {
	n := len(a.items)
	for k := 0; k < n; k++ {
		it := a.items[k]
		if it.kind != itEmoji || it.v <= 0 || a.tok.toks[it.first].r != clapRune {
			continue
		}
		bad, good := -1, -1 // the first complaint or negative item, and the first praise, before it
		for m := 0; m < n; m++ {
			o := &a.items[m]
			if o.first >= it.first {
				continue
			}
			switch {
			case o.problem():
				if bad < 0 || int(o.first) < bad {
					bad = int(o.first)
				}
			case o.v > 0 && (o.kind == itLex || o.kind == itPraise) && !a.leadWord(text, int(o.first)):
				if good < 0 || int(o.first) < good {
					good = int(o.first)
				}
			}
		}
		if bad < 0 || good >= 0 && good < bad {
			continue // "went above and beyond - waited while I got downstairs 👏"
		}
		for j := bad + 1; j < int(it.first); j++ {
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&wContrast != 0 {
				return
			}
		}
		start, _ := a.sentence(text, int(it.first))
		for m := 0; m < n; m++ {
			if o := &a.items[m]; o.kind == itPraise && o.v > 0 && int(o.first) >= start && o.first < it.first {
				return // "Money back within the hour. That's how it should be done 👏"
			}
		}
		a.items = append(a.items, item{first: it.first, last: it.last, v: 1, kind: itSarcasm})
		return
	}
}

// onlyWait finds "only" before a wait ("only 73 minutes on hold today", "Wow, only six weeks to
// answer one simple question": a complaint, or a duration that the praise of its sentence
// cleared): the word makes light of the wait in irony. It records a sarcasm item over the two.
func (a *analysis) onlyWait(v *vocab) {
	for k := range a.items {
		it := &a.items[k]
		// A duration may have been cleared by its sentence's praise ("Wow, only six weeks ...
		// Impressive turnaround"): the praise is the irony then.
		duration := a.isCount(v, int(it.first)) && a.isUnit(v, int(it.last))
		if it.kind != itComplaint && it.kind != itContextual || it.v < 0 || it.v == 0 && !duration {
			continue
		}
		// The count of the wait: the item's first word ("6 weeks"), or the word before a cue
		// that opens with the unit ("73 [minutes on hold]").
		c := int(it.first)
		if a.isUnit(v, c) {
			c--
		} else if !a.isUnit(v, int(it.last)) {
			continue
		}
		if c < 1 || !a.isCount(v, c) || !a.wordIs(c-1, "only") {
			continue
		}
		a.items = append(a.items, item{first: int32(c - 1), last: it.last, v: 1, kind: itSarcasm})
		return
	}
}

// softSmile reports whether item it is a smiling emoji of courtesy (🙂 😊 ☺). Emoticons are
// not: in the tweets of the evaluation data a ":)" with a question is labelled positive.
func (a *analysis) softSmile(it *item) bool {
	if it.kind != itEmoji || it.v <= 0 {
		return false
	}
	tk := &a.tok.toks[it.first]
	return tk.kind == tkEmoji && isSoftSmile(tk.r)
}

// quotedWord reports whether word token i stands alone in quotation marks ("my 'fixed' router").
func (a *analysis) quotedWord(text string, i int) bool {
	tk := &a.tok.toks[i]
	if tk.start == 0 || int(tk.end) >= len(text) {
		return false
	}
	before, after := text[tk.start-1], text[tk.end]
	return (before == '\'' || before == '"') && before == after ||
		strings.HasSuffix(text[:tk.start], "\u2018") && strings.HasPrefix(text[tk.end:], "\u2019")
}

// leadWord reports whether word token i opens its sentence and a comma follows it ("Wow, ...",
// "Great, ...").
func (a *analysis) leadWord(text string, i int) bool {
	return a.markAfter(text, i, ',') && a.opensSentence(text, i)
}

// markAfter reports whether the break that follows token i opens with mark c (',' or '.').
func (a *analysis) markAfter(text string, i int, c byte) bool {
	toks := a.tok.toks
	return i+1 < len(toks) && toks[i+1].kind == tkBreak && text[toks[i+1].start] == c
}

// expectWords is how far into its sentence the word of an expectation may stand ("Not gonna
// lie, I was ready to cancel, but …").
const expectWords = 7

// mindWeight is the praise of a mind changed after a contrast ("Was ready to switch providers,
// but the callback you gave me changed my mind").
const mindWeight = 1.5

// expectation clears the problems a customer feared, when a contrast brought praise instead
// ("Honestly expected a nightmare getting my money back but the team were brilliant", "Was
// nervous about switching providers but the whole thing was painless"): a word of expecting or
// fearing stands among the first expectWords tokens of the sentence of contrast word c, and
// after c, to the end of the message, there is praise and nothing negative ("Was dreading the
// SIM swap but it took 5 minutes. Impressed."). The complaints and negative words between the
// two then count nothing.
func (a *analysis) expectation(text string, c int) {
	start, _ := a.sentence(text, c)
	e := -1
	for j := start; j < min(start+expectWords, c); j++ {
		switch w := a.tok.normOf(&a.tok.toks[j]); string(w) {
		case "expect", "expected", "expecting", "thought", "feared", "dreaded", "assumed":
			e = j
		default:
			if isWorry(w) {
				e = j
			}
		}
	}
	if e < 0 {
		return
	}
	// "… but the way the manager handled it changed my mind": what came after the contrast
	// turned the customer round, which is praise of it.
	for j := c + 1; j+2 < len(a.tok.toks); j++ {
		if (a.wordIs(j, "changed") || a.wordIs(j, "change")) && a.wordIs(j+1, "my") && a.wordIs(j+2, "mind") {
			a.coverPhrase(j, j+2)
			a.items = append(a.items, item{first: int32(j), last: int32(j + 2), v: mindWeight, kind: itPraise})
			break
		}
	}
	a.fearDispelled(c+1, e+1, c)
}

// foreboding finds a sentence that dreads what was to come ("I was dreading this one", "Took my
// dead laptop in expecting the worst", "Thought I'd be fighting for this refund for weeks")
// followed, from the next sentence to the end of the message, by praise and nothing negative or
// ironic ("Not a single problem.", "It was back in my account the next morning."): the problems of the
// dreading sentence were the fear, not what happened, and count nothing. (expectation does the
// same within a sentence turned by "but".)
func (a *analysis) foreboding(text string) {
	toks := a.tok.toks
	e := -1
	for j := range toks {
		if toks[j].kind == tkWord && a.fearAt(j) {
			e = j
			break
		}
	}
	if e < 0 {
		return
	}
	start, end := a.sentence(text, e)
	a.fearDispelled(end, start, end)
}

// fearDispelled clears the problems that start in tokens [lo, hi) when what starts from token
// from on praises and has nothing negative or ironic in it ("thought it was sorted but it's
// broken again" keeps its problems): the problems were feared, not met.
func (a *analysis) fearDispelled(from, lo, hi int) {
	praise := false
	for k := range a.items {
		it := &a.items[k]
		if int(it.first) < from {
			continue
		}
		switch {
		case it.negative():
			return // "Was dreading the call. Rightly so, on hold for an hour."
		case it.praises():
			praise = true
		}
	}
	if praise {
		a.dropProblems(lo, hi)
	}
}

// elsewhere finds complaints about another company in a message that praises this one ("After
// two awful months with my old provider, switching to you was painless", "After three awful
// trips with other airlines losing my bags ..."): the negative items of a clause that names a
// former or other provider ("old", "previous", "former", "other" before "provider", "bank",
// "airline", …) count nothing, when praise stands outside that clause.
func (a *analysis) elsewhere(v *vocab) {
	toks := a.tok.toks
	for j := range toks {
		if toks[j].kind != tkWord {
			continue
		}
		switch string(a.tok.normOf(&toks[j])) {
		case "old", "previous", "former", "other":
		default:
			continue
		}
		if !a.isProvider(j+1) && !a.isProvider(j+2) {
			continue
		}
		lo, hi := a.clause(v, j)
		praised := false
		for k := range a.items {
			it := &a.items[k]
			if it.kind == itSarcasm {
				return // the praise is irony
			}
			if (int(it.first) < lo || int(it.first) >= hi) && it.praises() {
				praised = true
			}
		}
		if praised {
			a.dropProblems(lo, hi)
		}
		return
	}
}

// joyTears drops crying faces and skulls from a message whose only negative items they are,
// beside praise ("left a birthday cake in the room 😭 you guys are the best", "dropped the tablet
// in the bath 💀 and you replaced it, no questions asked"): tears of joy, dead of laughing.
func (a *analysis) joyTears() {
	praise := false
	for k := range a.items {
		it := &a.items[k]
		switch {
		case it.kind == itEmoji && it.v < 0:
			if !isTears(a.tok.toks[it.first].r) {
				return
			}
		case it.negative():
			return
		case it.v > 0 && (it.kind == itLex || it.kind == itPraise):
			praise = true
		}
	}
	if !praise {
		return
	}
	for k := range a.items {
		if it := &a.items[k]; it.kind == itEmoji && it.v < 0 {
			a.drop(it)
		}
	}
}

// isProvider reports whether token j names a kind of company: "provider", "bank", "airlines", ….
func (a *analysis) isProvider(j int) bool {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "provider", "providers", "bank", "banks", "company", "companies", "airline", "airlines", "carrier", "carriers",
		"supplier", "suppliers", "insurer", "insurers", "network", "networks", "isp", "courier", "couriers", "firm", "firms",
		"broadband", "energy", "host", "hosts", "brand", "brands", "retailer", "retailers", "lender", "lenders":
		return true
	}
	return false
}

// fearAt reports whether word j says the customer feared how things would go: "dreaded",
// "feared", "expecting the worst", "thought I'd ..." (a thought of what would happen), or a word
// of worry after "was", "were" or "been" ("I was nervous", "had been sceptical", "I was ready to
// write a furious review"), not a worry of now ("I'm worried my parcel is lost").
func (a *analysis) fearAt(j int) bool {
	switch w := a.tok.normOf(&a.tok.toks[j]); string(w) {
	case "dreaded", "feared":
		return true
	case "expecting", "expected":
		// "expecting the worst", "I expected a fight", "expected it to be a nightmare"
		return a.wordIs(j+1, "the") && a.wordIs(j+2, "worst") || a.problemWithin(j+1, j+expectProblem)
	case "thought":
		return a.wordIs(j+1, "i'd") || a.wordIs(j+1, "it'd") || a.wordIs(j+1, "we'd") ||
			(a.wordIs(j+1, "i") || a.wordIs(j+1, "it") || a.wordIs(j+1, "we")) && a.wordIs(j+2, "would")
	default:
		if !isWorry(w) && string(w) != "panicking" && string(w) != "panicked" {
			return false
		}
		for k := j - 1; k >= max(0, j-3); k-- {
			if a.wordIs(k, "was") || a.wordIs(k, "were") || a.wordIs(k, "been") {
				return true
			}
		}
	}
	return false
}

// expectProblem is how far after "expected" the problem expected may start.
const expectProblem = 6

// problemWithin reports whether a problem (see item.problem) starts in tokens [lo, hi), with
// nothing but words before it.
func (a *analysis) problemWithin(lo, hi int) bool {
	hi = min(hi, len(a.tok.toks))
	for j := lo; j < hi; j++ {
		if a.tok.toks[j].kind != tkWord {
			return false
		}
		for k := range a.items {
			if it := &a.items[k]; int(it.first) == j && it.problem() {
				return true
			}
		}
	}
	return false
}

// isWorry reports a word of worry about what is to come: "dreading", "nervous", "sceptical",
// "ready" (to complain), "scared", ….
func isWorry(w []byte) bool {
	switch string(w) {
	case "dreading", "worried", "nervous", "anxious", "sceptical", "skeptical", "apprehensive", "ready", "scared", "terrified", "frightened":
		return true
	}
	return false
}

// bareWords reports whether the words of tokens [start, end) are the praise of tokens [p, q] (a
// word, or a praise phrase, counted as one word) and at most two fillers ("just", "oh", "sounds",
// intensifiers): praise with no object.
func (a *analysis) bareWords(v *vocab, start, end, p, q int) bool {
	words := 0
	for j := start; j < end; j++ {
		tk := &a.tok.toks[j]
		if tk.kind != tkWord && tk.kind != tkHashtag {
			continue
		}
		if j >= p && j <= q {
			if j == p {
				words++
			}
			continue
		}
		words++
		if idx := a.info[j]; idx >= 0 && v.infos[idx].boost > 0 {
			continue
		}
		switch string(a.tok.normOf(tk)) {
		case "just", "oh", "how", "sounds", "well", "that's", "thats", "simply", "wow":
			continue
		case "work", "job", "stuff", "one", "guys", "team", "folks", "everyone", "devs", "service", "support", "system", "communication":
			// "great work guys", "nice one", "great support system": praise of nothing named, of
			// those addressed or of the service itself
			if j > q {
				continue
			}
		}
		return false
	}
	return words <= 3
}

// A problem that a message says was fixed stands at most fixAfter words after the verb ("fixed
// our broadband outage") or fixBefore words before it ("the issue was finally resolved").
const fixAfter, fixBefore = 4, 3

// resolution finds problems that the message says were dealt with ("she fixed our outage",
// "thanks for sorting out my refund", "the issue was resolved quickly"). A verb of fixing (a fix
// cue) that is not negated, not asked about ("have you fixed the outage?") and not still to come
// (a pending cue before it: "I need this fixed") resolves the problems next to it in its
// clause: complaints after it, and negative topic terms after or before it (and complaints and
// topic terms anywhere before it, when "it", "them", "this" or "everything" follows the verb: "a
// missing refund, and Tom sorted it"). It does so only when
// nothing else in the clause is negative ("they handled my complaint badly"). The problems then
// count nothing, and the phrase from the verb to them is a praise cue. It runs before
// resolveContextual, so that a duration in the clause ("fixed it in ten minutes") has the praise
// beside it.
func (a *analysis) resolution(v *vocab, text string) {
	toks := a.tok.toks
	for i := range toks {
		if !a.fixDone(v, text, i) {
			continue
		}
		lo, hi := a.clause(v, i)
		first, last, found, other := i, i, false, false
		// "a problem with a missing parcel and Aisha sorted it": a pronoun after the verb takes
		// it back to the problems named before it in its clause, however far.
		// So does a passive verb ("the wrong item issue from last week has been completely
		// resolved"): its subject is the problem.
		back := a.wordIs(i+1, "it") || a.wordIs(i+1, "everything") || a.wordIs(i+1, "them") || a.wordIs(i+1, "this") || a.passiveAt(i)
		for k := range a.items {
			it := &a.items[k]
			if int(it.last) < lo || int(it.first) >= hi || int(it.first) == i {
				continue
			}
			if !it.negative() {
				continue
			}
			term := it.kind != itEmoji && a.topicTerms(v, it)
			switch {
			case int(it.first) > i && (int(it.last) <= i+fixAfter || a.settingBetween(v, i, int(it.first))) && (it.kind == itComplaint || term):
				last = max(last, int(it.last))
			case int(it.last) < i && (int(it.first) >= i-fixBefore && term || back && (term || it.kind == itComplaint)):
				first = min(first, int(it.first))
			default:
				other = true
			}
			found = true
		}
		if !found || other {
			continue
		}
		a.clearProblems(first, last, i)
		a.coverPhrase(first, last) // the phrase is a cue now
		a.items = append(a.items, item{first: int32(first), last: int32(last), v: fixWeight, kind: itPraise})
	}
}

// fixDone reports whether token i is a verb of fixing that says a problem was dealt with
// ("refunded", "credited", "sorted"): not negated, not in a complaint, not in quotation marks
// ("my 'fixed' router drops out every evening"), not still to come in its clause ("I need it
// sorted", "was promised it was fixed") and not asked about.
func (a *analysis) fixDone(v *vocab, text string, i int) bool {
	idx := a.info[i]
	if idx < 0 || v.infos[idx].lex&lxFix == 0 || a.mark[i]&mNegated != 0 || a.inComplaint(int32(i)) || a.quotedWord(text, i) {
		return false
	}
	lo, _ := a.clause(v, i)
	return !a.pending(v, max(lo, i-fixBefore), i, false) && !a.askedAfter(text, i) && !a.mannerBefore(max(lo, i-mannerWords), i)
}

// mannerWords is how far before a verb of fixing mannerBefore looks ("after how my fraud claim
// was handled").
const mannerWords = 6

// mannerBefore reports whether "how" or "the way" stands among tokens lo to i-1: "disappointed
// with how my claim was handled", "after the way it was dealt with" name the handling, for the
// words around them to judge, and say no problem was fixed.
func (a *analysis) mannerBefore(lo, i int) bool {
	for j := lo; j < i; j++ {
		if a.wordIs(j, "how") || a.wordIs(j, "way") && a.wordIs(j-1, "the") {
			return true
		}
	}
	return false
}

// allFixed finds a verb of fixing after "all" or "everything" ("… rather than fobbing me off.
// All sorted now.", "Everything's fixed, thanks"), not negated, still to come or asked about:
// it takes back every problem named before it in the message, which then count nothing (their
// words left out of the n-grams), and is praise (fixWeight) unless a cue already made it so. Not
// when a contrast (the message's last, at lastContrast) follows ("Everything is fixed now but I
// want compensation").
func (a *analysis) allFixed(v *vocab, text string, lastContrast int) {
	for i := lastContrast + 1; i < len(a.tok.toks); i++ {
		if !a.allBefore(i) || !a.fixDone(v, text, i) {
			continue
		}
		a.dropProblems(0, i-1)
		praised := false
		for k := range a.items {
			if it := &a.items[k]; int(it.first) <= i && i <= int(it.last) && it.v > 0 {
				praised = true
			}
		}
		if !praised {
			a.items = append(a.items, item{first: int32(i), last: int32(i), v: fixWeight, kind: itPraise})
		}
		return
	}
}

// allBefore reports whether "all" or "everything" comes right before token i, or "everything"
// then "is" or "was" ("all sorted", "everything's fixed", "everything is resolved").
func (a *analysis) allBefore(i int) bool {
	if a.wordIs(i-1, "all") || a.wordIs(i-1, "everything") || a.wordIs(i-1, "everything's") {
		return true
	}
	return (a.wordIs(i-1, "is") || a.wordIs(i-1, "was")) && a.wordIs(i-2, "everything")
}

// passiveAt reports whether verb i is passive: "was", "were", "been", "is", "are", "got" or
// "get" stands right before it, or before one adverb ("has been completely resolved").
func (a *analysis) passiveAt(i int) bool {
	for k := i - 1; k >= max(0, i-2); k-- {
		switch {
		case a.wordIs(k, "was"), a.wordIs(k, "were"), a.wordIs(k, "been"), a.wordIs(k, "is"), a.wordIs(k, "are"), a.wordIs(k, "got"), a.wordIs(k, "get"):
			return true
		case k == i-1 && a.tok.toks[k].kind == tkWord && bytes.HasSuffix(a.tok.normOf(&a.tok.toks[k]), []byte("ly")):
			continue // an adverb: "completely", "finally", "quickly"
		}
		return false
	}
	return false
}

// settingBetween reports whether a backdrop cue or "when" stands between tokens i and j: a
// problem after it is the setting of the fix at i, however far ("rebooked me automatically when
// my connection was cancelled", "Rebooked onto the 18:40 after the cancellation").
func (a *analysis) settingBetween(v *vocab, i, j int) bool {
	for k := i + 1; k < j; k++ {
		if idx := a.info[k]; idx >= 0 && v.backdrop[idx] || a.wordIs(k, "when") {
			return true
		}
	}
	return false
}

// backdrop finds problems that a message of praise names as the setting of what it praises
// ("helpful during the delay", "thanks for the heads-up about the outage"): a negative topic term
// right after a backdrop cue ("during", "about"; a function word may stand between), in a clause
// with nothing else negative, in a sentence that praises (a positive word, emoji or praise cue;
// courtesy alone is no praise: "please help with my delayed order"). The problem then counts
// nothing.
func (a *analysis) backdrop(v *vocab, text string) {
	if len(v.backdrop) == 0 {
		return
	}
	for k := range a.items {
		it := &a.items[k]
		if !(it.kind == itLex && it.v < 0 || it.kind == itComplaint && it.v > 0) || !a.topicWord(v, it) {
			continue
		}
		i := int(it.first)
		j := i - 1
		if j >= 0 && a.mark[j]&mFuncWord != 0 && (a.info[j] < 0 || !v.backdrop[a.info[j]]) {
			j-- // "during the delay", "about my refund"
		}
		if j < 0 || a.info[j] < 0 || !v.backdrop[a.info[j]] {
			continue
		}
		lo, hi := a.clause(v, i)
		start, end := a.sentence(text, i)
		praised, other := false, false
		for m := range a.items {
			o := &a.items[m]
			if o.first == it.first && o.last == it.last {
				continue // the term itself, as a word and as a cue
			}
			f := int(o.first)
			switch {
			case f >= lo && f < hi && o.negative():
				other = true
			case f >= start && f < end && o.praises():
				praised = true
			}
		}
		if praised && !other {
			a.clearProblems(i, i, -1)
			a.mark[i] |= mMasked
		}
	}
}

// recovery finds losses that the message says were made good ("found my lost passport", "my
// lost parcel turned up this morning", "thanks for tracking down my missing order"): a negative
// item with a word of loss (a loss cue) and, in its sentence, a word of recovery (a recover cue)
// that is not negated, not asked about and not still to come (a pending cue of wanting before it
// in the sentence), with nothing else negative in the sentence. A recovery word before the loss
// must take it as its object: within fixAfter words, with a determiner or possessive first
// ("found my lost passport", not "found two items missing"). The loss then counts nothing, and
// the recovery word is a praise cue of the fix weight.
func (a *analysis) recovery(v *vocab, text string) {
	if len(v.loss) == 0 || len(v.recover) == 0 {
		return
	}
	toks := a.tok.toks
	for k := range a.items {
		it := &a.items[k]
		if !it.negative() || it.kind == itSarcasm || !a.hasWord(v.loss, it) {
			continue
		}
		first, last := int(it.first), int(it.last)
		start, end := a.sentence(text, first)
		rec := -1
		for j := start; j < end && rec < 0; j++ {
			if idx := a.info[j]; (j < first || j > last) && toks[j].kind == tkWord && idx >= 0 && v.recover[idx] {
				rec = j
			}
		}
		if rec < 0 || a.mark[rec]&mNegated != 0 || a.negatorBefore(v, rec, true) >= 0 || a.askedAfter(text, rec) {
			continue
		}
		if a.pending(v, start, rec, true) {
			continue // "I need my missing parcel tracked down"
		}
		if rec < first && (first-rec > fixAfter || !a.determinerBefore(first)) {
			continue
		}
		other := false
		for m := range a.items {
			o := &a.items[m]
			if f := int(o.first); f >= start && f < end && o.negative() && (int(o.last) < first || f > last) {
				other = true
				break
			}
		}
		if other {
			continue
		}
		a.clearProblems(first, last, -1)
		for j := first; j <= last; j++ {
			a.mark[j] |= mCovered | mMasked
		}
		a.items = append(a.items, item{first: int32(rec), last: int32(rec), v: fixWeight, kind: itPraise})
		a.mark[rec] |= mCovered | mMasked
	}
}

// pending reports whether a pending cue ("need", "to be", "please") stands in tokens [lo, i):
// resolution reads the fixBefore words before a verb of fixing, recovery the sentence before a
// word of recovery. With wanting set, only cues of wanting or waiting count ("want", "need",
// "until"; not "to" or "be", which put a fix to come only right before its verb).
func (a *analysis) pending(v *vocab, lo, i int, wanting bool) bool {
	for j := lo; j < i; j++ {
		if a.info[j] >= 0 && v.pending[a.info[j]] {
			if w := a.tok.normOf(&a.tok.toks[j]); !wanting || string(w) != "to" && string(w) != "be" {
				return true
			}
		}
	}
	return false
}

// hasWord reports whether a word of item it is in the set of slots.
func (a *analysis) hasWord(set map[int32]bool, it *item) bool {
	for j := it.first; j <= it.last; j++ {
		if idx := a.info[j]; idx >= 0 && set[idx] {
			return true
		}
	}
	return false
}

// determinerBefore reports whether token i or one of the two words before it is a determiner or
// a possessive ("my lost", "the missing", "my daughter's lost teddy").
func (a *analysis) determinerBefore(i int) bool {
	toks := a.tok.toks
	for j := i; j >= 0 && j >= i-2; j-- {
		if toks[j].kind != tkWord {
			return false
		}
		w := a.tok.normOf(&toks[j])
		switch string(w) {
		case "my", "our", "your", "his", "her", "their":
			return true
		}
		if isDeterminer(w) || len(w) > 2 && string(w[len(w)-2:]) == "'s" {
			return true
		}
	}
	return false
}

// negative reports whether it says something bad: a problem or sarcasm.
func (it *item) negative() bool { return it.kind == itSarcasm || it.problem() }

// problem reports whether it names a problem: a complaint that still counts, or a negative word
// or emoji.
func (it *item) problem() bool {
	switch it.kind {
	case itComplaint:
		return it.v > 0
	case itLex, itEmoji:
		return it.v < 0
	}
	return false
}

// praises reports whether it praises: a positive word, praise cue or emoji (courtesy does not).
func (it *item) praises() bool {
	return it.v > 0 && (it.kind == itLex || it.kind == itPraise || it.kind == itEmoji)
}

// dropProblems drops the problems (see item.problem) that start in tokens [lo, hi): they count
// nothing, and their words are left out of the n-grams.
func (a *analysis) dropProblems(lo, hi int) {
	for k := range a.items {
		if it := &a.items[k]; int(it.first) >= lo && int(it.first) < hi && it.problem() {
			a.drop(it)
		}
	}
}

// clearProblems makes the complaints and negative words within tokens [first, last] count
// nothing, except those that start at token except.
func (a *analysis) clearProblems(first, last, except int) {
	for k := range a.items {
		if it := &a.items[k]; int(it.first) >= first && int(it.last) <= last && int(it.first) != except &&
			(it.kind == itComplaint || it.kind == itLex && it.v < 0) {
			it.v = 0
		}
	}
}

// clause returns the tokens [lo, hi) of the clause of token i: up to a break, a '!' or '?', or a
// word of contrast.
func (a *analysis) clause(v *vocab, i int) (lo, hi int) {
	toks := a.tok.toks
	ends := func(j int) bool {
		switch toks[j].kind {
		case tkBreak, tkExclaim, tkQuestion:
			return true
		}
		return a.info[j] >= 0 && v.infos[a.info[j]].flags&wContrast != 0
	}
	lo, hi = i, i+1
	for lo > 0 && !ends(lo-1) {
		lo--
	}
	for hi < len(toks) && !ends(hi) {
		hi++
	}
	return lo, hi
}

// askedAfter reports whether the sentence of token i ends in a question mark after it.
func (a *analysis) askedAfter(text string, i int) bool {
	_, end := a.sentence(text, i)
	for j := i + 1; j < end; j++ {
		if a.tok.toks[j].kind == tkQuestion {
			return true
		}
	}
	return false
}

// topicTerms reports whether every word of item it is a topic term ("outage", "delayed").
func (a *analysis) topicTerms(v *vocab, it *item) bool {
	for j := it.first; j <= it.last; j++ {
		if a.info[j] < 0 || v.infos[a.info[j]].lex&lxTopicTerm == 0 {
			return false
		}
	}
	return true
}

// resolveContextual decides the complaints that hold only in context: a duration ("3 hours") or
// a repetition ("again", "second time") is a complaint unless its sentence says something
// good and nothing bad ("Thanks again for your help", "can't wait to see them again!",
// "delivered in 2 days, great").
func (a *analysis) resolveContextual(text string) {
	for k := range a.items {
		it := &a.items[k]
		if it.kind != itContextual {
			continue
		}
		start, end := a.sentence(text, int(it.first))
		good, bad := false, false
		for m := range a.items {
			o := &a.items[m]
			if m == k || int(o.first) < start || int(o.first) >= end {
				continue
			}
			switch o.kind {
			case itLex, itPolite, itEmoji, itPraise:
				good = good || o.v > 0
				bad = bad || o.v < 0
			case itComplaint, itSarcasm, itSarcasmCond: // "nice to know 3 hours of my time is worth $8"
				bad = true
			}
		}
		it.kind = itComplaint
		if good && !bad || a.goodBefore(k) {
			it.v = 0
		}
	}
}

// goodBefore reports whether the word right before item k is a positive word ("all working
// again", "happy again"): what came back is good, whatever else its sentence says.
func (a *analysis) goodBefore(k int) bool {
	at := a.items[k].first - 1
	for m := range a.items {
		if o := &a.items[m]; o.kind == itLex && o.first == at && o.last == at && o.v > 0 {
			return true
		}
	}
	return false
}

// thanked clears the problems of a message framed as thanks ("Huge thanks to the cabin crew for
// looking after my nervous mum", "Just wanted to say thanks to Dan, he sorted my overcharge"):
// with a gratitude cue, the problems it names are the story of what the thanks are for, and
// count nothing. Not when the thanks are ironic or taken back: a sarcasm item, a negative emoji,
// a word of contrast after the cue ("Huge thanks to Sam, but the app is still broken"), or a
// problem as what the thanks are for: right after their "for" ("Big thanks to the airline for
// losing my bag"), or a complaint phrase in the clause of the "for" ("Shout out to Ryanair for
// another 3 hour delay", not "… for the refund"). "… for nothing" is sarcasm, as "thanks for
// nothing" is.
func (a *analysis) thanked(v *vocab, lastContrast int) {
	at := int(a.thanks)
	if lastContrast > at {
		return
	}
	for k := range a.items {
		switch it := &a.items[k]; it.kind {
		case itSarcasm, itSarcasmCond:
			return
		case itEmoji:
			if it.v < 0 {
				return
			}
		}
	}
	toks := a.tok.toks
	for j := at + 1; j+1 < len(toks); j++ {
		if !a.wordIs(j, "for") {
			continue
		}
		if a.wordIs(j+1, "nothing") {
			// "Massive thanks to Telvo for nothing": "thanks for nothing" with a name between.
			a.items = append(a.items, item{first: int32(j), last: int32(j + 1), v: 1, kind: itSarcasm})
			return
		}
		if a.complaintAt(v, j+1, false) >= 0 {
			return // "big thanks to the airline for losing my bag"
		}
		// A complaint phrase in what the thanks are for is what they are for: "shout out to
		// Ryanair for another 3 hour delay" (a one-word cue names a topic: "for the refund").
		_, hi := a.clause(v, j)
		for k := range a.items {
			if it := &a.items[k]; it.kind == itComplaint && it.v > 0 && it.first != it.last && int(it.first) > j && int(it.first) < hi {
				return
			}
		}
		break
	}
	for k := range a.items {
		if it := &a.items[k]; it.kind == itComplaint || it.kind == itLex && it.v < 0 {
			it.v = 0
			if it.first == it.last {
				a.mark[it.first] |= mMasked // as a cue's words are
			}
		}
	}
}

// infoQuestion reports whether the message asks plain questions: its first sentence (after a
// greeting: "Hi, how do I …", "@acme hello, is …", or after an "if" clause: "If a payment fails,
// is there a fee?") opens with a question word and ends in one
// question mark, every later question opens with a question word too, and there is no '!'.
// Nothing in the questions may be negative but topic terms (no other negative word, no negative
// emoji, no sarcasm, no complaint of more than one word but a plain duration: "Can I pause my
// deliveries for two weeks?", see plainDuration, the customer's own cancelling: "Can I cancel
// my plan mid-month?", see ownCancel, or what an "if" clause supposes, see inIf), and nothing
// after the first question
// may be negative or negated at all: "Is there an outage in SE14? My router shows a red light."
// asks; "Is my flight delayed? Nobody at the gate knows." complains. A question for
// fellow sufferers ("Anyone else getting mouldy veg?") is no plain question.
func (a *analysis) infoQuestion(v *vocab, text string) bool {
	toks := a.tok.toks
	start := -1                 // the word that opens the current sentence; -1 before it
	words := 0                  // words of the current sentence so far
	greet, cond := false, false // the sentence opens with a greeting; with "if"
	qend := -1                  // the first question mark
	for j := range toks {
		tk := &toks[j]
		switch tk.kind {
		case tkWord:
			if qend >= 0 && a.info[j] >= 0 && v.infos[a.info[j]].flags&wNegator != 0 {
				return false // "Is my flight delayed? Nobody at the gate knows."
			}
			words++
			if start < 0 {
				start, words = j, 1
				greet, cond = a.greeting(j), a.wordIs(j, "if")
				if (a.wordIs(j, "anyone") || a.wordIs(j, "anybody")) && a.wordIs(j+1, "else") {
					return false
				}
			} else if (greet && words <= 3 || cond && toks[j-1].kind == tkBreak) && a.asks(v, j) {
				// "Hi, how …", "Hello team, could …"; "If a payment fails, is there a fee?"
				start, greet, cond = j, false, false
			}
		case tkQuestion:
			if start < 0 || !a.asks(v, start) || tk.n > 1 {
				return false // "Flight delayed again?", "where is it??"
			}
			if qend < 0 {
				qend = j
			}
			start = -1
		case tkExclaim:
			return false
		case tkBreak:
			switch text[tk.start] {
			case ',', '(', ')':
			case 0xE2: // a dash ("What happens if my parcel arrives damaged — do I …?") or other punctuation of U+2000–U+2FFF, within the sentence
			case ':':
				// "Quick question: does …?", "Before I order: if …, what's …?": a lead-in.
				start = -1
			default:
				if start >= 0 && qend < 0 {
					return false // a statement before the question: "My flight was cancelled. How …?"
				}
				start = -1
			}
		}
	}
	if qend < 0 {
		return false
	}
	for k := range a.items {
		it := &a.items[k]
		if it.v < 0 && int(it.first) > qend {
			return false
		}
		switch it.kind {
		case itLex, itEmoji, itPolite:
			if it.v < 0 && (it.kind != itLex || !a.topicWord(v, it)) && !a.inIf(int(it.first)) {
				return false
			}
		case itSarcasm, itSarcasmCond:
			return false
		case itComplaint:
			if it.v != 0 && !a.namedInQuestion(v, it) {
				return false
			}
		}
	}
	return true
}

// namedInQuestion reports whether complaint item it is one that a plain question may name
// without complaining: a one-word cue, a plain duration, the customer's own cancelling or what
// an "if" clause supposes.
func (a *analysis) namedInQuestion(v *vocab, it *item) bool {
	return it.first == it.last || a.plainDuration(v, it) || a.ownCancel(int(it.first)) || a.inIf(int(it.first))
}

// inIf reports whether token i stands in an "if" clause: "if" comes before it with only words
// and numbers between ("Can I get a refund if I cancel within 14 days?", "If a parcel is marked
// as delivered but isn't there, what's the process?"). In a plain question, what such a clause
// names is supposed, not complained of.
func (a *analysis) inIf(i int) bool {
	for j := i; j >= 0 && (a.tok.toks[j].kind == tkWord || a.tok.toks[j].kind == tkNumber); j-- {
		if a.wordIs(j, "if") {
			return true
		}
	}
	return false
}

// ownCancel reports whether word token i is "cancel" after "I", "we" or "to": a customer who asks
// about cancelling ("Can I cancel my subscription mid-month?", "Will I lose my points if I cancel
// my plan?"), not about what was cancelled.
func (a *analysis) ownCancel(i int) bool {
	return i > 0 && (a.wordIs(i, "cancel") || a.wordIs(i, "cancelling") || a.wordIs(i, "canceling")) &&
		(a.wordIs(i-1, "i") || a.wordIs(i-1, "we") || a.wordIs(i-1, "to"))
}

// plainDuration reports whether complaint item it is a duration that a question names without
// waiting: no word of waiting ("hold", "wait", "queue", "stuck") and nothing negative but a topic
// term before it in its clause ("Can I pause my deliveries for two weeks?", "Is the 24-hour gym
// open?", "what happens if the first leg is delayed by more than 3 hours?"; not "Is it
// reasonable to wait 45 mins for my bag?").
func (a *analysis) plainDuration(v *vocab, it *item) bool {
	if !a.isUnit(v, int(it.last)) {
		return false
	}
	lo, _ := a.clause(v, int(it.first))
	for j := lo; j < int(it.first); j++ {
		switch string(a.tok.normOf(&a.tok.toks[j])) {
		case "hold", "wait", "waiting", "waited", "queue", "queuing", "queueing", "stuck":
			return false
		}
	}
	for k := range a.items {
		if o := &a.items[k]; o != it && int(o.first) >= lo && o.first < it.first && (o.v < 0 || o.kind == itComplaint && o.v > 0) && !a.topicWord(v, o) {
			return false
		}
	}
	return true
}

// droppedSubject reports whether word token j, the message's first, is a verb whose subject
// was left out rather than a question's opening: an auxiliary ("was", "would", "will", ...)
// that no subject follows, whose sentence ends in '.' or '!' ("Was dreading the SIM swap but
// it took 5 minutes.", "Would recommend!"; not "Can you check my order please!"). Question words
// such as "how" ask even before a full stop ("how do I reset my password.").
func (a *analysis) droppedSubject(text string, j int) bool {
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "was", "were", "is", "are", "am", "will", "would", "should", "shall", "may", "might", "did", "do", "does", "can", "could":
	default:
		return false
	}
	if j+1 < len(a.tok.toks) && a.tok.toks[j+1].kind == tkWord {
		switch string(a.tok.normOf(&a.tok.toks[j+1])) {
		case "you", "u", "i", "we", "it", "they", "he", "she", "there", "this", "that", "my", "your", "our", "the", "anyone", "someone", "somebody":
			return false
		}
	}
	for k := j + 1; k < len(a.tok.toks); k++ {
		switch tk := &a.tok.toks[k]; tk.kind {
		case tkQuestion:
			return false
		case tkExclaim:
			return true
		case tkBreak:
			if text[tk.start] == '.' {
				return true
			}
		}
	}
	return false
}

// asks reports whether word token j is a question word ("how", "is", "could").
func (a *analysis) asks(v *vocab, j int) bool {
	idx := a.info[j]
	return idx >= 0 && v.infos[idx].flags&wQuestion != 0
}

// wordIs reports whether token j is the word w (false for j out of range, before or after).
func (a *analysis) wordIs(j int, w string) bool {
	toks := a.tok.toks
	return uint(j) < uint(len(toks)) && toks[j].kind == tkWord && string(a.tok.normOf(&toks[j])) == w
}

// neverAgain reports whether negator token n and word token i say "never … again" or "won't …
// again": the negator is "never", "won't" or "wouldn't", token i is "again", at most
// neverAgainWords words after it in its clause ("I won't be using them again"), and no "had",
// "have", "has" or "need" stands between ("never had to call again" is praise).
func (a *analysis) neverAgain(n, i int) bool {
	if i-n > neverAgainWords || !a.wordIs(i, "again") {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[n])) {
	case "never", "won't", "wont", "wouldn't":
	default:
		return false
	}
	for j := n + 1; j < i; j++ {
		if a.tok.toks[j].kind != tkWord {
			return false
		}
		switch string(a.tok.normOf(&a.tok.toks[j])) {
		case "had", "have", "has", "need", "needed":
			return false
		case "hesitate", "hesitating": // "wouldn't hesitate to book again": praise
			return false
		}
	}
	return true
}

// neverAgainWords is how far "again" may follow the negator of "never … again".
const neverAgainWords = 6

// acknowledgement returns the word token that opens the message with an acknowledgement, -1 if
// none: "noted", "received", "done", "understood", "confirmed", "got it", "will do", "sure",
// "that's fine" or "that's ok" (then a break or the end), "Thanks, received.", or "ok", "okay"
// or "alright" before one of them, a courtesy word or "I'll" ("ok thanks", "Ok, noted",
// "Alright, I'll wait"); mentions first are skipped. A word of approval that acknowledges is no
// praise: its lexicon item then counts nothing.
func (a *analysis) acknowledgement() int {
	toks := a.tok.toks
	j := 0
	for j < len(toks) && toks[j].kind == tkMention {
		j++
	}
	if j >= len(toks) || toks[j].kind != tkWord {
		return -1
	}
	if a.thanksAt(j) && j+2 < len(toks) && toks[j+1].kind == tkBreak && (a.wordIs(j+2, "noted") || a.wordIs(j+2, "received")) {
		return j // "Thanks, received."
	}
	switch string(a.tok.normOf(&toks[j])) {
	case "noted", "received", "done", "understood", "confirmed":
		return j
	case "sure":
		// "sure, go ahead", "Sure.": consent, not praise.
		if a.endsAt(j + 1) {
			a.unpraise(j)
			return j
		}
	case "got":
		// "Got it.", "got it, thanks"; not "got it working".
		if a.wordIs(j+1, "it") && (a.endsAt(j+2) || a.thanksAt(j+2)) {
			a.unpraise(j)
			return j
		}
	case "will":
		if a.wordIs(j+1, "do") {
			return j
		}
	case "that's", "thats":
		// "that's fine", "thats ok": consent, not praise.
		if (a.wordIs(j+1, "fine") || a.wordIs(j+1, "ok") || a.wordIs(j+1, "okay")) && a.endsAt(j+2) {
			a.unpraise(j + 1)
			return j
		}
	case "ok", "okay", "alright":
		n := j + 1
		if n < len(toks) && toks[n].kind == tkBreak {
			n++
		}
		switch {
		case a.thanksAt(n), a.wordIs(n, "noted"), a.wordIs(n, "understood"), a.wordIs(n, "got"), a.wordIs(n, "will"),
			a.wordIs(n, "i'll"), a.wordIs(n, "i") && a.wordIs(n+1, "will"): // "Alright, I'll wait for the email then."
			a.unpraise(j)
			return j
		}
	}
	return -1 // "ok service", "Ok, the food was great"
}

// endsAt reports whether a clause ends at token j: the message ends there or a break stands
// there.
func (a *analysis) endsAt(j int) bool {
	return j == len(a.tok.toks) || j < len(a.tok.toks) && a.tok.toks[j].kind == tkBreak
}

// thanksForProblem finds thanks whose "for" is followed by a problem ("Thanks so much for
// charging me twice", "thank you very much for losing my bag"): thanks for a failure, a verb
// of complaint right after the "for", are irony (not thanks for waiting). It records a sarcasm
// item over the thanks. ("Thanks for" alone is a conditional sarcasm cue already.)
func (a *analysis) thanksForProblem(v *vocab) {
	toks := a.tok.toks
	for m := range a.items {
		// The thanks are a courtesy item ("thanks") or open a praise cue ("thanks so much").
		j := int(a.items[m].first)
		if kind := a.items[m].kind; kind != itPolite && kind != itPraise || !a.thanksAt(j) {
			continue
		}
		k := j + 1
		if a.wordIs(j, "thank") && a.wordIs(k, "you") {
			k++
		}
		switch {
		case a.wordIs(k, "so") && a.wordIs(k+1, "much"), a.wordIs(k, "very") && a.wordIs(k+1, "much"), a.wordIs(k, "a") && a.wordIs(k+1, "lot"):
			k += 2
		default:
			continue
		}
		if a.wordIs(k, "for") && k+1 < len(toks) && isVerbForm(a.tok.normOf(&toks[k+1])) && !a.wordIs(k+1, "waiting") && a.complaintAt(v, k+1, true) >= 0 {
			a.items = append(a.items, item{first: int32(j), last: int32(k), v: 1, kind: itSarcasm})
			return
		}
	}
}

// thanksAt reports whether token j is "thanks", "thank" or "cheers".
func (a *analysis) thanksAt(j int) bool {
	return a.wordIs(j, "thanks") || a.wordIs(j, "thank") || a.wordIs(j, "cheers")
}

// unpraise makes the positive lexicon or praise item that starts at token j count nothing: an
// acknowledgement ("ok", "got it") is no praise.
func (a *analysis) unpraise(j int) {
	for k := range a.items {
		if it := &a.items[k]; int(it.first) == j && (it.kind == itLex || it.kind == itPraise) && it.v > 0 {
			a.drop(it)
		}
	}
}

// drop makes item it count nothing, and leaves its words out of the n-grams as a cue's are.
func (a *analysis) drop(it *item) {
	it.v = 0
	for j := it.first; j <= it.last; j++ {
		a.mark[j] |= mMasked
	}
}

// greeting reports whether word token j opens a greeting: "hi", "hello", "hey", "hiya", "dear",
// "morning", or "good" before "morning", "afternoon" or "evening".
func (a *analysis) greeting(j int) bool {
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "hi", "hello", "hey", "hiya", "dear", "morning":
		return true
	case "good":
		return a.wordIs(j+1, "morning") || a.wordIs(j+1, "afternoon") || a.wordIs(j+1, "evening")
	}
	return false
}

// topicWord reports whether item it is one word that names a topic of complaint ("delayed",
// "cancellation", "damage": topicterm in cues.txt).
func (a *analysis) topicWord(v *vocab, it *item) bool {
	return it.first == it.last && a.topicTerms(v, it)
}

// ratingWeight is the weight of a rating ("10/10", "1/5") as a praise or complaint cue.
const ratingWeight = 1.5

// rating reads a rating out of 5 or 10 that starts at number token i ("9/10", "5/5"): +1 for
// 4/5 or 8/10 and above, -1 for 2/5 or 4/10 and below, 0 for the middle (3/5, 5/10, 6/10); ok is
// false for 7/10, which leans without saying much, for anything else, and for what may be a date
// ("on 2/10").
func (a *analysis) rating(text string, i int) (r int, ok bool) {
	toks := a.tok.toks
	// The tokens: the number, '/' (a break), the number.
	if i+2 >= len(toks) || toks[i+1].kind != tkBreak || text[toks[i+1].start] != '/' || toks[i+1].start != toks[i].end ||
		toks[i+2].kind != tkNumber || toks[i+2].start != toks[i+1].end {
		return 0, false
	}
	if i+3 < len(toks) && toks[i+3].start == toks[i+2].end && text[toks[i+3].start] == '/' {
		return 0, false // "1/5/2024"
	}
	num, den := text[toks[i].start:toks[i].end], text[toks[i+2].start:toks[i+2].end]
	if len(num) > 2 || len(den) > 2 { // (a number token starts with a digit: no sign)
		return 0, false
	}
	n, err1 := strconv.Atoi(num)
	d, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil || (d != 5 && d != 10) || n > d {
		return 0, false
	}
	if i > 0 && toks[i-1].kind == tkWord && isDatePreposition(a.tok.normOf(&toks[i-1])) {
		return 0, false
	}
	switch {
	case n*10 >= d*8:
		return 1, true
	case n*10 <= d*4:
		return -1, true
	case n*10 <= d*6:
		return 0, true
	}
	return 0, false
}

// isDatePreposition reports whether w comes before a date ("on 2/10").
func isDatePreposition(w []byte) bool {
	switch string(w) {
	case "on", "since", "by", "until", "till", "from", "before", "after", "of", "dated":
		return true
	}
	return false
}

// sentence returns the tokens [start, end) of the sentence of token i.
func (a *analysis) sentence(text string, i int) (int, int) {
	start := i
	for start > 0 && !a.opensSentence(text, start) {
		start--
	}
	end := i + 1
	for end < len(a.tok.toks) && !a.opensSentence(text, end) {
		end++
	}
	return start, end
}

// complaintAfter reports whether a complaint item that still counts (not one a fix cleared), or
// a negative lexicon item, starts after token i in its sentence.
func (a *analysis) complaintAfter(v *vocab, text string, i int) bool {
	end := len(a.tok.toks)
	for j := i + 1; j < end; j++ {
		if j > i+1 && a.opensSentence(text, j) {
			end = j
		}
	}
	for k := range a.items {
		it := &a.items[k]
		if int(it.first) > i && int(it.first) < end && it.problem() && !a.settingBetween(v, i, int(it.first)) {
			return true
		}
	}
	return false
}

// isLinkWord reports the words between a verb of liking and its object ("love being ignored").
func isLinkWord(w []byte) bool {
	switch string(w) {
	case "being", "getting", "to", "it", "when", "the":
		return true
	}
	return false
}

// activityWords is how far after the activity a verb of liking takes ("love spending my entire
// Saturday on hold") its complaint may start.
const activityWords = 6

// isIngForm reports an English -ing form ("spending", "paying").
func isIngForm(w []byte) bool {
	n := len(w)
	return n > 4 && string(w[n-3:]) == "ing"
}

// isVerbForm reports an English -ing or -ed form.
func isVerbForm(w []byte) bool {
	n := len(w)
	return isIngForm(w) || n > 4 && string(w[n-2:]) == "ed"
}

// addCueNegated records a cue; a negated complaint ("no delay") is dropped, negated praise
// ("not helpful") becomes a complaint.
func (a *analysis) addCueNegated(c cueKind, w float32, first, last int32, negated bool) {
	var kind uint8
	switch c {
	case cueComplaint:
		if negated {
			return
		}
		kind = itComplaint
	case cuePraise, cueGratitude:
		kind = itPraise
		if negated {
			kind, w = itComplaint, 0.8*w
		} else if c == cueGratitude && a.thanks < 0 {
			a.thanks = first
		}
	case cueContextual:
		if negated {
			return
		}
		kind = itContextual
	case cueSarcasm:
		kind = itSarcasm
	case cueSarcasmCond:
		kind = itSarcasmCond
	default:
		return
	}
	a.items = append(a.items, item{first: first, last: last, v: w, kind: kind})
}

// scareQuotes finds praise in quotation marks of one to four words ("the 'quick' checkout",
// "your ‘fast delivery’", "Sure, 'excellent.'"), which in a message that also says something bad
// is quoted to be denied, and returns its item (-1 if none). Words that are all capitalised
// are a title ("I love "My Favorite Accident""), not a quotation.
func (a *analysis) scareQuotes(text string) int {
	toks := a.tok.toks
	n := len(a.items)
	for k := 0; k < n; k++ {
		it := a.items[k]
		if it.v <= 0 || it.kind != itLex && it.kind != itPraise || a.mark[it.first]&mNegated != 0 {
			continue
		}
		// The opening mark: before the praise or one of the three words before it, with only
		// words between.
		open := -1
		for j := int(it.first); j >= 0 && j >= int(it.first)-3; j-- {
			if st := int(toks[j].start); st > 0 && isQuoteOpen(text, st) {
				open = j
				break
			}
			if toks[j].kind != tkWord {
				break
			}
		}
		if open < 0 {
			continue
		}
		for j := int(it.last); j < len(toks) && j <= open+3; j++ {
			if toks[j].kind != tkWord {
				break
			}
			if isQuoteClose(text, int(toks[j].end)) {
				if j == open || !a.titled(text, open, j) {
					return k
				}
				break
			}
		}
	}
	return -1
}

// titled reports whether every word from token i to j starts with a capital letter.
func (a *analysis) titled(text string, i, j int) bool {
	for k := i; k <= j; k++ {
		if c := text[a.tok.toks[k].start]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// isQuoteOpen reports whether a quotation mark ends at byte i of text, after a space, a bracket
// or the start of the text.
func isQuoteOpen(text string, i int) bool {
	c := text[i-1]
	var q int
	switch {
	case c == '\'' || c == '"':
		q = 1
	case strings.HasSuffix(text[:i], "\u2018") || strings.HasSuffix(text[:i], "\u201c"):
		q = 3
	default:
		return false
	}
	return i-q == 0 || text[i-q-1] == ' ' || text[i-q-1] == '('
}

// isQuoteClose reports whether a quotation mark starts at byte i of text, before a space,
// punctuation or the end of the text.
func isQuoteClose(text string, i int) bool {
	var q int
	switch {
	case i < len(text) && (text[i] == '\'' || text[i] == '"'):
		q = 1
	case strings.HasPrefix(text[i:], "\u2019") || strings.HasPrefix(text[i:], "\u201d"):
		q = 3
	case i+1 < len(text) && (text[i] == '.' || text[i] == '!' || text[i] == ',') && (text[i+1] == '\'' || text[i+1] == '"'):
		q = 2 // "'escalated.'"
	default:
		return false
	}
	if i+q == len(text) {
		return true
	}
	switch text[i+q] {
	case ' ', '.', ',', '!', '?', ';', ':', ')', '\n':
		return true
	}
	return false
}
