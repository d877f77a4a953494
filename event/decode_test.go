package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// refWire is the wire form as encoding/json sees it.
type refWire struct {
	ID         *string           `json:"id"`
	Time       json.RawMessage   `json:"time"`
	Source     *string           `json:"source"`
	Channel    *string           `json:"channel"`
	CustomerID string            `json:"customer_id"`
	Product    string            `json:"product"`
	Region     string            `json:"region"`
	Language   string            `json:"language"`
	Text       *string           `json:"text"`
	Labels     map[string]string `json:"labels"`
}

// referenceDecode is encoding/json with the strictness the wire form wants.
func referenceDecode(data []byte) (wire, error) {
	var r refWire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return wire{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return wire{}, errors.New("trailing data")
	}
	w := wire{CustomerID: r.CustomerID, Product: r.Product, Region: r.Region, Language: r.Language, Time: r.Time, Labels: r.Labels}
	for _, f := range []struct {
		p   *string
		dst *string
		bit uint16
	}{{r.ID, &w.ID, hasID}, {r.Source, &w.Source, hasSource}, {r.Channel, &w.Channel, hasChannel}, {r.Text, &w.Text, hasText}} {
		if f.p != nil {
			*f.dst = *f.p
			w.has |= f.bit
		}
	}
	return w, nil
}

func TestDecodeWireMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"id":"a","time":"2026-11-25T14:03:11.250Z","source":"s","channel":"chat","customer_id":"c","product":"p","region":"r","language":"en","text":"hi","labels":{"k":"v","k2":""}}`,
		`{"text":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud83d x"}`,
		`  {"text" : "a" , "time" : 1764079200.25e0 , "labels" : null , "id" : null }  `,
		`{"text":"a","time":-0}`,
		`{}`,
		"{\"text\":\"bad \xff utf8\"}",
	} {
		want, err := referenceDecode([]byte(in))
		if err != nil {
			t.Fatalf("%s: reference failed: %v", in, err)
		}
		var got wire
		if err := decodeWire([]byte(in), &got, newInterner()); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !reflect.DeepEqual(normalizeRaw(want), normalizeRaw(got)) {
			t.Fatalf("%s:\n got %+v\nwant %+v", in, got, want)
		}
	}
	for _, in := range []string{
		`{"text":"a",}`, `{"text":"a" "id":"b"}`, `{"text":"a","text":"b"}`, `{"text":01}`, `{"time":1.}`,
		`{"text":"\x"}`, `{"text":"\u12"}`, "{\"text\":\"a\x01\"}", `{"text":"a"}{}`, `{"labels":{"a":"b",}}`,
		`{"labels":[]}`, `{"text":true}`, `{"TEXT":"a"}`, `{"text":"a"`, `[]`, ``, `nul`,
	} {
		var got wire
		if err := decodeWire([]byte(in), &got, newInterner()); err == nil {
			t.Errorf("%s: accepted", in)
		}
	}
}

// normalizeRaw compares time values by content only.
func normalizeRaw(w wire) wire {
	w.Time = []byte(strings.TrimSpace(string(w.Time)))
	if len(w.Time) == 0 {
		w.Time = nil
	}
	return w
}

func FuzzDecodeWireAgainstEncodingJSON(f *testing.F) {
	f.Add([]byte(`{"id":"a","time":"2026-11-25T14:03:11.250Z","text":"x \u00e9","labels":{"k":"v"}}`))
	f.Add([]byte(`{"text":"\ud800\udc00 \ud800"}`))
	f.Add([]byte(`{"time":[1,{"a":null}],"text":"a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got wire
		err := decodeWire(data, &got, newInterner())
		want, refErr := referenceDecode(data)
		switch {
		case err == nil && refErr != nil:
			t.Fatalf("accepted what encoding/json rejects (%v): %q", refErr, data)
		case err == nil:
			if !reflect.DeepEqual(normalizeRaw(want), normalizeRaw(got)) {
				t.Fatalf("%q:\n got %+v\nwant %+v", data, got, want)
			}
		case refErr == nil:
			// Stricter than encoding/json only on purpose: repeated keys, keys in other case, and
			// a top-level null (which encoding/json takes as an empty object).
			var e *Error
			if !errors.As(err, &e) || (e.Msg != "appears twice" && e.Msg != "unknown field" && e.Msg != "want a JSON object, got null") {
				t.Fatalf("rejected what encoding/json accepts: %v: %q", err, data)
			}
		}
	})
}
