package sentiment

// The rule features: what the lexicon and the cues of customer conversations say about a message.
// The model turns them into class scores with one weight per class; the priors below are the
// weights written from knowledge of support conversations. The default model keeps them as they
// are for general text (general-domain text has too few customer conversations to weigh them)
// and learns its support side's from support messages; a team's model starts from those support
// weights and is regularised towards them (from these priors, trained without a base).

// Rule feature indices.
const (
	rfPos              = iota // log(1 + positive lexicon valence, after negation, intensifiers, contrast)
	rfNeg                     // log(1 + negative lexicon valence, same)
	rfComplaint               // log(1 + weight of complaint cues)
	rfPraise                  // log(1 + weight of praise cues)
	rfSarcasm                 // a sarcasm marker fired
	rfQuestion                // a question or request for information
	rfNoSentiment             // nothing in the lexicon or the cues
	rfExclaim                 // exclamation marks (0..1)
	rfPoliteComplaint         // courtesy ("thanks", "please") in a message that complains
	rfNegation                // negators (0..1)
	rfCaps                    // a sentiment word in capitals
	rfEmojiPos                // positive emoji or emoticons (0..1)
	rfEmojiNeg                // negative emoji or emoticons (0..1)
	rfURL                     // a link
	rfLength                  // log(1 + words) / 4
	rfPerson                  // the writer speaks as "I"/"we" or to "you": subjective, not a news line
	rfCalmAsk                 // a question or request in a message that names a problem calmly
	rfMiddleRating            // a middle score ("3/5", "6/10", "3 stars"): the writer's verdict is so-so
	rfExclaimComplaint        // exclamation marks (0..1) in a message whose only feeling is a complaint or sarcasm
	rfTurnPos                 // a long account that ends well after a bad story: log(1 + the closing's net praise)
	rfTurnNeg                 // a long account that ends badly after a good start: log(1 + the closing's net blame)
	rfClosingAsk              // a long message that asks, with nothing negative in its last sentence
	numRule
)

// ruleFeature describes one rule feature.
type ruleFeature struct {
	name string
	// prior weights for negative, neutral, positive.
	prior [3]float32
	// cx marks the cues of customer conversations, which general-domain data cannot weigh.
	cx bool
}

var ruleFeatures = [numRule]ruleFeature{
	rfPos:              {"lexicon_positive", [3]float32{-0.9, -0.3, 1.2}, false},
	rfNeg:              {"lexicon_negative", [3]float32{1.2, -0.3, -0.9}, false},
	rfComplaint:        {"complaint", [3]float32{1.6, -0.5, -1.1}, true},
	rfPraise:           {"praise", [3]float32{-0.8, -0.4, 1.2}, true},
	rfSarcasm:          {"sarcasm", [3]float32{1.2, -0.4, -0.8}, true},
	rfQuestion:         {"question", [3]float32{-0.2, 0.6, -0.4}, false},
	rfNoSentiment:      {"no_sentiment", [3]float32{-0.4, 0.9, -0.5}, false},
	rfExclaim:          {"exclamation", [3]float32{0.25, -0.5, 0.25}, false},
	rfPoliteComplaint:  {"polite_complaint", [3]float32{0.6, -0.2, -0.4}, true},
	rfNegation:         {"negation", [3]float32{0.3, -0.1, -0.2}, false},
	rfCaps:             {"caps", [3]float32{0.2, -0.2, 0}, false},
	rfEmojiPos:         {"emoji_positive", [3]float32{-0.5, -0.3, 0.8}, false},
	rfEmojiNeg:         {"emoji_negative", [3]float32{0.8, -0.3, -0.5}, false},
	rfURL:              {"url", [3]float32{-0.2, 0.4, -0.2}, false},
	rfLength:           {"length", [3]float32{0.3, -0.4, 0.1}, false},
	rfPerson:           {"person", [3]float32{0.1, -0.3, 0.1}, false},
	rfCalmAsk:          {"calm_ask", [3]float32{0, 0, 0}, true},
	rfMiddleRating:     {"middle_rating", [3]float32{-0.6, 1.2, -0.6}, true},
	rfExclaimComplaint: {"exclamation_complaint", [3]float32{0.5, -0.5, 0}, true},
	rfTurnPos:          {"turn_positive", [3]float32{-0.4, -0.2, 0.6}, true},
	rfTurnNeg:          {"turn_negative", [3]float32{0.6, -0.2, -0.4}, true},
	rfClosingAsk:       {"closing_ask", [3]float32{-0.3, 0.5, -0.2}, true},
}

// priorBias is the class bias of the rules alone.
var priorBias = [3]float32{0, 0.3, 0}

// Scoring constants of the rules.
const (
	negationScope  = 3    // words after a negator that it turns around
	negationFactor = -0.6 // "not good" is mildly negative, "not bad" mildly positive
	// emphaticNegation replaces negationFactor when the negation is emphatic ("not bad at all"):
	// the words are turned fully around.
	emphaticNegation = -1.0
	capsFactor       = 1.25
	elongFactor      = 1.15
	beforeContrast   = 0.5 // "good but slow": what comes before "but" counts half…
	afterContrast    = 1.4 // …and what follows counts more
	// middleRating is the value of the middle_rating feature: a so-so score ("3/5", "6/10") is
	// the writer's own verdict on the good and bad points around it, and weighs as three
	// features do. (With 1, the models read 10 of the 21 support messages that give one right;
	// 19 of them are labelled neutral.)
	middleRating = 3
)
