package sentiment

import (
	_ "embed"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

//go:embed lexicon.txt
var lexiconText string

//go:embed cues.txt
var cuesText string

// Word flags.
const (
	wNegator uint16 = 1 << iota
	wContrast
	wPolite
	wQuestion
	wEnglish     // a common English word: evidence that a text is English
	wPhraseStart // some phrase of two or more words starts with this word
	wHasModel    // w holds model weights for the word
	wSubject     // "like" after this word is the verb
	wDuration    // a unit of time
	wCount       // a number word ("two", "several")
	wNeedsSubj   // the word's valence counts only after a wSubject word ("like")
	wFunction    // a function word ("the", "at", "all"): no negated n-gram feature
	wTopic       // the word is a topic term (see vocab.topics)
	wPerson      // first or second person ("i", "my", "you")
	wNotWaiting  // after a duration, says it was no wait ("early", "ago")
	wAffect      // a verb of liking ("love", "enjoy"): sarcastic when its object is a complaint
)

// durationWeight is the complaint weight of "<number> <unit of time>" (see cues.txt); set when
// the cues are read.
var durationWeight float32

// fixWeight is the praise weight of a problem that a message says was fixed (see cues.txt and
// analysis.resolution); set when the cues are read.
var fixWeight float32

// neverAgainWeight is the complaint weight of "never … again" with words between ("will never
// order again", see analysis.neverAgain): that of the cue "never again", set when the cues are read.
var neverAgainWeight float32

// cueKind is what a cue phrase signals.
type cueKind uint8

const (
	cueNone cueKind = iota
	cueComplaint
	cuePraise
	cueSarcasm     // always sarcastic ("thanks for nothing")
	cueSarcasmCond // sarcastic when the message also complains ("great job")
	cueNeutral     // no sentiment: the model ignores the words ("at all")
	cueRequest     // a request ("I'd like to"): neutral like a question; the model ignores the words
	cueNegEmph     // emphasises a negation before it ("not bad at all"): the negation turns the words fully around
	cueContextual  // a complaint only in context ("again"): see analysis.resolveContextual
	cueGratitude   // praise that frames the message as thanks ("huge thanks to"): see analysis.thanked
)

var cueKindNames = [...]string{"", "complaint", "praise", "sarcasm", "sarcasm", "neutral", "request", "negemph", "contextual", "gratitude"}

// String names the kind as written in cues.txt.
func (k cueKind) String() string { return cueKindNames[k] }

// wordInfo is everything the scorer knows about one normalized word, packed in 32 bytes with the
// word's hash: a word costs one cache line to look up. The vocabulary's open-addressing table is
// an array of them.
type wordInfo struct {
	key     uint64     // hash of the word; 0 marks an empty slot
	w       [3]float32 // model: word unigram plus its character n-grams, per class (see Model.wordWeights)
	valence float32    // lexicon valence, -4..+4
	flags   uint16
	cue     cueKind // one-word cue
	maxLen  uint8   // longest phrase starting with this word
	boost   int8    // intensifier: scales the next sentiment word by 1+boost/100
	cueW    uint8   // weight of a one-word cue, in tenths
	nf      uint8   // model features behind w (the unigram, and the character n-grams)
	lex     uint8   // lx* classes of the word, derived from the fields above and its spelling
}

// Classes of a word, set when the vocabulary is built, so that the analysis tests one bit.
const (
	lxSwear = 1 << iota // isSwearWord (see analysis.spelt)
	lxLaugh             // isLaughter (see analysis.spelt)
	// The token marks mFuncWord, mNoUnigram, mBareFunc and mPlain, in their order (see
	// lexMarks).
	lxFunc
	lxNoUnigram
	lxBareFunc
	lxPlain
	// lxTopicTerm: a word that names a topic of complaint ("delayed", "damage", "refund"); a
	// plain question that uses it asks about the topic (see analysis.infoQuestion).
	lxTopicTerm
	// lxFix: a verb that says a problem was dealt with ("fixed", "sorting"); see
	// analysis.resolution.
	lxFix
)

// isEvidenceless reports words that are no evidence on their own, as the function words are,
// though they are no signs of English (as "a" is of other languages too) or the model keeps their
// unigram: articles and pronouns ("a", "these", "myself", "we'll"), "were" and the "u" of
// "U.S.". They still join the phrases of the words next to them.
func isEvidenceless(w string) bool {
	switch w {
	case "a", "were", "these", "those", "myself", "yourself", "himself", "herself", "itself",
		"ourselves", "yourselves", "themselves", "he's", "she's", "that's", "there's", "here's",
		"who's", "let's", "we'll", "you'll", "they'll", "he'll", "she'll", "we've", "they've", "we'd",
		"you'd", "he'd", "she'd", "they'd", "u":
		return true
	}
	return false
}

// lexClasses returns the lx* classes of the word w with info wi.
func lexClasses(w string, wi *wordInfo) uint8 {
	var x uint8
	if isSwearWord([]byte(w)) {
		x |= lxSwear
	}
	if isLaughter([]byte(w)) {
		x |= lxLaugh
	}
	if wi.flags&wFunction != 0 {
		x |= lxFunc
	}
	if (wi.flags&wFunction != 0 || isEvidenceless(w)) && wi.valence == 0 && wi.cue == cueNone {
		x |= lxBareFunc
	}
	if wi.flags&(wNegator|wFunction) != 0 {
		x |= lxNoUnigram
	}
	if wi.valence == 0 && wi.cue == cueNone && wi.boost == 0 && x&lxSwear == 0 &&
		wi.flags&(wNegator|wContrast|wDuration|wPerson|wQuestion) == 0 {
		x |= lxPlain
	}
	return x
}

func (wi *wordInfo) boostF() float32 { return float32(wi.boost) / 100 }
func (wi *wordInfo) cueWF() float32  { return float32(wi.cueW) / 10 }

// wordEntry is a word while the vocabulary is built.
type wordEntry struct {
	valence float32
	boost   float32
	cueW    float32
	topics  uint64 // bit i: topic i of the topic dictionary
	flags   uint16
	lex     uint8 // lx* classes given by the cues (the others are derived: lexClasses)
	cue     cueKind
	maxLen  uint8
}

// phraseInfo is a cue or topic phrase of two or more words.
type phraseInfo struct {
	cue    cueKind
	n      uint8
	cueW   float32
	topics uint64
}

// table is an open-addressing hash table from a 64-bit hash to a dense index, each key next to its
// index (one cache line a probe). Lookups do not allocate; it is read-only once built and then safe
// for concurrent use.
type table struct {
	slots []slot
	mask  uint64
}

type slot struct {
	key uint64
	idx int32
}

func newTable(n int) table {
	size := 16
	for size*3 < n*4 { // load factor at most 3/4
		size <<= 1
	}
	return table{slots: make([]slot, size), mask: uint64(size - 1)}
}

func (t *table) get(h uint64) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	i := (h ^ h>>29) & t.mask
	for {
		s := &t.slots[i]
		if s.key == h {
			return s.idx
		}
		if s.key == 0 {
			return -1
		}
		i = (i + 1) & t.mask
	}
}

// put inserts h→v; the table must have room (callers size it for their keys).
func (t *table) put(h uint64, v int32) {
	i := (h ^ h>>29) & t.mask
	for {
		s := &t.slots[i]
		if s.key == h || s.key == 0 {
			s.key, s.idx = h, v
			return
		}
		i = (i + 1) & t.mask
	}
}

// vocab maps words and phrases to what the scorer knows about them. It is read-only once built
// (the model's weights are cached into it before use) and then safe for concurrent use.
type vocab struct {
	infos      []wordInfo // open addressing on key, load at most 3/4
	mask       uint64
	topics     map[int32]uint64 // slot → topics, for the words flagged wTopic
	phrases    table
	phraseInfo []phraseInfo
	// prefixes has bit prefixBit(h) set for the hash h of every run of two or more words that
	// begins some phrase (the phrases themselves included): a run whose bit is clear begins none,
	// and a phrase match stops there without probing phrases.
	prefixes []uint64
	pending  map[int32]bool // slots of the words that put a fix still to come (see analysis.resolution)
	telling  map[int32]bool // slots of the words that say a fix was only told of (see analysis.pending)
	backdrop map[int32]bool // slots of the words that make a problem a setting (see analysis.backdrop)
	loss     map[int32]bool // slots of the words of loss (see analysis.recovery)
	recover  map[int32]bool // slots of the words that say a loss was made good (see analysis.recovery)
	cancel   map[int32]bool // slots of the words of cancelling or closing (see analysis.movingOut)
	moving   map[int32]bool // slots of the words that say the writer moves home (see analysis.movingHome)
	willing  map[int32]bool // slots of the verbs that "happy to" is willing to do (see analysis.willing)
}

// lookup returns the slot of the word with hash h, or -1.
func (v *vocab) lookup(h uint64) int32 {
	if len(v.infos) == 0 {
		return -1
	}
	i := (h ^ h>>29) & v.mask
	for {
		k := v.infos[i].key
		if k == h {
			return int32(i)
		}
		if k == 0 {
			return -1
		}
		i = (i + 1) & v.mask
	}
}

func (v *vocab) insert(h uint64) int32 {
	i := (h ^ h>>29) & v.mask
	for {
		k := v.infos[i].key
		if k == h || k == 0 {
			v.infos[i].key = h
			return int32(i)
		}
		i = (i + 1) & v.mask
	}
}

// topicsOf returns the topics of the word in slot idx.
func (v *vocab) topicsOf(idx int32) uint64 {
	if v.infos[idx].flags&wTopic == 0 {
		return 0
	}
	return v.topics[idx]
}

// prefixWords is the size of vocab.prefixes in 64-bit words (8 KB: a few per cent of false
// positives for the few thousand phrase prefixes).
const prefixWords = 1 << 10

// prefixBit is the bit of vocab.prefixes for the hash of a run of words.
func prefixBit(h uint64) uint64 { return h >> 48 & (prefixWords*64 - 1) }

// mayBegin reports whether a run of words with hash h may begin a phrase.
func (v *vocab) mayBegin(h uint64) bool {
	b := prefixBit(h)
	return v.prefixes[b>>6]&(1<<(b&63)) != 0
}

// phraseHash combines the hash of a run of words with the hash of the word after it. The order
// of the words counts: "hold on" is not the phrase "on hold".
func phraseHash(h uint64, next uint64) uint64 {
	h = (bits.RotateLeft64(h, 29) ^ next) * 0x9E3779B97F4A7C15
	h ^= h >> 31
	if h == 0 {
		h = 1
	}
	return h
}

// vocabBuilder collects entries before the tables are sized.
type vocabBuilder struct {
	words   map[string]*wordEntry
	phrases map[string]*phraseInfo
	classes map[string][]string // the words of each cue kind of wordClasses
}

// wordClasses are the cue kinds that name a class of words for the rules to read.
var wordClasses = []string{"pending", "telling", "backdrop", "loss", "recover", "cancelling", "moving", "willing"}

func newVocabBuilder() *vocabBuilder {
	return &vocabBuilder{words: map[string]*wordEntry{}, phrases: map[string]*phraseInfo{}, classes: map[string][]string{}}
}

func (b *vocabBuilder) word(w string) *wordEntry {
	wi := b.words[w]
	if wi == nil {
		wi = &wordEntry{}
		b.words[w] = wi
	}
	return wi
}

// phrase returns the entry of a phrase of one or more words (a one-word phrase is a word entry,
// returned as nil with the word entry).
func (b *vocabBuilder) phrase(words []string) (*phraseInfo, *wordEntry) {
	if len(words) == 1 {
		return nil, b.word(words[0])
	}
	key := strings.Join(words, " ")
	p := b.phrases[key]
	if p == nil {
		p = &phraseInfo{n: uint8(len(words))}
		b.phrases[key] = p
	}
	first := b.word(words[0])
	first.flags |= wPhraseStart
	first.maxLen = max(first.maxLen, uint8(len(words)))
	return p, nil
}

// normalizeTerm tokenizes a dictionary term the way messages are tokenized and returns its word
// forms (hashtags keep their '#').
func normalizeTerm(term string) []string {
	var t tokenizer
	t.tokenize(term)
	out := make([]string, 0, len(t.toks))
	for k := range t.toks {
		tok := &t.toks[k]
		switch tok.kind {
		case tkWord:
			out = append(out, string(t.normOf(tok)))
		case tkHashtag:
			out = append(out, "#"+string(t.normOf(tok)))
		case tkNumber:
			out = append(out, term[tok.start:tok.end])
		}
	}
	return out
}

func (b *vocabBuilder) build() *vocab {
	size := 16
	for size*3 < len(b.words)*4 {
		size <<= 1
	}
	v := &vocab{infos: make([]wordInfo, size), mask: uint64(size - 1), topics: map[int32]uint64{}, phrases: newTable(len(b.phrases))}
	for w, e := range b.words {
		idx := v.insert(hashString(w))
		wi := &v.infos[idx]
		wi.valence, wi.flags, wi.cue, wi.maxLen = e.valence, e.flags, e.cue, e.maxLen
		wi.boost = int8(math.Round(float64(e.boost) * 100))
		wi.cueW = uint8(math.Round(float64(e.cueW) * 10))
		if e.topics != 0 {
			wi.flags |= wTopic
			v.topics[idx] = e.topics
		}
		wi.lex = lexClasses(w, wi) | e.lex
	}
	v.phraseInfo = make([]phraseInfo, 0, len(b.phrases))
	v.prefixes = make([]uint64, prefixWords)
	for p, pi := range b.phrases {
		words := strings.Split(p, " ")
		h := hashString(words[0])
		for _, w := range words[1:] {
			h = phraseHash(h, hashString(w))
			v.prefixes[prefixBit(h)>>6] |= 1 << (prefixBit(h) & 63)
		}
		v.phrases.put(h, int32(len(v.phraseInfo)))
		v.phraseInfo = append(v.phraseInfo, *pi)
	}
	c := b.classes
	v.pending, v.telling, v.backdrop = v.slots(c["pending"]), v.slots(c["telling"]), v.slots(c["backdrop"])
	v.loss, v.recover = v.slots(c["loss"]), v.slots(c["recover"])
	v.cancel, v.moving, v.willing = v.slots(c["cancelling"]), v.slots(c["moving"]), v.slots(c["willing"])
	return v
}

// slots is the set of the slots of words (which all have one).
func (v *vocab) slots(words []string) map[int32]bool {
	set := make(map[int32]bool, len(words))
	for _, w := range words {
		set[v.lookup(hashString(w))] = true
	}
	return set
}

// addLexicon reads lexicon lines "valence word word …"; a later line overrides an earlier one.
func (b *vocabBuilder) addLexicon(text string) error {
	for n, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		val, err := strconv.ParseFloat(f[0], 32)
		if err != nil || val < -4 || val > 4 {
			return fmt.Errorf("lexicon line %d: valence %q is not a number in -4..4", n+1, f[0])
		}
		for _, w := range f[1:] {
			for _, form := range normalizeTerm(w) {
				wi := b.word(form)
				wi.valence = float32(val)
				wi.flags |= wEnglish
			}
		}
	}
	return nil
}

// addCues reads cue lines "kind weight words…" (see cues.txt).
func (b *vocabBuilder) addCues(text string) error {
	for n, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 3 {
			return fmt.Errorf("cues line %d: want kind, weight and words", n+1)
		}
		wt, err := strconv.ParseFloat(f[1], 32)
		if err != nil {
			return fmt.Errorf("cues line %d: weight %q is not a number", n+1, f[1])
		}
		if slices.Contains(wordClasses, f[0]) {
			for _, w := range f[2:] {
				for _, form := range normalizeTerm(w) {
					b.word(form) // so that it has a slot
					b.classes[f[0]] = append(b.classes[f[0]], form)
				}
			}
			continue
		}
		var flag uint16
		switch f[0] {
		case "negator":
			flag = wNegator
		case "contrast":
			flag = wContrast
		case "polite":
			flag = wPolite
		case "question":
			flag = wQuestion
		case "subject":
			flag = wSubject
		case "person":
			flag = wPerson
		case "notwaiting":
			flag = wNotWaiting
		case "affect":
			flag = wAffect
		case "count":
			flag = wCount
		case "duration":
			flag = wDuration
			durationWeight = float32(wt)
		case "topicterm", "fix":
			x := uint8(lxTopicTerm)
			if f[0] == "fix" {
				x, fixWeight = lxFix, float32(wt)
			}
			for _, w := range f[2:] {
				for _, form := range normalizeTerm(w) {
					b.word(form).lex |= x
				}
			}
			continue
		case "intensifier":
			for _, w := range f[2:] {
				for _, form := range normalizeTerm(w) {
					wi := b.word(form)
					wi.boost = float32(wt)
					wi.flags |= wEnglish
				}
			}
			continue
		case "complaint", "praise", "sarcasm", "neutral", "request", "negemph", "contextual", "gratitude":
			kind := map[string]cueKind{"complaint": cueComplaint, "praise": cuePraise, "sarcasm": cueSarcasm, "neutral": cueNeutral, "request": cueRequest, "negemph": cueNegEmph, "contextual": cueContextual, "gratitude": cueGratitude}[f[0]]
			if kind == cueSarcasm && wt < 1.5 {
				kind = cueSarcasmCond
			}
			words := normalizeTerm(strings.Join(f[2:], " "))
			if len(words) == 0 {
				return fmt.Errorf("cues line %d: no words", n+1)
			}
			p, wi := b.phrase(words)
			if kind == cueComplaint && len(words) == 2 && words[0] == "never" && words[1] == "again" {
				neverAgainWeight = float32(wt)
			}
			if p != nil {
				p.cue, p.cueW = kind, float32(wt)
			} else {
				wi.cue, wi.cueW = kind, float32(wt)
			}
			for _, w := range words {
				if w[0] != '#' {
					b.word(w).flags |= wEnglish
				}
			}
			continue
		default:
			return fmt.Errorf("cues line %d: unknown kind %q", n+1, f[0])
		}
		for _, w := range f[2:] {
			for _, form := range normalizeTerm(w) {
				wi := b.word(form)
				wi.flags |= flag | wEnglish
			}
		}
	}
	return nil
}

// englishWords are frequent English function words, for the fast language check. Words shared
// with other languages written in Latin script ("a", "no", "me", "die") are left out.
const englishWords = `the of and to in is was it for that with as on at by this be are from have has had
you your yours i my mine me we our us they their them he his him she her it's its i'm i've i'll i'd you're
you've we're they're there here what which who whom whose when where why how all any some each every
been being do does did doing done would should could will can may might must shall just only also very
about after before into over under again then than too more most other such own same so out up off down
get got getting gets go going went gone make made take took come came want need know think see say said
tell told ask asked give gave let try tried use used work still yet already now today tomorrow yesterday
am an if or but because while until since though although nor not don't doesn't didn't can't won't
isn't aren't wasn't weren't haven't hasn't hadn't wouldn't shouldn't couldn't please thanks thank
hi hello hey yes yeah ok okay flight order account service customer support help back time day days
hours minutes week one two three first last next new way call phone email app website online`

func (b *vocabBuilder) addEnglish() {
	b.word("like").flags |= wNeedsSubj
	for _, w := range strings.Fields(englishWords) {
		for _, form := range normalizeTerm(w) {
			b.word(form).flags |= wEnglish | wFunction
		}
	}
}
