package sentiment

import (
	"bytes"
	"fmt"
	"strings"
)

// spellingList maps the ways customers type common words to the words themselves: contractions
// without their apostrophe ("dont"), texting shorthand ("pls", "u", "bc") and frequent misspellings
// of words that carry a complaint ("dissapointed"). The tokenizer reads each as its full form, so
// that the lexicon, the cues, the rules and the n-grams see one word where customers write
// several. Each line: the full form, then its other spellings. Only spellings with no other common
// meaning are listed ("were", "well", "its", "lets" and "r" are not; "ill" and "id" are read in
// context, see pronounSpellings).
const spellingList = `
don't dont
doesn't doesnt
didn't didnt
can't cant
couldn't couldnt
won't wont
wouldn't wouldnt
shouldn't shouldnt
isn't isnt
aren't arent
wasn't wasnt
weren't werent
haven't havent
hasn't hasnt
hadn't hadnt
ain't aint
mustn't mustnt
needn't neednt
i'm im
i've ive
you're youre
you've youve
you'll youll
you'd youd
they're theyre
they've theyve
they'll theyll
we've weve
that's thats
what's whats
there's theres
here's heres
where's wheres
who's whos
how's hows
it'll itll
that'll thatll
she's shes
he's hes
should've shouldve
could've couldve
would've wouldve
might've mightve
y'all yall
you u
your ur
please pls plz plez pleez plse plss plzz
thanks thx thnx thanx thnks thks tnx ty tysm tyvm
because bc bcuz bcoz becuz cuz coz cos becasue becuase
people ppl
though tho
through thru
message msg
messages msgs
about abt
account acct acount
accounts accts
appointment appt
department dept
manager mgr
service svc
week wk
weeks wks
year yr
years yrs
before b4
today 2day
tomorrow tmrw tmr tmw 2morrow
tonight 2nite tonite
great gr8
later l8r
love luv
good gud
something sth smth
really rly
seriously srsly
customer custumer costumer
customers custumers costumers
disappointed dissapointed disapointed dissappointed
disappointing dissapointing disapointing dissappointing
disappointment dissapointment disapointment
ridiculous rediculous ridiculus
definitely definately definatly
receive recieve
received recieved
receiving recieving
until untill
weird wierd
terrible terible
horrible horible
awesome awsome
believe beleive
unbelievable unbeleivable
response responce
coming comming
address adress
password pasword
experience experiance
frustrating frustating
unacceptable unacceptible
embarrassing embarassing
cancellation cancelation
cancellations cancelations
`

// fillerWords are the hesitations of speech written down ("um, can I change my delivery day"), as
// call transcripts and dictated messages carry them: the tokenizer drops them, so that they neither
// stand between a question's words nor weigh in the n-gram model (in the labelled messages they
// come with every feeling).
const fillerWords = `um umm uh uhh uhm erm errm ermm`

// pronounSpellings are spellings that are another word as often: "ill" and "id" are "i'll" and
// "i'd" only where a verb follows ("ill call them", "id like a refund", "id lost my card") and the
// word before is not one that makes them the adjective or the noun ("I was ill", "my ID").
const pronounSpellings = `
i'll ill
i'd id
`

// spellingTable holds the other spellings of spellingList: keys is an open-addressed table of
// their hashes, indexed by the top spellingBits bits and probed linearly (0: empty), and full[i]
// is the full form of keys[i], with its hash.
type spellingTable struct {
	keys [1 << spellingBits]uint64
	full [1 << spellingBits]fullForm
}

type fullForm struct {
	h       uint64
	word    string
	pronoun bool // from pronounSpellings: read in context (see respellPronouns)
	filler  bool // from fillerWords: dropped
}

// spellingBits sizes the table of other spellings (a quarter full at most).
const spellingBits = 10

var spellings = mustSpellings(spellingList, pronounSpellings, fillerWords)

func mustSpellings(list, pronouns, fillers string) *spellingTable {
	tab, err := buildSpellings(list, pronouns, fillers)
	if err != nil {
		panic(err)
	}
	return tab
}

// buildSpellings reads the lines of list and pronouns (the full form, then its other spellings;
// each a lower case word as the tokenizer writes it) and the words of fillers into a table.
func buildSpellings(list, pronouns, fillers string) (*spellingTable, error) {
	tab := new(spellingTable)
	seen := map[string]string{} // other spelling → full form ("" for a filler)
	fulls := map[string]bool{}
	// add enters other spelling w of full (a filler: "") into the table as f.
	add := func(w, full string, f fullForm) error {
		seen[w] = full
		if len(seen)*4 > len(tab.keys) {
			return fmt.Errorf("spellings: more than %d other spellings", len(tab.keys)/4)
		}
		tab.put(w, f)
		return nil
	}
	for _, l := range []struct {
		name, text string
		pronoun    bool
	}{{"spellings", list, false}, {"pronoun spellings", pronouns, true}} {
		for k, line := range strings.Split(l.text, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			if len(f) < 2 {
				return nil, fmt.Errorf("%s line %d: want a word and its other spellings", l.name, k+1)
			}
			for _, w := range f {
				if !isPlainWord(w) {
					return nil, fmt.Errorf("%s line %d: %q is not one lower-case word", l.name, k+1, w)
				}
			}
			full := f[0]
			fulls[full] = true
			for _, w := range f[1:] {
				if prev, ok := seen[w]; ok {
					return nil, fmt.Errorf("%s line %d: %q is listed twice (for %q and %q)", l.name, k+1, w, prev, full)
				}
				if err := add(w, full, fullForm{h: hashString(full), word: full, pronoun: l.pronoun}); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, w := range strings.Fields(fillers) {
		if !isPlainWord(w) {
			return nil, fmt.Errorf("fillers: %q is not one lower-case word", w)
		}
		if prev, ok := seen[w]; ok {
			return nil, fmt.Errorf("fillers: %q is also another spelling of %q", w, prev)
		}
		if err := add(w, "", fullForm{filler: true}); err != nil {
			return nil, err
		}
	}
	for w := range seen {
		if fulls[w] {
			return nil, fmt.Errorf("spellings: %q is both a full form and another spelling", w)
		}
	}
	return tab, nil
}

// put adds other spelling w with its full form f (the caller keeps the table a quarter full at
// most, so that a free slot is always found).
func (s *spellingTable) put(w string, f fullForm) {
	h := hashString(w)
	i := h >> (64 - spellingBits)
	for s.keys[i] != 0 {
		i = (i + 1) & (1<<spellingBits - 1)
	}
	s.keys[i], s.full[i] = h, f
}

// isPlainWord reports whether w is a word as the tokenizer writes it in one piece: lower-case ASCII
// letters and digits, with inner apostrophes.
func isPlainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z', isDigit(c):
		case c == '\'' && i > 0 && i+1 < len(w):
		default:
			return false
		}
	}
	return w != ""
}

// maySpell reports whether a word of hash h may be one of the other spellings: false for most
// words, at one load.
func (s *spellingTable) maySpell(h uint64) bool { return s.keys[h>>(64-spellingBits)] != 0 }

// find returns the full form of the other spelling of hash h, or nil.
func (s *spellingTable) find(h uint64) *fullForm {
	for i := h >> (64 - spellingBits); s.keys[i] != 0; i = (i + 1) & (1<<spellingBits - 1) {
		if s.keys[i] == h {
			return &s.full[i]
		}
	}
	return nil
}

// respellWord gives the word (or hashtag, which stays) just tokenized as tk its full form when it
// may be one of the other spellings: the one test made at every word.
func (t *tokenizer) respellWord(tk *token, kind tokKind, text string) {
	if kind == tkWord && spellings.maySpell(tk.h) {
		t.respell(tk, text)
	}
}

// respell replaces word token tk, whose normalized form ends t.norm, by its full form when it is
// one of the other spellings of spellingList. A letter followed by a full stop and another letter
// ("U.S.") is an abbreviation and stays.
func (t *tokenizer) respell(tk *token, text string) {
	f := spellings.find(tk.h)
	if f == nil {
		return
	}
	if end := int(tk.end); end+1 < len(text) && text[end] == '.' && isASCIILetter(text[end+1]) {
		return
	}
	if f.filler {
		t.norm = t.norm[:tk.nOff]
		t.toks = t.toks[:len(t.toks)-1]
		return
	}
	if f.pronoun {
		if tk.flags&tfCaps == 0 { // "ID", "ILL": the words
			t.maybe = append(t.maybe, maybePronoun{int32(len(t.toks) - 1), f})
		}
		return
	}
	t.norm = append(t.norm[:tk.nOff], f.word...)
	tk.nLen, tk.h = uint16(len(f.word)), f.h
	tk.flags &^= tfDigit
}

// maybePronoun is a word token that may be "i'll" or "i'd" typed without the apostrophe, with that
// full form.
type maybePronoun struct {
	k int32
	f *fullForm
}

// respellPronouns reads each token of t.maybe ("ill", "id") as "i'll" or "i'd" where a verb
// follows (isPronounVerb; for "id", also a word ending in "ed") and the word before does not make
// it the adjective or the noun (isIllBefore, isIDBefore).
func (t *tokenizer) respellPronouns() {
	for _, m := range t.maybe {
		k, f := m.k, m.f
		tk := &t.toks[k]
		if int(k)+1 >= len(t.toks) || t.toks[k+1].kind != tkWord {
			continue
		}
		id := f.word == "i'd"
		next := t.normOf(&t.toks[k+1])
		if !isPronounVerb(next) && (!id || len(next) <= 3 || !bytes.HasSuffix(next, []byte("ed"))) {
			continue
		}
		if k > 0 && t.toks[k-1].kind == tkWord {
			prev := t.normOf(&t.toks[k-1])
			if id && isIDBefore(prev) || !id && isIllBefore(prev) {
				continue
			}
		}
		tk.nOff, tk.nLen, tk.h = int32(len(t.norm)), uint16(len(f.word)), f.h
		t.norm = append(t.norm, f.word...)
	}
}

// isIllBefore reports the words after which "ill" is the adjective ("was ill", "feeling ill").
func isIllBefore(w []byte) bool {
	switch string(w) {
	case "am", "i'm", "is", "are", "was", "were", "be", "been", "being", "feel", "feels",
		"feeling", "felt", "fell", "fall", "falling", "get", "gets", "getting", "got", "become", "became",
		"look", "looks", "looked", "seem", "seems", "seemed", "so", "very", "really", "quite", "too",
		"terribly", "seriously", "critically", "mentally", "chronically", "gravely", "he's", "she's",
		"it's", "who's", "they're", "you're", "we're", "an", "the", "of", "as", "and", "or":
		return true
	}
	return false
}

// isIDBefore reports the words after which "id" is the noun ("my id", "photo id").
func isIDBefore(w []byte) bool {
	switch string(w) {
	case "my", "your", "his", "her", "our", "their", "its", "the", "a", "an", "this",
		"that", "with", "without", "by", "of", "for", "no", "valid", "new", "old", "correct", "wrong",
		"photo", "user", "customer", "order", "booking", "account", "email", "apple", "student", "staff",
		"employee", "member", "membership", "login", "player", "voter", "national", "government", "tax",
		"driver's", "caller", "transaction", "reference", "ticket", "case", "device", "session", "unique",
		"same", "and", "or", "me":
		return true
	}
	return false
}

// isPronounVerb reports the words that may follow "i'll" or "i'd" typed as "ill" or "id".
func isPronounVerb(w []byte) bool {
	switch string(w) {
	case "be", "been", "have", "had", "never", "not", "just", "only", "also", "still",
		"really", "probably", "definitely", "certainly", "gladly", "happily", "always", "rather", "sooner",
		"better", "like", "love", "prefer", "appreciate", "hope", "expect", "imagine", "even", "already",
		"think", "thought", "say", "said", "recommend", "suggest", "assume", "want", "need", "call", "try",
		"take", "taken", "get", "got", "let", "make", "made", "see", "seen", "go", "gone", "keep", "wait",
		"check", "send", "sent", "pay", "paid", "look", "stick", "give", "given", "tell", "told", "post",
		"write", "contact", "stay", "do", "done", "find", "found", "switch", "cancel", "leave", "left",
		"come", "buy", "bought", "order", "use", "update", "ring", "email", "pick", "return", "report",
		"sort", "tweet", "dm", "message", "file", "complain", "move", "book", "ask", "shop", "fly", "drive",
		"stop", "start", "believe", "lose", "lost", "sue", "continue", "put", "bring", "rate", "review",
		"know", "known", "show", "head", "pop", "grab", "hold", "reply", "respond", "dispute", "escalate",
		"share", "attend", "collect", "rebook", "renew", "upload", "confirm", "discuss", "place", "join",
		"heard", "spent", "forgotten", "forgot", "read", "set", "sign", "drop", "arrange", "visit",
		"restart", "reboot", "reset", "reinstall", "retry", "resend", "admit", "forward", "print", "fill",
		"phone", "text", "transfer", "swap", "turn", "unplug", "plug", "chase", "raise", "screenshot":
		return true
	}
	return false
}
