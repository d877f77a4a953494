// Package intake holds what the doors of cxpulse other than the plain HTTP API share: building
// events from a source's fields with the normalization rules of the JSON wire form, the
// per-source counters, the mapping of source attributes to event fields, and a bounded memory of
// recently seen delivery ids.
package intake

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/cxpulse/cxpulse/event"
)

// Fields are the parts of an event a door has extracted from its source, before normalization.
// Empty strings and a zero Time mean "not given": the parser's defaults then apply (source and
// channel from the door, time from the receive time, id from the content hash).
type Fields struct {
	ID         string
	Time       time.Time
	Source     string
	Channel    string
	CustomerID string
	Product    string
	Region     string
	Language   string
	Text       string
	Labels     map[string]string
}

// wire mirrors the JSON wire form of an event; it is what Build hands to event.Parser, so that an
// event entering through any door obeys exactly the rules of POST /v1/events.
type wire struct {
	ID         string            `json:"id,omitempty"`
	Time       string            `json:"time,omitempty"`
	Source     string            `json:"source,omitempty"`
	Channel    string            `json:"channel,omitempty"`
	CustomerID string            `json:"customer_id,omitempty"`
	Product    string            `json:"product,omitempty"`
	Region     string            `json:"region,omitempty"`
	Language   string            `json:"language,omitempty"`
	Text       string            `json:"text"`
	Labels     map[string]string `json:"labels,omitempty"`
}

// Build normalizes f into an event with p's limits and defaults: text truncation, label limits,
// UTF-8 repair, default id and time. index is only used in the error, which is an *event.Error.
// now is the receive time. f.Labels is not retained.
func Build(p *event.Parser, f *Fields, index int, now time.Time) (event.Event, event.Fixes, error) {
	w := wire{
		ID: f.ID, Source: f.Source, Channel: f.Channel, CustomerID: f.CustomerID,
		Product: f.Product, Region: f.Region, Language: f.Language, Text: f.Text, Labels: f.Labels,
	}
	if !f.Time.IsZero() {
		w.Time = f.Time.UTC().Format(time.RFC3339Nano)
	}
	repaired := !validUTF8(f)
	data, err := json.Marshal(&w)
	if err != nil {
		return event.Event{}, event.Fixes{}, &event.Error{Index: index, Reason: event.ReasonInvalid, Msg: fmt.Sprintf("cannot encode event: %v", err)}
	}
	ev, fx, err := p.ParseObject(data, index, now)
	if err != nil {
		return ev, fx, err
	}
	fx.UTF8Repaired = fx.UTF8Repaired || repaired
	return ev, fx, nil
}

func validUTF8(f *Fields) bool {
	for _, s := range [...]string{f.ID, f.Source, f.Channel, f.CustomerID, f.Product, f.Region, f.Language, f.Text} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	for k, v := range f.Labels {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// CloneEvents copies evs deeply enough (the slice and every label map) that the copy can be
// handed to a Submitter, which owns what it is given, while the caller keeps evs for a retry.
func CloneEvents(evs []event.Event) []event.Event {
	out := make([]event.Event, len(evs))
	copy(out, evs)
	for i := range out {
		if out[i].Labels != nil {
			m := make(map[string]string, len(out[i].Labels))
			for k, v := range out[i].Labels {
				m[k] = v
			}
			out[i].Labels = m
		}
	}
	return out
}
