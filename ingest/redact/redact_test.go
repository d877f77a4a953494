package redact

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

func newDefault(t testing.TB) *Redactor {
	r, err := New(DefaultConfig(), nil)
	require.NoError(t, err)
	return r
}

func TestFixture(t *testing.T) {
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/fixture.redacted.txt")
	require.NoError(t, err)
	reg := prometheus.NewPedanticRegistry()
	r, err := New(DefaultConfig(), reg)
	require.NoError(t, err)
	got, c := r.Redact(string(in))
	require.Equal(t, string(want), got)
	require.Equal(t, 2, c.Of(Email))
	require.Equal(t, 7, c.Of(Phone))
	require.Equal(t, 3, c.Of(Card))
	require.Equal(t, 3, c.Of(IBAN))
	require.Equal(t, 4, c.Of(IP))
	require.Equal(t, 19, c.Total())
	require.Equal(t, 7.0, counterValue(t, reg, "phone"))
}

func counterValue(t *testing.T, reg *prometheus.Registry, kind string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != "cxpulse_ingest_redactions_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == kind {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no counter for kind %s", kind)
	return 0
}

// Near misses: numbers and words that look like personal data and must stay as they are.
func TestNearMisses(t *testing.T) {
	r := newDefault(t)
	for _, s := range []string{
		"order #4500123456 is late",
		"order 4500123456 is late",
		"order A-10293847 shipped",
		"ticket 48213, third time I'm asking",
		"delivered on 2024-03-15 at 14:30:00",
		"on 15.03.2024 and 03/15/2024",
		"it cost $1,299.99 or €1 299,00 or 1.234.567,89 EUR",
		"app version 2.14.1 crashed",
		"card 4111 1111 1111 1112 was declined",
		"reference 1234567812345678 please",
		"I bought 3 4 5 6 7 8 9 10 11 items",
		"ZIP 12345-6789",
		"IBAN DE89 3704 0044 0532 0130 01 is wrong",
		"the time is 10:30, see std::vector and a::b",
		"ratio 3.14159 and 1e10",
		"user@localhost has no domain",
		"room 101, floor 3",
		"",
	} {
		got, c := r.Redact(s)
		require.Equal(t, s, got, "changed %q", s)
		require.Zero(t, c.Total(), s)
	}
	require.False(t, luhn("4111 1111 1111 1112"))
	require.False(t, luhn("1234567812345678"))
}

func TestKinds(t *testing.T) {
	r := newDefault(t)
	for _, tc := range []struct{ in, want string }{
		{"a@b.co", "[email]"},
		{"write to ops@example.com.", "write to [email]."},
		{"+1 (555) 010-9999!", "[phone]!"},
		{"tel:+442079460958", "tel:[phone]"},
		{"4111111111111111", "[card]"},
		{"from 10.0.0.1:8080", "from [ip]:8080"},
		{"[2001:db8::1]:443", "[[ip]]:443"},
		{"NL91ABNA0417164300", "[iban]"},
		{"a@b.co and c@d.org", "[email] and [email]"},
		{"IP 8.8.8.8, card 4111-1111-1111-1111, mail x@y.io", "IP [ip], card [card], mail [email]"},
	} {
		got, _ := r.Redact(tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestDisabledKindsAndPatterns(t *testing.T) {
	cfg := Config{Email: true, Patterns: []Pattern{{Name: "order_ref", Regexp: `ORD-[0-9]{6}`}}}
	r, err := New(cfg, nil)
	require.NoError(t, err)
	got, c := r.Redact("ORD-123456 from a@b.co, call +44 20 7946 0958, ORD-654321")
	require.Equal(t, "[order_ref] from [email], call +44 20 7946 0958, [order_ref]", got)
	require.Equal(t, 2, c.Of(Kind(numBuiltin)))
	require.Equal(t, []string{"email", "phone", "card", "iban", "ip", "order_ref"}, r.Kinds())
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		p    Pattern
		want string
	}{
		{Pattern{Name: "Bad Name", Regexp: "x"}, "must be 1 to 32"},
		{Pattern{Name: "email", Regexp: "x"}, "already used"},
		{Pattern{Name: "x", Regexp: "("}, "missing closing"},
		{Pattern{Name: "x", Regexp: "a*"}, "matches the empty string"},
		{Pattern{Name: "x"}, "must not be empty"},
	} {
		_, err := New(Config{Patterns: []Pattern{tc.p}}, nil)
		require.ErrorContains(t, err, tc.want)
	}
}

func TestNoAllocationWhenClean(t *testing.T) {
	r := newDefault(t)
	s := "Still waiting for my refund for order 4500123456, third time I'm asking!! Delivered 2024-03-15 at 14:30."
	allocs := testing.AllocsPerRun(100, func() {
		out, _ := r.Redact(s)
		if out != s {
			t.Fatal("changed")
		}
	})
	require.Zero(t, allocs)
}

func TestConcurrent(t *testing.T) {
	r := newDefault(t)
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(t, err)
	done := make(chan string, 8)
	for range 8 {
		go func() {
			out, _ := r.Redact(string(in))
			done <- out
		}()
	}
	first := <-done
	for range 7 {
		require.Equal(t, first, <-done)
	}
}

func FuzzRedact(f *testing.F) {
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(f, err)
	for _, line := range strings.Split(string(in), "\n") {
		f.Add(line)
	}
	f.Add("order 4500123456 on 2024-03-15 for $1,299.99")
	f.Add("::ffff:192.168.0.1 and 1::")
	r := newDefault(f)
	f.Fuzz(func(t *testing.T, s string) {
		out, c := r.Redact(s)
		if c.Total() == 0 && out != s {
			t.Fatalf("changed without findings: %q -> %q", s, out)
		}
		if c.Total() > 0 && out == s {
			t.Fatalf("findings without change: %q", s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("broke UTF-8: %q -> %q", s, out)
		}
		// Every token replaces at least one byte of the input, so the number of tokens
		// bounds the findings.
		if strings.Count(out, "[") < c.Total() {
			t.Fatalf("counts %d but only %d tokens in %q", c.Total(), strings.Count(out, "["), out)
		}
	})
}

func BenchmarkRedact(b *testing.B) {
	r := newDefault(b)
	clean := "Still waiting for my refund for order 4500123456, third time I'm asking!! The parcel was due on 2024-03-15 and support said it would be there by Friday. Very disappointed with the service, I have been a customer for 6 years."
	words := "Still waiting for my refund, third time I'm asking!! The parcel was due last week and support said it would be there by Friday. Very disappointed with the service."
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(b, err)
	dirty := string(in)
	b.Run("clean", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(clean)))
		for b.Loop() {
			r.Redact(clean)
		}
	})
	b.Run("words", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(words)))
		for b.Loop() {
			r.Redact(words)
		}
	})
	b.Run("fixture", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(dirty)))
		for b.Loop() {
			r.Redact(dirty)
		}
	})
}

// checkQuickScan compares builtin, which skips text without a digit, ':' or '@', with the full
// scan on s, and checks that the skipped text holds nothing.
func checkQuickScan(t *testing.T, r *Redactor, s string) {
	t.Helper()
	var got, want Counts
	if g, w := r.builtin(s, &got), r.scan(s, &want); g != w || got != want {
		t.Fatalf("%q: builtin %q %v, full scan %q %v", s, g, got, w, want)
	}
	if !mayHoldBuiltin(s) && strings.ContainsAny(s, "0123456789:@") {
		t.Fatalf("%q: quick scan missed a candidate", s)
	}
}

func TestQuickScan(t *testing.T) {
	r := newDefault(t)
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(t, err)
	lines := strings.Split(string(in), "\n")
	lines = append(lines, "", "no digits here, just words and punctuation!?", "fe80::1", "a@b.co", "9", "::", "@",
		"DE89 3704 0044 0532 0130 00", "Still waiting for my refund, third time I'm asking!! 👍")
	for _, line := range lines {
		checkQuickScan(t, r, line)
	}
	// Every byte value alone and between words.
	for b := range 256 {
		checkQuickScan(t, r, string([]byte{byte(b)}))
		checkQuickScan(t, r, "ab "+string([]byte{byte(b)})+"12 34 56 78 9")
	}
	// Every byte value at every position of the words the quick scan reads at once, among
	// ASCII and among bytes from 0x80: it is found exactly when it is a digit, ':' or '@'.
	for _, filler := range []byte{'a', ' ', 0x7f, 0x80, 0xbf, 0xff, '/', ';', '?', 'A'} {
		for pos := range 19 {
			for b := range 256 {
				s := []byte(strings.Repeat(string([]byte{filler}), 19))
				s[pos] = byte(b)
				want := b >= '0' && b <= ':' || b == '@'
				if got := mayHoldBuiltin(string(s)); got != want {
					t.Fatalf("%q: mayHoldBuiltin %v, want %v", s, got, want)
				}
			}
		}
	}
}

func FuzzQuickScan(f *testing.F) {
	in, err := os.ReadFile("testdata/fixture.txt")
	require.NoError(f, err)
	for _, line := range strings.Split(string(in), "\n") {
		f.Add(line)
	}
	r := newDefault(f)
	f.Fuzz(func(t *testing.T, s string) { checkQuickScan(t, r, s) })
}
