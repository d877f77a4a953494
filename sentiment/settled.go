package sentiment

import (
	"bytes"
	"strings"
)

// Problems that do not count against the company: fixed, made good, feared but not come true, the
// setting of praise, or another company's.

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
			a.praisePhrase(j, j+2, mindWeight)
			break
		}
	}
	a.fearDispelled(c+1, e+1, c)
}

// foreboding finds a sentence that dreads what was to come ("I was dreading this one", "Took my
// dead laptop in expecting the worst", "Thought I'd be fighting for this refund for weeks")
// followed, from the next sentence to the end of the message, by praise and nothing negative or
// ironic ("Not a single problem.", "It was back in my account the next morning."): the problems of the
// dreading sentence were the fear, not what happened, and count nothing; so do those before it,
// what went wrong that the writer then feared a fight over ("The sofa arrived broken and the
// shop refused a refund. I expected to be fobbed off by you too. Your team kept me updated").
// (expectation does the same within a sentence turned by "but".)
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
	_, end := a.sentence(text, e)
	a.fearDispelled(end, 0, end)
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
	case "braced", "bracing":
		return a.wordIn(j+1, "for", "myself", "ourselves") // "I was braced for a long, painful process"
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
		switch a.fixAt(v, text, i) {
		case fixAhead:
			// "I need it fixed", "when will it be resolved?", "have you fixed the outage yet?":
			// no praise; the word weighs nothing, in the lexicon or the n-grams (a denied one,
			// "they never fixed it", is turned by its negation).
			a.mark[i] |= mMasked
			for k := range a.items {
				if it := &a.items[k]; it.kind == itLex && int(it.first) == i && it.v > 0 {
					a.drop(it) // the lexicon's praise of the word; a cue phrase it opens stays
				}
			}
			if d := a.demanded(i); d >= 0 {
				a.items = append(a.items, item{first: int32(d), last: int32(i), v: demandWeight, kind: itComplaint})
				a.joinGroup(d, i)
			}
			continue
		case fixNone:
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
			if a.tok.toks[it.first].kind == tkNumber && it.kind == itComplaint && it.v == ratingWeight {
				other = true // a low score stays the writer's verdict: "4/10 - they fixed it eventually"
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
		a.praisePhrase(first, last, fixWeight) // the phrase is a cue now
	}
}

// demandWeight is the complaint weight of a demand that a thing be put right.
const demandWeight = 1.0

// demanded returns the token of "want" or "demand" where the verb of fixing at token i ends a
// demand that the writer makes: "I want this sorted this week", "I want it refunded", "we demand
// that reversed", "I want that put right" (at most one word between the thing and the verb); or
// -1. Of the labelled messages with such a demand, all 81 are negative.
func (a *analysis) demanded(i int) int {
	for o := i - 1; o >= i-2; o-- {
		if !a.wordIn(o, "this", "it", "that", "them") {
			continue
		}
		if a.wordIn(o-1, "want", "demand") && a.wordIn(o-2, "i", "we") {
			return o - 1
		}
	}
	return -1
}

// fixState is what a verb of fixing says at its token (see fixAt).
type fixState uint8

const (
	fixNone  fixState = iota // no verb of fixing, or one that says nothing was dealt with
	fixDealt                 // a problem was dealt with
	fixAhead                 // a fix still to come or asked about
)

// fixAt reads token i as a verb of fixing ("refunded", "credited", "sorted"). Negated or in
// quotation marks ("my 'fixed' router drops out every evening"), it is none. Still to come in its
// clause ("I need it sorted", "was promised it was fixed") or asked about, it is ahead. Otherwise
// it says a problem was dealt with, unless it is in a complaint, names the thing it was done to
// ("the windscreen you replaced last month is leaking": see fixedThing) or follows "how" or "the
// way" (see mannerBefore).
func (a *analysis) fixAt(v *vocab, text string, i int) fixState {
	idx := a.info[i]
	if idx < 0 || v.infos[idx].lex&lxFix == 0 || a.mark[i]&mNegated != 0 || a.quotedWord(text, i) || a.drivenBack(i) {
		return fixNone
	}
	lo, _ := a.clause(v, i)
	if a.pending(v, max(lo, i-fixBefore), i, false) || a.wantedFixed(max(lo, i-wantedFixWords), i) || a.askedAfter(text, i) {
		return fixAhead // "I need it fixed", "I need the broken screen fixed"
	}
	if a.inComplaint(int32(i)) || a.fixedThing(i) || a.mannerBefore(max(lo, i-mannerWords), i) {
		return fixNone
	}
	return fixDealt
}

// drivenBack reports whether token i is "reversing" or "reversed" said of driving backwards
// ("the reversing camera didn't work", "your guy reversed into my gatepost"), not of a charge
// taken back.
func (a *analysis) drivenBack(i int) bool {
	return a.wordIn(i, "reversing", "reversed") && a.wordIn(i+1, "into", "out", "camera", "cam", "sensor", "sensors", "light", "lights", "beeper", "alarm")
}

// fixDone reports whether token i is a verb of fixing that says a problem was dealt with (see
// fixAt).
func (a *analysis) fixDone(v *vocab, text string, i int) bool {
	return a.fixAt(v, text, i) == fixDealt
}

// wantedFixWords is how far before a verb of fixing "need" or "want" and the thing to be fixed
// may stand (see wantedFixed).
const wantedFixWords = 10

// wantedFixed reports whether "need", "needs", "want" or "wants", perhaps with "to get" or "to
// have", stands in tokens [lo, i) before a determiner or a pronoun: the thing the writer wants
// fixed ("I need the broken screen fixed", "we want our cancelled flight refunded", "do I need to
// get the broken cupboard door fixed"), not "want to say the update fixed it".
func (a *analysis) wantedFixed(lo, i int) bool {
	for j := lo; j < i-1; j++ {
		if !a.wordIn(j, "need", "needs", "want", "wants") {
			continue
		}
		k := j + 1
		if a.wordIs(k, "to") && a.wordIn(k+1, "get", "have") {
			k += 2 // "do I need to get the broken door fixed"
		}
		if a.wordIn(k, "the", "my", "our", "this", "that", "it", "them", "your") {
			return true
		}
	}
	return false
}

// fixedThing reports whether the verb of fixing at token i stands in a relative clause that
// names a thing: "the", "my", "our", "that" or "this", a word, then "you" or "they" ("the hinge
// you fixed snapped off again"). What the thing does next is for the rest of the sentence to
// say; the verb fixed no problem named after it.
func (a *analysis) fixedThing(i int) bool {
	if i < 3 || !a.wordIs(i-1, "you") && !a.wordIs(i-1, "they") || a.tok.toks[i-2].kind != tkWord {
		return false
	}
	return a.wordIs(i-3, "the") || a.wordIs(i-3, "my") || a.wordIs(i-3, "our") || a.wordIs(i-3, "that") || a.wordIs(i-3, "this")
}

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

// refundSpan is how many words a refund's "for" or "of" may stand before the word that says it
// came.
const refundSpan = 8

// refundHash is the hash of the word "refund".
var refundHash = hashString("refund")

// refundCame finds a refund for a problem that the message says came ("Refund of the
// overcharged fee landed in my account today", "refund for the cancelled gig landed in 2 days"):
// "refund", then "for" or "of", and within refundSpan words of its clause "landed", "arrived",
// "cleared", or "came" or "went" before "through", "in" or "back", not negated and not asked
// about. What the refund was for is the thing put right, no complaint: the problems between
// count nothing, and the word that says it came is a praise cue of the fix weight, unless a cue
// holds it already ("came through this morning"). Of the distinct labelled messages with such a
// refund, 44 are positive, 3 negative and 1 neutral. A refund pushed through (see pushedThrough)
// is put right as well.
func (a *analysis) refundCame(v *vocab, text string) {
	toks := a.tok.toks
	for i := range toks {
		if toks[i].h != refundHash {
			continue
		}
		if a.pushedThrough(v, text, i) {
			continue
		}
		if !a.wordIs(i+1, "for") && !a.wordIs(i+1, "of") {
			continue
		}
		came := -1
		for j := i + 2; j < len(toks) && j <= i+1+refundSpan && came < 0; j++ {
			if toks[j].kind == tkBreak || toks[j].kind == tkQuestion || toks[j].kind == tkExclaim {
				break
			}
			if idx := a.info[j]; idx >= 0 && v.infos[idx].flags&(wContrast|wNegator) != 0 {
				break
			}
			switch {
			case a.wordIn(j, "landed", "arrived", "cleared"):
				came = j
			case a.wordIn(j, "came", "went") && a.wordIn(j+1, "through", "in", "back"):
				came = j
			}
		}
		if came < 0 || a.wordIs(came-1, "still") || a.negatorBefore(v, came, true) >= 0 || a.askedAfter(text, came) {
			continue
		}
		a.clearProblems(i+2, came-1, -1)
		for j := i + 2; j < came; j++ {
			a.mark[j] |= mMasked
		}
		a.fixPraise(came)
	}
}

// fixPraise makes word token j a praise cue of the fix weight, unless a cue holds it already.
func (a *analysis) fixPraise(j int) {
	if a.mark[j]&mCovered == 0 {
		a.items = append(a.items, item{first: int32(j), last: int32(j), v: fixWeight, kind: itPraise})
		a.mark[j] |= mCovered | mMasked
	}
}

// pushedThrough finds the refund at token i pushed through, and reports whether it did:
// "pushing", "getting", "putting" or "rushing" (or "pushed", "got", "put", "rushed"), "the", "my"
// or "our", the refund and "through" ("Thank you so much for getting our refund through so
// quickly"; the 4 labelled messages so worded are positive), not negated, still to come ("please
// push my refund through") or asked about. The refund is no complaint then, and "through" is a
// praise cue of the fix weight.
func (a *analysis) pushedThrough(v *vocab, text string, i int) bool {
	if i < 2 || !a.wordIs(i+1, "through") || !a.wordIn(i-1, "the", "my", "our") ||
		!a.wordIn(i-2, "pushing", "pushed", "getting", "got", "putting", "put", "rushing", "rushed") {
		return false
	}
	start, _ := a.sentence(text, i)
	if a.negatorBefore(v, i-2, true) >= 0 || a.pending(v, start, i-2, true) || a.askedAfter(text, i) {
		return false
	}
	a.clearProblems(i, i, -1)
	a.mark[i] |= mMasked
	a.fixPraise(i + 1)
	return true
}

// pending reports whether a pending cue ("need", "to be", "please") stands in tokens [lo, i):
// resolution reads the fixBefore words before a verb of fixing, recovery the sentence before a
// word of recovery. "to" and "be" put a fix to come only next to its verb, and with wanting set
// not at all: then only cues of wanting or waiting count ("want", "need", "until"). A telling cue
// ("told", "said") counts as a pending one, but not with wanting set.
func (a *analysis) pending(v *vocab, lo, i int, wanting bool) bool {
	for j := lo; j < i; j++ {
		idx := a.info[j]
		if idx >= 0 && v.telling[idx] && !wanting {
			return true
		}
		if idx >= 0 && v.pending[idx] {
			switch w := a.tok.normOf(&a.tok.toks[j]); {
			case string(w) != "to" && string(w) != "be":
				return true
			case wanting: // only cues of wanting or waiting
			case string(w) == "be":
				if j >= i-2 { // "to be fixed", "be fully resolved"
					return true
				}
			case j == i-1:
				// "to fix", "to sort it"; not "the person I spoke to sorted my refund".
				if !isPastVerb(a.tok.normOf(&a.tok.toks[i])) {
					return true
				}
			case a.wordIs(j+1, "get") || a.wordIs(j+1, "have"):
				return true // "to get it sorted", "to have the outage fixed"
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

// resolveContextual decides the complaints that hold only in context: a duration ("3 hours") or
// a repetition ("again", "second time") is a complaint unless its sentence says something
// good and nothing bad ("Thanks again for your help", "can't wait to see them again!",
// "delivered in 2 days, great").
func (a *analysis) resolveContextual(v *vocab, text string) {
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
			case itComplaint, itSarcasm: // "nice to know 3 hours of my time is worth $8"
				bad = true
			case itSarcasmCond:
				// Thanks make a time counted a complaint ("thanks for the scenic 6 hours at gate
				// B12"), not a setting ("thank you for being so patient with me on the phone").
				bad = bad || !a.thanksAt(int(o.first)) || a.isCount(v, int(it.first))
			}
		}
		it.kind = itComplaint
		if good && !bad || a.goodBefore(k) || a.ownAgain(v, int(it.first)) || a.askedAgain(int(it.first)) {
			it.v = 0
		}
	}
}

// ownAgainWords is how many words before "again" the writer's "I'll" or "we will" may stand.
const ownAgainWords = 5

// ownAgain reports whether word token j is "again" said of what the writer will do ("I'll try
// logging in again tonight", "we will book again"), with no negator between ("I will never
// order again"). Of the 33 labelled messages with "again" a few words after "I'll", "I will",
// "we'll" or "we will", 21 are not negative, and 6 of the 12 negative ones have a negator
// between.
func (a *analysis) ownAgain(v *vocab, j int) bool {
	if !a.wordIs(j, "again") {
		return false
	}
	for k := j - 1; k >= max(0, j-ownAgainWords); k-- {
		if a.tok.toks[k].kind != tkWord {
			return false
		}
		if idx := a.info[k]; idx >= 0 && v.infos[idx].flags&wNegator != 0 {
			return false
		}
		if a.wordIn(k, "i'll", "we'll") || a.wordIs(k, "will") && a.wordIn(k-1, "i", "we") {
			return true
		}
	}
	return false
}

// ownProblems drops, in one pass over the problem items, those that are the writer's own doing
// or only named: a mistake the writer owns (see ownMistake), a loss the writer opens a sentence
// with (ownLoss), what a picture shows (pictured).
func (a *analysis) ownProblems(text string) {
	for k := range a.items {
		if !a.items[k].problem() {
			continue
		}
		a.ownMistake(text, k) // (it may append an item: the pointer is taken again below)
		if it := &a.items[k]; it.problem() && (a.ownLoss(it) || a.pictured(it)) {
			a.drop(it)
		}
		if it := &a.items[k]; it.problem() && it.first == it.last {
			if lo, hi := a.cancelledCharge(int(it.first)); lo >= 0 {
				a.drop(it)
				a.praisePhrase(lo, hi, fixWeight)
			}
		}
	}
}

// cancelledDue reports whether token j names what a customer is glad to see cancelled: a charge
// (see chargeAt), a debt, a loan, an invoice, a notice, a duplicate (see cancelledCharge).
func (a *analysis) cancelledDue(j int) bool {
	return a.chargeAt(j) || a.wordIn(j, "fines", "debt", "duplicate", "invoice", "loan", "notice")
}

// cancelledCharge finds "cancelled" at token c whose object is a charge, a fine or a debt: after
// it ("cancelled the fine", "cancelled the duplicate order") or before it with a form of "be"
// ("The parking fine was cancelled within an hour", "the charge would be cancelled"). The
// cancelling is a fix (see fixWeight): all 9 labelled messages so are positive. It returns the
// phrase's first and last tokens, or -1, -1.
func (a *analysis) cancelledCharge(c int) (int, int) {
	if !a.wordIn(c, "cancelled", "canceled") {
		return -1, -1
	}
	if a.wordIn(c+1, "the", "my", "our", "that", "this") && a.cancelledDue(c+2) {
		return c, c + 2
	}
	b := c - 1
	if a.wordIn(b, "been", "be") {
		b--
	}
	if !a.wordIn(b, "was", "were", "had", "has", "have", "would", "will", "got", "is", "being") {
		return -1, -1
	}
	if a.cancelledDue(b - 1) {
		return b - 1, c
	}
	return -1, -1
}

// ownMistake drops problem item k where its "wrong" is the writer's mistake: "I typed the wrong
// postcode", "I think I might have typed the postcode wrong", "ordered the wrong colour by
// mistake", "am I doing something wrong?", "I could be wrong". Of the distinct labelled messages
// so, 44 are neutral, 20 positive and 9 negative; the scorer read 16 of the neutral ones
// negative. Where the writer's low expectation was proved wrong ("wow, I was wrong."), the
// "wrong" is praise.
func (a *analysis) ownMistake(text string, k int) {
	it := &a.items[k]
	w := -1
	for j := int(it.first); j <= int(it.last); j++ {
		if a.tok.toks[j].h == wrongHash {
			w = j
			break
		}
	}
	if w < 0 {
		return
	}
	if a.ownedWrong(w) || a.mistakeSaid(text, w) {
		a.drop(it)
	} else if first := a.provedWrong(w); first >= 0 {
		a.drop(it)
		a.praisePhrase(first, w, provedWrongWeight)
	}
}

// ownLoss reports whether item it is the complaint "lost my" where the writer opens a sentence
// with having lost something ("Hi, I've lost my library card. How much is a replacement?", "I
// lost my receipt. Is it still possible to return the jacket?"): the loss is theirs, not the
// company's. Not where it follows from what came before in its sentence ("the app logged me out
// and I lost my boarding pass", "so now I've lost my number"). Of the distinct labelled messages
// with "I lost my" or "I've lost my", 13 are neutral, 15 positive (a loss made good) and 10
// negative, all 10 after a fault in the same sentence.
func (a *analysis) ownLoss(it *item) bool {
	toks := a.tok.toks
	f := int(it.first)
	if it.kind != itComplaint || toks[f].h != lostHash || !a.wordIs(f+1, "my") {
		return false
	}
	s := f - 1
	if a.wordIs(s, "have") {
		s--
	}
	return a.wordIn(s, "i", "i've") && (s == 0 || toks[s-1].kind == tkBreak || toks[s-1].kind == tkExclaim || toks[s-1].kind == tkQuestion ||
		a.wordIn(s-1, "hi", "hello", "hey", "sir", "madam"))
}

// lostHash is the hash of the word "lost".
var lostHash = hashString("lost")

// lostWeight finds "lost" with a weight as its object ("lost 11kg", "Lost 6kg since Jan", "lost
// nearly two stone", "lost weight"): weight shed, no loss to complain of. All 12 labelled
// messages with "lost" before a weight are positive. The "lost" counts nothing, in the rules or
// the n-grams.
func (a *analysis) lostWeight(text string) {
	toks := a.tok.toks
	for f := range toks {
		if toks[f].h != lostHash || !a.weightAfter(text, f+1) {
			continue
		}
		a.mark[f] |= mMasked
		a.dropProblems(f, f+1)
	}
}

// weightAfter reports whether a weight is named from token j: "weight", or an amount of
// kilograms, pounds or stone ("11kg", "nearly two stone").
func (a *analysis) weightAfter(text string, j int) bool {
	toks := a.tok.toks
	if a.wordIn(j, "nearly", "almost", "over", "about", "around", "a", "some", "so", "much", "the") {
		j++
	}
	if j < len(toks) && isWeightUnit(text[toks[j].start:toks[j].end]) {
		return true // "11kg": one token
	}
	if j < len(toks) && (toks[j].kind == tkNumber || a.wordIn(j, "two", "three", "four", "five", "six", "ten", "half")) {
		j++
	}
	return a.wordIn(j, "weight", "kg", "kgs", "kilos", "stone", "lbs", "lb", "pounds")
}

// isWeightUnit reports whether s is a number with a unit of weight ("11kg", "20lbs").
func isWeightUnit(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for _, u := range [...]string{"kg", "kgs", "lb", "lbs"} {
		if len(s) > len(u) && strings.EqualFold(s[len(s)-len(u):], u) {
			return true
		}
	}
	return false
}

// pictured reports whether problem item it is what a picture shows ("photos of the damage", "a
// photo of the cracked tile", "pictures of the damaged item attached as requested"): a problem
// word right after "of the" or "of my" (perhaps one word between) after "photo(s)",
// "picture(s)", "pics", "image(s)" or "video" names what the picture shows, sent or to be sent;
// the claim is told elsewhere, if at all. Of the labelled messages so, 33 are neutral and 5
// negative.
func (a *analysis) pictured(it *item) bool {
	d := int(it.first) - 1
	if !a.wordIn(d, "the", "my", "our") {
		d-- // "photos of the cracked tile": an adjective before the problem word
		if !a.wordIn(d, "the", "my", "our") {
			return false
		}
	}
	return a.wordIs(d-1, "of") && a.wordIn(d-2, "photo", "photos", "picture", "pictures", "pics", "pic", "image", "images", "video", "videos")
}

// bookingCancel finds the writer cancelling a booking of their own ("Need to cancel tomorrow's
// 11am, ref BK-20391", "need to cancel my table for tonight, something came up", "we have to
// cancel the 2pm tour on 9 May"): "cancel" after "to", "I" or "we", whose object is a booking
// or a time, not an account, a subscription or a plan (a customer leaving). Of the labelled
// messages with "need to cancel", "want to cancel" or "have to cancel" before "the", "my",
// "our" or a day, 38 are neutral and 9 negative. The "cancel" and a cue it starts ("cancel my")
// count nothing.
func (a *analysis) bookingCancel(text string) {
	toks := a.tok.toks
	for i := range toks {
		if toks[i].h != cancelHash || !a.ownCancel(i) || !a.bookingAfter(text, i+1) {
			continue
		}
		a.mark[i] |= mMasked
		a.dropProblems(i, i+1)
	}
}

// cancelHash is the hash of the word "cancel".
var cancelHash = hashString("cancel")

// bookingAfter reports whether a booking or a time of one is named from token j, past "the",
// "my", "our", "this", "tomorrow's" and the like and one word more: a number, a time ("tomorrow's
// 11am") or a word of booking ("my table", "the 2pm tour", "our booking").
func (a *analysis) bookingAfter(text string, j int) bool {
	toks := a.tok.toks
	if !a.wordIn(j, "the", "my", "our", "this", "tomorrow's", "tomorrows", "today's", "todays", "tonight's", "tonights", "friday's", "saturday's", "monday's") {
		return false
	}
	for k := j + 1; k <= j+2 && k < len(toks); k++ {
		if c := text[toks[k].start]; toks[k].kind == tkNumber || c >= '0' && c <= '9' || a.wordIn(k, "booking", "appointment", "appt", "reservation", "table", "lesson", "class", "session",
			"tour", "visit", "slot", "viewing", "collection", "delivery", "call", "order", "room", "stay", "trip", "return", "ticket", "tickets", "treatment") {
			return true
		}
		if toks[k].kind != tkWord {
			return false
		}
	}
	return false
}

// ownLateWords is how many tokens of an amount of time may stand between "running" (or "be")
// and "late" (see ownLate).
const ownLateWords = 5

// ownLate drops what makes a complaint of the writer running late ("running about 10 min late,
// sorry", "I'm running 15 mins late for my 11am", "we're going to be ten minutes late", "i'm
// going to arrive late"): "late" after "running", "be", "arrive" or "arriving", with perhaps an
// amount of time between, and before them "going to", "gonna", "will" or the like and the writer
// as the subject, or "running" opening the message or a clause. An apology in the sentence
// ("sorry") is for the lateness, courtesy. Of the labelled messages so, 16 are neutral and 1
// negative (it quotes the company's own text: "another 'we're running late' text").
func (a *analysis) ownLate(text string) {
	toks := a.tok.toks
	for i := range toks {
		if toks[i].h != lateHash {
			continue
		}
		j := i - 1
		for j >= 0 && i-j <= ownLateWords && (toks[j].kind == tkNumber || a.wordIn(j, "about", "a", "bit", "little", "roughly", "around", "slightly",
			"min", "mins", "minute", "minutes", "hour", "hours", "half", "an", "five", "ten", "fifteen", "twenty", "thirty", "few", "couple", "of")) {
			j--
		}
		if !a.wordIn(j, "running", "be", "arrive", "arriving") {
			continue
		}
		s := j - 1 // the subject
		for a.wordIn(s, "to", "going", "gonna", "will", "be") && s > j-4 {
			s--
		}
		if !a.wordIn(s, "i'm", "im", "we're", "i", "we", "i'll", "we'll", "ill") && (!a.wordIs(j, "running") || !a.opensClause(j)) {
			continue
		}
		a.mark[i] |= mMasked
		lo, hi := a.sentence(text, i)
		for k := range a.items {
			it := &a.items[k]
			if int(it.first) > s && int(it.last) <= i && it.negative() ||
				it.kind == itLex && int(it.first) >= lo && int(it.last) < hi && a.wordIs(int(it.first), "sorry") {
				a.drop(it)
			}
		}
	}
}

// provedWrongWeight is the praise weight of an expectation proved wrong.
const provedWrongWeight = 1.5

// provedWrong returns the first token of the phrase that says "wrong" at token w was the
// writer's low expectation, proved wrong: "You proved me wrong", "the risotto proved us wrong",
// "wow, I was wrong." and "I was totally wrong." (at the end of the clause: not "I was wrong to
// trust you"); or -1. Of the labelled messages so, 4 are positive and none negative.
func (a *analysis) provedWrong(w int) int {
	if a.wordIn(w-1, "me", "us") && a.wordIn(w-2, "proved", "proven", "proves") {
		return w - 2
	}
	toks := a.tok.toks
	if w+1 < len(toks) && inClause(toks[w+1].kind) {
		return -1
	}
	b := w - 1
	if a.wordIn(b, "totally", "completely", "so", "very", "dead", "quite", "clearly") {
		b--
	}
	if a.wordIs(b, "was") && a.wordIs(b-1, "i") || a.wordIs(b, "were") && a.wordIs(b-1, "we") {
		return b - 1
	}
	return -1
}

// ownMistakeWords is how many words before "wrong" ownedWrong looks in its clause.
const ownMistakeWords = 8

// ownedWrong reports whether "wrong" at token w is the writer's doing: "I" or "we" before a verb
// of what a customer does (typed, booked, entered, ordered, picked …) before it in its clause,
// "doing something wrong", or "I could be wrong".
func (a *analysis) ownedWrong(w int) bool {
	toks := a.tok.toks
	if a.wordIs(w-1, "something") && a.wordIs(w-2, "doing") || a.wordIn(w-1, "smth", "sth", "anything") && a.wordIs(w-2, "doing") ||
		a.wordIs(w-1, "be") && a.wordIn(w-2, "could", "might", "may") && a.wordIs(w-3, "i") {
		return true
	}
	verb := false
	for j := w - 1; j >= max(0, w-ownMistakeWords); j-- {
		if toks[j].kind != tkWord {
			return false
		}
		switch string(a.tok.normOf(&toks[j])) {
		case "typed", "booked", "entered", "ordered", "picked", "selected", "uploaded", "sent", "transferred",
			"put", "chose", "chosen", "listed", "gave", "given", "pressed", "clicked", "tapped", "bought",
			"paid", "input", "filled", "spelled", "spelt", "added", "registered", "dialled", "dialed", "wrote",
			"written", "used", "took", "taken", "grabbed", "scanned":
			verb = true
		case "i", "we", "i've", "we've", "i'd", "we'd":
			return verb
		case "you", "your", "they", "he", "she", "it", "someone", "somebody":
			return false
		}
	}
	return false
}

// mistakeSaid reports whether the sentence of token w says the writer erred: "by mistake", "by
// accident", "accidentally", "my mistake", "my bad", "my fault", "my error".
func (a *analysis) mistakeSaid(text string, w int) bool {
	start, end := a.sentence(text, w)
	for j := start; j < end; j++ {
		if a.wordIs(j, "accidentally") || a.wordIs(j, "by") && a.wordIn(j+1, "mistake", "accident") ||
			a.wordIs(j, "my") && a.wordIn(j+1, "mistake", "bad", "fault", "error") {
			return true
		}
	}
	return false
}

var wrongHash = hashString("wrong")

// askedAgainWords is how many words before "again" the ask that puts it may stand.
const askedAgainWords = 5

// askedAgain reports whether word token j is "again" in an ask of what the writer may do or
// wants done ("do I need to register it again?", "can u send again", "should I try again",
// "I'd like to make it again"): "need to", "able to", "would like to" ("I'd", "we'd"), or
// "should", "can", "could", "will" or "do" before "I", "we", "you" or "u", a few words before
// it in its clause, with no "why" first ("why do i need to verify my selfie AGAIN") and
// "again" not in capitals. Of the distinct labelled messages so, 26 are neutral, 6 positive and
// 2 negative; the scorer read 12 of the neutral ones negative. ("have to … again" is a burden:
// "now I have to wait again?")
func (a *analysis) askedAgain(j int) bool {
	toks := a.tok.toks
	if !a.wordIs(j, "again") || toks[j].flags&tfCaps != 0 {
		return false
	}
	for k := j - 1; k >= max(0, j-askedAgainWords-1); k-- {
		if toks[k].kind != tkWord {
			return false
		}
		asks := a.wordIs(k+1, "to") && (a.wordIn(k, "need", "needs", "able") || a.wordIs(k, "like") && a.wordIn(k-1, "would", "i'd", "we'd")) ||
			a.wordIn(k, "should", "can", "could", "will", "do") && a.wordIn(k+1, "i", "we", "you", "u")
		if asks {
			for m := k - 1; m >= max(0, k-3) && toks[m].kind == tkWord; m-- {
				if a.wordIs(m, "why") {
					return false
				}
			}
			return true
		}
	}
	return false
}

// goodBefore reports whether the word right before item k is a positive word ("all working
// again", "happy again"): what came back is good, whatever else its sentence says.
func (a *analysis) goodBefore(k int) bool {
	return a.lexAt(int(a.items[k].first)-1) > 0
}

// lexAt returns the valence of the lexicon item of the one word (or hashtag) at token j, 0 if
// there is none.
func (a *analysis) lexAt(j int) float32 {
	for m := range a.items {
		if o := &a.items[m]; o.kind == itLex && int(o.first) == j && int(o.last) == j {
			return o.v
		}
	}
	return 0
}

// thanksForWords is how far after the thanks their "for" may stand for what follows it to be
// what they are for ("thank you so much for", "big thanks to the airline for").
const thanksForWords = 6

// thanked clears the problems of a message framed as thanks ("Huge thanks to the cabin crew for
// looking after my nervous mum", "Just wanted to say thanks to Dan, he sorted my overcharge"):
// with a gratitude cue, the problems it names are the story of what the thanks are for, and
// count nothing. Not when the thanks are ironic or taken back: a sarcasm item, a negative emoji,
// a word of contrast after the cue ("Huge thanks to Sam, but the app is still broken") or a
// later sentence that turns (see laterTurn: "Thank you to Dave, who was polite. Shame your office
// then billed me twice."), or a problem as what the thanks are for: right after their "for" ("Big
// thanks to the airline for losing my bag") or after an article and an amount ("Thank you so
// much for the £60 late fee"), or a complaint phrase in the clause of the "for" ("Shout out to
// Ryanair for another 3 hour delay", not "… for the refund"). "… for nothing" is sarcasm, as
// "thanks for nothing" is.
func (a *analysis) thanked(v *vocab, text string, lastContrast int) {
	at := int(a.thanks)
	if lastContrast > at {
		return
	}
	if _, end := a.sentence(text, at); a.laterTurn(text, end) >= 0 {
		return // "Thank you to Dave, who was polite. Shame your office then billed me twice."
	}
	for k := range a.items {
		switch it := &a.items[k]; it.kind {
		case itSarcasm:
			return
		case itSarcasmCond:
			if !a.sincereThanks(v, it, lastContrast) {
				return
			}
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
			a.sarcasmItem(int32(j), int32(j+1))
			return
		}
		if a.complaintAt(v, j+1, false) >= 0 || j <= at+thanksForWords && a.problemFor(j+1) {
			return // "big thanks to the airline for losing my bag", "… for the £60 late fee"
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

// movingOut clears the cancelling of a writer who is moving home ("hi im moving house on 3 june
// what do i need to do to close my account?", "We're moving abroad, please cancel my
// subscription"): the move is the reason, no complaint (of the labelled messages that name
// such a move and a word of cancelling or closing, 59 of 61 are not negative). A move to another
// company ("I am moving my mortgage to another bank") is no move home. The words are the
// cancelling and moving cues of cues.txt.
func (a *analysis) movingOut(v *vocab) {
	found := false
	for k := range a.items {
		if it := &a.items[k]; a.cancelComplaint(v, it) {
			found = true
			break
		}
	}
	if !found || !a.movingHome(v) {
		return
	}
	for k := range a.items {
		if it := &a.items[k]; a.cancelComplaint(v, it) {
			it.v = 0
		}
	}
}

// cancelComplaint reports whether item it is a complaint or a negative word with a word of
// cancelling or closing ("close my account", "cancel").
func (a *analysis) cancelComplaint(v *vocab, it *item) bool {
	complaint := it.kind == itComplaint && it.v > 0
	negative := it.kind == itLex && it.v < 0
	if !complaint && !negative {
		return false
	}
	for j := it.first; j <= it.last; j++ {
		if idx := a.info[j]; idx >= 0 && v.cancel[idx] {
			return true
		}
	}
	return false
}

// movingHome reports whether the writer says they are moving home: "relocating", or "moving"
// before a word of place or time ("moving house", "moving abroad", "I'm moving next month").
func (a *analysis) movingHome(v *vocab) bool {
	for j := range a.tok.toks {
		if idx := a.info[j]; idx >= 0 && v.moving[idx] {
			return true
		}
		if a.wordIs(j, "moving") && (a.wordIn(j+1, "house", "home", "abroad", "out", "away", "flat", "flats", "country", "overseas") ||
			a.wordIn(j-1, "i'm", "we're", "am", "are") && a.wordIn(j+1, "next", "on", "in", "this", "soon", "at")) {
			return true
		}
	}
	return false
}
