// Package event defines the customer message that flows through cxpulse, its scored form and its
// JSON wire form (one object per event; NDJSON or a JSON array for many).
package event

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Channel is the kind of conversation an event comes from.
type Channel uint8

// The channels cxpulse knows. ChannelUnknown is the zero value and never valid on a stored event.
const (
	ChannelUnknown Channel = iota
	ChannelTicket
	ChannelChat
	ChannelSocial
	ChannelReview
	ChannelSurvey
	ChannelLog
)

var channelNames = [...]string{"", "ticket", "chat", "social", "review", "survey", "log"}

// Channels lists every valid channel, in declaration order.
func Channels() []Channel {
	return []Channel{ChannelTicket, ChannelChat, ChannelSocial, ChannelReview, ChannelSurvey, ChannelLog}
}

// String returns the wire name of the channel ("" for ChannelUnknown).
func (c Channel) String() string {
	if int(c) < len(channelNames) {
		return channelNames[c]
	}
	return fmt.Sprintf("channel(%d)", uint8(c))
}

// ParseChannel maps a wire name to a Channel.
func ParseChannel(s string) (Channel, error) {
	for i := 1; i < len(channelNames); i++ {
		if channelNames[i] == s {
			return Channel(i), nil
		}
	}
	return ChannelUnknown, fmt.Errorf("unknown channel %q (want one of %s)", s, strings.Join(channelNames[1:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (c Channel) MarshalText() ([]byte, error) {
	if c == ChannelUnknown || int(c) >= len(channelNames) {
		return nil, fmt.Errorf("invalid channel %d", uint8(c))
	}
	return []byte(channelNames[c]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Channel) UnmarshalText(b []byte) error {
	ch, err := ParseChannel(string(b))
	if err != nil {
		return err
	}
	*c = ch
	return nil
}

// Event is one customer message as received, after normalization.
type Event struct {
	// ID identifies the message; re-sent messages with the same ID are stored once.
	ID         string
	Time       time.Time
	Source     string
	Channel    Channel
	CustomerID string
	Product    string
	Region     string
	// Language is the sender's language tag, if it gave one.
	Language string
	Text     string
	// Labels are read-only: events parsed from one body may share one map.
	Labels map[string]string
}

// DefaultID derives the id of an event whose sender gave none: a hash of source, customer and
// text, plus the time only when the sender gave one, so that a message re-sent without id or time
// collapses into the first.
func DefaultID(source, customerID, text string, t time.Time, senderGaveTime bool) string {
	h := sha256.New()
	sep := []byte{0}
	h.Write([]byte(source))
	h.Write(sep)
	h.Write([]byte(customerID))
	h.Write(sep)
	h.Write([]byte(text))
	if senderGaveTime {
		h.Write(sep)
		h.Write([]byte(t.UTC().Format(time.RFC3339Nano)))
	}
	var sum [sha256.Size]byte
	return "h-" + hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// Label is the sentiment class of a message.
type Label int8

// The three sentiment classes, ordered from worst to best.
const (
	Negative Label = -1
	Neutral  Label = 0
	Positive Label = 1
)

// String returns "negative", "neutral" or "positive".
func (l Label) String() string {
	switch l {
	case Negative:
		return "negative"
	case Positive:
		return "positive"
	case Neutral:
		return "neutral"
	}
	return fmt.Sprintf("label(%d)", int8(l))
}

// ParseLabel maps "negative", "neutral" or "positive" to a Label.
func ParseLabel(s string) (Label, error) {
	switch s {
	case "negative":
		return Negative, nil
	case "neutral":
		return Neutral, nil
	case "positive":
		return Positive, nil
	}
	return Neutral, fmt.Errorf("unknown sentiment label %q (want negative, neutral or positive)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (l Label) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Label) UnmarshalText(b []byte) error {
	v, err := ParseLabel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Evidence is a phrase that moved a score, with its signed weight (negative pulls towards
// negative sentiment).
type Evidence struct {
	Phrase string  `json:"phrase"`
	Weight float64 `json:"weight"`
}

// Probs holds the class probabilities of a score; they sum to 1.
type Probs struct {
	Negative float64 `json:"negative"`
	Neutral  float64 `json:"neutral"`
	Positive float64 `json:"positive"`
}

// Sentiment is what scoring adds to an event.
type Sentiment struct {
	// Score is in [-1, 1]: P(positive) - P(negative).
	Score      float64    `json:"score"`
	Label      Label      `json:"label"`
	Confidence float64    `json:"confidence"`
	Probs      Probs      `json:"probabilities"`
	Evidence   []Evidence `json:"evidence"`
	// Language is the detected (or sender-given) language, an ISO 639-1 code or "" when unknown.
	Language     string `json:"language"`
	Reliable     bool   `json:"reliable"`
	ModelVersion string `json:"model_version"`
	// Topics are the matched CX topics (refund, delivery, login, ...).
	Topics []string `json:"topics"`
}

// Reset clears s for reuse, keeping the capacity of its slices.
func (s *Sentiment) Reset() {
	*s = Sentiment{Evidence: s.Evidence[:0], Topics: s.Topics[:0]}
}

// Scored is an event with its score, as stored.
type Scored struct {
	Event
	Sentiment  Sentiment
	IngestedAt time.Time
}
