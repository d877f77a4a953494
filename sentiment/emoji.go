package sentiment

// emoticon is an ASCII face and its valence (-4..+4).
type emoticon struct {
	text    string
	valence float32
}

// emoticonHeart is the index of "<3" in emoticons.
const emoticonHeart = 0

// emoticons are matched longest first at a token boundary.
var emoticons = [...]emoticon{
	{"<3", 3},
	{"</3", -2.5},
	{":-)", 2},
	{":)", 2},
	{"=)", 2},
	{":]", 2},
	{":-]", 2},
	{":o)", 2},
	{":))", 2.5},
	{"^_^", 2},
	{"^^", 1.5},
	{";-)", 1.5},
	{";)", 1.5},
	{";-D", 2},
	{";D", 2},
	{":-D", 2.5},
	{":D", 2.5},
	{"=D", 2.5},
	{"xD", 2},
	{"XD", 2},
	{"xd", 1.5},
	{":P", 1},
	{":-P", 1},
	{":p", 1},
	{":-p", 1},
	{":*", 2},
	{":-*", 2},
	{"\\o/", 2.5},
	{":-(", -2},
	{":(", -2},
	{"=(", -2},
	{":[", -2},
	{":-[", -2},
	{":((", -2.5},
	{":'(", -2.5},
	{":'-(", -2.5},
	{"D:", -2},
	{">:(", -3},
	{">:-(", -3},
	{":/", -1},
	{":-/", -1},
	{":\\", -1},
	{":-\\", -1},
	{":|", -0.8},
	{":-|", -0.8},
	{"-_-", -1.2},
	{"-.-", -1},
	{":S", -1},
	{":s", -0.8},
	{":@", -2.5},
	{":-@", -2.5},
	{":-O", -0.5},
	{":O", -0.5},
	{":o", -0.3},
	// Added later: the index is a model feature, so new ones go last.
	{"(:", 2},
	{"(-:", 2},
	{"(;", 1.5},
	{":')", 2},
	{":'D", 2},
	{";_;", -2},
	{";-;", -2},
}

// emoticonsBy lists the indices into emoticons of the emoticons that start with each byte, in
// their order there.
var emoticonsBy = func() (by [256][]uint8) {
	for k := range emoticons {
		c := emoticons[k].text[0]
		by[c] = append(by[c], uint8(k))
	}
	return by
}()

// emoticonAt matches an emoticon at text[i:] that ends at a token boundary.
func (t *tokenizer) emoticonAt(text string, i int) (int, bool) {
	cands := emoticonsBy[text[i]]
	if len(cands) == 0 {
		return i, false
	}
	if i > 0 && !isSpace(text[i-1]) && text[i-1] != '"' && text[i-1] != '(' && text[i-1] != '.' && text[i-1] != '!' && text[i-1] != '?' {
		// "word:)" glued to a word still counts when the previous char is a letter.
		if !isASCIILetter(text[i-1]) && !isDigit(text[i-1]) {
			return i, false
		}
	}
	best := -1
	for _, k := range cands {
		k := int(k)
		e := emoticons[k].text
		if len(e) > len(text)-i || (best >= 0 && len(e) <= len(emoticons[best].text)) {
			continue
		}
		if text[i:i+len(e)] != e {
			continue
		}
		if j := i + len(e); j < len(text) && (isASCIILetter(text[j]) || isDigit(text[j])) {
			continue
		}
		best = k
	}
	if best < 0 {
		return i, false
	}
	j := i + len(emoticons[best].text)
	t.toks = append(t.toks, token{kind: tkEmoticon, start: int32(i), end: int32(j), r: rune(best)})
	return j, true
}

// isIronyEmoji reports the emoji that mark what they follow as ironic: the upside-down face
// and the eye roll (see analysis.run).
func isIronyEmoji(r rune) bool { return r == 0x1F643 || r == 0x1F644 }

// clapRune is the clapping hands: applause, meant or ironic (see analysis.applause).
const clapRune = 0x1F44F

// isSoftSmile reports the smiles of courtesy: the slightly smiling face, the smiling face with
// smiling eyes and the white smiling face (see analysis.softSmile).
func isSoftSmile(r rune) bool { return r == 0x1F642 || r == 0x1F60A || r == 0x263A }

// isOKSign reports the thumbs-up and the OK hand (see analysis.okSign).
func isOKSign(r rune) bool { return r == 0x1F44D || r == 0x1F44C }

// emojiValence gives the valence (-4..+4) of the emoji most used in customer messages; others are 0.
func emojiValence(r rune) float32 {
	switch r {
	case 0x1F600, 0x1F603, 0x1F604, 0x1F601, 0x1F60A, 0x1F642, 0x263A, 0x1F60C: // grinning, smiling faces
		return 2.2
	case 0x1F602, 0x1F923, 0x1F606, 0x1F605: // tears of joy, rolling on the floor, laughing
		return 1.8
	case 0x1F60D, 0x1F970, 0x1F618, 0x1F617, 0x1F619, 0x1F61A, 0x1F929, 0x1F973: // heart eyes, kisses, star-struck, party
		return 3
	case 0x2764, 0x1F495, 0x1F496, 0x1F497, 0x1F498, 0x1F499, 0x1F49A, 0x1F49B, 0x1F49C, 0x1F5A4, 0x1F90D, 0x1F9E1, 0x1F49D, 0x1F49E, 0x1F493:
		return 3 // hearts
	case 0x1F44D, 0x1F44C, 0x1F44F, 0x1F64C, 0x1F4AA, 0x1F389, 0x1F38A, 0x2728, 0x2B50, 0x1F31F, 0x1F3C6, 0x1F947, 0x1F4AF, 0x2705, 0x1F64F, 0x1F60E, 0x1F917, 0x1F609, 0x1F60B, 0x1F924, 0x1F61C, 0x1F61D, 0x1F61B:
		return 2 // thumbs up, ok, clap, raised hands, muscle, party, sparkles, stars, trophy, 100, check, folded hands, cool, hug, wink, yum, drooling, tongue
	case 0x1F525, 0x2600, 0x1F308, 0x1F338, 0x1F339, 0x1F33A, 0x1F33B, 0x1F37E, 0x1F942, 0x1F381:
		return 1.5 // fire, sun, rainbow, flowers, bottle, toast, gift
	case 0x1F610, 0x1F611, 0x1F636, 0x1F914, 0x1F644, 0x1F62C, 0x1F615, 0x1F61F, 0x1F641, 0x2639, 0x1F937:
		return -1.2 // neutral, expressionless, thinking, eye roll, grimace, confused, worried, frowning, shrug
	case 0x1F612, 0x1F614, 0x1F61E, 0x1F623, 0x1F616, 0x1F62B, 0x1F629, 0x1F62A, 0x1F625, 0x1F630, 0x1F613, 0x1F62E, 0x1F627, 0x1F628, 0x1F626, 0x1F97A, 0x1F926, 0x1F5D1, 0x1F921:
		return -2 // unamused, pensive, disappointed, persevering, confounded, tired, weary, sleepy, sad, anxious, sweat, facepalm, wastebasket ("trash"), clown
	case 0x1F622, 0x1F62D, 0x1F494, 0x1F631, 0x1F633, 0x1F635, 0x1F922, 0x1F92E, 0x1F637, 0x1F912, 0x1F915, 0x1F480, 0x2620:
		return -2.5 // crying, sobbing, broken heart, screaming, flushed, dizzy, nauseated, vomiting, sick, skull
	case 0x1F620, 0x1F621, 0x1F624, 0x1F92C, 0x1F47F, 0x1F595, 0x1F4A9, 0x1F44E, 0x274C, 0x1F6AB:
		return -3 // angry, pouting, steam, cursing, imp, middle finger, poo, thumbs down, cross, prohibited
	}
	return 0
}

// isTears reports whether r is a crying face (😢 😭), which a message of praise sheds for joy, or
// the skull 💀, dead of laughing there.
func isTears(r rune) bool { return r == 0x1F622 || r == 0x1F62D || r == 0x1F480 }
