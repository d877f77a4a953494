package sentiment

import "strings"

// Questions, requests and acknowledgements: what asks or confirms rather than complains.

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
// impatience ("Have you fixed it yet?", "still", "again", "every time", "even", "how long do I
// have to wait", "how is it possible", "how many more", "what's the point", "a joke", "what am
// I supposed to", "??", a time waited, a "why" not asked out of curiosity), and no complaint
// that calls itself one or asks if it is "too much to ask".
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
		case "yet":
			if !a.notYet(v, j) { // "yet another delay"; not "it hasn't shipped yet"
				return false
			}
		case "still", "again", "already", "every", "always", "anymore", "ever", "even",
			"complaint", "complain": // "I'd like to make a complaint about …"
			return false
		case "why":
			if !a.wonders() { // "Why was I charged twice for the course?", not "… Just want to understand."
				return false
			}
		case "reason":
			if (a.wordIs(j-1, "a") || a.wordIs(j-1, "any")) && a.wordIs(j-2, "there") && !a.wonders() { // "Is there a reason my parcel went back …?": why
				return false
			}
		case "because":
			if j > 0 && (a.tok.toks[j-1].kind == tkQuestion || a.wordIs(j-1, "ask") || a.wordIs(j-1, "asking")) {
				return false // "Is it normal …? Because ours does.": a question that answers itself
			}
		case "now":
			if a.wordIs(j-1, "what") || a.wordIs(j+1, "what") || a.wordIs(j-1, "twice") { // "… cancelled by your system. What now?", "cancelled my order twice now"
				return false
			}
		case "how":
			if a.wordIs(j+1, "long") && !a.plainHowLong(j+2) || a.wordIs(j+1, "much") || a.possibleAsked(j) || // "how is it possible that …?"
				a.wordIs(j+1, "many") && a.wordIs(j+2, "more") { // "How many more times do I have to restart the router?"
				return false
			}
		case "point":
			if a.wordIs(j-1, "the") && a.wordIn(j-2, "what's", "what", "is") {
				return false // "what's the point of paying for 500Mb when I get 12?"
			}
		case "joke":
			return false // "Is that supposed to be a joke?"
		case "too":
			if a.wordIs(j+1, "much") { // "Would it be too much to ask for a reply?"
				return false
			}
		case "supposed":
			if a.wordIs(j-1, "i") && a.wordIs(j-2, "am") && (a.wordIs(j-3, "what") || a.wordIs(j-3, "how")) {
				return false // "What am I supposed to shave with, the box?"
			}
		case "second", "third", "fourth", "fifth", "sixth", "2nd", "3rd", "4th", "5th", "6th":
			if a.repeatNounAt(j+1) || a.repeatNounAt(j+2) {
				return false // "This is my third email about it.", "the second time this month"
			}
		case "actually":
			// "Is anyone actually reading these?", "Can someone actually look at it?"
			k := j - 1
			if a.wordIs(k, "there") { // "Does anyone there actually check …?"
				k--
			}
			if a.wordIs(k, "anyone") || a.wordIs(k, "someone") || a.wordIs(k, "anybody") || a.wordIs(k, "somebody") {
				return false
			}
		case "treat", "treats", "treating":
			if (a.wordIs(j-1, "you") || a.wordIs(j-1, "u")) && a.wordIs(j-2, "how") {
				return false // "Is this how you treat loyal customers?": all 82 labelled messages with it are negative
			}
		case "decided":
			if a.wordIs(j-1, "who") { // "Who decided to give her sausages when I've told you she's vegetarian?"
				return false
			}
		case "times":
			if j > 0 && a.isCount(v, j-1) { // "I've told you 4 times"
				return false
			}
		case "calls", "emails", "chats", "messages":
			// "Three phone calls. Two emails. Zero answers. Where is my refund?"
			if j > 0 && a.isCount(v, j-1) || j > 1 && a.isCount(v, j-2) && a.wordIs(j-1, "phone") {
				return false
			}
		case "about":
			if a.wordIs(j-1, "do") && a.wordIs(j-2, "to") && a.wordIs(j-3, "going") { // "What are you going to do about it?"
				return false
			}
		case "exactly":
			if a.wordIs(j-1, "what") { // "What exactly is this $14.50 'account maintenance' charge?"
				return false
			}
		case "which":
			if a.wordIs(j+1, "is") && a.wordIs(j+2, "it") { // "Your staff said it was free. Now there's a charge. Which is it?"
				return false
			}
		case "going":
			if a.wordIs(j+1, "on") && (a.wordIs(j-1, "is") && a.wordIs(j-2, "what") || a.wordIs(j-1, "what's")) {
				return false // "Can someone please tell me what is going on?"
			}
			if a.wordIs(j+1, "to") && a.wordIn(j+2, "pay", "cover") && (a.wordIs(j-1, "who's") || a.wordIs(j-1, "is") && a.wordIs(j-2, "who")) {
				return false // "Pages are wet and warped. Who is going to pay for the replacement?"
			}
		case "rest", "half":
			k := j - 1
			if a.wordIs(k, "other") {
				k--
			}
			if a.wordIs(k, "the") && (a.wordIs(k-1, "where's") || a.wordIs(k-1, "is") && a.wordIs(k-2, "where")) {
				return false // "You refunded me $40 for a $120 coffee table. Where's the rest?"
			}
		case "nobody", "elsewhere", "ombudsman":
			return false // "nobody can tell me anything", "before I take my business elsewhere"
		}
	}
	return true
}

// plainHowLong reports whether the words from token k on ask how long something takes or lasts
// after "how long", not how long the writer must wait: "does", "is", "are", "will", "would",
// "should", "can", or "do" but for "do I" and "do we" ("How long does the refund usually take to
// show?", "How long is the voucher valid?", not "how long do I have to wait?"). Of the labelled
// support messages with "how long" and one of these words, 78 are neutral and 3 negative.
func (a *analysis) plainHowLong(k int) bool {
	switch {
	case a.wordIs(k, "does"), a.wordIs(k, "is"), a.wordIs(k, "are"), a.wordIs(k, "will"), a.wordIs(k, "would"), a.wordIs(k, "should"), a.wordIs(k, "can"):
		return true
	case a.wordIs(k, "do"):
		return !a.wordIs(k+1, "i") && !a.wordIs(k+1, "we")
	}
	return false
}

// notYet reports whether the "yet" at token j ends a negated verb in its clause ("it hasn't
// shipped yet", "I haven't received the new card yet"): a thing awaited, which a calm question
// asks about. Of the distinct labelled messages with one, a question or request, and no "!",
// "still", "why", "again" or time counted, 67 of 68 are neutral.
func (a *analysis) notYet(v *vocab, j int) bool {
	toks := a.tok.toks
	for k := j - 1; k >= 0 && j-k <= notYetWords && inClause(toks[k].kind); k-- {
		if a.info[k] >= 0 && v.infos[a.info[k]].flags&wNegator != 0 {
			return true
		}
	}
	return false
}

// notYetAsked clears the complaints of a calm question or request whose every complaint is of
// a thing not come yet ("Hi, I haven't received the MOT certificate by email yet, could you
// resend it?", "Nobody has called yet, just checking what time it'll be ready."): a complaint
// that opens with a negator and a "yet" at most notYetWords words after it in its clause (see
// notYet). Nothing but the wait for it is named, so the customer asks.
func (a *analysis) notYetAsked(v *vocab) {
	n := 0
	for k := range a.items {
		it := &a.items[k]
		if it.kind != itComplaint || it.v <= 0 {
			continue
		}
		if a.info[it.first] < 0 || v.infos[a.info[it.first]].flags&wNegator == 0 || !a.wordAfter(int(it.last), notYetWords, "yet") {
			return
		}
		n++
	}
	if n == 0 || !a.calm(v) {
		return
	}
	for k := range a.items {
		if it := &a.items[k]; it.kind == itComplaint && it.v > 0 {
			a.drop(it)
		}
	}
}

// notYetWords is how far apart the negator of a thing not come yet and its "yet" may stand
// ("I haven't received my tracking number for the March shipment yet": nine words; the labelled
// messages other than cx_hard's read the same with eight).
const notYetWords = 10

// inClause reports the kinds of token that do not end a clause: words, numbers and hashtags
// ("order #TY40912").
func inClause(k tokKind) bool {
	return k == tkWord || k == tkNumber || k == tkHashtag
}

// disclaims reports whether the message says it is no complaint ("Not a complaint, just …",
// "not complaining, just asking", "no rush").
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
		case a.wordIs(j, "rush"), a.wordIs(j, "hurry"):
			// "no rush", "I'm not in a rush for it, I'm just curious"
			if a.wordIs(j-1, "no") || a.wordIs(j-1, "a") && a.wordIs(j-2, "in") && a.wordIs(j-3, "not") {
				return true
			}
		}
	}
	return false
}

// praisedApart reports whether a strong praise cue, not thanks, stands in a sentence that asks
// nothing, in a message that asks ("Can I book Jo again next month? She was an absolute star."):
// the question is how to have more of it, and the praise the message's feeling.
func (a *analysis) praisedApart(text string, ack int) bool {
	for k := range a.items {
		it := &a.items[k]
		if it.kind == itPraise && it.v >= strongPraise && !a.thanksAt(int(it.first)) &&
			!a.askedAfter(text, int(it.first)) { // a question mark ends its sentence, so none comes before it
			return true
		}
	}
	return ack < 0 && a.praiseWordApart(text)
}

// praiseWordApart reports whether a strong positive word stands in a sentence that asks
// nothing, in a message that asks and has no negative item: before its first question
// ("Fantastic service at the counter today. Are you open on Monday?"), or, a stronger word,
// after it ("Is there a form to nominate her? She was incredible."), or after a first question
// of two marks or more, which marvels ("same day boiler repair in December?? you lot are
// legends"). Not in quotation marks, and not a leading "Great, …", which acknowledges ("Great,
// thanks. Can you …"). A word that marvels in its question counts too, however weak (see
// marvels).
func (a *analysis) praiseWordApart(text string) bool {
	q := a.questionIn(0, len(a.tok.toks))
	if q < 0 {
		return false
	}
	found := false
	for k := range a.items {
		it := &a.items[k]
		if it.v < 0 {
			return false
		}
		if it.kind != itLex || it.v <= 0 {
			continue
		}
		i := int(it.first)
		strong := it.v >= strongWord && (i < q || it.v >= strongWordAfter || a.tok.toks[q].n > 1)
		if strong && !a.askedAfter(text, i) && !a.leadWord(text, i) && !a.inQuotes(text, i) || a.marvels(text, i) {
			found = true
		}
	}
	return found
}

// marvels reports whether positive word i asks how something can be so good ("How is your
// customer service this good?", "how are your beds so comfortable??"): its sentence opens with
// "how" and ends in a question mark, and "this" or "so" stands right before it. Amazement, not a
// question.
func (a *analysis) marvels(text string, i int) bool {
	if !a.wordIs(i-1, "this") && !a.wordIs(i-1, "so") || !a.askedAfter(text, i) {
		return false
	}
	return a.wordIs(a.openerOf(text, i), "how")
}

// openerOf returns the first token of the sentence of token i that is no @mention.
func (a *analysis) openerOf(text string, i int) int {
	k, _ := a.sentence(text, i)
	return min(a.pastMentions(k), i)
}

// inQuotes reports whether word token i stands inside quotation marks opened in its sentence
// ("a 'great job!' badge", "the 'faster' plan"): quoted words are someone else's.
func (a *analysis) inQuotes(text string, i int) bool {
	start, _ := a.sentence(text, i)
	open := false
	for p := int(a.tok.toks[start].start); p < int(a.tok.toks[i].start); p++ {
		switch c := text[p]; {
		case c == '"':
			open = !open
		case c == '\'' && (p == 0 || !isASCIILetter(text[p-1]) || p+1 >= len(text) || !isASCIILetter(text[p+1])):
			open = !open // a quotation mark, not the apostrophe of "we're"
		}
	}
	return open || a.quotedWord(text, i)
}

// strongWord is the least valence of a positive word that says the message's feeling before its
// question; strongWordAfter after it, where willingness and plans ("happy to pay", "worth
// resetting", "have them saved") stand more often.
const (
	strongWord      = 2.4
	strongWordAfter = 3.0
)

// strongPraise is the least weight of a praise cue that says the message's feeling beside a
// question ("above and beyond", "absolute star"; not "on time").
const strongPraise = 1.5

// askedAfter reports whether the sentence of token i ends in a question mark after it.
func (a *analysis) askedAfter(text string, i int) bool {
	_, end := a.sentence(text, i)
	return a.questionIn(i+1, end) >= 0
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
// fellow sufferers ("Anyone else getting mouldy veg?") is no plain question, nor is "is it
// normal …", which asks a plain question in 12 of the 426 labelled messages that have it.
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
				if a.wordIs(j, "is") && a.wordIs(j+1, "it") && a.wordIs(j+2, "normal") {
					return false // "Is it normal for a 'same day' service to take 3 days?"
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
		if it.v < 0 && int(it.first) > qend || !a.askedOf(v, it) {
			return false
		}
	}
	return true
}

// askedOf reports whether item it may stand in a plain question without complaining: no
// sarcasm, no negative word but a topic term or what an "if" clause supposes, no complaint but
// one a plain question may name (see namedInQuestion).
func (a *analysis) askedOf(v *vocab, it *item) bool {
	switch it.kind {
	case itLex, itEmoji, itPolite:
		return it.v >= 0 || it.kind == itLex && a.topicWord(v, it) || a.inIf(int(it.first))
	case itSarcasm, itSarcasmCond:
		return false
	case itComplaint:
		return it.v == 0 || a.namedInQuestion(v, it)
	}
	return true
}

// closingQuestion clears the topics of trouble that the plain question closing a long message
// names ("… Is it only cancellations, or also platform changes and delays?", "And if the event
// is cancelled after I've sold them, do I return the money myself?"): the last sentence ends in
// one question mark and opens with a question word (perhaps after "and", "also", "or", "so", or
// an "if" clause and its comma), and every item in it may stand in a plain question (see askedOf);
// the story before it keeps its weight.
func (a *analysis) closingQuestion(v *vocab, text string) {
	toks := a.tok.toks
	q := len(toks) - 1
	if q < 1 || toks[q].kind != tkQuestion || toks[q].n > 1 {
		return
	}
	start, _ := a.sentence(text, q-1)
	if start == 0 {
		return // one sentence: infoQuestion's
	}
	j := start
	if a.wordIn(j, "and", "also", "or", "so") {
		j++
	}
	if a.wordIs(j, "if") {
		for j < q && (toks[j].kind != tkBreak || text[toks[j].start] != ',') {
			j++
		}
		j++
	}
	if j >= q || toks[j].kind != tkWord || !a.asks(v, j) {
		return
	}
	for k := range a.items {
		if it := &a.items[k]; int(it.first) >= start && it.v != 0 && !a.askedOf(v, it) {
			return
		}
	}
	for k := range a.items {
		if it := &a.items[k]; int(it.first) >= start && (it.kind == itComplaint || it.kind == itLex && it.v < 0) {
			it.v = 0
		}
	}
}

// namedInQuestion reports whether complaint item it is one that a plain question may name
// without complaining: a one-word cue, a plain duration, the customer's own cancelling, what
// an "if" clause supposes or a complaint the customer asks how to make.
func (a *analysis) namedInQuestion(v *vocab, it *item) bool {
	return it.first == it.last || a.plainDuration(v, it) || a.ownCancel(int(it.first)) || a.inIf(int(it.first)) ||
		a.howToComplain(int(it.first))
}

// howToComplain reports whether word token i opens a complaint that the customer asks how to
// make: it is or follows "raise", "make", "file", "lodge", "submit" or "escalate", perhaps with
// "a" or "my" between, in a question ("How do I raise a formal complaint?", "how do I make a
// complaint about a driver?"), not a complaint made.
func (a *analysis) howToComplain(i int) bool {
	j := i - 1
	if a.wordIn(j, "a", "my") {
		j--
	}
	return a.wordIn(i, complainVerbs...) || a.wordIn(j, complainVerbs...)
}

// complainVerbs are the verbs of making a complaint (see howToComplain).
var complainVerbs = []string{"raise", "make", "file", "lodge", "submit", "escalate"}

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
// reasonable to wait 45 mins for my bag?"), and no "been" right before it ("it's been 6 days").
func (a *analysis) plainDuration(v *vocab, it *item) bool {
	if !a.isUnit(v, int(it.last)) {
		return false
	}
	if c := int(it.first); a.wordIs(c-1, "been") || a.wordIs(c-2, "been") && isSpeedFiller(a.tok.normOf(&a.tok.toks[c-1])) {
		return false // "It's been 6 days. Where are my lenses?": the time that has passed
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

// unmarkedQuestion reports whether the words from token i on, past a greeting, open a question
// of how things are done as customers type it without its mark: "how do i", "how does", "how
// long" (calm tells a plain one from impatience), "is there", "do you", "can i", "what do i",
// "where do i", "when will the", "what are your", "what happens" and the like ("how do i do a refund on the terminal", "hi do i
// need to print the refund confirmation or is the email enough", "is there a fee to cancel
// within 24 hrs", "my card got declined, what do i do"). "Where is my …", "how come", "how do
// you lose a suitcase", "what is the problem", "who do i talk to about this" and "can you stop"
// are no such questions.
func (a *analysis) unmarkedQuestion(i int) bool {
	if a.greeting(i) {
		i++
		if i < len(a.tok.toks) && a.tok.toks[i].kind == tkBreak {
			i++
		}
	}
	switch {
	case a.wordIs(i, "how"):
		return a.wordIs(i+1, "long") || a.wordIn(i+1, "do", "does", "can", "should", "would") && !a.wordIn(i+2, "you", "u")
	case a.wordIs(i, "is"), a.wordIs(i, "are"):
		return a.wordIs(i+1, "there")
	case a.wordIs(i, "do"), a.wordIs(i, "does"):
		return a.wordIn(i+1, "i", "we", "you", "u", "it", "the", "this", "my")
	case a.wordIn(i, "can", "could", "should", "will"):
		return a.wordIn(i+1, "i", "we")
	case a.wordIs(i, "what"):
		return a.wordIn(i+1, "do", "does") && a.wordIn(i+2, "i", "we", "u") || a.wordIs(i+1, "are") && a.wordIn(i+2, "your", "the") || a.wordIs(i+1, "happens")
	case a.wordIn(i, "where", "when", "which"):
		return a.wordIn(i+1, "do", "does", "can", "should", "will") && a.wordIn(i+2, "i", "we", "the", "my")
	}
	return false
}

// wordIn reports whether token j is one of the words ws.
func (a *analysis) wordIn(j int, ws ...string) bool {
	for _, w := range ws {
		if a.wordIs(j, w) {
			return true
		}
	}
	return false
}

// closingThanks reports whether a message closes on thanks alone in a sentence of their own,
// plain ("Thanks.", "thank you", "Many thanks.", "thx", not "Thank you so much"), after details
// or an ask: a number, a reference, a booking, "please", "need", "kindly", "want", "won't" (an
// absence), "writing", "letting", a "key" left or a time that "works" ("Ring me back on
// 07700 900481 re: my repair. Thanks.", "Need to reorder my metformin 500mg x 112. Thanks",
// "Please unsubscribe me from the marketing emails. Thank you."): thanks in advance, a sign-off,
// as a question's are. In a message spoken without stops the thanks may close its last sentence
// ("… booking number uh six one zero eight three thanks"). Not thanks in capitals ("THANK
// YOU."), after "appreciate" or "grateful", or passed on ("please tell him thank you"). A name
// may sign the thanks off ("Thanks, Jen"; see signedName).
func (a *analysis) closingThanks(text string) bool {
	toks := a.tok.toks
	n := len(toks) - 1
	for n >= 0 && toks[n].kind == tkBreak {
		n--
	}
	if n >= 2 && toks[n].kind == tkWord && a.signedName(text, n) {
		n -= 2 // "… back a week as we're away. Thanks, Jen"
	} else if n >= 3 && toks[n].kind == tkWord && a.signedName(text, n-1) {
		n -= 3 // "Thanks, Jen Price."
	}
	j := n // the first word of the thanks
	switch {
	case a.wordIs(n, "you") && a.wordIs(n-1, "thank"):
		j = n - 1
	case a.wordIn(n, "thanks", "thx", "ty", "cheers", "ta", "tks", "thankyou"):
		if a.wordIs(n-1, "many") {
			j = n - 1
		}
	default:
		return false
	}
	if j < 2 || toks[n].flags&tfCaps != 0 {
		return false // "THANK YOU." is heartfelt
	}
	if toks[j-1].kind != tkBreak && (!a.unbroken(j) || a.wordIn(j-1, "say", "him", "her", "them", "everyone", "all")) {
		return false // a sentence of their own, or the end of one spoken without a stop; not thanks passed on ("please tell him thank you")
	}
	detail := false
	for k := range j - 1 {
		if a.wordIn(k, "appreciate", "grateful") {
			return false // "Really appreciate it, thank you."
		}
		// A number is a detail, not a time it took ("in 3 days").
		detail = detail || toks[k].kind == tkNumber && !a.wordIn(k+1, "days", "hours", "hrs", "mins", "minutes", "weeks", "months", "years") ||
			a.wordIn(k, "please", "pls", "plz", "need", "kindly", "re", "ref", "reference", "booking", "number", "won't", "writing", "letting", "want", "key", "works")
	}
	return detail
}

// askedUnmarked reports whether a message asks with no question mark, anywhere in it (spoken, or
// typed in haste: "my contract ends next month. do I need to send the router back"): "do I need
// to", "how do I", "where do I", "just need to know", "is there a way", "is it possible to",
// "how long does", "how much is" (does, would, will), "do you have" (offer, sell, deliver, do;
// "do you guys have"). Of the distinct labelled messages with
// "do i need to", 603 are neutral, 13 negative and 3 positive, with "how do i" 626, 11 and 3; of
// those with no question mark and one of the others, 128 are neutral, 4 negative and 2
// positive. So are "can you" or "could you" with a verb of service ("can you change", "could
// you check"; 143 neutral of 143 without a question mark), "can I" or "could I" with one ("can i
// book"; 107 of 109), "what time do" (does, is, are, you, will; 110 of 110), "wondering if"
// (whether, what, when, how, where; 19 of 20), "are you open" and a question between
// alternatives (see alternativeAsk; or tells whether the message has an "or"). The words stay
// for the n-grams.
func (a *analysis) askedUnmarked(or bool) bool {
	// The first word of each ask, by its hash: one comparison a token for most of them.
	for j := range a.tok.toks {
		var asked bool
		switch a.tok.toks[j].h {
		case doHash:
			asked = a.wordIn(j+1, "i", "we") && a.wordIs(j+2, "need") && a.wordIs(j+3, "to") ||
				a.wordIs(j+1, "you") && a.doYouHave(j+2)
		case howHash:
			asked = a.wordIs(j+1, "do") && a.wordIn(j+2, "i", "we") ||
				a.wordIs(j+1, "long") && a.wordIs(j+2, "does") ||
				a.wordIs(j+1, "much") && a.wordIn(j+2, "is", "does", "would", "will")
		case whereHash:
			asked = a.wordIs(j+1, "do") && a.wordIn(j+2, "i", "we")
		case justHash:
			asked = a.wordIs(j+1, "need") && a.wordIs(j+2, "to") && a.wordIs(j+3, "know")
		case couldHash, canHash:
			asked = a.wordIs(j+1, "you") && a.askVerb(j+2) ||
				a.wordIs(j+1, "i") && a.wordIn(j+2, "get", "have", "book", "change", "move", "pay", "pick", "collect", "bring", "come", "add", "use")
		case whatHash:
			asked = a.wordIs(j+1, "time") && a.wordIn(j+2, "do", "does", "is", "are", "you", "will")
		case wonderingHash:
			asked = a.wordIn(j+1, "if", "whether", "what", "when", "how", "where")
		case areHash:
			asked = a.wordIs(j+1, "you") && a.wordIs(j+2, "open")
		case isHash:
			asked = a.wordIs(j+1, "there") && a.wordIs(j+2, "a") && a.wordIs(j+3, "way") ||
				a.wordIs(j+1, "it") && a.wordIs(j+2, "possible") && a.wordIs(j+3, "to")
		}
		if !asked && or {
			switch a.tok.toks[j].h {
			case isHash, areHash, doHash, doesHash, canHash:
				asked = a.alternativeAsk(j)
			}
		}
		if asked {
			return true
		}
	}
	return false
}

// orAskWords is how many tokens after its first word a question between alternatives may reach
// its "or" (see alternativeAsk).
const orAskWords = 20

// alternativeAsk reports whether token j ("is", "are", "do", "does" or "can") opens a question
// between alternatives: at the start of the message or of a clause, or after a greeting or a
// word that leads into a question ("hi", "so", "yeah", "quick question"), and, at most
// orAskWords tokens on with no "!" between, "or" before another such word, "only" or "just" ("do
// backers get charged straight away or only when the campaign ends", "is it the same as weekdays
// or do you close early on sundays"). Of the distinct labelled messages so with no question
// mark, 235 are neutral and 15 negative.
func (a *analysis) alternativeAsk(j int) bool {
	toks := a.tok.toks
	k := j + 2
	for ; ; k++ {
		if k >= len(toks) || k > j+orAskWords || toks[k].kind == tkExclaim {
			return false
		}
		if toks[k].h == orHash && a.wordIn(k+1, "is", "are", "do", "does", "can", "should", "will", "would", "did", "has", "have", "only", "just") {
			break
		}
	}
	opens := a.opensClause(j) ||
		a.wordIn(j-1, "er", "hi", "hello", "hey", "hiya", "yeah", "yes", "so", "question", "one", "ok", "okay", "and", "but", "also", "lol", "tho")
	return opens && !a.sayOpens(j) // not "is it just me or …" (see sayOpens)
}

// orHash is the hash of the word "or".
var orHash = hashString("or")

// The hashes of the first words of the asks of askedUnmarked.
var (
	doesHash      = hashString("does")
	doHash        = hashString("do")
	howHash       = hashString("how")
	whereHash     = hashString("where")
	justHash      = hashString("just")
	couldHash     = hashString("could")
	canHash       = hashString("can")
	whatHash      = hashString("what")
	wonderingHash = hashString("wondering")
	areHash       = hashString("are")
)

// askVerb reports whether token j is a verb of what customers ask a company to do after "can
// you" or "could you" ("can you change the email on my account to …").
func (a *analysis) askVerb(j int) bool {
	if j >= len(a.tok.toks) {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "update", "change", "send", "check", "resend", "cancel", "confirm", "tell", "call", "ring",
		"move", "add", "remove", "swap", "book", "arrange", "reset", "transfer", "switch", "put":
		return true
	}
	return false
}

// doYouHave reports whether "have", "offer", "sell", "deliver" or "do" stands at token j, perhaps
// after "guys" ("do you guys do one way rentals").
func (a *analysis) doYouHave(j int) bool {
	if a.wordIs(j, "guys") {
		j++
	}
	return a.wordIn(j, "have", "offer", "sell", "deliver", "do")
}

// unmarkedAsk reports whether a message without a question mark asks all the same: its first
// words or its last clause open an unmarked question (see unmarkedQuestion).
func (a *analysis) unmarkedAsk(text string) bool {
	if a.questionIn(0, len(a.tok.toks)) >= 0 {
		return false
	}
	return a.unmarkedQuestion(a.pastMentions(0)) || a.unmarkedQuestion(a.lastClause(text))
}

// lastClause returns the token that opens the message's last clause when a comma opens it ("need
// to change the bank details on my refund claim, how do i do that"), else 0.
func (a *analysis) lastClause(text string) int {
	toks := a.tok.toks
	end := len(toks)
	for end > 0 && toks[end-1].kind == tkBreak {
		end--
	}
	for j := end - 1; j > 0; j-- {
		if toks[j].kind == tkBreak {
			if text[toks[j].start] == ',' {
				return j + 1
			}
			break
		}
	}
	return 0
}

// droppedSubject reports whether word token j, the message's first, is a verb whose subject
// was left out rather than a question's opening: an auxiliary ("was", "would", "will", ...)
// that no subject follows, whose sentence ends in '.' or '!' ("Was dreading the SIM swap but
// it took 5 minutes.", "Would recommend!"; not "Can you check my order please!"), or "was",
// "were", "will" or "would" in a message with no mark at all, which customers seldom ask with
// ("would recommend to anyone", "was dreading it but the fitter was brilliant"; of the labelled
// messages that open so, 128 of 137 are not neutral). Question words such as "how" ask
// even before a full stop ("how do I reset my password.").
func (a *analysis) droppedSubject(text string, j int) bool {
	unmarked := false // without a mark, the word drops its subject
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "was", "were", "will", "would":
		unmarked = true
	case "is", "are", "am", "should", "shall", "may", "might", "did", "do", "does", "can", "could":
	default:
		return false
	}
	if j+1 < len(a.tok.toks) && a.tok.toks[j+1].kind == tkWord {
		switch string(a.tok.normOf(&a.tok.toks[j+1])) {
		case "you", "i", "we", "it", "they", "he", "she", "there", "this", "that", "my", "your", "our", "the", "anyone", "someone", "somebody":
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
	return unmarked
}

// unbroken reports whether no break, "!" or "?" stands before token j: a message spoken and
// transcribed without stops ("hi it's sarah i want to change the pickup time on my booking
// reference is two two nine oh thanks").
func (a *analysis) unbroken(j int) bool {
	for k := range j {
		if t := a.tok.toks[k].kind; t == tkBreak || t == tkExclaim || t == tkQuestion {
			return false
		}
	}
	return true
}

// ackWords is how many words "got the" may take to name what was received ("thanks, got the
// email with the policy docs").
const ackWords = 6

// wordsToEnd reports whether, from token k, at most n words and then a clause's end follow.
func (a *analysis) wordsToEnd(k, n int) bool {
	for j := k; j <= k+n && j <= len(a.tok.toks); j++ {
		if a.endsAt(j) {
			return true
		}
		if a.tok.toks[j].kind != tkWord {
			return false
		}
	}
	return false
}

// asks reports whether word token j is a question word ("how", "is", "could").
func (a *analysis) asks(v *vocab, j int) bool {
	idx := a.info[j]
	return idx >= 0 && v.infos[idx].flags&wQuestion != 0
}

// acknowledgement returns the word token that opens the message with an acknowledgement, -1 if
// none: "noted", "received", "done", "understood", "confirmed", "got it", "will do", "sure",
// "that's fine", "that's ok" or "it's ok" (then a break or the end), "Thanks, received.", thanks (perhaps
// for the information, a quote or a reply) before what the writer will do ("Thanks, I'll be home
// after 5pm", "Thank you for the quote. I'll discuss it with my husband", "cheers, will send
// photos tonight"), or "ok", "okay" or "alright" before one of them, a courtesy word or "I'll"
// ("ok thanks", "Ok, noted", "ok, confirmed", "Alright, I'll wait"), perhaps after a thumbs-up,
// or before a thumbs-up alone ("ok 👍"; a bare "ok" is neutral in all 20 labelled messages that
// are one); mentions first are skipped. A word of
// approval that acknowledges is no praise: its lexicon item then counts nothing.
func (a *analysis) acknowledgement() int {
	toks := a.tok.toks
	j := a.pastMentions(0)
	if j >= len(toks) || toks[j].kind != tkWord {
		return -1
	}
	if a.thanksAt(j) && j+2 < len(toks) && toks[j+1].kind == tkBreak && (a.wordIs(j+2, "noted") || a.wordIs(j+2, "received") ||
		a.wordIs(j+2, "got") && (a.wordIs(j+3, "it") && a.endsAt(j+4) || a.wordIn(j+3, "the", "your") && a.wordsToEnd(j+4, ackWords))) {
		a.unpraise(j + 2)
		return j // "Thanks, received.", "cheers, got it", "thx, got the receipt", "thanks, got the email with the policy docs"
	}
	if a.thanksAt(j) {
		// "Thanks, I'll be home after 5pm tomorrow.", "Thank you. I will call the branch": thanks
		// for the answer, and what the writer will do with it.
		n := a.pastThanks(j)
		n = a.pastThanksFor(n)
		if n < len(toks) && toks[n].kind == tkBreak {
			n++
		}
		if a.wordIs(n, "i'll") || a.wordIs(n, "we'll") || a.wordIs(n, "will") || (a.wordIs(n, "i") || a.wordIs(n, "we")) && a.wordIs(n+1, "will") {
			return j
		}
		if a.givesDetail(n) || a.doneAsked(n) {
			return j // "Thanks for getting back to me. My policy number is HX-220914."
		}
		if n > j+1 && toks[n-1].kind == tkBreak && a.wordIs(n, "yes") && n+1 < len(toks) && toks[n+1].kind == tkBreak {
			a.unpraise(n)
			return j // "Thanks for getting back to me. Yes, Tuesday between 9 and 12 works.": an answer, its "yes" no praise
		}
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
	case "that's", "it's", "its":
		// "that's fine", "thats ok": consent, not praise; "It's okay", "it's fine" alone: a
		// so-so verdict, or consent.
		if a.wordIn(j+1, "fine", "ok", "okay", "alright") && a.endsAt(j+2) {
			a.unpraise(j + 1)
			return j
		}
	case "ok", "okay", "alright":
		n := j + 1
		if n < len(toks) && toks[n].kind == tkBreak {
			n++
		}
		// "ok 👍 will wait for the email", "ok 👍": a thumbs-up acknowledges with it.
		thumbs := false
		for n < len(toks) && toks[n].kind == tkEmoji && isOKSign(toks[n].r) {
			n++
			thumbs = true
		}
		switch {
		case thumbs && n == len(toks), a.thanksAt(n), a.wordIs(n, "noted"), a.wordIs(n, "understood"), a.wordIs(n, "confirmed"), a.wordIs(n, "got"), a.wordIs(n, "will"),
			a.wordIs(n, "i'll"), a.wordIs(n, "i") && a.wordIs(n+1, "will"): // "Alright, I'll wait for the email then."
			a.unpraise(j)
			if a.wordIs(n, "got") && a.wordIs(n+1, "it") && (a.endsAt(n+2) || a.thanksAt(n+2)) {
				a.unpraise(n) // "ok got it, I'll try the reset"; not "ok got it working"
			}
			return j
		}
	}
	return -1 // "ok service", "Ok, the food was great"
}

// pastThanksFor returns the token after what thanks that end before token n are for: past an
// answer ("for the quote", "for the information", "for getting back to me", "for your reply"),
// break or none ("Thank you for the quote I'll discuss it"); past anything else up to a break
// within six tokens ("Thanks for sending the form over, I've signed and attached it"); else n.
func (a *analysis) pastThanksFor(n int) int {
	if !a.wordIs(n, "for") {
		return n
	}
	switch {
	case a.wordIn(n+1, "the", "your") && a.wordIn(n+2, "info", "information", "details", "quote", "reply", "email", "link", "response", "reminder", "call", "message"):
		n += 3 // "Thank you for the quote. I'll discuss it with my husband"
	case a.wordIn(n+1, "replying", "responding"):
		n += 2
	case a.wordIn(n+1, "getting", "coming") && a.wordIs(n+2, "back"):
		n += 3
		if a.wordIs(n, "to") && a.wordIn(n+1, "me", "us") {
			n += 2
		}
	}
	if a.wordIs(n, "for") {
		for k := n + 1; k < len(a.tok.toks) && k <= n+6; k++ {
			if a.tok.toks[k].kind == tkBreak {
				return k
			}
		}
	}
	return n
}

// doneAsked reports whether the writer says at token n that they have done what was asked:
// "I've", "we've", "I have" or "we have", perhaps "just", and "attached", "signed", "sent",
// "returned" or the like ("Thank you. I have attached the receipt as requested."; after thanks
// that open a message, all 4 distinct labelled messages so are neutral).
func (a *analysis) doneAsked(n int) bool {
	switch {
	case a.wordIn(n, "i've", "we've"):
		n++
	case a.wordIn(n, "i", "we") && a.wordIs(n+1, "have"):
		n += 2
	default:
		return false
	}
	if a.wordIs(n, "just") {
		n++
	}
	return a.wordIn(n, "signed", "attached", "sent", "uploaded", "filled", "completed", "returned", "posted", "submitted", "forwarded", "emailed", "updated", "scanned")
}

// givesDetail reports whether a detail asked for is given at token n, perhaps after "to
// confirm": perhaps "the", "my" or "our", at most two words, a word that names a detail ("number",
// "reference", "ID", "postcode") and "is" or "are" ("My booking reference is QX7H2L", "the order
// number is 77412", "gate code is 4417"), or says the payment was made ("payment sent", "paid by
// transfer"). After thanks that open a message, all 19 labelled messages that go on so are
// neutral.
func (a *analysis) givesDetail(n int) bool {
	if a.wordIs(n, "to") && a.wordIs(n+1, "confirm") {
		n += 2
		if n < len(a.tok.toks) && a.tok.toks[n].kind == tkBreak {
			n++
		}
	}
	if a.wordIs(n, "payment") && a.wordIn(n+1, "sent", "made", "done") || a.wordIs(n, "paid") && a.wordIn(n+1, "by", "via", "today") {
		return true // "Thank you. Payment sent via bank transfer, reference SMITH-0412."
	}
	if a.wordIn(n, "the", "my", "our") {
		n++
	}
	for k := n; k <= n+2; k++ {
		if a.wordIn(k, "number", "id", "reference", "ref", "postcode", "code", "name", "email", "address", "details") {
			if a.wordIs(k+1, "number") {
				k++
			}
			return a.wordIn(k+1, "is", "are")
		}
		if k >= len(a.tok.toks) || a.tok.toks[k].kind != tkWord {
			return false
		}
	}
	return false
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

// justSaying reports whether the sentence that question mark q ends opens as an exclamation put
// as a question, which asks nothing (see sayOpens): "Can I just say how nice it is to get a real
// person first try?", "Who knew a washing machine could be this quiet?", "Why didn't I switch to
// you years ago?", "Can every company be as easy to deal with as you lot?".
func (a *analysis) justSaying(text string, q int) bool {
	if q == 0 {
		return false
	}
	start, _ := a.sentence(text, q-1)
	return a.sayOpens(start)
}

// sayOpens reports whether "can I say", "may I just say" or the like, "who knew", "is it just me
// or", "is it weird that", "why didn't I", "why can't every" or "can every" opens at token k
// (past @mentions).
func (a *analysis) sayOpens(k int) bool {
	k = a.pastMentions(k)
	if a.wordIs(k, "who") && a.wordIs(k+1, "knew") {
		return true
	}
	if a.wordIs(k, "is") && a.wordIs(k+1, "it") {
		if a.wordIs(k+2, "just") && a.wordIs(k+3, "me") && a.wordIs(k+4, "or") {
			return true // "Is it just me or is this the easiest checkout ever?"
		}
		switch {
		case a.wordIs(k+2, "weird"), a.wordIs(k+2, "bad"), a.wordIs(k+2, "wrong"), a.wordIs(k+2, "sad"), a.wordIs(k+2, "crazy"):
			return a.wordIs(k+3, "that") // "Is it weird that I actually enjoy using your lockers?"
		}
	}
	if a.wordIs(k, "why") && a.wordIs(k+1, "didn't") && (a.wordIs(k+2, "i") || a.wordIs(k+2, "we")) {
		return true // "Why didn't I switch to you years ago?"
	}
	if a.wordIs(k, "why") && a.wordIs(k+1, "can't") && (a.wordIs(k+2, "every") || a.wordIs(k+2, "all")) ||
		a.wordIs(k, "can") && a.wordIs(k+1, "every") {
		return true // "Why can't every airline be like this?", "Can every company be as easy to deal with as you lot?"
	}
	if !a.wordIs(k, "can") && !a.wordIs(k, "may") && !a.wordIs(k, "could") || !a.wordIs(k+1, "i") {
		return false
	}
	k += 2
	if a.wordIs(k, "just") {
		k++
	}
	return a.wordIs(k, "say")
}

// whyWeight is the complaint weight of a question that asks why (see whyAsked), or whether
// something is normal when it answers itself (see normalAsked).
const whyWeight = 1.0

// whyAsked records a complaint for each question that opens with "why" (past @mentions and a
// greeting): customers ask why when something went wrong ("Why was a late fee applied when my
// payment posted on the 1st?", "Why does cancelling take six steps when signing up took one?").
// Not "why not …?" or "why wait …?" (suggestions), not "why didn't I …?" or "why can't every
// …?" (praise: "why didn't I switch to you years ago??", see sayOpens), and not in a message that
// says it only wonders ("Not a complaint, just curious: why …?").
func (a *analysis) whyAsked(text string) {
	toks := a.tok.toks
	for q := 1; q < len(toks); q++ {
		if toks[q].kind != tkQuestion {
			continue
		}
		k, _ := a.sentence(text, q-1)
		for k < q && (toks[k].kind == tkMention || toks[k].kind == tkBreak || toks[k].kind == tkWord && a.greeting(k)) {
			k++
		}
		if !a.wordIs(k, "why") || a.wordIs(k+1, "not") || a.wordIs(k+1, "wait") || a.sayOpens(k) {
			continue
		}
		if a.wonders() {
			return
		}
		a.complaintPhrase(k, k, whyWeight)
	}
}

// wonders reports whether the message says it asks out of curiosity ("just curious", "out of
// curiosity", "I was wondering", "want to understand") or is no complaint (see disclaims).
func (a *analysis) wonders() bool {
	for j := range a.tok.toks {
		if a.tok.toks[j].kind != tkWord {
			continue
		}
		switch string(a.tok.normOf(&a.tok.toks[j])) {
		case "curious", "curiosity", "wondering", "wondered", "understand":
			return true
		}
	}
	return a.disclaims()
}

// normalAsked records a complaint for a question that asks whether something is normal and
// answers itself in the next sentence with "because" ("Is it normal for the 'waterproof' coat to
// let rain straight through? Because ours does.", "Is it normal for a £900 oven to stop heating
// after 7 months? Asking because mine just did.", "… still says 'processing'. Is this normal?
// Because …", "… Asking for a friend."), or asks how something is possible or acceptable (see
// possibleAsked), in a message with no positive item outside the question: the question is
// rhetorical, and what it calls abnormal happened. (With praise it marvels: "Is it normal for a
// bank to call back within ten minutes? Because that's a first for me.", "how is it possible
// that a service came in under the quote?? pleasantly shocked".)
func (a *analysis) normalAsked(text string) {
	toks := a.tok.toks
	for q := 1; q < len(toks); q++ {
		if toks[q].kind != tkQuestion {
			continue
		}
		k := a.openerOf(text, q-1)
		if a.praisesOutside(k, q) {
			return
		}
		if a.possibleAsked(k) {
			a.complaintPhrase(k, k+3, whyWeight)
			return
		}
		if !a.wordIs(k, "is") || !a.wordIs(k+1, "it") && !a.wordIs(k+1, "this") && !a.wordIs(k+1, "that") {
			continue
		}
		switch {
		case a.wordIs(k+2, "normal"), a.wordIs(k+2, "standard"), a.wordIs(k+2, "usual"), a.wordIs(k+2, "acceptable"), a.wordIs(k+2, "reasonable"):
		default:
			continue
		}
		if a.wordIs(q+1, "because") || a.wordIs(q+2, "because") || a.wordIs(q+3, "because") || a.forAFriend(q+1) {
			a.complaintPhrase(k, k+2, whyWeight)
			return
		}
	}
}

// praisesOutside reports whether an item outside tokens [k, q] praises (what a question says it
// wants, "we wanted something simple", is no praise).
func (a *analysis) praisesOutside(k, q int) bool {
	for m := range a.items {
		if it := &a.items[m]; it.praises() && (int(it.last) < k || int(it.first) > q) {
			return true
		}
	}
	return false
}

// forAFriend reports whether "asking for a friend" starts at token k ("Is it normal for movers to
// take a 90 minute lunch break while I'm paying them by the hour? Asking for a friend.").
func (a *analysis) forAFriend(k int) bool {
	return a.wordIs(k, "asking") && a.wordIs(k+1, "for") && a.wordIs(k+2, "a") && a.wordIs(k+3, "friend")
}

// possibleAsked reports whether "how is it possible", "how was this acceptable", "how is that
// even possible", "how is it that" or the like opens at token k ("How is it possible that a
// 'next day' parcel is now on day 6?", "how is it possible that my bill went up $15 without
// anyone telling me"): labelled negative 16 times of 17 in the labelled files, the other one
// praising; "how is it that" opens 5 labelled messages, all negative.
func (a *analysis) possibleAsked(k int) bool {
	if !a.wordIs(k, "how") || !a.wordIs(k+1, "is") && !a.wordIs(k+1, "was") ||
		!a.wordIs(k+2, "it") && !a.wordIs(k+2, "this") && !a.wordIs(k+2, "that") {
		return false
	}
	if a.wordIs(k+3, "even") { // "How is that even possible?"
		k++
	}
	switch {
	case a.wordIs(k+3, "possible"), a.wordIs(k+3, "acceptable"), a.wordIs(k+3, "fair"), a.wordIs(k+3, "legal"), a.wordIs(k+3, "ok"), a.wordIs(k+3, "okay"):
		return true
	case a.wordIs(k+3, "that"): // "How is it that the quote dropped by £1,500 the minute I walked in?"
		return a.wordIs(k+2, "it")
	}
	return false
}

// whoKnew clears the problems of a sentence that opens with "who knew" ("Who knew a telecom
// company could actually answer the phone in under 2 minutes?"): what it names is the surprise,
// the bad reputation it did not live up to, not a complaint.
func (a *analysis) whoKnew(text string) {
	toks := a.tok.toks
	for j := 0; j+1 < len(toks); j++ {
		if toks[j].h != whoHash || !a.wordIs(j+1, "knew") || !a.opensSentence(text, j) {
			continue
		}
		_, end := a.sentence(text, j)
		a.dropProblems(j, end)
	}
}

// whoHash is the hash of the word "who".
var whoHash = hashString("who")

// pleaTokens is the most tokens a cry for help has (see plea).
const pleaTokens = 10

// plea reads a message that is nothing but a cry for help ("Help!", "HELP!!!", "someone help me
// pls 😭", "sos") as a complaint: help asked for with nothing else said is help with trouble. A
// message with a cue of its own ("please help") is read by it.
func (a *analysis) plea() {
	toks := a.tok.toks
	first, last, words := int32(-1), int32(-1), 0
	for i := range toks {
		switch toks[i].kind {
		case tkWord:
			words++
			switch {
			case a.wordIs(i, "help") || a.wordIs(i, "sos"):
				if first < 0 {
					first = int32(i)
				}
				last = int32(i)
			case a.wordIn(i, "please", "pls", "plz", "me", "us", "someone", "somebody", "anyone", "urgent", "urgently", "asap", "now", "needed", "need", "i", "we"):
			default:
				return
			}
		case tkMention, tkExclaim, tkBreak, tkEmoji, tkEmoticon:
		default:
			return // a question asks what help it wants ("help?")
		}
	}
	if first < 0 || words > 5 {
		return
	}
	for k := range a.items {
		if a.items[k].kind == itComplaint {
			return
		}
	}
	a.items = append(a.items, item{first: first, last: last, v: pleaWeight, kind: itComplaint})
	for j := first; j <= last; j++ {
		a.mark[j] = a.mark[j]&^mBareFunc | mMasked // as a cue's words are: "help" is praise in general text
	}
}

// pleaWeight is the complaint weight of a cry for help, that of the cue "please help".
const pleaWeight = 0.8
