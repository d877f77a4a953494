package sentiment

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tkWord     tokKind = iota // letters (and digits, apostrophes) lower-cased, elongation collapsed
	tkHashtag                 // #word: norm holds the word without '#'
	tkMention                 // @user
	tkURL                     // http://…, https://…, www.…
	tkNumber                  // digits
	tkEmoji                   // one emoji; r holds the rune
	tkEmoticon                // :) :( <3 …; r holds its index in emoticons
	tkExclaim                 // a run of '!' (n = run length)
	tkQuestion                // a run of '?' (n = run length)
	tkBreak                   // . , ; : and other clause ends
)

var tokKindNames = [...]string{"word", "hashtag", "mention", "url", "number", "emoji", "emoticon", "exclaim", "question", "break"}

// String names the kind.
func (k tokKind) String() string {
	if int(k) < len(tokKindNames) {
		return tokKindNames[k]
	}
	return "kind?"
}

// Token flags.
const (
	tfCaps      uint8 = 1 << iota // a word of two or more letters, all upper case
	tfElongated                   // a letter repeated three or more times ("sooo")
	tfDigit                       // the word has a digit ("ua123", "3rd")
)

// token is one unit of text (32 bytes). start/end are byte offsets into the scored text;
// nOff/nLen locate the normalized form in the tokenizer's norm buffer (words, hashtags).
type token struct {
	h     uint64 // hash of the normalized form (words, hashtags) or of the digits (numbers)
	start int32
	end   int32
	nOff  int32
	r     rune   // emoji rune; emoticon index
	nLen  uint16 // text is clipped to maxScoreBytes, so a word fits
	n     uint16 // run length of ! and ?
	kind  tokKind
	flags uint8
}

// scripts counts letters by writing system, for language detection.
type scripts struct {
	latin, cyrillic, greek, arabic, hebrew, han, kana, hangul, thai, devanagari, other int
}

func (s *scripts) total() int {
	return s.latin + s.cyrillic + s.greek + s.arabic + s.hebrew + s.han + s.kana + s.hangul + s.thai + s.devanagari + s.other
}

// tokenizer holds reusable buffers; it is not safe for concurrent use.
type tokenizer struct {
	toks    []token
	norm    []byte
	maybe   []maybePronoun // word tokens that may be "i'll" or "i'd" typed without the apostrophe
	scripts scripts
	invalid int // invalid UTF-8 bytes seen
	upper   int // upper-case letters seen
	letters int // letters seen
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashBytes is FNV-1a over b; 0 is never returned (it marks an empty slot in tables).
func hashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	if h == 0 {
		h = 1
	}
	return h
}

func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	if h == 0 {
		h = 1
	}
	return h
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isSpace(c byte) bool {
	// ' ', '\t', '\n', '\r', '\f' or '\v', as bits of one mask.
	const spaces = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r' | 1<<'\f' | 1<<'\v'
	return c <= ' ' && uint64(1)<<c&spaces != 0
}

// tokenize splits text into t.toks (reusing its buffers).
func (t *tokenizer) tokenize(text string) {
	t.toks = t.toks[:0]
	t.norm = t.norm[:0]
	t.scripts = scripts{}
	t.invalid, t.upper, t.letters = 0, 0, 0
	t.maybe = t.maybe[:0]
	n := len(text)
	i := 0
	for i < n {
		c := text[i]
		switch {
		case isSpace(c):
			i++
		case isASCIILetter(c):
			lc := c | 0x20
			if lc == 'h' && (hasPrefixFold(text[i:], "http://") || hasPrefixFold(text[i:], "https://")) {
				i = t.url(text, i)
			} else if lc == 'w' && hasPrefixFold(text[i:], "www.") {
				i = t.url(text, i)
			} else if lc == 'x' || c == 'D' {
				if j, ok := t.emoticonAt(text, i); ok {
					i = j
				} else {
					i = t.word(text, i, tkWord)
				}
			} else {
				i = t.word(text, i, tkWord)
			}
		case isDigit(c):
			j := i + 1
			for j < n && (isDigit(text[j]) || ((text[j] == '.' || text[j] == ',' || text[j] == ':') && j+1 < n && isDigit(text[j+1]))) {
				j++
			}
			// A number glued to letters ("3rd", "2hrs") is one word.
			if j < n && isASCIILetter(text[j]) {
				i = t.word(text, i, tkWord)
				continue
			}
			t.toks = append(t.toks, token{kind: tkNumber, start: int32(i), end: int32(j), h: hashString(text[i:j])})
			i = j
		case c == '@':
			j := i + 1
			for j < n && (isASCIILetter(text[j]) || isDigit(text[j]) || text[j] == '_') {
				j++
			}
			if j > i+1 {
				t.toks = append(t.toks, token{kind: tkMention, start: int32(i), end: int32(j)})
			}
			i = j
		case c == '#':
			if i+1 < n && (isASCIILetter(text[i+1]) || isDigit(text[i+1]) || text[i+1] >= utf8.RuneSelf) {
				n0 := len(t.toks)
				i = t.word(text, i+1, tkHashtag)
				if len(t.toks) > n0 {
					t.toks[n0].start-- // include the '#'
				}
			} else {
				i++
			}
		case c == '!':
			j := i
			for j < n && (text[j] == '!' || text[j] == '1' && j > i) {
				j++
			}
			t.toks = append(t.toks, token{kind: tkExclaim, start: int32(i), end: int32(j), n: uint16(min(j-i, 1000))})
			i = j
		case c == '?':
			j := i
			for j < n && (text[j] == '?' || text[j] == '!') {
				j++
			}
			t.toks = append(t.toks, token{kind: tkQuestion, start: int32(i), end: int32(j), n: uint16(min(j-i, 1000))})
			i = j
		case c == '&':
			// HTML entities as found in exported social posts: &amp; &lt; &gt; &quot; (&lt;3 is a heart).
			if hasPrefixFold(text[i:], "&lt;3") {
				t.toks = append(t.toks, token{kind: tkEmoticon, start: int32(i), end: int32(i + 5), r: int32(emoticonHeart)})
				i += 5
			} else if j := entityEnd(text, i); j > i {
				i = j
			} else {
				i++
			}
		case c < utf8.RuneSelf:
			if j, ok := t.emoticonAt(text, i); ok {
				i = j
				continue
			}
			if c == '\\' && i+5 < n && text[i+1] == 'u' && isHex4(text[i+2:i+6]) {
				// A literal JSON escape left in exported text ("\u2019"): a break, not a word.
				if len(t.toks) == 0 || t.toks[len(t.toks)-1].kind != tkBreak {
					t.toks = append(t.toks, token{kind: tkBreak, start: int32(i), end: int32(i + 6)})
				}
				i += 6
				continue
			}
			switch c {
			case '.', ',', ';', ':', '(', ')', '"', '[', ']', '{', '}', '|', '/', '\\':
				// Collapse runs of breaks into one token.
				if len(t.toks) == 0 || t.toks[len(t.toks)-1].kind != tkBreak {
					t.toks = append(t.toks, token{kind: tkBreak, start: int32(i), end: int32(i + 1)})
				}
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size <= 1 {
				t.invalid++
				i++
				continue
			}
			switch {
			case isEmoji(r):
				t.toks = append(t.toks, token{kind: tkEmoji, start: int32(i), end: int32(i + size), r: r})
				i += size
			case unicode.IsLetter(r):
				i = t.word(text, i, tkWord)
			case r == '\u2019' || r == '\u2018':
				i += size
			case unicode.IsPunct(r):
				if len(t.toks) == 0 || t.toks[len(t.toks)-1].kind != tkBreak {
					t.toks = append(t.toks, token{kind: tkBreak, start: int32(i), end: int32(i + size)})
				}
				i += size
			default:
				i += size // marks, symbols, spaces, joiners, selectors
			}
		}
	}
	if len(t.maybe) > 0 {
		t.respellPronouns()
	}
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i] | 0x20
		if !isDigit(s[i]) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func entityEnd(text string, i int) int {
	j := i + 1
	for j < len(text) && j-i <= 8 && (isASCIILetter(text[j]) || text[j] == '#' || isDigit(text[j])) {
		j++
	}
	if j < len(text) && text[j] == ';' && j > i+1 {
		return j + 1
	}
	return i
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i]|0x20 && s[i] != prefix[i] {
			return false
		}
	}
	return true
}

func (t *tokenizer) url(text string, i int) int {
	j := i
	for j < len(text) && !isSpace(text[j]) {
		j++
	}
	t.toks = append(t.toks, token{kind: tkURL, start: int32(i), end: int32(j)})
	return j
}

// word reads a word starting at i: letters, digits, inner apostrophes and hyphens. It lower-cases
// it into t.norm, collapses any letter repeated three or more times to two, and hashes it (FNV-1a,
// as hashBytes) on the way.
func (t *tokenizer) word(text string, i int, kind tokKind) int {
	if j, ok := t.shortWord(text, i, kind); ok {
		return j
	}
	return t.longWord(text, i, kind)
}

// longWord is word for any word.
func (t *tokenizer) longWord(text string, i int, kind tokKind) int {
	n := len(text)
	norm := t.norm // a local copy: appends stay in registers
	off := len(norm)
	start := i
	h := uint64(fnvOffset)
	var flags uint8
	ascii, upper, uletters := 0, 0, 0 // ASCII letters, upper-case letters, other letters
	var prev rune = -1
	run := 0
	for i < n {
		c := text[i]
		if c-'a' < 26 { // the common case, a lower-case ASCII letter, without the general switch
			ascii++
			if rune(c) != prev {
				prev, run = rune(c), 1
			} else if run++; run >= 3 {
				flags |= tfElongated
				i++
				continue
			}
			norm = append(norm, c)
			h ^= uint64(c)
			h *= fnvPrime
			i++
			continue
		}
		var r rune
		size := 1
		switch {
		case c >= 'A' && c <= 'Z':
			ascii++
			upper++
			r = rune(c | 0x20)
		case c >= '0' && c <= '9':
			r = rune(c)
			flags |= tfDigit
		case c == '\'' || c == '-' || c == '_':
			// Inner apostrophe or hyphen: keep when a letter follows.
			if i+1 < n && i > start && (isASCIILetter(text[i+1]) || text[i+1] >= utf8.RuneSelf) {
				r = rune(c)
				if c == '_' {
					r = '-'
				}
			} else {
				goto done
			}
		case c < utf8.RuneSelf:
			goto done
		default:
			var rr rune
			rr, size = utf8.DecodeRuneInString(text[i:])
			switch {
			case rr == utf8.RuneError && size <= 1:
				goto done
			case rr == '\u2019' || rr == '\u2018':
				if i+size < n && i > start && isASCIILetter(text[i+size]) {
					r = '\''
				} else {
					goto done
				}
			case unicode.IsLetter(rr) || unicode.Is(unicode.Mn, rr):
				if unicode.IsLetter(rr) {
					uletters++
					t.countScript(rr)
					if unicode.IsUpper(rr) {
						upper++
					}
				}
				r = unicode.ToLower(rr)
			default:
				goto done
			}
		}
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run >= 3 && r > '9' {
			flags |= tfElongated
		} else if r < utf8.RuneSelf {
			norm = append(norm, byte(r))
			h ^= uint64(r)
			h *= fnvPrime
		} else {
			k := len(norm)
			norm = utf8.AppendRune(norm, r)
			for _, b := range norm[k:] {
				h ^= uint64(b)
				h *= fnvPrime
			}
		}
		i += size
	}
done:
	t.norm = norm
	if i == start { // nothing word-like here ("#" before an invalid byte): skip a byte
		return i + 1
	}
	letters := ascii + uletters
	if letters >= 2 && upper == letters {
		flags |= tfCaps
	}
	t.scripts.latin += ascii
	if h == 0 {
		h = 1
	}
	t.upper += upper
	t.letters += letters
	t.toks = append(t.toks, token{kind: kind, flags: flags, start: int32(start), end: int32(i), nOff: int32(off), nLen: uint16(len(norm) - off), h: h})
	t.respellWord(&t.toks[len(t.toks)-1], kind, text)
	return i
}

// add appends a token of kind over text[start:end], its other fields zero, and returns it. The
// fields are stored one by one: a token composed on the stack and then copied would be read back
// with loads wider than the stores that wrote it, which the processor cannot forward.
func (t *tokenizer) add(kind tokKind, start, end int) *token {
	n := len(t.toks)
	if n == cap(t.toks) {
		t.toks = append(t.toks, token{})
	}
	t.toks = t.toks[:n+1]
	tk := &t.toks[n]
	tk.h, tk.start, tk.end, tk.nOff, tk.r, tk.nLen, tk.n, tk.kind, tk.flags = 0, int32(start), int32(end), 0, 0, 0, 0, kind, 0
	return tk
}

// SWAR constants: a byte repeated in every byte of a word.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// shortWord does what word does for the commonest case, a word of one to seven ASCII letters
// without a run of three that is followed by a byte that cannot continue a word, with the eight
// bytes from i read as one number: where the word ends, its lower case and whether a letter
// repeats are found without a branch per letter. It returns false, having done nothing, for
// anything else.
func (t *tokenizer) shortWord(text string, i int, kind tokKind) (int, bool) {
	var x uint64
	if i+8 <= len(text) {
		b := text[i : i+8]
		x = uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	} else { // the end of the text, zero bytes after it
		for k := len(text) - 1; k >= i; k-- {
			x = x<<8 | uint64(text[k])
		}
	}
	lx := x | 0x20*swarOnes // lower case, where x is a letter
	// The high bit of each byte of alpha: the byte is an ASCII letter. (lx|swarHigh) minus a
	// constant below 0x80 borrows from no other byte.
	alpha := ((lx | swarHigh) - 0x61*swarOnes) &^ ((lx | swarHigh) - 0x7b*swarOnes) &^ x & swarHigh
	l := bits.TrailingZeros64(^alpha&swarHigh) >> 3 // the letters before the first other byte
	if l == 0 || l == 8 {
		return 0, false
	}
	// The byte after the word must end it: not a letter, digit, apostrophe, hyphen, underscore
	// or the start of a multi-byte character (word reads those).
	if i+l < len(text) {
		switch c := text[i+l]; {
		case c >= utf8.RuneSelf, isDigit(c), c == '\'', c == '-', c == '_':
			return 0, false
		}
	}
	if l >= 3 {
		// A zero byte k of d: bytes k, k+1 and k+2 are equal. Bytes from l-2 on are set, and a
		// zero test that may report a false zero above a true one decides only the slow path.
		y := lx ^ lx>>8
		d := y | y>>8 | ^uint64(0)<<(8*(l-2))
		if (d-swarOnes)&^d&swarHigh != 0 {
			return 0, false
		}
	}
	// Upper-case letters have bit 5 clear; x<<2 brings it to the high bit of its byte.
	upper := bits.OnesCount64(alpha &^ (x << 2) & (1<<(8*l) - 1))
	var flags uint8
	if l >= 2 && upper == l {
		flags = tfCaps
	}
	norm := t.norm
	off := len(norm)
	if cap(norm)-off < 8 {
		norm = append(norm, make([]byte, 8)...)[:off]
	}
	binary.LittleEndian.PutUint64(norm[off:off+8], lx)
	t.norm = norm[:off+l]
	// FNV-1a over the l letters: the hashes of the first 1 to 7 bytes, of which the l-th is the
	// word's. A loop of l steps would end in a mispredicted branch, and choosing at each step
	// would lengthen the chain of steps.
	var hs [8]uint64
	h := uint64(fnvOffset)
	h = (h ^ lx&0xff) * fnvPrime
	hs[1] = h
	h = (h ^ lx>>8&0xff) * fnvPrime
	hs[2] = h
	h = (h ^ lx>>16&0xff) * fnvPrime
	hs[3] = h
	h = (h ^ lx>>24&0xff) * fnvPrime
	hs[4] = h
	h = (h ^ lx>>32&0xff) * fnvPrime
	hs[5] = h
	h = (h ^ lx>>40&0xff) * fnvPrime
	hs[6] = h
	h = (h ^ lx>>48&0xff) * fnvPrime
	hs[7] = h
	h = hs[l&7]
	if h == 0 {
		h = 1
	}
	t.scripts.latin += l
	t.upper += upper
	t.letters += l
	tk := t.add(kind, i, i+l)
	tk.flags, tk.nOff, tk.nLen, tk.h = flags, int32(off), uint16(l), h
	t.respellWord(tk, kind, text)
	return i + l, true
}

func (t *tokenizer) countScript(r rune) {
	s := &t.scripts
	switch {
	case r < 0x250:
		s.latin++
	case r >= 0x370 && r < 0x400:
		s.greek++
	case r >= 0x400 && r < 0x530:
		s.cyrillic++
	case r >= 0x590 && r < 0x600:
		s.hebrew++
	case r >= 0x600 && r < 0x800 || r >= 0xFB50 && r < 0xFE00 || r >= 0xFE70 && r < 0xFF00:
		s.arabic++
	case r >= 0x900 && r < 0x980:
		s.devanagari++
	case r >= 0xE00 && r < 0xE80:
		s.thai++
	case r >= 0x1E00 && r < 0x1F00:
		s.latin++
	case r >= 0x3040 && r < 0x3100 || r >= 0x31F0 && r < 0x3200 || r >= 0xFF66 && r < 0xFFA0:
		s.kana++
	case r >= 0xAC00 && r < 0xD7B0 || r >= 0x1100 && r < 0x1200 || r >= 0x3130 && r < 0x3190:
		s.hangul++
	case r >= 0x4E00 && r < 0xA000 || r >= 0x3400 && r < 0x4DC0 || r >= 0x20000 && r < 0x2FA20:
		s.han++
	default:
		s.other++
	}
}

// normOf returns the normalized bytes of tok.
func (t *tokenizer) normOf(tok *token) []byte { return t.norm[tok.nOff : tok.nOff+int32(tok.nLen)] }

// isEmoji reports whether r is a pictographic emoji or a common symbol used as one.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F300 && r <= 0x1FAFF:
		return r < 0x1F3FB || r > 0x1F3FF // not the skin-tone modifiers
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r >= 0x1F000 && r <= 0x1F2FF:
		return true
	case r == 0x2B50 || r == 0x2B55 || r == 0x2764 || r == 0x203C || r == 0x2049:
		return true
	}
	return false
}
