package sentiment

import "strings"

// Names, titles and the forms of a letter: title case that names rather than shouts, sign-offs and
// openings.

// titleWord reports whether token i is a word in title case ("Blood", not "BLOOD" or "blood").
func (a *analysis) titleWord(text string, i int) bool {
	tk := &a.tok.toks[i]
	if tk.kind != tkWord || tk.end-tk.start < 2 {
		return false
	}
	c, d := text[tk.start], text[tk.start+1]
	return c >= 'A' && c <= 'Z' && d >= 'a' && d <= 'z'
}

// signOff reports whether word i closes a letter, as "best" in "… Best, Mark" does: it is not
// the first word, opens a sentence or a line, and ("wishes" or "regards" may come between: "Best
// wishes, Tom.") a comma and one or two words in title case (a name) follow it to the end of the
// message, or to a stop that ends it.
func (a *analysis) signOff(text string, i int) bool {
	toks := a.tok.toks
	if i == 0 || string(a.tok.normOf(&toks[i])) != "best" {
		return false
	}
	c := i + 1
	if a.wordIn(c, "wishes", "regards") {
		c++
	}
	if c >= len(toks) || !a.signedName(text, c+1) {
		return false
	}
	return a.opensSentence(text, i) || strings.IndexByte(text[toks[i-1].end:toks[i].start], '\n') >= 0
}

// signedName reports whether a name signs a message off from token j: one or two words in title
// case after a comma at token j-1, up to the end of the message or a stop that ends it ("….
// Thanks, Jen", "Best, Mark.").
func (a *analysis) signedName(text string, j int) bool {
	toks := a.tok.toks
	if j < 1 || j >= len(toks) || toks[j-1].kind != tkBreak || text[toks[j-1].start] != ',' {
		return false
	}
	end := len(toks)
	if t := &toks[end-1]; t.kind == tkBreak && text[t.start] == '.' {
		end--
	}
	if n := end - j; n < 1 || n > 2 {
		return false
	}
	for k := j; k < end; k++ {
		if !a.titleWord(text, k) {
			return false
		}
	}
	return true
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
			return a.stopAt(text, j)
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
	case "is", "was", "are", "were", "be", "been", "being", "am", "it's", "its", "that's",
		"seems", "seemed", "looks", "looked", "feels", "felt", "became", "becomes", "got", "gets",
		"ever", "so", "too", "very", "really", "such", "just", "most", "least", "how", "what",
		"their", "his", "her":
		return true
	}
	return false
}

// isAnswerWord reports the words that answer a question ("yes", "ok").
func isAnswerWord(w []byte) bool {
	switch string(w) {
	case "yes", "yeah", "yep", "yup", "ok", "okay":
		return true
	}
	return false
}

// pastMentions returns the first token from k on that is no @mention.
func (a *analysis) pastMentions(k int) int {
	for k < len(a.tok.toks) && a.tok.toks[k].kind == tkMention {
		k++
	}
	return k
}

// bareAnswer reports whether the answer word at token i ("yes", "ok") answers or fills rather
// than approves: nothing but mentions, greetings and fillers comes before it ("@united yes in
// Lusaka", "hi yes it's mr patel"), or "so", "and", "like", "right", "well" or a filler stands
// right before it ("… how do i do that so yeah", "right yeah so …"). (The tokenizer drops "um",
// "uh" and "erm" as fillerWords but where they look like an abbreviation, "Um.Ok"; "er" it
// keeps.)
func (a *analysis) bareAnswer(i int) bool {
	if a.wordIn(i-1, "so", "and", "like", "um", "uh", "er", "erm", "right", "well") {
		return true // "… so yeah", "right yeah so i've just got home"
	}
	for j := a.pastMentions(0); j < i; j++ {
		if a.tok.toks[j].kind != tkBreak && !a.wordIn(j, "hi", "hello", "hey", "um", "uh", "er", "erm") {
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
