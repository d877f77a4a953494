package redact

import (
	"net/netip"
)

// run describes a candidate phone or card number: digits with single separators.
type run struct {
	end       int // end of the trimmed run
	digits    int
	plus      bool
	cardChars bool // only digits, ' ' and '-'
	groups    int
	first     int // digits in the first group
	minGroup  int // fewest digits in a group after the first
	maxGroup  int
}

// numericRun scans from s[i] over digits and the separators ' ', '-', '.', '(' and ')' (a '+'
// only at the start; at most two separators in a row). It returns the run trimmed of trailing
// separators, and the end of everything scanned.
func numericRun(s string, i int) (run, int) {
	r := run{cardChars: true, minGroup: 1 << 30}
	j := i
	if s[j] == '+' {
		r.plus = true
		r.cardChars = false
		j++
	}
	seps := 0
	cur := 0
	closeGroup := func() {
		if cur == 0 {
			return
		}
		r.groups++
		if r.groups == 1 {
			r.first = cur
		} else if cur < r.minGroup {
			r.minGroup = cur
		}
		if cur > r.maxGroup {
			r.maxGroup = cur
		}
		cur = 0
	}
	otherSep := false // a separator other than ' ' and '-' since the last digit
	for ; j < len(s); j++ {
		ch := s[j]
		if isDigit(ch) {
			if otherSep {
				r.cardChars = false
				otherSep = false
			}
			cur++
			r.digits++
			r.end = j + 1
			seps = 0
			continue
		}
		if ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')' {
			break
		}
		if ch == ')' {
			r.end = j + 1 // a closing parenthesis may end the run
		}
		if seps++; seps > 2 {
			break
		}
		if ch != ' ' && ch != '-' {
			otherSep = true
		}
		closeGroup()
	}
	closeGroup()
	if r.end < i {
		r.end = i
	}
	if r.groups < 2 {
		r.minGroup = 0
	}
	// A parenthesis closing the run after the last digit is only kept when one opened it.
	return r, j
}

// isPhone applies the phone rules: with a leading '+', 8 to 15 digits (E.164) in any grouping;
// without, 9 to 15 digits in 2 to 6 groups of 2 to 6 digits (the first group may be a single
// '1', as in 1-800-...; two groups need 10 digits, so that ZIP+4 codes stay), or the local form
// ddd-dddd. A plain run of digits without '+' is not a
// phone: it cannot be told from an order or account number.
func (r run) isPhone() bool {
	if r.plus {
		return r.digits >= 8 && r.digits <= 15
	}
	if r.groups < 2 || r.groups > 6 || r.maxGroup > 6 {
		return false
	}
	if r.groups == 2 && r.first == 3 && r.minGroup == 4 && r.digits == 7 {
		return true
	}
	if r.digits < 9 || r.digits > 15 || r.minGroup < 2 || r.groups == 2 && r.digits < 10 {
		return false
	}
	return r.first >= 2 || r.first == 1 && r.digits == 11
}

// luhn checks the Luhn sum of the digits of s (other bytes are skipped).
func luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n > 0 && sum%10 == 0
}

// findIPv4 matches a dotted quad of decimal octets (0-255) at s[i].
func findIPv4(s string, i int) (int, bool) {
	j := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if j >= len(s) || s[j] != '.' {
				return 0, false
			}
			j++
		}
		v, n := 0, 0
		for j < len(s) && isDigit(s[j]) && n < 4 {
			v = v*10 + int(s[j]-'0')
			j++
			n++
		}
		if n == 0 || n > 3 || v > 255 {
			return 0, false
		}
	}
	if j < len(s) && (isWord(s[j]) || s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])) {
		return 0, false
	}
	return j, true
}

// findIPv6 matches an IPv6 address (hex groups and colons, "::" compression, an optional
// trailing dotted quad) at s[i], checked with net/netip.
func findIPv6(s string, i int) (int, bool) {
	j, colons, hex := i, 0, 0
	for j < len(s) && j-i < 45 {
		ch := s[j]
		switch {
		case ch == ':':
			colons++
		case isHex(ch):
			hex++
		case ch == '.' && colons >= 2 && j+1 < len(s) && isDigit(s[j+1]):
		default:
			goto done
		}
		j++
	}
done:
	// Short forms such as "a::b" are more often code than addresses: ask for four hex digits
	// unless the address starts with "::" (as "::1" does).
	startsCompressed := j-i >= 2 && s[i] == ':' && s[i+1] == ':'
	if colons < 2 || hex == 0 || hex < 4 && !startsCompressed {
		return 0, false
	}
	end := j
	// Trim a single trailing ':' that ends a sentence ("address fe80::1:"), but keep "::".
	for end > i && (s[end-1] == '.' || s[end-1] == ':' && (end-2 < i || s[end-2] != ':')) {
		end--
	}
	if end < len(s) && isWord(s[end]) {
		return 0, false
	}
	if _, err := netip.ParseAddr(s[i:end]); err != nil {
		return 0, false
	}
	return end, true
}

// ibanLen is the IBAN length of countries that use IBANs (ISO 13616 registry); an IBAN of a
// country not listed is accepted at 15 to 34 characters.
var ibanLen = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
	"FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
	"HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
	"LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
	"NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
	"SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}

// findIBAN matches an IBAN at s[i], compact ("DE89370400440532013000") or printed in groups of
// four ("DE89 3704 0044 0532 0130 00"), checked with mod-97 and, for listed countries, the
// country's length.
//
// On failure it returns the end of what it scanned when that looked like an IBAN (country code,
// check digits, groups), so the caller does not find a card or phone number inside a mistyped
// IBAN; otherwise it returns i.
func findIBAN(s string, i int) (int, bool) {
	if i+15 > len(s) || !isAlpha(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return i, false
	}
	var compact [34]byte
	var ends [34]int // ends[n-1]: position in s after the n-th character
	n := 0
	j := i
	for j < len(s) && n < 34 {
		ch := s[j]
		switch {
		case isDigit(ch) || isAlpha(ch):
			compact[n] = upper(ch)
			n++
			ends[n-1] = j + 1
			j++
			continue
		case ch == ' ' && n%4 == 0 && j+1 < len(s) && (isDigit(s[j+1]) || isAlpha(s[j+1])):
			j++
			continue
		}
		break
	}
	want, listed := ibanLen[string(compact[:2])]
	for m := n; m >= 15; m-- {
		if listed && m != want {
			continue
		}
		end := ends[m-1]
		if end < len(s) && isWord(s[end]) {
			continue
		}
		if mod97(compact[:m]) == 1 {
			return end, true
		}
	}
	if n >= 15 {
		return j, false
	}
	return i, false
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// mod97 computes the IBAN check: the first four characters moved to the end, letters as 10..35.
func mod97(b []byte) int {
	r := 0
	add := func(c byte) {
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	for _, c := range b[4:] {
		add(c)
	}
	for _, c := range b[:4] {
		add(c)
	}
	return r
}

// findEmails appends a span for every e-mail address in s: a local part of letters, digits and
// ._%+- before an '@', and a domain of at least two dot-separated labels ending in a
// top-level domain of two or more letters.
func findEmails(s string, spans []span) []span {
	lastEnd := 0
	for at := 0; at < len(s); at++ {
		if s[at] != '@' {
			continue
		}
		start := at
		for start > lastEnd && isLocal(s[start-1]) {
			start--
		}
		for start < at && s[start] == '.' {
			start++
		}
		if start == at {
			continue
		}
		end, ok := domainEnd(s, at+1)
		if !ok {
			continue
		}
		spans = append(spans, span{start, end, Email})
		lastEnd = end
		at = end - 1
	}
	return spans
}

func isLocal(c byte) bool {
	return isDigit(c) || isAlpha(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// domainEnd returns the end of a domain name starting at s[i].
func domainEnd(s string, i int) (int, bool) {
	j, labels, lastDot := i, 0, -1
	labelLen, tldAlpha := 0, true
	for ; j < len(s); j++ {
		ch := s[j]
		if isDigit(ch) || isAlpha(ch) || ch == '-' {
			if labelLen == 0 {
				tldAlpha = true
			}
			labelLen++
			if !isAlpha(ch) {
				tldAlpha = false
			}
			continue
		}
		if ch == '.' && labelLen > 0 && j+1 < len(s) && (isDigit(s[j+1]) || isAlpha(s[j+1])) {
			labels++
			lastDot = j
			labelLen = 0
			continue
		}
		break
	}
	if labelLen > 0 {
		labels++
	}
	if labels < 2 || lastDot < 0 || !tldAlpha || j-lastDot-1 < 2 {
		return 0, false
	}
	return j, true
}
