package sentiment

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"

	"github.com/cxpulse/cxpulse/event"
)

// Example is a labelled message.
type Example struct {
	Text     string
	Language string
	Label    event.Label
}

// Split selects a deterministic part of a data set by a hash of each message's text, so that
// anyone can rerun an evaluation on the same rows: with Fraction 0.8, Part "train" keeps the
// messages whose hash falls in the first 80% and Part "test" the other 20%.
type Split struct {
	Fraction float64
	Part     string // "train", "test" or "" (everything)
}

// Validate reports a split that cannot work.
func (s Split) Validate() error {
	switch s.Part {
	case "":
		return nil
	case "train", "test":
	default:
		return fmt.Errorf("split part %q: want train or test", s.Part)
	}
	if s.Fraction <= 0 || s.Fraction >= 1 {
		return fmt.Errorf("split fraction %v: want a number between 0 and 1", s.Fraction)
	}
	return nil
}

// Keep reports whether the message text belongs to the selected part.
func (s Split) Keep(text string) bool {
	if s.Part == "" {
		return true
	}
	h := fnv.New64a()
	_, _ = io.WriteString(h, text)
	x := float64(mix(h.Sum64())>>11) / float64(1<<53) // mixed: FNV's high bits vary little between similar texts
	return (x < s.Fraction) == (s.Part == "train")
}

// maxDataLine bounds one line of a data file.
const maxDataLine = 1 << 20

// ReadExamples reads JSONL with "text" and "label" (positive, negative or neutral) and an optional
// "language"; other fields are ignored. name is used in errors, which carry the line number.
func ReadExamples(name string, r io.Reader, split Split) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxDataLine)
	var out []Example
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var row struct {
			Text     *string `json:"text"`
			Label    *string `json:"label"`
			Language string  `json:"language"`
		}
		if err := json.Unmarshal(line, &row); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if row.Text == nil || row.Label == nil {
			return nil, fmt.Errorf("%s:%d: want \"text\" and \"label\"", name, n)
		}
		l, err := event.ParseLabel(*row.Label)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if split.Keep(*row.Text) {
			out = append(out, Example{Text: *row.Text, Language: row.Language, Label: l})
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s: a line is longer than %d bytes", name, maxDataLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// ReadExampleFile reads a JSONL data file (see ReadExamples).
func ReadExampleFile(path string, split Split) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only
	return ReadExamples(path, f, split)
}

// Metrics are the results of an evaluation.
type Metrics struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
	// Binary is set when the data has no neutral labels: MacroF1 is then over negative and
	// positive, and a neutral answer counts as wrong.
	Binary bool `json:"binary"`
	// Unreliable counts messages scored with Reliable=false (they answer neutral).
	Unreliable int                     `json:"unreliable"`
	Classes    map[string]ClassMetrics `json:"classes"`
	// Confusion[true][predicted], in the order negative, neutral, positive.
	Confusion [3][3]int `json:"confusion"`

	// How well the probabilities match what happened (messages scored unreliable included, with
	// the uniform probabilities they get). LogLoss is the mean of -ln P(true class), P taken as at
	// least 1e-4 (probabilities are given to four decimals); Brier the mean squared distance of
	// the three probabilities from the true class (0 to 2); ECE, the expected calibration error,
	// the gap between accuracy and mean confidence in each bin of Reliability, weighted by the
	// bin's share of the messages.
	LogLoss     float64  `json:"log_loss"`
	Brier       float64  `json:"brier"`
	ECE         float64  `json:"ece"`
	Reliability []CalBin `json:"reliability"`
}

// numCalBins is the number of equal-width bins of confidence in Metrics.Reliability.
const numCalBins = 10

// CalBin is the messages whose confidence (the probability of the answer given) fell in [Lo, Hi)
// ([0.9, 1] for the last): their number, mean confidence and accuracy. A calibrated model's
// are equal.
type CalBin struct {
	Lo         float64 `json:"lo"`
	Hi         float64 `json:"hi"`
	N          int     `json:"n"`
	Confidence float64 `json:"confidence"`
	Accuracy   float64 `json:"accuracy"`
}

// calibration accumulates the calibration figures of an evaluation, per bin of confidence: the
// messages, and the sums of their confidence, right answers, log loss and Brier score.
type calibration [numCalBins]struct {
	n                         int
	conf, correct, nll, brier float64
}

// add counts a message of true class label, scored answer with probabilities p. Its confidence
// is the highest probability (an unreliable message's confidence field is 0, its probabilities a
// third each).
func (cal *calibration) add(p event.Probs, label, answer event.Label) {
	pc := [3]float64{p.Negative, p.Neutral, p.Positive}
	conf := max(pc[0], pc[1], pc[2])
	s := &cal[min(int(conf*numCalBins), numCalBins-1)]
	s.n++
	s.conf += conf
	if answer == label {
		s.correct++
	}
	s.nll -= math.Log(max(pc[label+1], 1e-4))
	for c := range pc {
		d := pc[c]
		if c == int(label+1) {
			d--
		}
		s.brier += d * d
	}
}

// ClassMetrics are the per-class figures.
type ClassMetrics struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Evaluate scores every example and compares with its label. binary forces binary evaluation
// (otherwise chosen when no example is neutral).
func Evaluate(s *Scorer, exs []Example, binary bool) Metrics {
	var m Metrics
	var cal calibration
	var sent event.Sentiment
	hasNeutral := false
	for i := range exs {
		s.Score(exs[i].Text, exs[i].Language, &sent)
		if !sent.Reliable {
			m.Unreliable++
		}
		m.Confusion[exs[i].Label+1][sent.Label+1]++
		cal.add(sent.Probs, exs[i].Label, sent.Label)
		hasNeutral = hasNeutral || exs[i].Label == event.Neutral
	}
	m.N = len(exs)
	m.Binary = binary || !hasNeutral
	m = m.finish()
	cal.fill(&m)
	return m
}

func (m Metrics) finish() Metrics {
	m.Classes = map[string]ClassMetrics{}
	correct := 0
	var f1sum float64
	classes := 0
	for c := 0; c < 3; c++ {
		correct += m.Confusion[c][c]
		tp := m.Confusion[c][c]
		var pred, support int
		for k := 0; k < 3; k++ {
			pred += m.Confusion[k][c]
			support += m.Confusion[c][k]
		}
		var cm ClassMetrics
		cm.Support = support
		if pred > 0 {
			cm.Precision = float64(tp) / float64(pred)
		}
		if support > 0 {
			cm.Recall = float64(tp) / float64(support)
		}
		if cm.Precision+cm.Recall > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / (cm.Precision + cm.Recall)
		}
		m.Classes[event.Label(c-1).String()] = cm
		if m.Binary && c == 1 {
			continue
		}
		f1sum += cm.F1
		classes++
	}
	if m.N > 0 {
		m.Accuracy = float64(correct) / float64(m.N)
	}
	if classes > 0 {
		m.MacroF1 = f1sum / float64(classes)
	}
	return m
}

// fill sets m's calibration figures from the sums (none without messages).
func (cal *calibration) fill(m *Metrics) {
	var n int
	var nll, brier float64
	for _, s := range cal {
		n += s.n
		nll += s.nll
		brier += s.brier
	}
	if n == 0 {
		return
	}
	m.LogLoss, m.Brier = nll/float64(n), brier/float64(n)
	m.Reliability = make([]CalBin, numCalBins)
	for b, s := range cal {
		bin := CalBin{Lo: float64(b) / numCalBins, Hi: float64(b+1) / numCalBins, N: s.n}
		if s.n > 0 {
			bin.Confidence, bin.Accuracy = s.conf/float64(s.n), s.correct/float64(s.n)
			m.ECE += float64(s.n) / float64(n) * math.Abs(bin.Accuracy-bin.Confidence)
		}
		m.Reliability[b] = bin
	}
}
