package event

import "time"

// parseRFC3339Quoted parses the JSON string raw (quotes included) when it holds a time in the
// common RFC 3339 forms: "2006-01-02T15:04:05" followed by an optional fraction of 1 to 9
// digits after '.', then 'Z' or a "+hh:mm"/"-hh:mm" offset. It gives the same time.Time as
// time.Parse(time.RFC3339Nano, ...), location included, without converting raw to a string.
// ok is false for anything else (escapes, other separators, longer fractions, invalid dates),
// which the caller hands to time.Parse.
func parseRFC3339Quoted(raw []byte) (t time.Time, ok bool) {
	const base = len(`"2006-01-02T15:04:05`)
	if len(raw) < base+2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return t, false
	}
	s := raw[1 : len(raw)-1]
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return t, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 ||
		hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	s = s[19:]
	nsec := 0
	if len(s) > 0 && s[0] == '.' {
		n := 1
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			nsec = nsec*10 + int(s[n]-'0')
			n++
		}
		if n == 1 || n > 10 {
			return t, false
		}
		for i := n; i < 10; i++ {
			nsec *= 10
		}
		s = s[n:]
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // past the month's end: time.Date moved it into the next month
		return time.Time{}, false
	}
	if len(s) == 1 && s[0] == 'Z' {
		return t, true
	}
	if len(s) != len("+07:00") || s[0] != '+' && s[0] != '-' || s[3] != ':' {
		return time.Time{}, false
	}
	hh, ok1 := digits(s[1:3])
	mm, ok2 := digits(s[4:6])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return time.Time{}, false
	}
	offset := (hh*60 + mm) * 60
	if s[0] == '-' {
		offset = -offset
	}
	t = t.Add(-time.Duration(offset) * time.Second)
	// As time.Parse does: the local zone when it has this offset at that instant, else an
	// unnamed fixed zone.
	if _, local := t.In(time.Local).Zone(); local == offset {
		return t.In(time.Local), true
	}
	return t.In(time.FixedZone("", offset)), true
}

// digits parses b, which must be all ASCII digits.
func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
