package sentiment

import (
	"bytes"
	"strconv"
)

// Numbers in customer messages: durations and how fast things were done, counts of repeats,
// ratings, codes and card digits.

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

// notWaiting reports whether token i says that a duration before it was no wait ("two days
// early", "3 hours ago"), or how far a cover had run out ("2 months out of warranty", "a few
// days past the warranty").
func (a *analysis) notWaiting(v *vocab, i int) bool {
	if i >= len(a.tok.toks) || a.info[i] < 0 {
		return false
	}
	return v.infos[a.info[i]].flags&wNotWaiting != 0 || a.pastCover(i)
}

// pastCover reports whether the words from token i say "out of", "past", "outside" or "beyond"
// a warranty, a guarantee, a returns window or a trial.
func (a *analysis) pastCover(i int) bool {
	switch {
	case a.wordIs(i, "out") && a.wordIs(i+1, "of"):
		i += 2
	case a.wordIs(i, "past"), a.wordIs(i, "outside"), a.wordIs(i, "beyond"):
		i++
	default:
		return false
	}
	if a.wordIs(i, "the") || a.wordIs(i, "my") || a.wordIs(i, "our") || a.wordIs(i, "its") {
		i++
	}
	if uint(i) >= uint(len(a.tok.toks)) || a.tok.toks[i].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[i])) {
	case "warranty", "guarantee", "return", "returns", "trial":
		return true
	}
	return false
}

// speedBefore reports whether the count at token c is how fast something was done: "within"
// before it, or "in" or "under" when its unit is short (perhaps with "just", "only" or the like
// between), after a verb in the past in its clause ("sorted it in 10 mins", "paid out within 3
// days"; "in 3 days" may be a wait), and no "finally" between them; or "in under", whatever
// comes before ("How did you manage to get 80,000 people through the queue in under 20 mins?":
// 73 of the 79 labelled messages with "in under" and a count are positive).
func (a *analysis) speedBefore(v *vocab, c int, short bool) bool {
	toks := a.tok.toks
	j, w := a.wordBeforeCount(c)
	switch string(w) {
	case "within":
	case "by":
		// "moved forward by 5 weeks", "brought forward by two days": sooner, not a wait.
		return a.wordIs(j-1, "forward")
	case "in", "under":
		if string(w) == "under" && a.wordIs(j-1, "in") {
			return true // "in under 20 mins"
		}
		if !short {
			return false
		}
	default:
		return false
	}
	// Someone came: "was there" or "were here" right before it ("the locksmith was there in
	// 20 minutes").
	if (a.wordIs(j-1, "there") || a.wordIs(j-1, "here")) && (a.wordIs(j-2, "was") || a.wordIs(j-2, "were")) {
		return true
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
// "took" before it (perhaps with "just", "only" or the like between), at most fifteen minutes
// (ten after "took me" or "took us"), and no "to", "for" or "before" after them ("the whole
// process took five minutes", not "it took 45 minutes to get through" or "took ten minutes for
// anyone to answer").
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
	j, w := a.wordBeforeCount(c)
	if string(w) == "me" || string(w) == "us" { // "took me 2 mins"; "took me eleven minutes" is long for one's own part
		w = nil
		if n > 10 {
			return false
		}
		if j > 0 && toks[j-1].kind == tkWord {
			w = a.tok.normOf(&toks[j-1])
		}
	}
	if string(w) != "took" {
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

// spreadOver reports whether the count at token c is the span a payment is spread over: "over"
// or "across" right before it, and a word of paying at most six words before that in its
// clause ("thanks for letting us pay the balance over 3 months", "can I split it across 12
// months?"), or a pause asked for (see pausedFor). A plan, not a wait ("waited over 3 hours"
// and "paying for over 3 months" stay one).
func (a *analysis) spreadOver(c int) bool {
	toks := a.tok.toks
	j := c - 1
	switch {
	case a.wordIn(j, "those", "these"): // "for those two weeks"
		j--
	case a.wordIs(j, "next") && a.wordIs(j-1, "the"): // "for the next 3 months"
		j -= 2
	}
	if a.wordIs(j, "for") {
		return a.pausedFor(j)
	}
	if !a.wordIs(j, "over") && !a.wordIs(j, "across") || a.wordIs(j-1, "for") { // "paying for over 3 months": how long
		return false
	}
	for k, n := j-1, 0; k >= 0 && n < 6 && toks[k].kind == tkWord; k, n = k-1, n+1 {
		switch string(a.tok.normOf(&toks[k])) {
		case "pay", "paying", "paid", "repay", "repaying", "spread", "spreading", "split", "splitting", "instalments", "installments", "payments":
			return true
		}
	}
	return false
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
	case "came", "sent", "got", "found", "paid", "done", "made", "gave", "given", "brought", "rang", "rung",
		"drove", "driven", "went", "gone", "flew", "flown", "wrote", "written", "sold", "built", "had", "were", "seen":
		return true
	}
	return false
}

// The runes of a score in stars.
const (
	starFilled = '\u2605' // ★
	starEmpty  = '\u2606' // ☆
)

// starEmoji is the rune of the star emoji, which a score may follow as ★ does ("1⭐").
const starEmoji = '\u2b50' // ⭐

// numberStar reads a score of 1 to 5 written as a digit and one star, ★ or ⭐ ("1⭐ crashes at
// checkout every single time", "Really impressed. 5★", "3★. Does the job."): as rating, 1 for 4
// or 5, -1 for 1 or 2, 0 for 3, with the star's token as last. Of the labelled messages so, 5 are
// positive, 5 negative and 1 neutral, each as its score says.
func (a *analysis) numberStar(text string, i int) (r, last int, ok bool) {
	toks := a.tok.toks
	if i+1 >= len(toks) || toks[i+1].kind != tkEmoji || toks[i+1].r != starFilled && toks[i+1].r != starEmoji || toks[i].end-toks[i].start != 1 {
		return 0, 0, false
	}
	switch n := text[toks[i].start] - '0'; {
	case n >= 4 && n <= 5:
		return 1, i + 1, true
	case n >= 1 && n <= 2:
		return -1, i + 1, true
	case n == 3:
		return 0, i + 1, true
	}
	return 0, 0, false
}

// stars reads a run of five stars that opens at token i, filled ones first ("★★★☆☆"): it
// returns the score as rating does (1 for four or five, -1 for one or two, 0 for three) and the
// run's length, or a length of 0 when the run is no such score or does not open at i.
func (a *analysis) stars(i int) (r, n int) {
	toks := a.tok.toks
	if i > 0 && (toks[i-1].r == starFilled || toks[i-1].r == starEmpty) {
		return 0, 0 // inside a run
	}
	filled := 0
	for j := i; j < len(toks) && toks[j].kind == tkEmoji && (toks[j].r == starFilled || toks[j].r == starEmpty); j++ {
		if toks[j].r == starFilled {
			if filled < n {
				return 0, 0 // a filled star after an empty one
			}
			filled++
		}
		n++
	}
	if n != 5 {
		return 0, 0
	}
	switch {
	case filled >= 4:
		return 1, n
	case filled <= 2:
		return -1, n
	}
	return 0, n
}

// isSpeedFiller reports the words that may stand between "in" and a count ("in just 5 mins",
// "done in like five minutes").
func isSpeedFiller(w []byte) bool {
	switch string(w) {
	case "just", "only", "literally", "about", "around", "like", "roughly":
		return true
	}
	return false
}

// countBefore returns the count of the unit of time at token i: the token before it when that is
// a count ("3 days"), or the one before "business" or "working" ("9 business days"); -1 if none.
func (a *analysis) countBefore(v *vocab, i int) int {
	c := i - 1
	if a.wordIs(c, "business") || a.wordIs(c, "working") {
		c--
	}
	if c < 0 || !a.isCount(v, c) {
		return -1
	}
	return c
}

// notSince reports whether word i, after a negator, stands between "this" or "so" and "in" or
// "since" ("My lower back hasn't felt this good in 3 years", "hasn't been this comical since
// …"): not so for a long time, and so now; the negator affirms it.
func (a *analysis) notSince(i int) bool {
	return (a.wordIs(i-1, "this") || a.wordIs(i-1, "so")) && (a.wordIs(i+1, "in") || a.wordIs(i+1, "since"))
}

// neverSo reports whether negator token n is "never" and token i stands after "this", "so" or
// "such" in its scope, or opens with one of them ("My house has never been this clean", "I've
// never been so disappointed", "never had so many compliments", "never been such a mess"): never
// before so much, and so now; the negator affirms what follows it.
func (a *analysis) neverSo(n, i int) bool {
	if n < 0 || !a.wordIs(n, "never") {
		return false
	}
	for j := i; j >= i-2 && j > n; j-- {
		switch {
		case a.wordIs(j, "this"), a.wordIs(j, "so"), a.wordIs(j, "such"):
			return j >= i-1 || a.wordIs(j+1, "many") || a.wordIs(j+1, "much") || a.wordIs(j, "such") && (a.wordIs(j+1, "a") || a.wordIs(j+1, "an"))
		}
	}
	return false
}

// pausedFor reports whether the "for" at token j follows, at most six words before it in its
// clause, a word of pausing ("Pause my razor sub for 2 months", "can I freeze my membership for
// three months?", "please hold my weekly delivery for those two weeks", "put the membership on
// hold for two months"): the span of a pause asked for, not a wait ("on hold for 2 hours" is
// one, unless something was put on hold).
func (a *analysis) pausedFor(j int) bool {
	toks := a.tok.toks
	onHold := false // "on hold" seen: a pause only if put so
	for k, n := j-1, 0; k >= 0 && n < 6 && toks[k].kind == tkWord; k, n = k-1, n+1 {
		switch string(a.tok.normOf(&toks[k])) {
		case "pause", "pausing", "freeze", "freezing", "suspend", "suspending", "skip", "skipping":
			return true
		case "hold":
			if !a.wordIs(k-1, "on") {
				return true
			}
			onHold = true
		case "put", "putting", "place", "placed":
			if onHold {
				return true
			}
		}
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

// rating reads a rating out of 5 or 10 that starts at number token i and ends at token last
// ("9/10", "5/5", "2 out of 10"; see scoreOn, or namedScore for a bare number); ok is false for
// 7/10, for anything else, and for what may be a date ("on 2/10").
func (a *analysis) rating(text string, i int) (r, last int, ok bool) {
	toks := a.tok.toks
	// The tokens: the number, '/' (a break), the number; or the number, "out", "of", the number.
	last = i + 2
	switch {
	case a.wordIs(i+1, "out") && a.wordIs(i+2, "of") && i+3 < len(toks) && toks[i+3].kind == tkNumber:
		last = i + 3
		// A score ends its clause or goes on with what it is for ("2 out of 10 for the
		// food"); "3 out of 5 people" counts.
		if j := last + 1; j < len(toks) && toks[j].kind != tkBreak && toks[j].kind != tkExclaim &&
			!a.wordIn(j, "stars", "for", "from", "overall", "and", "but", "though", "tbh", "honestly", "would", "because") {
			return 0, 0, false
		}
	case i+2 >= len(toks) || toks[i+1].kind != tkBreak || text[toks[i+1].start] != '/' || toks[i+1].start != toks[i].end ||
		toks[i+2].kind != tkNumber || toks[i+2].start != toks[i+1].end:
		return a.namedScore(text, i)
	case i+3 < len(toks) && toks[i+3].start == toks[i+2].end && text[toks[i+3].start] == '/':
		return 0, 0, false // "1/5/2024"
	}
	num, den := text[toks[i].start:toks[i].end], text[toks[last].start:toks[last].end]
	if len(num) > 2 || len(den) > 2 { // (a number token starts with a digit: no sign)
		return 0, 0, false
	}
	n, err1 := strconv.Atoi(num)
	d, err2 := strconv.Atoi(den)
	if err1 != nil || err2 != nil || (d != 5 && d != 10) || n > d {
		return 0, 0, false
	}
	if i > 0 && toks[i-1].kind == tkWord && isDatePreposition(a.tok.normOf(&toks[i-1])) {
		return 0, 0, false
	}
	if r, ok := scoreOn(n, d); ok {
		return r, last, true
	}
	return 0, 0, false
}

// scoreOn reads score n out of d: +1 for 4/5 or 8/10 and above, -1 for 2/5 or 4/10 and below, 0
// for the middle (3/5, 5/10, 6/10); ok is false for 7/10, which leans without saying much.
func scoreOn(n, d int) (r int, ok bool) {
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

// namedScore reads a bare number as a score when what comes before names it so and a stop or the
// end follows: the answer to a question about recommending ("How likely are you to recommend us?
// 0."), out of 10 (see scoreOn: +1 from 8, -1 up to 4, 0 for 5 and 6), or a number after
// "rating", "rated", "score", "NPS" or "survey answer:" ("Rating: 1.", "Rated 10.", "Survey
// answer: 9. Only not a 10 because …"), whose scale is not said: only
// 0 to 2 (low out of 5 or 10) and 9 or 10 (high out of 10) say which way, and 3 is the middle
// ("Score 4. The app logs me out constantly" is negative, "Score: 8. No further comments."
// neutral).
func (a *analysis) namedScore(text string, i int) (r, last int, ok bool) {
	toks := a.tok.toks
	if i < 1 || toks[i].end-toks[i].start > 2 || i+1 < len(toks) && toks[i+1].kind != tkBreak && toks[i+1].kind != tkExclaim {
		return 0, 0, false
	}
	if i+1 < len(toks) && toks[i+1].kind == tkBreak && text[toks[i+1].start] != '.' && text[toks[i+1].start] != ',' {
		return 0, 0, false // "Score: 3/…", "rated 4-5"
	}
	n, err := strconv.Atoi(text[toks[i].start:toks[i].end])
	if err != nil || n > 10 {
		return 0, 0, false
	}
	switch {
	case toks[i-1].kind == tkQuestion && a.recommendAsked(i-1):
		if r, ok := scoreOn(n, 10); ok {
			return r, i, true
		}
	case toks[i-1].kind == tkBreak && text[toks[i-1].start] == ':' && (a.wordIn(i-2, "rating", "score", "nps", "rated") || a.wordIs(i-2, "answer") && a.wordIs(i-3, "survey")) ||
		a.wordIn(i-1, "rated", "rating", "score", "nps"):
		switch {
		case n >= 9:
			return 1, i, true
		case n <= 2:
			return -1, i, true
		case n == 3:
			return 0, i, true // the middle of five; all four labelled messages so are neutral
		}
	}
	return 0, 0, false
}

// recommendWords is how far back from its question mark recommendAsked looks for "recommend".
const recommendWords = 12

// recommendAsked reports whether the question that ends at token q asks whether the writer
// would recommend ("How likely are you to recommend us?", "Would you recommend us to a friend?",
// "… recommend us (0-10)?": a scale of numbers may stand before the question mark).
func (a *analysis) recommendAsked(q int) bool {
	toks := a.tok.toks
	s, nums := q-1, 0
	for ; s >= max(0, q-6) && toks[s].kind != tkWord; s-- {
		if toks[s].kind == tkNumber {
			nums++
		}
	}
	if nums == 0 {
		s = q - 1
	}
	for j := s; j >= max(0, s-recommendWords); j-- {
		tk := &toks[j]
		if tk.kind != tkWord {
			return false
		}
		if tk.h == recommendHash {
			return true
		}
	}
	return false
}

var recommendHash = hashString("recommend")

// recommendAnswer finds the answer of one word to a question about recommending ("Would you
// recommend us to a friend? No.", "… recommend us? Absolutely."): a score of its own, praise or
// complaint, over the answer.
func (a *analysis) recommendAnswer(text string) {
	toks := a.tok.toks
	for q := range toks {
		if toks[q].kind != tkQuestion || q+1 >= len(toks) || !a.recommendAsked(q) {
			continue
		}
		r := 0
		switch string(a.tok.normOf(&toks[q+1])) {
		case "no", "nope", "never", "nah":
			r = -1
		case "yes", "yep", "absolutely", "definitely", "certainly":
			r = 1
		}
		if r != 0 && toks[q+1].kind == tkWord && (q+2 == len(toks) || toks[q+2].kind != tkWord) {
			a.scoreItem(q+1, q+1, r, mCovered)
		}
	}
}

// answered reports whether item it is the answer given right after the question mark of a
// question about recommending ("How likely are you to recommend us? 0.", "… to a friend? No."):
// the writer's answer, not a topic asked about.
func (a *analysis) answered(it *item) bool {
	return it.first > 0 && a.tok.toks[it.first-1].kind == tkQuestion && a.recommendAsked(int(it.first)-1)
}

// surveyAnswer reports whether a score or a yes or no answers a question right after its mark
// (see answered): the question is a survey's, the message the writer's answer.
func (a *analysis) surveyAnswer() bool {
	for k := range a.items {
		if it := &a.items[k]; (it.kind == itComplaint || it.kind == itPraise) && a.answered(it) {
			return true
		}
	}
	return false
}

// isDatePreposition reports whether w comes before a date ("on 2/10").
func isDatePreposition(w []byte) bool {
	switch string(w) {
	case "on", "since", "by", "until", "till", "from", "before", "after", "of", "dated":
		return true
	}
	return false
}

// otherSense reports whether the positive word at token i is used in a sense that praises
// nothing: "works" or "suits" after a day or a time (see timeBefore), "fine" after an amount (see
// penaltyFine), "effective" before a date (see datesChange), "easiest" in a question for a way
// (see askedWay), "best" in a question for advice (see adviceAsked), "happy" or "glad" to do a
// thing (see willing).
func (a *analysis) otherSense(v *vocab, text string, i int) bool {
	if a.askedWay(i) {
		return true
	}
	switch a.tok.toks[i].h {
	case bestHash:
		return a.adviceAsked(text, i)
	case happyHash, gladHash:
		return a.willing(v, i)
	case worksHash, suitsHash:
		return a.timeBefore(i)
	case fineHash:
		return a.penaltyFine(i) || a.agreedFine(i)
	case effectiveHash:
		return a.datesChange(i)
	}
	return false
}

// askedWay reports whether word i asks for a way ("what's the easiest way to …", "what is the
// best way", "is there a quicker way", "any simple way"): a question of how, no praise.
func (a *analysis) askedWay(i int) bool {
	if i < 2 || !a.wordIs(i+1, "way") {
		return false
	}
	switch {
	case a.wordIs(i-1, "the"):
		return a.wordIs(i-2, "what's") || a.wordIs(i-2, "is") && a.wordIs(i-3, "what")
	case a.wordIs(i-1, "a"), a.wordIs(i-1, "an"):
		return a.wordIs(i-2, "there") && a.wordIs(i-3, "is")
	}
	return a.wordIs(i-1, "any")
}

// effectiveHash is the hash of the word "effective".
var effectiveHash = hashString("effective")

// datesChange reports whether word i ("effective") is followed by the date a change takes
// effect: a number ("effective 30 September", "effective 01/08"), a month, "from", "as of",
// "immediately", "today", "tomorrow", "next", "until", or the end or start of a period ("effective
// the end of June", "effective at the end of the billing period"). Not "effective in", "effective
// at removing stains": those praise.
func (a *analysis) datesChange(i int) bool {
	toks := a.tok.toks
	j := i + 1
	if j >= len(toks) {
		return false
	}
	if toks[j].kind == tkNumber {
		return true
	}
	if toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&toks[j])) {
	case "from", "immediately", "today", "tomorrow", "next", "until", "january", "february", "march",
		"april", "may", "june", "july", "august", "september", "october", "november", "december":
		return true
	case "as":
		return a.wordIs(j+1, "of")
	case "at":
		j++
	}
	return a.wordIs(j, "the") && (a.wordIs(j+1, "end") || a.wordIs(j+1, "start") || a.wordIs(j+1, "beginning"))
}

// onlyLater reports whether the count at token c and its unit at token u say how soon
// something came: "only" or "just" before the count and "later" after the unit ("found me a new
// slot only four days later", "on a flight just 40 min later"; the 3 labelled messages so worded
// are positive).
func (a *analysis) onlyLater(c, u int) bool {
	return a.wordIs(u+1, "later") && (a.wordIs(c-1, "only") || a.wordIs(c-1, "just"))
}

// lateHash is the hash of the word "late".
var lateHash = hashString("late")

// partOfTime reports whether word token j names a month, a season or a part of the day, or is
// "last" or "next" before a unit of time: what "late" before it places in time ("late
// July", "late morning", "late last year"). Of the distinct labelled messages with "late" so
// used, 16 are neutral, 4 positive and 3 negative.
func (a *analysis) partOfTime(j int) bool {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return false
	}
	switch string(a.tok.normOf(&a.tok.toks[j])) {
	case "january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "spring", "summer", "autumn", "winter", "morning",
		"afternoon", "evening":
		return true
	case "last", "next":
		return a.wordIn(j+1, "week", "month", "year")
	}
	return false
}

// lateKept reports whether the "late" at token i is kept, not come after its time: after
// "stay", "open" or "work" ("the engineer stayed late to finish", "open late on Fridays"; of the
// distinct labelled messages so, 14 are positive, 2 neutral and 2 negative), or before
// "checkout", "night" or "opening" ("a late checkout": 18 neutral, 13 positive, 10 negative); or
// no time at all: one who has died ("my late husband's account": of the labelled messages with
// "my late" before a relative, 50 are neutral, 7 positive and 2 negative).
func (a *analysis) lateKept(i int) bool {
	if a.lateRelative(i + 1) {
		return true
	}
	if i > 0 && a.tok.toks[i-1].kind == tkWord {
		switch string(a.tok.normOf(&a.tok.toks[i-1])) {
		case "stay", "stays", "stayed", "staying", "open", "opens", "opened", "opening", "work", "works", "worked", "working":
			return true
		}
	}
	if i+1 < len(a.tok.toks) && a.tok.toks[i+1].kind == tkWord {
		switch string(a.tok.normOf(&a.tok.toks[i+1])) {
		case "checkout", "check-out", "night", "nights", "opening", "openings":
			return true
		}
	}
	return false
}

// lateRelative reports whether token j names a relative, or a relative's ("husband's"), after
// "late".
func (a *analysis) lateRelative(j int) bool {
	if j >= len(a.tok.toks) || a.tok.toks[j].kind != tkWord {
		return false
	}
	switch string(bytes.TrimSuffix(a.tok.normOf(&a.tok.toks[j]), []byte("'s"))) {
	case "mother", "father", "husband", "wife", "mum", "mom", "dad", "son", "daughter", "brother", "sister", "grandmother",
		"grandfather", "nan", "gran", "granny", "grandma", "grandad", "grandpa", "partner", "uncle", "aunt", "auntie", "parents", "parent":
		return true
	}
	return false
}

// dayNowWeight is the complaint weight of a day said to have come after another was named ("…
// would arrive Tuesday. It's Friday."), as that of a mismatch.
const dayNowWeight = 1.5

// itsHash, itsBareHash and isHash are the hashes of "it's", "its" and "is".
var itsHash, itsBareHash, isHash = hashString("it's"), hashString("its"), hashString("is")

// dayNow returns where the sentence opens that says which day it is now, at "it's", "its" or
// "is" token i ("It's Friday.", "It is now Saturday.", "Today is Thursday.", "It's Friday and the
// pharmacy still says 'awaiting stock'"), after another day was named earlier in the message
// ("Promised a callback on Monday. It's Thursday."): days counted while waiting; and where the
// day is. -1, -1 if not.
func (a *analysis) dayNow(i int) (int, int) {
	toks := a.tok.toks
	s := i
	if a.wordIs(i, "is") {
		if !a.wordIs(i-1, "it") && !a.wordIs(i-1, "today") {
			return -1, -1
		}
		s = i - 1
	}
	k := i + 1
	if a.wordIs(k, "now") {
		k++
	}
	if !a.isWeekday(k) {
		return -1, -1
	}
	ends := a.endsAt(k+1) || a.wordIs(k+1, "now") && a.endsAt(k+2) || a.wordIs(k+1, "and") ||
		k+1 < len(toks) && (toks[k+1].kind == tkExclaim || toks[k+1].kind == tkQuestion)
	if !ends {
		return -1, -1
	}
	if s == 0 || toks[s-1].kind != tkBreak && toks[s-1].kind != tkExclaim && toks[s-1].kind != tkQuestion {
		return -1, -1 // the first words, or within a sentence
	}
	day := a.tok.normOf(&toks[k])
	for j := s - 1; j >= 0; j-- {
		if a.isWeekday(j) && string(a.tok.normOf(&toks[j])) != string(day) { // not "IT'S FRIDAY! IT'S FRIDAY!"
			return s, k
		}
	}
	return -1, -1
}

// elsewhereWeight is the complaint weight of custom taken elsewhere ("I'll take my business
// elsewhere"), as that of the cue phrases of leaving.
const elsewhereWeight = 1.5

// elsewhereHash is the hash of the word "elsewhere".
var elsewhereHash = hashString("elsewhere")

// takenElsewhere returns where a phrase opens that takes the writer's custom elsewhere, at the
// token i "elsewhere": "get", "take", "taking", "getting", "spend" or "spending", then "my" and
// one word ("Guess I'll get my news elsewhere", "thinking of taking my stuff elsewhere"; 18 of
// the 20 labelled messages with such a phrase are negative). -1 if none.
func (a *analysis) takenElsewhere(i int) int {
	toks := a.tok.toks
	if i < 3 || !a.wordIs(i-2, "my") || toks[i-1].kind != tkWord || toks[i-3].kind != tkWord {
		return -1
	}
	switch string(a.tok.normOf(&toks[i-3])) {
	case "get", "take", "taking", "getting", "spend", "spending":
		return i - 3
	}
	return -1
}

// isWeekday reports whether token j names a day of the week.
func (a *analysis) isWeekday(j int) bool {
	return uint(j) < uint(len(a.tok.toks)) && a.tok.toks[j].kind == tkWord && isWeekdayWord(a.tok.normOf(&a.tok.toks[j]))
}

// isWeekdayWord reports whether w is a day of the week.
func isWeekdayWord(w []byte) bool {
	switch string(w) {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
		return true
	}
	return false
}

// worksHash and suitsHash are the hashes of "works" and "suits".
var worksHash, suitsHash = hashString("works"), hashString("suits")

// timeBefore reports whether the word before token i names a day or a time ("Tuesday works",
// "after 3pm works", "Tuesday afternoon suits me", "the 14th works", "any time next week
// works"), or is a number.
func (a *analysis) timeBefore(i int) bool {
	if i == 0 {
		return false
	}
	tk := &a.tok.toks[i-1]
	if tk.kind == tkNumber {
		return true
	}
	if tk.kind != tkWord {
		return false
	}
	w := a.tok.normOf(tk)
	if isWeekdayWord(w) {
		return true
	}
	switch string(w) {
	case "morning", "afternoon", "evening", "tomorrow", "today", "tonight", "weekend", "noon", "midday", "week", "time":
		return true
	}
	// "3pm", "10am", "14th", "2nd"
	n := len(w)
	if n <= 2 || w[0] < '0' || w[0] > '9' {
		return false
	}
	switch string(w[n-2:]) {
	case "am", "pm", "th", "st", "nd", "rd":
		return true
	}
	return false
}

// lessHash is the hash of the word "less".
var lessHash = hashString("less")

// lessBefore reports whether the word before token i is a "less" that makes it smaller ("a lot
// less stressful"), not one that denies that ("no less annoying", "not any less confusing",
// "more or less broken").
func (a *analysis) lessBefore(i int) bool {
	if i == 0 || a.tok.toks[i-1].h != lessHash || !a.wordIs(i-1, "less") { // (the hash first: cheap)
		return false
	}
	return !a.wordIs(i-2, "no") && !a.wordIs(i-2, "not") && !a.wordIs(i-2, "any") && !a.wordIs(i-2, "or")
}

// fineHash is the hash of the word "fine".
var fineHash = hashString("fine")

// penaltyFine reports whether the word "fine" at token i is a penalty: an amount or "parking",
// "speeding", "penalty", "late" or "my" right before it ("a $65 parking fine", "a £100 fine",
// "appealed my fine").
func (a *analysis) penaltyFine(i int) bool {
	if i == 0 {
		return false
	}
	if a.tok.toks[i-1].kind == tkNumber {
		return true
	}
	return a.wordIs(i-1, "parking") || a.wordIs(i-1, "speeding") || a.wordIs(i-1, "penalty") || a.wordIs(i-1, "late") || a.wordIs(i-1, "my")
}

// agreedWords is how far before the verb of an agreed "fine" its time may stand (see agreedFine).
const agreedWords = 5

// agreedFine reports whether the word "fine" at token i agrees to an arrangement: "fine by me"
// (with me, by us), "that's fine", "either's fine", or "is", "are", "be" or "works" before it
// with a day, a time or a number up to agreedWords words before that in its clause ("tues 9-1 is
// fine", "any slot between 9 and 5 is fine", "10am Thursday for the window engineer is fine",
// "Wednesday morning works fine"). Of the labelled messages with such a "fine", 47 are neutral
// and 1 positive.
func (a *analysis) agreedFine(i int) bool {
	if a.wordIn(i+1, "by", "with") && a.wordIn(i+2, "me", "us") || a.wordIn(i-1, "that's", "thats", "either's") {
		return true
	}
	if !a.wordIn(i-1, "is", "are", "be", "works") {
		return false
	}
	for k := i - 2; k >= 0 && k >= i-1-agreedWords; k-- {
		if tk := &a.tok.toks[k]; tk.kind != tkWord && tk.kind != tkNumber {
			return false
		}
		if a.timeBefore(k + 1) {
			return true
		}
	}
	return false
}

// planWords is how far before the "for" of a count the word of a plan may stand.
const planWords = 8

// planned reports whether the count at token c is how long a plan lasts: "for" before it
// (perhaps with "about" or the like between), and
// before that in its clause a future ("I'm going to be in Canada for three weeks", "we'll be away
// for 2 weeks", "going to Spain for 2 weeks in August", "I'm going travelling for three months",
// "we're coming over from Perth for about three weeks") with no wait and no perfect between
// ("I've been going to the launderette for 2 weeks", "I'm going to have to wait for 3 weeks").
func (a *analysis) planned(c int) bool {
	j, _ := a.wordBeforeCount(c)
	if a.wordIn(j, "about", "around", "roughly", "approximately") { // "for about six months"
		j--
	}
	if !a.wordIs(j, "for") {
		return false
	}
	toks := a.tok.toks
	for k := j - 1; k >= 0 && j-k <= planWords && toks[k].kind == tkWord; k-- {
		switch {
		case a.wordIn(k, "been", "has", "have", "had", "i've", "we've", "wait", "waiting", "waited", "stuck", "without"):
			return false
		case a.wordIn(k, "will", "i'll", "we'll", "gonna", "planning", "shall"):
			return true
		case a.wordIn(k, "coming", "visiting", "staying") && a.wordIn(k-1, "i'm", "we're", "am", "are"):
			return true // "we're coming over from Perth for about three weeks
		case a.wordIs(k, "going") && a.wordIn(k+1, "to", "travelling", "traveling", "abroad", "away"):
			return !a.wordIn(k-1, "been", "was", "were", "keep", "kept")
		}
	}
	return false
}

// happyHash, gladHash and bestHash are the hashes of "happy", "glad" and "best".
var happyHash, gladHash, bestHash = hashString("happy"), hashString("glad"), hashString("best")

// willing reports whether word i ("happy", "glad") says the writer is willing, not pleased: "to"
// and a verb of the willing class after it ("I'm happy to collect it myself", "glad to pay the
// difference"), or "for you to" ("happy for you to leave it with a neighbour", "she's happy for
// me to manage her appointments").
func (a *analysis) willing(v *vocab, i int) bool {
	j := i + 1
	if a.wordIs(j, "for") && a.wordIn(j+1, "you", "them", "him", "her", "the", "me", "us") {
		return a.wordIs(j+2, "to")
	}
	if !a.wordIs(j, "to") || j+1 >= len(a.tok.toks) {
		return false
	}
	idx := a.info[j+1]
	return idx >= 0 && v.willing[idx]
}

// adviceAsked reports whether word i ("best") asks for advice: after "is it", "would it be",
// "suits", "suit", "works" or "work" (perhaps with "us", "me" or "you" between), in a sentence
// that a question mark ends ("Is it best to update them in the app?", "which plan suits us
// best?").
func (a *analysis) adviceAsked(text string, i int) bool {
	j := i - 1
	if a.wordIn(j, "us", "me", "you", "them") {
		j--
	}
	asks := a.wordIs(j, "it") && a.wordIn(j-1, "is", "be") || a.wordIn(j, "suits", "suit", "works", "work")
	return asks && a.askedAfter(text, i)
}

// spokenDigits masks the words of a number or reference read out digit by digit, as the
// transcript of a phone call has it ("policy number four seven two eight eight one", "oh seven
// seven double oh nine", "g y m zero zero seven"): a run of three or more digit words and single
// letters, two of them digits at the least. They count nothing and say nothing of how the
// caller feels (the n-grams read "five" and "seven" from waits of five hours and seven days).
func (a *analysis) spokenDigits() {
	toks := a.tok.toks
	for i := 0; i < len(toks); i++ {
		j, digits := i, 0
		for ; j < len(toks) && toks[j].kind == tkWord; j++ {
			w := a.tok.normOf(&toks[j])
			if isDigitWord(w) {
				digits++
			} else if len(w) != 1 || w[0] < 'b' || w[0] > 'z' {
				break
			}
		}
		if j-i >= 3 && digits >= 2 {
			for k := i; k < j; k++ {
				a.mark[k] |= mMasked
			}
		}
		i = max(i, j)
	}
}

// isDigitWord reports the words that read out a digit ("oh" for zero; "double" and "triple"
// repeat the next).
func isDigitWord(w []byte) bool {
	switch string(w) {
	case "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double", "triple":
		return true
	}
	return false
}

// recordsSpan reports whether the count at token c is the span of records asked for: "for the
// last" or "for the past" before it, and a word of records at most three words before that
// ("bank statements for the last three months", "receipts for my subscription payments for the
// last uh six months"; 10 of the 11 distinct labelled messages so are neutral). Not a wait.
//
// So is a count whose unit is followed by "of" and records ("twelve months of statements", "6
// months of payslips": of the distinct labelled messages so, 10 are neutral, 1 positive, and the
// 3 negative ones lose "data", no record), or that "going back" comes before ("statements going
// back six months").
func (a *analysis) recordsSpan(c int) bool {
	if u := c + 1; a.wordIs(u+1, "of") && a.recordsAt(u+2) || a.wordIs(u+1, "worth") && a.wordIs(u+2, "of") && a.recordsAt(u+3) {
		return true
	}
	j, _ := a.wordBeforeCount(c)
	if a.wordIs(j, "back") && a.wordIs(j-1, "going") {
		return true
	}
	if !a.wordIn(j, "last", "past") || !a.wordIs(j-1, "the") || !a.wordIs(j-2, "for") {
		return false
	}
	for k := j - 3; k >= 0 && k >= j-5; k-- {
		if a.recordsAt(k) {
			return true
		}
	}
	return false
}

// recordsAt reports whether token k is a word of records ("statements", "receipts", "payslips"),
// perhaps after "bank".
func (a *analysis) recordsAt(k int) bool {
	if a.wordIs(k, "bank") {
		k++
	}
	return a.wordIn(k, "statement", "statements", "receipt", "receipts", "invoice", "invoices", "payments", "transactions", "bills", "history", "records", "copies", "payslips")
}
