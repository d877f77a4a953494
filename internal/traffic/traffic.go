// Package traffic generates realistic customer messages for the demo and the benchmarks.
package traffic

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/cxpulse/cxpulse/event"
)

// Generator makes messages across several channels, products and regions, from customers drawn
// with a long tail (a few write a lot), with an optional incident during which one product's
// messages in one region turn into complaints. Not safe for concurrent use.
type Generator struct {
	rng       *rand.Rand
	customers *rand.Zipf
	seq       int
	incident  Incident
}

// Incident makes messages about Product in Region mostly complaints between From and To.
type Incident struct {
	Product, Region string
	From, To        time.Time
}

var (
	trafficProducts = []string{"checkout", "search", "login", "delivery", "mobile-app"}
	trafficRegions  = []string{"eu", "us", "apac"}
	// channel mix: chat and tickets dominate, then social, reviews, surveys.
	trafficChannels = []struct {
		ch     event.Channel
		source string
		weight int
	}{
		{event.ChannelChat, "intercom", 35},
		{event.ChannelTicket, "zendesk", 30},
		{event.ChannelSocial, "twitter", 20},
		{event.ChannelReview, "appstore", 10},
		{event.ChannelSurvey, "nps", 5},
	}
	trafficPlans = []string{"free", "pro", "pro", "enterprise"}
)

// Message templates by mood; %s is the product.
var (
	msgPositive = []string{
		"Thanks a lot, the %s works perfectly now!",
		"Great support today, the agent fixed my %s issue in minutes :)",
		"Love the new %s, so much faster than before",
		"Really happy with how quickly you sorted out the %s problem, thank you!",
		"The %s update is excellent, well done team",
		"Smooth experience with %s today, nice job 👍",
	}
	msgNeutral = []string{
		"How do I change the settings of %s?",
		"Is there a way to export my data from %s?",
		"Can you tell me when the %s feature will be available in my region?",
		"I would like to update the billing address used for %s.",
		"Where can I find the documentation for %s?",
		"Please add my colleague to the %s account.",
	}
	msgNegative = []string{
		"Still waiting for my refund, third time I'm asking about %s!!",
		"The %s keeps failing, this is really frustrating",
		"I was charged twice on %s and nobody answers",
		"Terrible experience with %s, I want to cancel my account",
		"%s has been broken all morning, no response from support",
		"Very disappointed, the %s is unusable and my order is delayed again",
	}
	msgIncident = []string{
		"%s is down, I can't pay at all!!",
		"Payment failed again on %s, error every time. Fix this now",
		"Your %s is broken, I've tried five times and keep getting an error",
		"Is %s having an outage? Nothing works and my card was charged",
		"%s timeout again, still waiting, this is unacceptable",
	}
)

// New returns a generator; the same seed gives the same messages.
func New(seed uint64) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Generator{rng: rng, customers: rand.NewZipf(rng, 1.2, 4, 20000)}
}

// SetIncident injects an incident.
func (tr *Generator) SetIncident(in Incident) { tr.incident = in }

// Rhythm is the relative message volume at fraction f of a simulated day: quiet at night, a
// morning rise and an afternoon peak. It stays within [0.25, 1.5].
func Rhythm(f float64) float64 {
	v := 0.85 - 0.5*math.Cos(2*math.Pi*f) + 0.15*math.Sin(4*math.Pi*f)
	return math.Max(0.25, math.Min(1.5, v))
}

func (tr *Generator) pick(list []string) string { return list[tr.rng.IntN(len(list))] }

// Next returns the next message, at time t.
func (tr *Generator) Next(t time.Time) event.Event {
	tr.seq++
	w := tr.rng.IntN(100)
	ci := 0
	for acc := 0; ci < len(trafficChannels); ci++ {
		acc += trafficChannels[ci].weight
		if w < acc {
			break
		}
	}
	ch := trafficChannels[min(ci, len(trafficChannels)-1)]
	product, region := tr.pick(trafficProducts), tr.pick(trafficRegions)
	cust := tr.customers.Uint64()
	var text string
	in := tr.incident
	inIncident := in.Product == product && in.Region == region && !t.Before(in.From) && t.Before(in.To)
	switch r := tr.rng.Float64(); {
	case inIncident && r < 0.8:
		text = fmt.Sprintf(tr.pick(msgIncident), product)
	case r < 0.3:
		text = fmt.Sprintf(tr.pick(msgPositive), product)
	case r < 0.8:
		text = fmt.Sprintf(tr.pick(msgNeutral), product)
	default:
		text = fmt.Sprintf(tr.pick(msgNegative), product)
	}
	return event.Event{
		ID:         fmt.Sprintf("demo-%s-%d-%d", ch.source, t.UnixNano(), tr.seq),
		Time:       t,
		Source:     ch.source,
		Channel:    ch.ch,
		CustomerID: fmt.Sprintf("cust-%05d", cust),
		Product:    product,
		Region:     region,
		Text:       text,
		Labels:     map[string]string{"plan": trafficPlans[cust%uint64(len(trafficPlans))]},
	}
}

// AppendNDJSON writes n messages spread over [from, from+span) as NDJSON lines.
func (tr *Generator) AppendNDJSON(dst *bytes.Buffer, n int, from time.Time, span time.Duration) {
	var line []byte
	for i := range n {
		t := from.Add(time.Duration(float64(span) * float64(i) / float64(n)))
		ev := tr.Next(t)
		line = event.AppendJSON(line[:0], &ev)
		dst.Write(line)
		dst.WriteByte('\n')
	}
}
