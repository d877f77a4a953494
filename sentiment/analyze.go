package sentiment

import (
	"math"
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
	mBareFunc  = lxBareFunc << lexMarks  // a word (not hashtag) that is a function word (or evidenceless) without valence or cue: no evidence on its own
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
	tagEng int // hashtags that are common English words, or English words with a valence run together
	eng    int // common English words among them
	signs  int // emoji, emoticons and scores ("10/10", "1/5"): signs read in any language

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
	a.topics, a.words, a.eng, a.signs, a.tags, a.tagEng = 0, 0, 0, 0, 0, 0
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
	reqAt := -1        // the first word of the first request cue
	plainAsk := false  // a question asked plainly: one mark, or a first word that asks (not "claim rejected??")
	middle := false    // a middle score ("3/5", "6/10", "3 stars"): the writer's own verdict is "so-so"
	enough := false    // an "enough" or a "highly" somewhere (see analysis.cantEnough)
	refund := false    // a "refund" somewhere (see analysis.refundCame)
	elsewhere := false // an "anywhere else" or "anything else" somewhere (see analysis.nowhereElse)
	late := false      // a "late" somewhere (see analysis.ownLate)
	lost := false      // a "lost" somewhere (see analysis.lostWeight)
	cancel := false    // a "cancel" somewhere (see analysis.bookingCancel)
	know := false      // a "know" somewhere (see analysis.goodToKnow)
	report := false    // the writer says the message reports what they saw (see analysis.reportAt)
	or := false        // an "or" somewhere (see analysis.alternativeAsk)
	counts := 0        // number words, which a reference read out has (see spokenDigits)
	var hs [8]uint64   // the hashes of the phrases that start at a word, by length
	for i := range toks {
		tk := &toks[i]
		switch tk.h {
		case enoughHash, highlyHash:
			enough = true
		case refundHash:
			refund = true
		case elseHash:
			elsewhere = elsewhere || a.wordIn(i-1, "anywhere", "anything")
		case lateHash:
			late = true
		case lostHash:
			lost = true
		case cancelHash:
			cancel = true
		case knowHash:
			know = true
		case noticedHash, thoughtHash, flaggingHash, fyiHash:
			report = report || a.reportAt(i)
		case orHash:
			or = true
		}
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
				// A hashtag the lexicon or the cues know ("#neveragain") is English enough.
				isEng = wi.flags&wEnglish != 0 || tk.kind == tkHashtag && (wi.valence != 0 || wi.cue != cueNone)
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
			if tk.h == threeHash && a.wordIn(i+1, "stars", "star") || tk.h == averageHash && i == a.pastMentions(0) {
				// "Three stars.": the middle of five, as "3 stars"; "Average. Nothing to report.",
				// "Average stay.": a verdict of the middle (all 12 labelled messages that open
				// with "average" are neutral).
				middle = true
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
			r, last, ok := a.rating(text, i)
			mk := uint16(mCovered)
			if !ok {
				if r, last, ok = a.numberStar(text, i); ok {
					mk |= mMasked // the star is no emoji of praise
				}
			}
			middle = middle || ok && r == 0 || a.wordIs(i+1, "stars") && text[tk.start:tk.end] == "3"
			if ok {
				a.signs++ // "10/10" alone is read as "👍" is
			}
			if r != 0 {
				a.scoreItem(i, last, r, mk) // "10/10", "1/5", "2 out of 10", "1⭐": a score out of five or ten
			} else if ok && last > i {
				a.mark[last] |= mMasked // "3★": the middle, no praise
			}
		case tkEmoji, tkEmoticon:
			a.signs++
			if tk.r == starFilled {
				// "★★★☆☆": a score out of five in stars; the stars are no emoji to the n-grams.
				if r, n := a.stars(i); n > 0 {
					middle = middle || r == 0
					a.scoreItem(i, i+n-1, r, mCovered|mMasked)
				}
			}
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
		if wi.flags&wCount != 0 {
			counts++
		}
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
			if a.neverSo(neg, i) {
				neg = -1 // "I've never been so disappointed"
			}
			if neg >= 0 && a.info[i] >= 0 && v.infos[a.info[i]].flags&wNegator != 0 {
				neg = -1 // "no fee no fuss": a phrase that opens with a negator of its own lists
			}
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
			if p.cue == cuePraise && neg < 0 && a.quotedWord(text, i) {
				// "Two days after your plumber 'fixed' it": a praise phrase whose first word is
				// in quotation marks is quoted to be denied, as a quoted praise word is (below).
				a.items = append(a.items, item{first: first, last: first, v: 1, kind: itSarcasmCond})
			}
			a.addCueNegated(p.cue, p.cueW, first, last, neg >= 0)
			if p.cue != cueSarcasmCond {
				// The cue's words are the cue: the n-gram model does not weigh them again (it
				// would learn on general text to offset the cue).
				mk := uint16(mCovered | mMasked)
				if p.cue == cueRequest {
					request = true
					if reqAt < 0 {
						reqAt = int(first)
					}
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

	if enough {
		a.cantEnough()
	}
	if elsewhere {
		a.nowhereElse()
	}
	if counts > 0 {
		a.spokenDigits()
	}

	// Lexicon, one-word cues, emoji; negation, intensifiers, contrast.
	negScope, negAt, negF := 0, -1, float32(negationFactor)
	titled := int8(0) // whether title case marks names (fewTitleWords), once needed: 1 yes, -1 no
	boost := float32(0)
	exclaim, negations, capsHits, question, person := 0, 0, 0, false, false
	firstWord := true
	whoKnew := false // a "who knew" somewhere (see analysis.whoKnew)
	for i := range toks {
		tk := &toks[i]
		whoKnew = whoKnew || tk.h == whoHash && a.wordIs(i+1, "knew")
		if tk.h == usedHash && a.usedTo(i) {
			// "it used to be my favourite", "my internet used to die every evening": what it
			// was, it is no longer; the words after "to" are turned around as after a negator.
			negScope, negAt, negF = negationScope+1, i, emphaticNegation
			firstWord = false
			continue
		}
		if isShapeHash(tk.h) {
			a.complaintShape(text, i)
		}
		if isDisbeliefHash(tk.h) && a.mark[i]&mCovered == 0 && a.disbelief(text, i) {
			// "… a £5 'paper statement fee'. Seriously?", "2 hours for a burger?? seriously",
			// "Hello?? It's been 40 min since your last message", "… and now we're being told
			// it's our fault. Unbelievable.".
			a.complaintPhrase(i, i, exasperationWeight)
			firstWord = false
			negScope, boost = 0, 0
			continue
		}
		if a.mark[i]&mCovered != 0 && a.noOne(i) && (i+1 == len(toks) || a.group[i+1] != a.group[i]) {
			// "No one was helpful": the complaint negates what follows, as "nobody" does; what
			// no one did may be no trouble ("No one was rude").
			if a.noneBetter(v, i) {
				a.dropComplaint(int32(i - 1))
				continue
			}
			if a.deniesTrouble(v, i) {
				a.dropComplaint(int32(i - 1))
			}
			negScope, negAt, negF = a.subjectScope(i), i, negationFactor
			continue
		}
		if tk.h == receivedHash && a.mark[i]&mCovered != 0 && a.wordIs(i-1, "never") && a.troubleNamed(v, i+1) {
			// "Never received a damaged item in 3 years": what never came is trouble, and the
			// negator turns it around.
			a.dropComplaint(int32(i - 1))
			negScope, negAt, negF = negationScope, i-1, negationFactor
			continue
		}
		if negScope > 0 && a.wordIs(i, "thanks") && a.wordIs(i+1, "to") {
			// "not a single drip got on the floor thanks to those dust sheets": what the thing
			// was owed to stands out of the negation's reach.
			negScope = 0
		}
		if negScope > 0 && tk.h == andHash && a.subjectAt(i+1) {
			// "No one was rude and the room was spotless": "and" before a new subject opens a
			// clause of its own, out of the negation's reach.
			negScope = 0
		}
		if negScope > 0 && tk.kind == tkWord && a.tellingAt(i) {
			// "No one told me my flight was cancelled", "nobody warned us about the delay": the
			// negator denies the telling (the verb is in its scope, as "told" in "never told"),
			// and what was not told keeps its feeling.
			a.mark[i] |= mNegated
			negScope = 0
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
			if a.exasperated(text, i-1) {
				// "… a £5 'paper statement fee'. Seriously?": the word before is disbelief (its
				// complaint is recorded above), not a question.
				negScope, boost = 0, 0
				continue
			}
			// "How?!", "Seriously?!": amazement or anger, not a question.
			if strings.IndexByte(text[tk.start:tk.end], '!') < 0 && !a.justSaying(text, i) {
				question = true
				plainAsk = plainAsk || tk.n == 1
			}
			negScope, boost = 0, 0
			continue
		case tkEmoji, tkEmoticon:
			var val float32
			if tk.kind == tkEmoji {
				val = emojiValence(tk.r)
			} else {
				val = emoticons[tk.r].valence
			}
			if val != 0 && a.mark[i]&mMasked == 0 { // (not the star of a score: "5⭐")
				a.items = append(a.items, item{first: int32(i), last: int32(i), v: val, kind: itEmoji})
			}
			if tk.kind == tkEmoji && isIronyEmoji(tk.r) {
				// "great stuff guys 🙃", "great service as always 🙄": not meant.
				// The marker is what the emoji means here: the n-gram model does not weigh it
				// again (it learns the upside-down face as a smile on general text).
				a.sarcasmItem(int32(i), int32(i))
				a.mark[i] |= mMasked
			}
			negScope = 0 // "our gas bill is... zero 😂 love it": the emoji closes what the negator said
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
			if !question && a.asks(v, i) && !a.droppedSubject(text, i) && !a.sayOpens(i) {
				question, plainAsk = true, true
			}
		}
		inScope := negScope > 0 && tk.kind != tkHashtag && !a.notSince(i) && !a.neverSo(negAt, i) // a tag stands apart ("the warden did nothing #neveragain"); see notSince, neverSo
		if negScope > 0 {
			negScope--
			a.mark[i] |= mNegated
		}
		if idx < 0 {
			if boost != 0 {
				boost *= 0.5
			}
			if tk.kind == tkHashtag {
				val, english := a.tagValence(v, t.normOf(tk))
				if val != 0 {
					// "#neveragain", "#goodtimes", "#getitsorted": a hashtag of several words.
					a.items = append(a.items, item{first: int32(i), last: int32(i), v: val, kind: itLex})
				}
				if english {
					a.tagEng++ // a message of nothing but such tags can be read
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
			if a.mark[i]&mMasked != 0 {
				continue // "booking number six one zero eight three": a digit read out, no negator
			}
			if (wi.cue != cueNone || tk.h == nothingHash) && a.noneBetter(v, i) {
				continue // "Nobody does daily deals better": praise (noneBetter), no negation
			}
			if wi.cue != cueNone && !a.deniesTrouble(v, i) { // "nobody": a negator and a complaint
				a.addCueNegated(wi.cue, wi.cueWF(), int32(i), int32(i), inScope)
			}
			if a.wordIs(i+1, "just") || a.wordIs(i+1, "only") {
				continue // "it wasn't just a delay", "not only late but rude": what follows is affirmed
			}
			negScope, negAt, negF = negationScope, i, negationFactor
			if a.wordIs(i+1, "once") {
				negScope++ // "never once had a damaged item": "once" stresses the negator
			}
			if a.negatesSubject(i) || a.wordIs(i, "nobody") {
				// "not a single corner damaged", "not one of your staff was helpful", "nobody
				// was helpful": the negated subject turns its clause around; past a time
				// ("Not once in 4 years have we had a cancelled lesson").
				negScope = a.subjectScope(i) + a.onceIn(i)
			}
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
		if tk.h == lateHash && (a.partOfTime(i+1) || a.lateKept(i)) {
			// "a follow-up booked for late July", "ideally late morning", "the team stayed late",
			// "a late checkout": a time, no delay.
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
		// ("How many days until it shows?" asks how long, counting nothing; "the remaining 4
		// months of my season ticket" is what is left, no wait.)
		if c := a.countBefore(v, i); wi.flags&wDuration != 0 && c >= 0 && !a.notWaiting(v, i+1) && !a.wordIs(c-1, "how") && !a.wordIs(c-1, "remaining") && !a.planned(c) && !a.recordsSpan(c) {
			if (a.speedBefore(v, c, isShortUnit(t.normOf(tk))) || a.quickTook(text, c)) && a.negatorBefore(v, c, true) < 0 || a.spreadOver(c) || a.onlyLater(c, i) {
				// "sorted it in 10 mins", "paid within four days": how fast, not how long a
				// wait ("they haven't replied in 3 days" stays one); or a payment spread over it
				// ("pay it over 3 months"). Its words are no evidence.
				for j := c; j <= i; j++ {
					a.mark[j] |= mMasked
				}
			} else {
				// "3 hours", "two days": customers count the time they were kept waiting.
				a.items = append(a.items, item{first: int32(c), last: int32(i), v: durationWeight, kind: itContextual})
			}
			for j := c + 1; j <= i; j++ {
				a.group[j] = int32(c)
			}
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
		if val > 0 && isAnswerWord(t.normOf(tk)) && a.bareAnswer(i) && !a.exclaimNext(i) {
			// "@united yes in Lusaka", "Ok, what now?": a reply that answers, not delight ("Yes!!"
			// is); after "so", "and" or a filler ("… how do i do that so yeah") it fills.
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
		if val > 0 && a.otherSense(v, text, i) {
			// "Tuesday after 3pm works", "a $65 parking fine", "cancel my policy effective 30
			// September", "I'm happy to collect it from the depot": a time agreed, a penalty, the
			// date of a change, willingness; no praise.
			a.mark[i] |= mMasked
			val = 0
		}
		if val < 0 && a.lessBefore(i) {
			// "made the whole move a lot less stressful", "way less painful than we feared": a
			// trouble made smaller, as "not" turns it.
			val *= negationFactor
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

	if !question && !request && exclaim == 0 && a.askedUnmarked(or) {
		request = true // "hi do i need to print my boarding pass or is the qr code ok"
	}

	// Message-level rules.
	a.ironicEmoji() // (before the irony rules add sarcasm of their own)
	if len(toks) <= pleaTokens {
		a.plea()
	}
	if fix {
		a.resolution(v, text)
		a.allFixed(v, text, lastContrast)
	}
	a.backdrop(v, text)
	a.recovery(v, text)
	if refund {
		a.refundCame(v, text)
	}
	a.resolveContextual(v, text)
	if lastContrast >= 0 {
		a.expectation(text, lastContrast)
	}
	a.onlyWait(v)
	a.ownProblems(text)
	if negations > 0 {
		a.nobodyHelped(v) // "Not once did anyone return my calls."
		a.deniedClaim()   // "Not exactly the 'premium' experience I was promised"
	}
	if late {
		a.ownLate(text)
	}
	if lost {
		a.lostWeight(text) // "lost 11kg"
	}
	if cancel {
		a.bookingCancel(text) // "need to cancel tomorrow's 11am"
	}
	if question {
		a.recommendAnswer(text)
		a.whyAsked(text)
		a.normalAsked(text)
	}
	if whoKnew {
		a.whoKnew(text)
	}
	// What the sarcasm and laughter rules need, to skip them cheaply: a positive word,
	// applause, something negative, a complaint, thanks.
	posLex, praiseAny, clap, negAny, complaintAny, laughBad := false, false, false, false, false, false
	thanksAny := false
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
				thanksAny = thanksAny || (it.kind == itPolite || it.kind == itPraise) && a.thanksAt(int(it.first))
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
	if posLex {
		a.affectSarcasm(v) // (its object is a complaint, or paying: "love paying premium rates")
	}
	if mixed || posLex && leadingAnother(text) {
		// Bare praise after something bad ("On hold 47 mins... great customer service guys"),
		// or leading "another" ("Great, another 'scheduled maintenance' window", "Perfect.
		// Another bot.").
		a.bareSarcasm(v, text)
	}
	if posLex {
		a.repeatedVerdict(text) // "Brilliant. Just brilliant."
		a.processVerdict(v, text)
	}
	if clap && (complaintAny || negAny) {
		a.applause(v, text)
	} else if clap {
		a.sincereApplause()
	}
	a.openingIrony(v, text)
	if thanksAny {
		a.grudgingThanks(text) // "Thanks, I guess."
	}
	if praiseAny {
		a.mockFeat() // "Well done, you managed to …"
	}
	if posLex && know {
		a.goodToKnow() // "Good to know my 'priority' complaint has been sitting unanswered"
	}
	a.closingNot()
	a.closingTag()
	if k, q := a.thanksForQuoted(text); k >= 0 {
		a.sarcasmItem(int32(k), int32(q))
	}
	if mixed {
		a.elsewhere(v)
		a.joyTears()
	}
	if mixed || (posLex || praiseAny) && !question {
		// Praise in quotation marks is denied beside something bad, unless the message asks
		// about it ("Does 'free cancellation' mean …?" quotes the booking page); and, in a message
		// to someone that asks nothing, when it is the only praise ("The listing said 'quiet
		// street'. There is a nightclub directly underneath.").
		if k := a.scareQuotes(text); k >= 0 && (mixed && (!question || !a.infoQuestion(v, text)) || !mixed && a.onlyPraise(k) && a.addressed()) {
			it := a.items[k]
			a.sarcasmItem(it.first, it.last)
		}
	}
	if laughBad {
		a.softLaughter(v)
	}
	if exclaim > 0 {
		a.anticipation(text)
	}
	if question && a.words >= closingWords && exclaim == 0 {
		a.closingQuestion(v, text)
	}
	if question && a.infoQuestion(v, text) {
		// "Does the warranty cover accidental damage?", "Is my flight delayed?": a plain
		// question names a topic of complaint without complaining. The one-word cues, plain
		// durations, the customer's own cancelling and the negative topic terms ("damage",
		// "delayed") go; phrases ("is the website down?") and other negative words ("does
		// anyone else hate the update?") stay.
		for k := range a.items {
			if it := &a.items[k]; (it.kind == itComplaint && a.namedInQuestion(v, it) && !a.answered(it)) || (it.kind == itLex && it.v < 0) {
				it.v = 0 // the only negative words left are topic terms (see infoQuestion)
			}
		}
	}
	if exclaim == 0 && (reqAt >= 0 && !question && a.plainRequest(v, text, reqAt) || report && a.plainRequest(v, text, -1)) {
		// "Refund to original payment method please", "I'd like to cancel my car insurance from
		// 1st June": a calm request names what it asks for, as a plain question does (see
		// infoQuestion); so does a calm report of what the writer saw, whatever the sentence
		// ("Just noticed the app shows my balance as £0.00 … Probably a display bug, thought you
		// should know.").
		for k := range a.items {
			if it := &a.items[k]; it.kind == itComplaint && a.namedInQuestion(v, it) || it.kind == itLex && it.v < 0 {
				a.drop(it)
			}
		}
	}
	if (question || request) && exclaim == 0 {
		a.notYetAsked(v)
	}
	if a.thanks >= 0 {
		a.thanked(v, text, lastContrast)
	}
	a.thanksThenBut(text)
	a.thanksForProblem(v)
	a.movingOut(v)
	a.thanksForCharge()
	if posLex {
		a.happyEnding(v, text) // (it ends on a positive lexicon word)
	}
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
			// Thanks are ironic before a complaint ("thanks for the scenic 6 hours at gate
			// B12"), not before a word of trouble they are for ("thank you for catching the
			// problem so early", "for the courtesy car, it made a stressful week easier").
			if a.closingThanksALot(it) || a.markedHow(text, it) {
				sarcasm = true
				continue
			}
			if a.sincereThanks(v, it, lastContrast) {
				continue
			}
			sarcasmCond = sarcasmCond || a.complaintAfter(v, text, int(it.last), a.thanksAt(int(it.first)))
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
	ack, signOff := -1, false
	if exclaim == 0 {
		ack = a.acknowledgement()
		signOff = !question && !request && ack < 0 && a.closingThanks(text) // "Ring me back on 07700 900481. Thanks."
	}
	asks := (question || request || ack >= 0 || signOff) && !complains
	// courtesy: a smile, folded hands ("please", "thank you"), or a thumbs-up after an
	// acknowledgement.
	courtesy := func(it *item) bool { return a.softSmile(it) || a.foldedHands(it) || ack >= 0 && a.okSign(it) }
	for k := range a.items {
		// ("Thanks for" is a conditional sarcasm cue, no praise of its own.)
		if it := &a.items[k]; asks && it.v > 0 && it.kind != itPolite && (it.kind != itSarcasmCond || !a.thanksAt(int(it.first))) && !courtesy(it) {
			asks = false
		}
	}
	for k := range a.items {
		it := &a.items[k]
		switch {
		case asks && courtesy(it):
			// "Can you check on order #48213 please! 🙂": a smile with a question is courtesy;
			// "noted 👍" acknowledges.
			a.drop(it)
		case it.kind == itPolite && (complains || asks):
			a.drop(it) // "Thanks, still waiting": courtesy, not praise.
		case complains && !thanksAny && !praiseAny && !posLex && a.foldedHands(it):
			// "kindly improve your service 🙏": courtesy; not after thanks or praise ("Thanks
			// again for squeezing me in … would have been stuck without you 🙏").
			a.drop(it)
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
	if (question && plainAsk || request) && !complains && !sarcasm && (!question || !a.praisedApart(text, ack)) || ack >= 0 && asks {
		r[rfQuestion] = 1 // "ok thanks, will do" acknowledges, as neutral as a question
	}
	// 1 without any sentiment, fading as sentiment adds up.
	r[rfNoSentiment] = 1 / (1 + pos + neg + complaint + praise)
	if (complaint > 0 || sarcasm) && pos == 0 && praise == 0 {
		if complaint > 0 && a.words <= bareComplaintWords {
			a.bareComplaint(v)
		}
		// "Terrible service!", "package still missing!!", "Thanks for nothing!": the marks
		// stress the complaint or the sarcasm, the only feeling there is; in general text, where
		// the exclamation feature is learned, they mostly stress delight.
		r[rfExclaimComplaint] = float32(min(exclaim, 3)) / 3
		if exclaim > 0 {
			a.maskExclaims() // the n-grams learn '!' from general text too
		}
	} else {
		r[rfExclaim] = float32(min(exclaim, 3)) / 3
		if exclaim > 0 && pos == 0 && praise == 0 && !a.wordsLeft() {
			// "No thanks!": with every word read by the rules and none of them praise, the marks
			// alone would be the n-grams, weighed as much as the words of a sentence, and in
			// general text they mostly stress delight; the exclamation feature keeps them.
			a.maskExclaims()
		}
	}
	if polite && complains {
		r[rfPoliteComplaint] = 1
	}
	r[rfNegation] = float32(min(negations, 3)) / 3
	if capsHits > 0 {
		r[rfCaps] = 1
	}
	if middle {
		r[rfMiddleRating] = middleRating
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
	if complains && exclaim == 0 && !sarcasm && emoNeg == 0 && capsHits == 0 &&
		(request || question && a.asksQuestion(v, text) && !a.surveyAnswer() || a.unmarkedAsk(text)) && a.calm(v) {
		// "My card was declined at checkout. Could you check it?": a problem named calmly,
		// with a question or request: the customer asks for help more than complains. A
		// question may be typed without its mark ("how do i do a refund on the terminal").
		r[rfCalmAsk] = 1
	}
	if a.words >= closingWords {
		a.closing(text, request)
	}
}

// closingWords is the fewest words of a message that may be a long account (see closing).
const closingWords = 40

// closing weighs the turn of a long account, a message of three sentences or more: where the
// last sentence that has any feeling (past a bare "Thanks." or a name) leans the other way from
// all before it, the story ends there ("Bit of a saga … Five stars.", "At the time I'd have given
// you five stars. … Five stars has become one."). Ending well after a story that leaned
// negative is rfTurnPos, ending badly after one that leaned positive rfTurnNeg, each the log of
// one plus the closing's lean (see feelingIn). A long message that asks, in its last sentence
// with a question mark or anywhere with a request, and says nothing negative in its last sentence
// is rfClosingAsk: a long calm request whose story names some trouble ("my father passed away
// last month … Could you let me know what you need from me to close the account?").
func (a *analysis) closing(text string, request bool) {
	toks := a.tok.toks
	// The starts of the last three sentences, from the end.
	var starts [3]int
	n := 0
	for j := len(toks) - 1; j >= 0 && n < len(starts); j-- {
		if toks[j].kind == tkWord && a.opensSentence(text, j) {
			starts[n] = j
			n++
		}
	}
	if n < len(starts) {
		return
	}
	lastPos, lastNeg := a.feelingIn(starts[0], len(toks))
	if lastNeg == 0 && (request || a.questionIn(starts[0], len(toks)) >= 0) {
		a.rule[rfClosingAsk] = 1
	}
	for s, end := 0, len(toks); s < 2; s++ {
		pos, neg := lastPos, lastNeg
		if s > 0 {
			pos, neg = a.feelingIn(starts[s], end)
		}
		if pos == 0 && neg == 0 {
			end = starts[s]
			continue
		}
		bodyPos, bodyNeg := a.feelingIn(0, starts[s])
		switch {
		case pos > neg && bodyNeg > bodyPos:
			a.rule[rfTurnPos] = log1p(pos - neg)
		case neg > pos && bodyPos > bodyNeg:
			a.rule[rfTurnNeg] = log1p(neg - pos)
		}
		return
	}
}

// questionIn returns the first question mark in tokens [lo, hi), -1 if none.
func (a *analysis) questionIn(lo, hi int) int {
	for j := lo; j < hi; j++ {
		if a.tok.toks[j].kind == tkQuestion {
			return j
		}
	}
	return -1
}

// feelingIn sums the positive and the negative weight of the items that start in tokens [lo,
// hi): positive words, emoji and praise; negative words and emoji, complaints and sarcasm.
// Courtesy counts in neither.
func (a *analysis) feelingIn(lo, hi int) (pos, neg float32) {
	for k := range a.items {
		it := &a.items[k]
		if int(it.first) < lo || int(it.first) >= hi {
			continue
		}
		switch it.kind {
		case itLex, itEmoji, itPraise:
			if it.v > 0 {
				pos += it.v
			} else {
				neg -= it.v
			}
		case itComplaint:
			neg += max(it.v, 0)
		case itSarcasm:
			neg += it.v
		}
	}
	return pos, neg
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

// plainRequest reports whether a request is calm (see calm), every item may stand in a plain
// question (see askedOf), and every negative one stands in the sentence of the request cue at
// token r ("I'd like to cancel order 30875 before it ships and get a refund please"; not "The
// headphones smell of smoke. I would like a refund please"), or anywhere when r is -1 (a report:
// see reportAt).
func (a *analysis) plainRequest(v *vocab, text string, r int) bool {
	if !a.calm(v) {
		return false
	}
	start, end := 0, len(a.tok.toks)
	if r >= 0 {
		start, end = a.sentence(text, r)
	}
	for k := range a.items {
		it := &a.items[k]
		if !a.askedOf(v, it) || it.v != 0 && (it.kind == itComplaint || it.v < 0) && (int(it.first) < start || int(it.first) >= end) {
			return false
		}
	}
	return true
}

// noticedHash, thoughtHash, flaggingHash and fyiHash are the hashes of the words reportAt looks
// for.
var noticedHash, thoughtHash, flaggingHash, fyiHash = hashString("noticed"), hashString("thought"), hashString("flagging"), hashString("fyi")

// reportAt reports whether token j says the message reports what the writer saw: "I noticed"
// (we, just), "thought you should know" (you'd want to, you'd like to), "just flagging", "fyi".
func (a *analysis) reportAt(j int) bool {
	switch {
	case a.wordIs(j, "noticed"):
		return a.wordIn(j-1, "i", "we", "i've", "we've", "just")
	case a.wordIs(j, "thought"):
		return a.wordIn(j+1, "you", "you'd") && (a.wordIs(j+2, "know") || a.wordIs(j+3, "know") || a.wordIs(j+4, "know"))
	}
	return a.wordIs(j, "flagging") || a.wordIs(j, "fyi")
}

// goodWayAfter reports whether "in a good way" or "in the best way" (see inGoodWay) starts at
// token i or after a comma there.
func (a *analysis) goodWayAfter(i int) bool {
	if i < len(a.tok.toks) && a.tok.toks[i].kind == tkBreak {
		i++
	}
	return a.inGoodWay(i)
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

func isPhraseTok(k tokKind) bool { return k == tkWord || k == tkHashtag || k == tkNumber }

// keyHash is the hash a token is known by in phrases (hashtags with their '#').
func keyHash(tk *token, t *tokenizer) uint64 {
	if tk.kind == tkHashtag {
		return hashtagHash(t.normOf(tk))
	}
	return tk.h
}

// scoreItem records the score r a customer gave over tokens [first, last] ("10/10", "★★☆☆☆"):
// praise of ratingWeight when r > 0, a complaint when r < 0 (a middle score is a rule feature
// only). Its tokens become one phrase, with marks mk.
func (a *analysis) scoreItem(first, last, r int, mk uint16) {
	if r != 0 {
		kind := uint8(itPraise)
		if r < 0 {
			kind = itComplaint
		}
		a.items = append(a.items, item{first: int32(first), last: int32(last), v: ratingWeight, kind: kind})
	}
	for k := first; k <= last; k++ {
		a.mark[k] |= mk
		a.group[k] = int32(first)
	}
}

// negatorBefore returns the negator that stands within negationScope words before token i, in
// the same clause, or -1. A negator inside a cue phrase counts only when covered is set.
func (a *analysis) negatorBefore(v *vocab, i int, covered bool) int {
	toks := a.tok.toks
	for j, n := i-1, 0; j >= 0 && n < negationScope; j-- {
		switch toks[j].kind {
		case tkWord, tkHashtag, tkNumber:
			if j == i-1 && toks[j].h == andHash {
				return -1 // "didn't fit and got my money back": a clause of its own
			}
			n++
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&wNegator != 0 && (covered || a.mark[j]&mCovered == 0) {
				return j
			}
		case tkMention, tkEmoji, tkEmoticon:
		default:
			return -1
		}
	}
	return a.subjectNegator(v, i)
}

// subjectNegationScope is how many tokens a negated subject ("not one of your staff", "not a
// single agent") turns around after its "not".
const subjectNegationScope = 8

// subjectNegator carries the negation of a subject past negationScope ("Not one of your staff
// was helpful", "Not a single agent seemed to care"): it returns the "not" of a "not one" or "not
// a single" at most subjectNegationScope tokens before token i, with no break and no contrast
// between, else -1. "Not one to complain, but …" negates nothing after it.
func (a *analysis) subjectNegator(v *vocab, i int) int {
	toks := a.tok.toks
	for j := i - 1; j >= 0 && i-j <= subjectNegationScope; j-- {
		switch toks[j].kind {
		case tkWord, tkHashtag, tkNumber, tkMention, tkEmoji, tkEmoticon:
			if a.negatesSubject(j) {
				return j
			}
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&wContrast != 0 {
				return -1
			}
		default:
			return -1
		}
	}
	return -1
}

// deniesTrouble reports whether the negator at token i, "nobody" or the "one" of "no one", is
// the subject of a word of trouble that it denies: a negative lexicon word after at most four
// auxiliaries, adverbs or words of making feel ("Nobody was rude", "nobody has ever regretted
// it", "no one was hurt", "nobody made me feel stupid").
// Then no one did wrong: it is no complaint that no one answered. Not "nobody bothered", "no
// one seems bothered": nobody cared.
func (a *analysis) deniesTrouble(v *vocab, i int) bool {
	toks := a.tok.toks
	for j := i + 1; j < len(toks) && j <= i+5; j++ {
		if toks[j].kind != tkWord || a.info[j] < 0 {
			return false
		}
		if v.infos[a.info[j]].valence < 0 {
			return !a.wordIn(j, "bothered", "bother", "bothers", "fussed")
		}
		if !a.wordIn(j, "was", "is", "were", "has", "had", "have", "been", "ever", "even", "got", "gets", "felt", "feels", "seemed", "seems", "really", "actually", "will", "would", "made", "makes", "make", "me", "us", "feel") {
			return false
		}
	}
	return false
}

// noneBetterWeight is the praise weight of "nobody does it better", as that of the cue phrase
// "nobody beats".
const noneBetterWeight = 1.5

// noneBetter reports whether "nobody", the "one" of "no one" or "nothing" at token i is the
// subject of a comparison in the company's favour, in its clause and at most eight tokens on:
// "better" or "cheaper" at the end of the clause or before "than" ("Nobody does daily deals
// better."), "comes close" ("nobody else in town comes close", "nothing else I've tried comes
// close") and, after "nobody" or "no one", "this", "as" or "so" before a word of praise ("nobody
// else round here gives advice this good", "Nobody else has a support team this quick"). Of the
// labelled messages so, 6 are positive and none negative. Then it records a praise item over the
// words and covers them.
// Not "nobody was any better", "no one could tell me a better time", "nothing was as good as
// the photos".
func (a *analysis) noneBetter(v *vocab, i int) bool {
	toks := a.tok.toks
	person := toks[i].h != nothingHash
	for j := i + 1; j < len(toks) && j <= i+8 && inClause(toks[j].kind); j++ {
		end := j+1 == len(toks) || !inClause(toks[j+1].kind) || a.wordIs(j+1, "than")
		if a.wordIn(j, "better", "cheaper") && end && !a.wordIn(j-1, "any", "no") ||
			person && a.wordIn(j-1, "this", "as", "so") && (a.wordIn(j, "good", "well") || a.info[j] >= 0 && v.infos[a.info[j]].valence > 0) ||
			a.wordIs(j, "close") && a.wordIn(j-1, "comes", "come", "came") {
			a.praisePhrase(i, j, noneBetterWeight)
			return true
		}
	}
	return false
}

// elseHash is the hash of the word "else".
var elseHash = hashString("else")

// nothingHash, threeHash and averageHash are the hashes of "nothing" (see noneBetter), "three"
// and "average" (a middle verdict).
var nothingHash, threeHash, averageHash = hashString("nothing"), hashString("three"), hashString("average")

// nowhereElseWeight is the praise weight of "wouldn't go anywhere else", as that of
// noneBetter.
const nowhereElseWeight = noneBetterWeight

// nowhereElse finds loyalty that rules out the rest: "wouldn't", "won't" or "never" (or "would
// not", "will not") before a verb of custom and "anywhere else" ("I wouldn't go anywhere else",
// "won't shop anywhere else", "would never bank anywhere else"), or "anything else" at the end
// of its clause or before "now" ("Wouldn't use anything else now."; not "won't buy anything else
// from you"), that no cue phrase took. Of the labelled messages so, all 16 are positive. It
// records a praise item over the phrase, whose words are then a cue's.
func (a *analysis) nowhereElse() {
	toks := a.tok.toks
	for i := 3; i < len(toks); i++ {
		if toks[i].h != elseHash || a.mark[i]&mCovered != 0 {
			continue
		}
		if !a.wordIs(i-1, "anywhere") && (!a.wordIs(i-1, "anything") || i+1 < len(toks) && inClause(toks[i+1].kind) && !a.wordIs(i+1, "now")) {
			continue
		}
		if !a.wordIn(i-2, "go", "shop", "buy", "use", "bank", "stay", "book", "eat", "fly", "come", "take") {
			continue
		}
		n := i - 3
		if a.wordIs(n, "not") && a.wordIn(n-1, "would", "will") {
			n--
		} else if !a.wordIn(n, "wouldn't", "won't", "never") {
			continue
		}
		a.praisePhrase(n, i, nowhereElseWeight)
	}
}

// subjectAt reports whether word token j is a determiner or a pronoun that opens a new subject
// ("the", "my", "they", "everyone").
func (a *analysis) subjectAt(j int) bool {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "the", "my", "our", "your", "their", "his", "her", "its", "it", "they", "we", "i", "you", "he", "she", "everything", "everyone":
		return true
	}
	return false
}

// troubleNamed reports whether an article or "any" at token j opens a thing named by a word of
// trouble, next or after one more word ("a damaged item", "any broken glasses", "a single late
// box").
func (a *analysis) troubleNamed(v *vocab, j int) bool {
	if !a.wordIn(j, "a", "an", "any", "one") {
		return false
	}
	for k := j + 1; k <= j+2 && k < len(a.tok.toks); k++ {
		if a.tok.toks[k].kind != tkWord || a.info[k] < 0 {
			return false
		}
		if v.infos[a.info[k]].valence < 0 {
			return true
		}
	}
	return false
}

// dropComplaint removes the complaint item that starts at token first.
func (a *analysis) dropComplaint(first int32) {
	for k := range a.items {
		if it := &a.items[k]; it.kind == itComplaint && it.first == first {
			a.items = append(a.items[:k], a.items[k+1:]...)
			return
		}
	}
}

// subjectScope returns how many tokens the negated subject at token i ("not one", "not a
// single", "nobody", the "one" of "no one") turns around: subjectNegationScope, but only
// negationScope after "nobody" or "no one" when "as" or "than" follows in the clause ("nobody has
// ever been as patient with me as Dr. Murphy" compares, and praises).
func (a *analysis) subjectScope(i int) int {
	if !a.negatesSubject(i) && a.wordAfter(i, subjectNegationScope, "as", "than") {
		return negationScope
	}
	return subjectNegationScope
}

// wordAfter reports whether one of words stands at most n tokens after token i, in its clause
// (words, numbers and hashtags between; see inClause).
func (a *analysis) wordAfter(i, n int, words ...string) bool {
	toks := a.tok.toks
	for j := i + 1; j < len(toks) && j <= i+n && inClause(toks[j].kind); j++ {
		if a.wordIn(j, words...) {
			return true
		}
	}
	return false
}

// noOne reports whether token i is the "one" of "no one".
func (a *analysis) noOne(i int) bool {
	return a.wordIs(i, "one") && a.wordIs(i-1, "no")
}

// negatesSubject reports whether token j is the "not" of "not one" (not "not one to …": "I'm not
// one to complain"), of "not a single", or of a "not once" that opens a sentence before "has",
// "did", "in" and the like ("Not once has anyone called me back as promised", "Not once in three
// visits has my appointment started on time": the whole clause is denied).
func (a *analysis) negatesSubject(j int) bool {
	toks := a.tok.toks
	if j+2 >= len(toks) || toks[j].h != notHash {
		return false
	}
	return toks[j+1].h == oneHash && toks[j+2].h != toHash || toks[j+1].h == aHash && toks[j+2].h == singleHash ||
		toks[j+1].h == onceHash && a.opensClause(j) && (a.auxAt(j+2) || a.wordIs(j+2, "in"))
}

// auxAt reports whether token j is an auxiliary that a negated subject puts before its subject
// ("Not once has anyone …", "Not once in 4 years have we …"): "has", "have", "had", "did",
// "does", "do", "is", "was", "were".
func (a *analysis) auxAt(j int) bool {
	return a.wordIn(j, "has", "have", "had", "did", "does", "do", "is", "was", "were")
}

// nobodyWeight is the complaint weight of nobody doing what was asked (see nobodyHelped) and of
// a claim denied (see deniedClaim).
const nobodyWeight = 1.5

// nobodyHelped finds a negated subject that is a person ("Not a single person at the kiosk could
// tell me when my phone would be ready", "not one member of staff", "Not once did anyone return
// my calls") in a clause that says nothing good or bad of its own, where negation has nothing to
// turn around: that nobody did what was asked is the complaint. Of the labelled messages with "not
// a single" or "not one" before a person, all 21 are negative; with "not once" before "did",
// "has" or "have" and "anyone", "they" or "you", 14 of 15. It records a complaint item over the
// phrase, whose words are then a cue's.
func (a *analysis) nobodyHelped(v *vocab) {
	toks := a.tok.toks
	for i := range toks {
		if toks[i].h != notHash {
			continue
		}
		last := -1
		switch {
		case a.wordIs(i+1, "a") && a.wordIs(i+2, "single") && a.personAt(i+3):
			last = i + 3
		case a.wordIs(i+1, "one") && a.personAt(i+2):
			last = i + 2
		case a.wordIs(i+1, "once") && a.wordIn(i+2, "did", "has", "have", "had") && a.wordIn(i+3, "anyone", "anybody", "someone", "they", "you"):
			last = i + 3
		}
		if last < 0 {
			continue
		}
		lo, hi := a.clause(v, i)
		for k := range a.items {
			if it := &a.items[k]; it.v != 0 && int(it.first) >= lo && int(it.first) < hi {
				return // "not a single person was rude": negation turns it round
			}
		}
		a.complaintPhrase(i, last, nobodyWeight)
		return
	}
}

// deniedClaim finds "not exactly" ("Not exactly the 'premium' experience I was promised", "Not
// exactly thrilled that …", "Not exactly zen.") and "hardly" before "the", "a", "an" or "what"
// ("Hardly what I'd call a full service", "Hardly the 'personalised' plan you advertise"): a
// claim or a hope, denied with understatement. Of the labelled messages with "not exactly" 37 of
// 38 are negative; with "hardly" before those words all 9. It records a complaint item over the
// two words, which still negate what follows them.
func (a *analysis) deniedClaim() {
	toks := a.tok.toks
	for i := range toks {
		if toks[i].h == notHash && a.wordIs(i+1, "exactly") || a.wordIs(i, "hardly") && a.wordIn(i+1, "the", "a", "an", "what") {
			a.items = append(a.items, item{first: int32(i), last: int32(i + 1), v: nobodyWeight, kind: itComplaint})
			a.joinGroup(i, i+1) // evidence together; the n-grams still weigh them
			return
		}
	}
}

// personAt reports whether token j names a person who might have helped ("person", "member",
// "agent", "soul"), or is "one" ("not a single one of them").
func (a *analysis) personAt(j int) bool {
	return a.wordIn(j, "person", "member", "human", "soul", "agent", "employee", "staff", "staffer", "adviser", "advisor", "engineer", "driver", "manager", "one")
}

// onceInWords is how many tokens the time after "not once in" may take ("in all my years").
const onceInWords = 5

// onceIn returns the number of tokens of the time between "not once" at token i and the verb
// of its clause ("Not once in 4 years have we …": 3), or 0.
func (a *analysis) onceIn(i int) int {
	if !a.wordIs(i+1, "once") || !a.wordIs(i+2, "in") {
		return 0
	}
	for j := i + 3; j <= i+2+onceInWords && j < len(a.tok.toks) && inClause(a.tok.toks[j].kind); j++ {
		if a.auxAt(j) {
			return j - (i + 2)
		}
	}
	return 0
}

// opensClause reports whether nothing but mentions comes before token j since the start of the
// message or a clause's end.
func (a *analysis) opensClause(j int) bool {
	for k := j - 1; k >= 0; k-- {
		switch a.tok.toks[k].kind {
		case tkMention:
			continue
		case tkBreak, tkExclaim, tkQuestion:
			return true
		}
		return false
	}
	return true
}

var notHash, oneHash, toHash, aHash, singleHash, onceHash = hashString("not"), hashString("one"), hashString("to"), hashString("a"), hashString("single"), hashString("once")

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

// praisePhrase records a praise item of weight w over tokens [first, last], found by a rule, and
// makes them one phrase of a cue (see coverPhrase).
func (a *analysis) praisePhrase(first, last int, w float32) {
	a.coverPhrase(first, last)
	a.items = append(a.items, item{first: int32(first), last: int32(last), v: w, kind: itPraise})
}

// complaintPhrase records a complaint item of weight w over tokens [first, last], found by a
// rule, and makes them one phrase of a cue (see coverPhrase).
func (a *analysis) complaintPhrase(first, last int, w float32) {
	a.coverPhrase(first, last)
	a.items = append(a.items, item{first: int32(first), last: int32(last), v: w, kind: itComplaint})
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

// usedHash is the hash of the word "used".
var usedHash = hashString("used")

// andHash is the hash of the word "and".
var andHash = hashString("and")

// isShapeHash reports whether h is the hash of a word at which complaintShape looks: the cheap
// test made at every token before it.
func isShapeHash(h uint64) bool {
	return h == gotHash || h == receivedHash || h == elsewhereHash || h == itsHash || h == itsBareHash || h == isHash
}

// complaintShape records a complaint told by the shape of the words around token i rather than
// by a cue phrase: at "got" or "received", what was ordered set against what came (mismatch); at
// "elsewhere", custom taken elsewhere (takenElsewhere); at "it's", "its" or "is", the day it is
// now (dayNow). The last two cover their words, as a cue phrase's are.
func (a *analysis) complaintShape(text string, i int) {
	first, last, w, cover := -1, i, float32(0), true
	switch a.tok.toks[i].h {
	case gotHash, receivedHash:
		first, w, cover = a.mismatch(text, i), mismatchWeight, false
	case elsewhereHash:
		if a.mark[i]&mCovered == 0 {
			if s := a.takenElsewhere(i); s >= 0 && a.mark[s]&mCovered == 0 {
				first, w = s, elsewhereWeight
			}
		}
	case itsHash, itsBareHash, isHash:
		first, last = a.dayNow(i)
		w = dayNowWeight
	}
	if first < 0 {
		return
	}
	if cover {
		a.complaintPhrase(first, last, w)
	} else {
		a.items = append(a.items, item{first: int32(first), last: int32(last), v: w, kind: itComplaint})
	}
}

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
		"was", "were", "become", "becomes", "became", "becoming":
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

// isDemandTag reports whether a hashtag's text demands that the company act: it opens with
// "fixit", "fixyour", "fixthe", "fixthis", "fixmy", "getit", "sortit", "sortyour", "sortthe" or
// "dobetter" ("#fixit", "#fixyourapp", "#getitsorted", "#sortitout"; not "#fixed"). All 17
// labelled messages with such a tag are negative.
func isDemandTag(w []byte) bool {
	for _, p := range [...]string{"fixit", "fixyour", "fixthe", "fixthis", "fixmy", "getit", "sortit", "sortyour", "sortthe", "dobetter"} {
		if len(w) >= len(p) && string(w[:len(p)]) == p {
			return true
		}
	}
	return false
}

// demandValence is the valence of a hashtag that demands (see isDemandTag).
const demandValence = -2

// tagValence is the valence of a hashtag the lexicon does not know: demandValence for one that
// demands ("#getitsorted", "#fixit", "#dobetter"), whatever the words it is made of ("sorted",
// "better") say alone, else that of its words (see compoundValence); and whether it is English
// words run together.
func (a *analysis) tagValence(v *vocab, w []byte) (float32, bool) {
	if isDemandTag(w) {
		return demandValence, true
	}
	return a.compoundValence(v, w)
}

// maxCompound bounds the hashtags that are split into words, in bytes.
const maxCompound = 40

// compoundValence splits a hashtag into as few known words as it can ("neveragain" → "never
// again", "badservice" → "bad service") and returns their valence, with negators and
// intensifiers applied like in running text, and whether it could be split (0 and false when
// not).
func (a *analysis) compoundValence(v *vocab, w []byte) (float32, bool) {
	n := len(w)
	if n < 5 || n > maxCompound {
		return 0, false
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
		return 0, false
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
	return sum, true
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

// anticipationWeight is the praise weight of eager anticipation, like a mild praise cue.
const anticipationWeight = 1.0

// mildPraise is the valence of "ok", "alright", "decent": approval too mild to be ironic.
const mildPraise = 1.6

// expectWords is how far into its sentence the word of an expectation may stand ("Not gonna
// lie, I was ready to cancel, but …").
const expectWords = 7

// mindWeight is the praise of a mind changed after a contrast ("Was ready to switch providers,
// but the callback you gave me changed my mind").
const mindWeight = 1.5

// expectProblem is how far after "expected" the problem expected may start.
const expectProblem = 6

// A problem that a message says was fixed stands at most fixAfter words after the verb ("fixed
// our broadband outage") or fixBefore words before it ("the issue was finally resolved").
const fixAfter, fixBefore = 4, 3

// mannerWords is how far before a verb of fixing mannerBefore looks ("after how my fraud claim
// was handled").
const mannerWords = 6

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
	case "never", "won't", "wouldn't":
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

// endsAt reports whether a clause ends at token j: the message ends there or a break stands
// there.
func (a *analysis) endsAt(j int) bool {
	return j == len(a.tok.toks) || j < len(a.tok.toks) && a.tok.toks[j].kind == tkBreak
}

// thanksAt reports whether token j is "thanks", "thank", "cheers" or "ta" (not after "the", "my"
// and the like: a teaching assistant).
func (a *analysis) thanksAt(j int) bool {
	return a.wordIs(j, "thanks") || a.wordIs(j, "thank") || a.wordIs(j, "cheers") ||
		a.wordIs(j, "ta") && !a.wordIn(j-1, "the", "a", "my", "our", "your", "his", "her", "their")
}

// drop makes item it count nothing, and leaves its words out of the n-grams as a cue's are.
func (a *analysis) drop(it *item) {
	it.v = 0
	for j := it.first; j <= it.last; j++ {
		a.mark[j] |= mMasked
	}
}

// ratingWeight is the weight of a rating ("10/10", "1/5") as a praise or complaint cue.
const ratingWeight = 1.5

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
// (unless cueOnly) a negative lexicon item, starts after token i in its sentence.
func (a *analysis) complaintAfter(v *vocab, text string, i int, cueOnly bool) bool {
	end := len(a.tok.toks)
	for j := i + 1; j < end; j++ {
		if j > i+1 && a.opensSentence(text, j) {
			end = j
		}
	}
	for k := range a.items {
		it := &a.items[k]
		if int(it.first) > i && int(it.first) < end && it.problem() && (!cueOnly || it.kind == itComplaint) && !a.settingBetween(v, i, int(it.first)) {
			return true
		}
	}
	return false
}

// goodThing reports whether the words from token j, after "the", "your" or "such a", are a
// positive word before a noun ("the quick refund", "your fast reply").
func (a *analysis) goodThing(v *vocab, j int) bool {
	if a.wordIs(j, "the") || a.wordIs(j, "your") {
		j++
	} else if a.wordIs(j, "such") && a.wordIs(j+1, "a") {
		j += 2
	}
	if j+1 >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord || a.tok.toks[j+1].kind != tkWord {
		return false
	}
	idx := a.info[j]
	return idx >= 0 && v.infos[idx].valence > 0 && v.infos[idx].boost == 0
}

// sincereThanks reports whether conditional sarcasm item it is thanks for how they were, what
// was good or what put a problem right ("Thanks for being so flexible with the late pickup",
// "Thanks for the quick refund on the cancelled shuttle", "thx for the credit on my account for
// the outage", "Thank you for reversing the late fee"): the trouble after it is what it was about,
// no irony, unless a "but" turns the message.
func (a *analysis) sincereThanks(v *vocab, it *item, lastContrast int) bool {
	if !a.thanksAt(int(it.first)) {
		return false
	}
	k := int(it.last) + 1
	return a.beingGood(v, k) || lastContrast < 0 && (a.goodThing(v, k) || a.remedy(k) || a.putRight(v, k))
}

// remedy reports whether the words from token j, after "the", "your", "a" or "my" and an amount,
// name what puts a problem right ("the refund", "the $15 credit", "a full replacement", "your
// goodwill gesture").
func (a *analysis) remedy(j int) bool {
	toks := a.tok.toks
	if a.wordIs(j, "the") || a.wordIs(j, "your") || a.wordIs(j, "a") || a.wordIs(j, "my") {
		j++
	}
	if a.amountAt(j) {
		j++ // "the £35 refund", "a 50p credit", "the 2000 points compensation"
		if a.wordIs(j, "points") || a.wordIs(j, "pounds") || a.wordIs(j, "dollars") || a.wordIs(j, "euros") || a.wordIs(j, "quid") || a.wordIs(j, "bucks") {
			j++
		}
	}
	if a.wordIs(j, "full") {
		j++
	}
	if j >= len(toks) || toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&toks[j])) {
	case "refund", "credit", "replacement", "compensation", "voucher", "reimbursement", "goodwill", "rebooking", "discount", "exchange":
		return true
	}
	return false
}

// amountAt reports whether token j is an amount: a number or a word with digits ("50p", "£35"
// is the number 35).
func (a *analysis) amountAt(j int) bool {
	toks := a.tok.toks
	return j < len(toks) && (toks[j].kind == tkNumber || toks[j].kind == tkWord && toks[j].flags&tfDigit != 0)
}

// putRight reports whether token j is a verb that put a problem right: a verb of fixing, not
// negated ("correcting", "reversing", "sorting"), or one that takes a charge away with the charge
// in the next chargeWords words ("cancelling the cleaning fee", "knocking the damage charge off").
func (a *analysis) putRight(v *vocab, j int) bool {
	toks := a.tok.toks
	if j >= len(toks) || toks[j].kind != tkWord || a.mark[j]&mNegated != 0 {
		return false
	}
	if idx := a.info[j]; idx >= 0 && v.infos[idx].lex&lxFix != 0 && !a.drivenBack(j) {
		return true
	}
	return a.takeAway(j) >= 0
}

// takeAway returns the token of the charge that token j, a verb of taking away, takes, in the
// next chargeWords words or amounts ("cancelling the cleaning fee", "removing the £25 late payment
// fee", "knocking the damage charge off"); -1 if none. "Taking" and "knocking" take away only
// with "off" ("taking a fee twice" charges it).
func (a *analysis) takeAway(j int) int {
	toks := a.tok.toks
	off := false
	switch string(a.tok.normOf(&toks[j])) {
	case "cancelling", "canceling", "removing", "dropping", "scrapping", "wiping", "clearing":
	case "knocking", "taking":
		off = true
	default:
		return -1
	}
	for k := j + 1; k < len(toks) && k <= j+chargeWords && (toks[k].kind == tkWord || toks[k].kind == tkNumber); k++ {
		if a.chargeAt(k) {
			if off && !a.wordIs(j+1, "off") && !a.wordIs(k+1, "off") {
				return -1
			}
			return k
		}
		if a.wordIn(k, "and", "but", "or", "then") {
			return -1
		}
	}
	return -1
}

// chargeAt reports whether token j names a charge: "fee", "charge", "fine", "penalty",
// "surcharge", "interest", "pcn".
func (a *analysis) chargeAt(j int) bool {
	return a.wordIn(j, "fee", "fees", "charge", "charges", "fine", "penalty", "surcharge", "interest", "pcn")
}

// chargeWords is how far after a verb of taking away takeAway looks for the charge.
const chargeWords = 5

// beingGood reports whether token j is "being" followed, after intensifiers, by a positive word
// or a good trait ("being so flexible", "being reasonable", "being patient with me"); the traits
// are no praise elsewhere ("I'm flexible on time", "a patient of Dr Lee").
func (a *analysis) beingGood(v *vocab, j int) bool {
	if !a.wordIs(j, "being") {
		return false
	}
	for k := j + 1; k < len(a.tok.toks) && k <= j+3; k++ {
		if a.tok.toks[k].kind != tkWord {
			return false
		}
		switch string(a.tok.normOf(&a.tok.toks[k])) {
		case "flexible", "patient", "understanding", "accommodating", "considerate", "thoughtful", "generous":
			return true
		}
		idx := a.info[k]
		if idx < 0 {
			return false
		}
		if wi := &v.infos[idx]; wi.boost <= 0 {
			return wi.valence > 0
		}
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
		if a.goodWayAfter(int(last) + 1) {
			kind = itPraise // "What a surprise, in the best way!": the surprise pleased
		}
	case cueSarcasmCond:
		kind = itSarcasmCond
	default:
		return
	}
	a.items = append(a.items, item{first: first, last: last, v: w, kind: kind})
}

// maskExclaims leaves the exclamation marks out of the n-grams.
func (a *analysis) maskExclaims() {
	for i := range a.tok.toks {
		if a.tok.toks[i].kind == tkExclaim {
			a.mark[i] |= mMasked
		}
	}
}

// wordsLeft reports whether a word or hashtag of the message reaches the n-grams (see features).
func (a *analysis) wordsLeft() bool {
	for i := range a.tok.toks {
		if k := a.tok.toks[i].kind; (k == tkWord || k == tkHashtag) && a.mark[i]&mMasked == 0 {
			return true
		}
	}
	return false
}

// tellingAt reports whether token j is a verb of telling ("told", "informed", "warned"), whose
// object a negator before it does not turn around. Not "tell" ("no one could tell the dog had
// been sick on the rug": no one saw) nor "know" ("no one would know it had been repaired").
func (a *analysis) tellingAt(j int) bool {
	return a.wordIn(j, "told", "informed", "inform", "warned", "warn", "notified", "notify",
		"mentioned", "mention", "explained", "explain", "advised", "updated")
}

// bareComplaintWords is the most words of a bare complaint (see bareComplaint).
const bareComplaintWords = 6

// bareComplaint leaves the words of one-word complaint cues out of the n-grams in a short message
// whose only feeling is a complaint ("My flight was delayed"): the n-grams of such a word learn
// from the long stories of the training messages that name it and end well, which a bare
// complaint is not. Only the words that are complaint cues of their own, not those a context made a
// complaint ("again" is one only in context: "you've done it again!!").
func (a *analysis) bareComplaint(v *vocab) {
	for k := range a.items {
		it := &a.items[k]
		if it.kind != itComplaint || it.first != it.last || it.v <= 0 {
			continue
		}
		if idx := a.info[it.first]; idx >= 0 && v.infos[idx].cue == cueComplaint {
			a.mark[it.first] |= mMasked
		}
	}
}
