package sentiment

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// tokStrings renders tokens as kind:form for comparison.
func tokStrings(text string) []string {
	var t tokenizer
	t.tokenize(text)
	var out []string
	for i := range t.toks {
		tk := &t.toks[i]
		s := tk.kind.String() + ":"
		switch tk.kind {
		case tkWord, tkHashtag:
			s += string(t.normOf(tk))
			if tk.flags&tfCaps != 0 {
				s += "/caps"
			}
			if tk.flags&tfElongated != 0 {
				s += "/long"
			}
		default:
			s += text[tk.start:tk.end]
		}
		out = append(out, s)
	}
	return out
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"@united Flight UA123 delayed", []string{"mention:@united", "word:flight", "word:ua123/caps", "word:delayed"}},
		{"see https://x.co/a?b=1 or www.example.com/x.", []string{"word:see", "url:https://x.co/a?b=1", "word:or", "url:www.example.com/x."}},
		{"#fail #Love", []string{"hashtag:fail", "hashtag:love"}},
		{"sooo goooood!!!", []string{"word:soo/long", "word:good/long", "exclaim:!!!"}},
		{"WORST service EVER?!", []string{"word:worst/caps", "word:service", "word:ever/caps", "question:?!"}},
		{"don't can’t it's", []string{"word:don't", "word:can't", "word:it's"}},
		{"I <3 it :) :-( :D", []string{"word:i", "emoticon:<3", "word:it", "emoticon::)", "emoticon::-(", "emoticon::D"}},
		{"I &lt;3 you &amp; them", []string{"word:i", "emoticon:&lt;3", "word:you", "word:them"}},
		{"love it 😍👍🏽", []string{"word:love", "word:it", "emoji:😍", "emoji:👍"}},
		{"Café crème, 3 hours", []string{"word:café", "word:crème", "break:,", "number:3", "word:hours"}},
		{"3rd time", []string{"word:3rd", "word:time"}},
		{"Daily :Drama", []string{"word:daily", "break::", "word:drama"}},
		{"a\xffb", []string{"word:a", "word:b"}},
		{"", nil},
	} {
		require.Equal(t, tc.want, tokStrings(tc.in), "tokenize %q", tc.in)
	}
}

func TestTokenizeScripts(t *testing.T) {
	var tk tokenizer
	tk.tokenize("Привет мир")
	require.Equal(t, 9, tk.scripts.cyrillic)
	tk.tokenize("こんにちは")
	require.Equal(t, 5, tk.scripts.kana)
	tk.tokenize("hello")
	require.Equal(t, 5, tk.scripts.latin)
	require.Equal(t, 0, tk.scripts.cyrillic, "counts are reset between texts")
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"@united sooo late!!! :( http://t.co/x #fail 😡", "&lt;3 &amp;", "don't", "a\xff\xfe", ":-D x", "Ünïcödé", "!!1?", strings.Repeat("a", 300), "pls dont u", "Ill be there, id like it", "U.S. b4 gr8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tk tokenizer
		tk.tokenize(s)
		prevEnd := int32(0)
		for i := range tk.toks {
			x := &tk.toks[i]
			if x.start < prevEnd || x.end <= x.start || int(x.end) > len(s) {
				t.Fatalf("token %d (%s) spans [%d,%d) after %d in %d bytes", i, x.kind, x.start, x.end, prevEnd, len(s))
			}
			prevEnd = x.end
			if x.kind == tkWord || x.kind == tkHashtag {
				n := tk.normOf(x)
				if len(n) == 0 {
					t.Fatalf("token %d: empty word", i)
				}
				if x.h != hashBytes(n) {
					t.Fatalf("token %d: hash does not match its form", i)
				}
				if utf8.ValidString(s) && !utf8.Valid(n) {
					t.Fatalf("token %d: invalid UTF-8 form %q from valid input", i, n)
				}
			}
		}
	})
}

// checkShortWord checks that where shortWord reads a word at i, it reads what longWord reads.
func checkShortWord(t *testing.T, text string, i int) {
	t.Helper()
	var a, b tokenizer
	a.norm, b.norm = append(a.norm, "x"...), append(b.norm, "x"...) // a word not at the start
	j, ok := a.shortWord(text, i, tkHashtag)
	if !ok {
		require.Empty(t, a.toks, "%q at %d", text, i)
		return
	}
	k := b.longWord(text, i, tkHashtag)
	require.Equal(t, k, j, "%q at %d", text, i)
	require.Equal(t, b.toks, a.toks, "%q at %d", text, i)
	require.Equal(t, string(b.norm), string(a.norm), "%q at %d", text, i)
	require.Equal(t, b.scripts, a.scripts, "%q at %d", text, i)
	require.Equal(t, [2]int{b.upper, b.letters}, [2]int{a.upper, a.letters}, "%q at %d", text, i)
}

func TestShortWord(t *testing.T) {
	reads := 0
	for _, s := range []string{
		"the parcel", "a b", "abcdefg.", "abcdefgh ", "aaa bb", "baaa car", "bbaab ca", "cool!!!!", "zz zzz ",
		"don't go", "half-way", "x_y words", "ok\u2019s fine", "caf\u00e9 noir", "helloW x", "abc1 def", "abc\xff defgh",
		"ab  ", "aab,xyzw", "lol :) ok", "a\u00a0", "niiice ok", "The Cat", "HELLO world", "SOOO good", "AAa", "Aaa b",
		"sTuPiD me", "OK", "I am", "x@y.z", "a[b]c{d}", "`z` ~ |",
	} {
		for _, s := range []string{s, s + "........"} { // at the end of the text, and with room for the eight bytes
			for i := range s {
				var a tokenizer
				if _, ok := a.shortWord(s, i, tkWord); ok {
					reads++
				}
				checkShortWord(t, s, i)
			}
		}
	}
	require.Greater(t, reads, 30) // the cases exercise the short path, not only its refusals
}

func FuzzShortWord(f *testing.F) {
	for _, s := range []string{"the parcel never came", "aaa bbb", "don't stop", "ok\u2019s fine", "caf\u00e9 noir", "The CAT sAt", "SOOO Aaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := range s {
			checkShortWord(t, s, i)
		}
	})
}

// Every emoticon is read whole at a token boundary (the longest that matches), and not when a
// letter or digit follows it.
func TestEmoticons(t *testing.T) {
	for k := range emoticons {
		e := emoticons[k].text
		for _, text := range []string{e, "ok " + e + " ok", "\"" + e + "\" ok"} {
			var tk tokenizer
			tk.tokenize(text)
			found := false
			for _, x := range tk.toks {
				if x.kind == tkEmoticon {
					require.False(t, found, "%q", text)
					found = true
					require.Equal(t, k, int(x.r), "%q", text)
					require.Equal(t, e, text[x.start:x.end], "%q", text)
				}
			}
			require.True(t, found, "%q", text)
		}
		var tk tokenizer
		j, _ := tk.emoticonAt(e+"1", 0)
		require.NotEqual(t, len(e), j, "%q", e+"1")
	}
}

func TestIsSpace(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := strings.ContainsRune(" \t\n\r\f\v", rune(c))
		if got := isSpace(byte(c)); got != want {
			t.Errorf("isSpace(%#x) = %v", c, got)
		}
	}
}

func TestRespell(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"pls dont u", []string{"word:please", "word:don't", "word:you"}},
		{"PLS", []string{"word:please/caps"}},
		{"thx b4 2day", []string{"word:thanks", "word:before", "word:today"}},
		{"so dissapointed bc of ur app", []string{"word:so", "word:disappointed", "word:because", "word:of", "word:your", "word:app"}},
		{"U.S. mail", []string{"word:u", "break:.", "word:s", "break:.", "word:mail"}},
		{"#pls", []string{"hashtag:pls"}},
		// "ill" and "id" are "i'll" and "i'd" before a verb, unless the word before makes them the
		// adjective or the noun.
		{"Ill be home Thursday", []string{"word:i'll", "word:be", "word:home", "word:thursday"}},
		{"confirming ill collect it", []string{"word:confirming", "word:i'll", "word:collect", "word:it"}},
		{"id like a refund", []string{"word:i'd", "word:like", "word:a", "word:refund"}},
		{"before id even noticed", []string{"word:before", "word:i'd", "word:even", "word:noticed"}},
		{"wish id switched", []string{"word:wish", "word:i'd", "word:switched"}},
		{"I was ill all week", []string{"word:i", "word:was", "word:ill", "word:all", "word:week"}},
		{"feeling ill be back soon", []string{"word:feeling", "word:ill", "word:be", "word:back", "word:soon"}},
		{"ill health", []string{"word:ill", "word:health"}},
		{"my id expired", []string{"word:my", "word:id", "word:expired"}},
		{"ID required", []string{"word:id/caps", "word:required"}},
		{"ill", []string{"word:ill"}},
		// Hesitations are dropped; a run of breaks around one stays one break.
		{"um how do i, uhh, erm change it", []string{"word:how", "word:do", "word:i", "break:,", "word:change", "word:it"}},
		{"UMMM ill um be in", []string{"word:i'll", "word:be", "word:in"}},
		{"#um umbrella", []string{"hashtag:um", "word:umbrella"}},
		{"um", nil},
	} {
		require.Equal(t, tc.want, tokStrings(tc.in), "tokenize %q", tc.in)
	}
	// The evidence quotes what the customer wrote.
	var tk tokenizer
	tk.tokenize("pls")
	require.Equal(t, int32(3), tk.toks[0].end)
}

func TestSpellingsBad(t *testing.T) {
	for _, tc := range []struct{ list, pronouns, fillers, err string }{
		{"please", "", "", "want a word and its other spellings"},
		{"please Pls", "", "", `"Pls" is not one lower-case word`},
		{"please pls\nplease pls", "", "", `"pls" is listed twice`},
		{"please pls\nthanks please", "", "", `"please" is both a full form and another spelling`},
		{"please pls", "i'll pls", "", `pronoun spellings line 1: "pls" is listed twice`},
		{"please 'pls", "", "", "is not one lower-case word"},
		{"please pls", "", "um pls", `fillers: "pls" is also another spelling of "please"`},
		{"please pls", "", "um please", `"please" is both a full form and another spelling`},
		{"please pls", "", "Um", `fillers: "Um" is not one lower-case word`},
	} {
		_, err := buildSpellings(tc.list, tc.pronouns, tc.fillers)
		require.ErrorContains(t, err, tc.err, "%q", tc.list)
	}
	_, err := buildSpellings("please pls", "", "um")
	require.NoError(t, err)
	var big strings.Builder
	for i := range 300 {
		big.WriteString("w" + strconv.Itoa(i) + " x" + strconv.Itoa(i) + "\n")
	}
	_, err = buildSpellings(big.String(), "", "")
	require.ErrorContains(t, err, "more than 256 other spellings")
}
