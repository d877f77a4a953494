package event

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"unsafe"
)

type parsed struct {
	evs []Event
	fxs []Fixes
	err string
}

func readBoth(t *testing.T, p *Parser, body []byte, f Format) (plain, owned parsed) {
	t.Helper()
	collect := func(out *parsed, read func([]byte, Format, func(Event, Fixes) error) error) {
		n := 0
		err := read(bytes.Clone(body), f, func(ev Event, fx Fixes) error {
			out.evs = append(out.evs, ev)
			out.fxs = append(out.fxs, fx)
			if n++; n == 3 && bytes.Contains(body, []byte("stop-at-3")) {
				return fmt.Errorf("stopped")
			}
			return nil
		})
		out.err = fmt.Sprintf("%#v", err)
	}
	var ref parsed
	collect(&ref, func(b []byte, f Format, fn func(Event, Fixes) error) error {
		if f == FormatNDJSON {
			return referenceReadNDJSON(p, b, fn)
		}
		return p.ReadAll(b, f, now, fn)
	})
	collect(&plain, func(b []byte, f Format, fn func(Event, Fixes) error) error { return p.ReadAll(b, f, now, fn) })
	if !reflect.DeepEqual(ref, plain) {
		t.Fatalf("%q (format %d):\n reference %+v\n ReadAll   %+v", body, f, ref, plain)
	}
	collect(&owned, func(b []byte, f Format, fn func(Event, Fixes) error) error { return p.ReadAllOwned(b, f, now, fn) })
	return plain, owned
}

// referenceReadNDJSON is readNDJSON as it was before events shared strings and label maps: each
// line parsed on its own by ParseObject.
func referenceReadNDJSON(p *Parser, body []byte, fn func(ev Event, fx Fixes) error) error {
	i := 0
	for _, line := range bytes.Split(body, []byte{'\n'}) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			ev, fx, err := p.ParseObject(line, i, now)
			if err == nil {
				err = fn(ev, fx)
			}
			if err != nil {
				return err
			}
			i++
		}
	}
	return nil
}

var ownedSeeds = []string{
	"{\"text\":\"a\",\"labels\":{\"plan\":\"pro\"}}\n{\"text\":\"b\",\"labels\":{\"plan\":\"pro\"}}\n{\"text\":\"c\",\"labels\":{\"plan\":\"free\"}}\n{\"text\":\"d\",\"labels\":{\"plan\":\"pro\"}}",
	"{\"text\":\"a\",\"labels\":{\"plan\":\"pro\"}}\n{\"text\":\"b\",\"labels\":{\"plan\":1}}\n",
	"{\"text\":\"a\",\"labels\":{}}\n{\"text\":\"b\",\"labels\":{\"a\":\"1\",\"a\":\"2\"}}\n{\"text\":\"c\",\"labels\":{\"a\":\"1\",\"a\":\"2\"}}\n{\"text\":\"d\",\"labels\":{\"\":\"x\"}}",
	"{\"text\":\"a\",\"labels\":{\"k\":\"\xff\"}}\n{\"text\":\"b\",\"labels\":{\"k\":\"\xff\"}}\n{\"text\":\"c\",\"labels\":{\"k\":\"v\",}}",
	"{\"text\":\"a\",\"labels\":null}\n{\"text\":\"b\",\"labels\":[1]}\n",
	"{\"id\":\"a1\",\"text\":\"hello\",\"customer_id\":\"c1\",\"labels\":{\"plan\":\"pro\"}}\n\n  {\"text\":\" caf\xc3\xa9 \\u00e9\\n\"}\r\n",
	"\t{\"text\":\"bad \xff utf8\",\"id\":\"x\\\"y\"}\n{\"text\":\"b\"}",
	"{\"text\":\"a\"}\n{\"text\":\"b\",}\n",
	"{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c stop-at-3\"}\n{\"text\":\"d\"}",
	"  {\"text\":\"single\", \"time\":\"2026-11-25T13:03:11Z\"}  ",
	"[{\"text\":\"a\"},{\"text\":\"b\"}]",
	"\u00a0{\"text\":\"nbsp before\"}\u2028\n",
	"", "   ", "\n\n", "[", "{",
}

// TestReadAllOwned checks that ReadAllOwned delivers what ReadAll does, in every framing.
func TestReadAllOwned(t *testing.T) {
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	for _, s := range ownedSeeds {
		for _, f := range []Format{FormatNDJSON, FormatJSON} {
			plain, owned := readBoth(t, p, []byte(s), f)
			if !reflect.DeepEqual(plain, owned) {
				t.Errorf("%q (format %d):\n ReadAll      %+v\n ReadAllOwned %+v", s, f, plain, owned)
			}
		}
	}
}

// TestReadAllOwnedShares checks which strings share the body: the per-event ones do, the ones
// the parser keeps in its table do not.
func TestReadAllOwnedShares(t *testing.T) {
	body := []byte(`{"id":"id-1","text":"some text","customer_id":"c-1","source":"zendesk","product":"checkout","labels":{"plan":"pro"}}` + "\n")
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	in := func(s string) bool {
		start := uintptr(unsafe.Pointer(unsafe.SliceData(body)))
		ptr := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return ptr >= start && ptr < start+uintptr(len(body))
	}
	var ev Event
	if err := p.ReadAllOwned(body, FormatNDJSON, now, func(e Event, _ Fixes) error { ev = e; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{ev.ID, ev.Text, ev.CustomerID} {
		if !in(s) {
			t.Errorf("%q is a copy", s)
		}
	}
	for k, v := range ev.Labels {
		if in(k) || in(v) {
			t.Errorf("label %s=%s shares the body", k, v)
		}
	}
	for _, s := range []string{ev.Source, ev.Product} {
		if in(s) {
			t.Errorf("%q shares the body", s)
		}
	}
}

// TestReadAllSharesLabelMaps checks that events of one body with the same label object share
// one map, and that different objects get different maps.
func TestReadAllSharesLabelMaps(t *testing.T) {
	body := []byte("{\"text\":\"a\",\"labels\":{\"plan\":\"pro\"}}\n{\"text\":\"b\",\"labels\":{\"plan\":\"free\"}}\n" +
		"{\"text\":\"c\",\"labels\":{ \"plan\":\"pro\"}}\n{\"text\":\"d\",\"labels\":{\"plan\":\"pro\"}}\n")
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	var maps []uintptr
	err := p.ReadAllOwned(body, FormatNDJSON, now, func(ev Event, _ Fixes) error {
		maps = append(maps, reflect.ValueOf(ev.Labels).Pointer())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if maps[0] != maps[3] || maps[0] == maps[1] || maps[0] == maps[2] {
		t.Errorf("maps %v: want the first and the last shared, the others not", maps)
	}
}

func FuzzReadAllOwned(f *testing.F) {
	for _, s := range ownedSeeds {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	p := NewParser(DefaultLimits(), Defaults{Source: "api", Channel: ChannelChat})
	f.Fuzz(func(t *testing.T, data []byte, nd bool) {
		format := FormatJSON
		if nd {
			format = FormatNDJSON
		}
		plain, owned := readBoth(t, p, data, format)
		if !reflect.DeepEqual(plain, owned) {
			t.Fatalf("%q (format %d):\n ReadAll      %+v\n ReadAllOwned %+v", data, format, plain, owned)
		}
	})
}
