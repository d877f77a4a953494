package event

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// sameTime reports whether a and b are the same instant in the same location, as Format, Zone
// and == see them.
func sameTime(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo && a.Location().String() == b.Location().String() &&
		a.Format(time.RFC3339Nano) == b.Format(time.RFC3339Nano)
}

// checkRFC3339 compares parseRFC3339Quoted with time.Parse on s: where the fast path answers it
// must give what time.Parse gives; where time.Parse fails it must not answer.
func checkRFC3339(t *testing.T, s string) (fast bool) {
	t.Helper()
	got, ok := parseRFC3339Quoted([]byte(strconv.Quote(s)))
	want, err := time.Parse(time.RFC3339Nano, s)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%q: fast path gave %v, time.Parse fails: %v", s, got, err)
	}
	if !sameTime(got, want) {
		t.Fatalf("%q: fast path gave %v (%s), time.Parse %v (%s)", s, got, got.Location(), want, want.Location())
	}
	return true
}

func TestParseRFC3339Quoted(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fast bool
	}{
		{"2026-11-25T14:03:11Z", true},
		{"2026-11-25T14:03:11.250Z", true},
		{"2026-11-25T14:03:11.2Z", true},
		{"2026-11-25T14:03:11.123456789Z", true},
		{"2026-11-25T14:03:11.1234567891Z", false}, // more than 9 digits: time.Parse truncates
		{"2026-11-25T14:03:11+02:00", true},
		{"2026-11-25T14:03:11.5-07:30", true},
		{"2026-11-25T14:03:11+00:00", true},
		{"2026-11-25T14:03:11-00:00", true},
		{"2026-11-25T14:03:11+05:45", true},
		{"2026-11-25T14:03:11+23:59", true},
		{"2026-11-25T14:03:11+24:00", false},
		{"2026-11-25T14:03:11+02:60", false},
		{"2026-11-25T14:03:11+0200", false},
		{"2026-11-25T14:03:11", false},
		{"2026-11-25T14:03:11.Z", false},
		{"2026-11-25T14:03:11,5Z", false}, // a comma: left to time.Parse
		{"2026-11-25t14:03:11Z", false},
		{"2026-11-25T14:03:11z", false},
		{"2026-11-25 14:03:11Z", false},
		{"2026-11-25T24:00:00Z", false},
		{"2026-11-25T23:60:00Z", false},
		{"2026-11-25T23:59:60Z", false},
		{"2026-02-29T00:00:00Z", false},
		{"2024-02-29T00:00:00Z", true},
		{"2000-02-29T00:00:00Z", true},
		{"1900-02-29T00:00:00Z", false},
		{"2026-04-31T00:00:00Z", false},
		{"2026-12-31T23:59:59.999999999Z", true},
		{"2026-00-10T00:00:00Z", false},
		{"2026-13-10T00:00:00Z", false},
		{"2026-11-00T00:00:00Z", false},
		{"0000-01-01T00:00:00Z", true},
		{"9999-12-31T23:59:59Z", true},
		{"+2026-11-25T14:03:11Z", false},
		{"2026-1-25T14:03:11Z", false},
		{"2026-11-25T14:03:11Z ", false},
		{"", false},
	} {
		if got := checkRFC3339(t, tc.in); got != tc.fast {
			t.Errorf("%q: fast path taken %v, want %v", tc.in, got, tc.fast)
		}
	}
	for _, raw := range []string{`"2026-11-25T14:03:11\u005a"`, `"2026-11-25T14:03:11Z`, `2026`, `""`, `"`} {
		if _, ok := parseRFC3339Quoted([]byte(raw)); ok {
			t.Errorf("%s: fast path taken", raw)
		}
	}
}

// TestParseRFC3339QuotedRandom compares with time.Parse on random times in the forms senders use,
// with some fields out of range.
func TestParseRFC3339QuotedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	const n = 200000
	for range n {
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", rng.IntN(10000), rng.IntN(14), rng.IntN(33),
			rng.IntN(25), rng.IntN(61), rng.IntN(61))
		if rng.IntN(2) == 0 {
			s += "." + fmt.Sprintf("%09d", rng.IntN(1e9))[:1+rng.IntN(9)]
		}
		switch rng.IntN(3) {
		case 0:
			s += "Z"
		default:
			s += fmt.Sprintf("%c%02d:%02d", "+-"[rng.IntN(2)], rng.IntN(25), rng.IntN(61))
		}
		if checkRFC3339(t, s) {
			fast++
		}
	}
	if fast < n/4 {
		t.Fatalf("fast path taken for only %d of %d", fast, n)
	}
}

// TestParseRFC3339QuotedLocal checks the choice between the local zone and a fixed one that
// time.Parse makes for an offset, in a zone with daylight saving time.
func TestParseRFC3339QuotedLocal(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	saved := time.Local
	time.Local = loc
	defer func() { time.Local = saved }()
	for _, s := range []string{
		"2026-11-25T14:03:11+01:00", "2026-07-25T14:03:11+01:00", "2026-07-25T14:03:11+02:00",
		"2026-11-25T14:03:11+02:00", "2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00+02:00",
		"2026-10-25T02:30:00+01:00", "2026-11-25T14:03:11Z",
	} {
		if !checkRFC3339(t, s) {
			t.Errorf("%q: fast path not taken", s)
		}
	}
}

// TestParseTimeDifferential compares parseTime with the time.Parse-only parser it replaced, on
// valid times, times outside the storable range and malformed ones: same time, same error.
func TestParseTimeDifferential(t *testing.T) {
	var ins []string
	for _, s := range []string{
		"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:59:59+01:00",
		"1970-01-01T01:00:00+01:00", "2105-12-31T23:59:59Z", "2106-01-01T00:00:00Z",
		"2106-01-01T00:30:00+01:00", "2105-12-31T23:30:00-01:00", "0001-01-01T00:00:00Z",
		"2026-11-25T14:03:11.250Z", "2026-11-25T14:03:11,250Z", "2026-13-25T14:03:11Z", "yesterday",
	} {
		ins = append(ins, strconv.Quote(s))
	}
	ins = append(ins, `"2026-11-25T14:03:11\u005a"`, `"2026-11-25T14:03:11\"`, `1764079391.25`, `"\xff"`)
	for _, raw := range ins {
		got, gotErr := parseTime([]byte(raw))
		want, ok := parseTimeRef([]byte(raw))
		if (gotErr == nil) != ok || ok && !sameTime(got, want) {
			t.Errorf("%s: got %v, %v; want %v (valid: %v)", raw, got, gotErr, want, ok)
		}
	}
}

// parseTimeRef is what parseTime must give: for a quoted time, time.Parse's reading of the
// decoded string if it lies in the storable range; ok is false where parseTime must fail.
func parseTimeRef(raw []byte) (t time.Time, ok bool) {
	if raw[0] != '"' {
		t, err := parseTime(raw) // numbers take the unchanged path
		return t, err == nil
	}
	d := decoder{data: raw}
	if s, err := d.str(); err == nil {
		t, err = time.Parse(time.RFC3339Nano, s)
		ok = err == nil && !t.Before(minTime) && t.Year() <= 2105
	}
	return t, ok
}

func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{
		"2026-11-25T14:03:11Z", "2026-11-25T14:03:11.250Z", "2026-11-25T14:03:11+02:00",
		"2024-02-29T23:59:59.999999999-12:00", "2026-11-25T14:03:11,5Z", "1969-12-31T23:59:59Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkRFC3339(t, s)
		raw := []byte(strconv.Quote(s))
		got, gotErr := parseTime(raw)
		want, ok := parseTimeRef(raw)
		if (gotErr == nil) != ok || ok && !sameTime(got, want) {
			t.Fatalf("%s: got %v, %v; want %v (valid: %v)", raw, got, gotErr, want, ok)
		}
	})
}

func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2026-11-25T14:03:11.250Z", "2026-11-25T14:03:11+02:00"} {
		raw := []byte(strconv.Quote(s))
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseTime(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s+"/time.Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := parseTimeRef(raw); !ok {
					b.Fatal("invalid")
				}
			}
		})
	}
}
