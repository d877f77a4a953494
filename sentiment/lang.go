package sentiment

import (
	"strings"
	"sync"

	"github.com/pemistahl/lingua-go"
)

// shortText is the number of words up to which a Latin-script text is not handed to the library.
const shortText = 3

// langPrefixBytes bounds the text handed to the language detection library.
const langPrefixBytes = 256

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
	// Latin script: most words are common English ones → English.
	if english > 0 && english*2 >= words && (english >= 2 || words <= 2) {
		return langResult{lang: "en", english: true}
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

// ask runs the library on the words of the text (not its links, mentions or numbers), at most
// langPrefixBytes of them. It allocates; only texts the fast checks cannot decide come here.
func (d *langDetector) ask(t *tokenizer, english int) langResult {
	buf := make([]byte, 0, langPrefixBytes+32)
	for k := range t.toks {
		tk := &t.toks[k]
		if tk.kind != tkWord && tk.kind != tkHashtag {
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
