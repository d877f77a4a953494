package sentiment

import (
	"strings"
	"sync"

	"github.com/pemistahl/lingua-go"
)

// shortText is the number of words up to which a Latin-script text is not handed to the library.
const shortText = 3

// shortForeign is the number of words up to which a text with a word that is not a common
// English one is checked for another language's function words before it may pass for English.
const shortForeign = 8

// langPrefixBytes bounds the text handed to the language detection library.
const langPrefixBytes = 96

// langDetector decides the language of a text. The common cases are decided from what the
// tokenizer already counted (the script of the letters, the share of common English words); only
// the rest goes to lingua-go, on a bounded prefix. It is safe for concurrent use.
type langDetector struct {
	once  sync.Once
	det   lingua.LanguageDetector
	codes []string // lower-case ISO 639-1 code by lingua.Language
}

func (d *langDetector) library() lingua.LanguageDetector {
	d.once.Do(func() {
		// Low accuracy mode (trigram models only) with the models loaded once, on first use:
		// about 26 MB, and a tenth of a millisecond a text. Only texts the fast checks could not
		// decide come here, and only their words, at most langPrefixBytes of them.
		d.det = lingua.NewLanguageDetectorBuilder().FromLanguages(libraryLanguages...).
			WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
		d.codes = make([]string, int(lingua.Unknown)+1)
		for _, l := range lingua.AllLanguages() {
			d.codes[l] = strings.ToLower(l.IsoCode639_1().String())
		}
	})
	return d.det
}

// libraryLanguages are the languages the library chooses from: the most used on the web and in
// customer service. A text in another language is reported as the closest of them (and is not
// English, so it is unreliable either way).
var libraryLanguages = []lingua.Language{
	lingua.English, lingua.Spanish, lingua.French, lingua.German, lingua.Portuguese, lingua.Italian,
	lingua.Dutch, lingua.Swedish, lingua.Danish, lingua.Bokmal, lingua.Finnish, lingua.Polish,
	lingua.Czech, lingua.Romanian, lingua.Hungarian, lingua.Turkish, lingua.Indonesian, lingua.Malay,
	lingua.Tagalog, lingua.Vietnamese, lingua.Russian, lingua.Ukrainian, lingua.Greek, lingua.Arabic,
	lingua.Persian, lingua.Hebrew, lingua.Hindi, lingua.Bengali, lingua.Chinese, lingua.Japanese,
	lingua.Korean, lingua.Thai, lingua.Swahili, lingua.Catalan, lingua.Croatian,
}

// langResult is what detection found.
type langResult struct {
	lang string
	// english: the model can read the text.
	english bool
}

// senderLanguage normalizes a language tag given by the sender ("en-US" → "en") without
// allocating for the common forms.
func senderLanguage(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "en", "EN", "En":
		return "en"
	}
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(tag)
		}
	}
	return tag
}

// detect decides the language of a tokenized text from the tokenizer's counts (words: word tokens;
// english: those that are common English words).
func (d *langDetector) detect(t *tokenizer, words, english int) langResult {
	s := &t.scripts
	letters := s.total()
	if letters == 0 {
		return langResult{}
	}
	if s.latin*2 < letters {
		switch {
		case s.kana > 0:
			return langResult{lang: "ja"}
		case s.hangul*2 >= letters:
			return langResult{lang: "ko"}
		case s.greek*2 >= letters:
			return langResult{lang: "el"}
		case s.hebrew*2 >= letters:
			return langResult{lang: "he"}
		case s.thai*2 >= letters:
			return langResult{lang: "th"}
		}
		return d.ask(t, english)
	}
	// Latin script, a short text with a word that is not a common English one: another
	// language's function words, as many as the common English words or more ("Gracias por
	// nada", "Je suis très déçu du service": "gracias", "nada", "je" and "du" are common in
	// English messages too) → that language. (Longer texts in another language have too few
	// English words to pass for English below.)
	l, hits, counted := "", 0, false
	if words <= shortForeign && english < words {
		l, hits = d.stopwords(t)
		counted = true
		if l != "" && hits >= english {
			return langResult{lang: l}
		}
	}
	// A third of the words or more are common English ones → English.
	if english > 0 && english*3 >= words && (english >= 2 || words <= 2) {
		return langResult{lang: "en", english: true}
	}
	if !counted {
		l, _ = d.stopwords(t)
	}
	if l != "" {
		return langResult{lang: l}
	}
	if words <= shortText {
		// Too short for any detector to tell ("thnx!", "Yezz :D"): English if a word is.
		if english > 0 {
			return langResult{lang: "en", english: true}
		}
		return langResult{}
	}
	return d.ask(t, english)
}

// stopwordLangs are the languages whose function words the fast check knows, and those words
// (written for this project): enough to name the language of most messages in them without the
// library, which takes about a millisecond a text.
var stopwordLangs = [...]struct{ code, words string }{
	{"es", "el la los las del que y en una por para con es se lo su al como pero más muy ya está están fue hay mi yo tu este esta eso porque cuando donde nada todo gracias hola mis sus pedido vuelo ayuda"},
	{"fr", "le la les des du de un une et est que qui dans pour pas ne sur avec ce cette mais ou je tu il elle nous vous ils sont été très plus mon ma mes votre merci beaucoup bonjour c'est j'ai n'est toujours commande"},
	{"de", "der die das und ist nicht ein eine mit für auf den dem des sich auch es ich du er sie wir ihr sind war noch schon aber oder wenn weil kein keine mein meine danke bitte immer habe bestellung"},
	{"pt", "o os as do da dos das que e em um uma para com não é por mais muito mas como eu você ele ela está estão foi meu minha obrigado obrigada olá também pedido"},
	{"it", "il lo gli di del della che è un una per con non sono ma come più molto anche io lui lei noi voi questo questa grazie ciao perché ordine niente nulla"},
	{"nl", "de het een en van is dat niet op te met voor zijn ik je jij wij maar ook nog al wel geen mijn bedankt dank hallo bestelling"},
	{"sv", "och att det som är en ett inte jag du han hon vi med för på av till men har var tack hej mycket"},
	{"tr", "ve bir bu da için ile ne çok ben sen biz siz değil var yok ama gibi daha teşekkürler merhaba sipariş"},
	{"id", "dan yang di ke dari ini itu untuk dengan tidak ada saya kamu kami mereka akan sudah belum terima kasih juga bisa"},
	{"pl", "w na z że się nie to jest do jak ale tak co po za od ja on ona my wy dziękuję cześć bardzo"}, // not "ty": "thank you" in English messages
}

// stopwordTable maps a word to the set of stopwordLangs it is a function word of.
type stopwordTable struct {
	t     table
	masks []uint16
}

func newStopwordTable() *stopwordTable {
	sets := map[string]uint16{}
	for i, l := range stopwordLangs {
		for _, w := range strings.Fields(l.words) {
			for _, form := range normalizeTerm(w) {
				sets[form] |= 1 << uint(i)
			}
		}
	}
	st := &stopwordTable{t: newTable(len(sets))}
	for w, m := range sets {
		st.t.put(hashString(w), int32(len(st.masks)))
		st.masks = append(st.masks, m)
	}
	return st
}

var stopwordsOnce = sync.OnceValue(newStopwordTable)

// stopwords names the language of a Latin-script text from its function words, with how many of
// its words are function words of it, or returns "" and 0.
func (d *langDetector) stopwords(t *tokenizer) (string, int) {
	st := stopwordsOnce()
	var hits [len(stopwordLangs)]int
	words := 0
	for k := range t.toks {
		tk := &t.toks[k]
		if tk.kind != tkWord {
			continue
		}
		words++
		if i := st.t.get(tk.h); i >= 0 {
			for m, l := st.masks[i], 0; m != 0; m, l = m>>1, l+1 {
				if m&1 != 0 {
					hits[l]++
				}
			}
		}
	}
	best, second := -1, 0
	for l, h := range hits {
		switch {
		case best < 0 || h > hits[best]:
			if best >= 0 {
				second = hits[best]
			}
			best = l
		case h > second:
			second = h
		}
	}
	if best < 0 || hits[best] < 2 || hits[best]*4 < words || hits[best] <= second {
		return "", 0
	}
	return stopwordLangs[best].code, hits[best]
}

// ask runs the library on the words of the text (not its links, mentions or numbers), at most
// langPrefixBytes of them. It allocates; only texts the fast checks cannot decide come here.
func (d *langDetector) ask(t *tokenizer, english int) langResult {
	buf := make([]byte, 0, langPrefixBytes+32)
	for k := range t.toks {
		tk := &t.toks[k]
		if tk.kind != tkWord {
			continue
		}
		buf = append(buf, t.normOf(tk)...)
		buf = append(buf, ' ')
		if len(buf) >= langPrefixBytes {
			break
		}
	}
	vals := d.library().ComputeLanguageConfidenceValues(string(buf))
	if len(vals) == 0 || vals[0].Value() == 0 {
		return langResult{english: english > 0}
	}
	top := vals[0]
	if top.Language() == lingua.English {
		return langResult{lang: "en", english: true}
	}
	if top.Value() >= langConfident || english == 0 {
		return langResult{lang: d.codes[top.Language()]}
	}
	// The library is unsure and some words are English ones: read it as English.
	return langResult{lang: "en", english: true}
}

// langConfident is the library's confidence above which its answer overrides English words.
const langConfident = 0.6
