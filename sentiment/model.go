package sentiment

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// Class indices of logits and probabilities.
const (
	cNeg = iota
	cNeu
	cPos
	numClass
)

// Model is a linear model over hashed word and character n-grams and the rule features. It is
// read-only once loaded and safe for concurrent use.
type Model struct {
	info ModelInfo
	bias [numClass]float32
	rule [numRule][numClass]float32
	// w holds numClass weights per hashed feature while training; a model read from a file holds
	// them quantized in q (w[i] ≈ q[i]·scale, as stored), and for scoring once more in q8
	// (w[i] ≈ q8[i]·scale8): a quarter of the cache footprint of float32, and no measurable
	// change on any evaluation file. Cached word weights are computed from q.
	w      []float32
	q      []int16
	q8     []int8
	scale8 float32
	// pol8 replaces q8 when every row is (-x, 0, x), as in a model trained with Polarity: it
	// holds x, a third of the cache footprint.
	pol8       []int8
	scale      float32
	bits       uint
	charBits   uint
	bigramBits uint
	noChars    bool // no character n-grams
	ngramCap   int  // see ngramScale
	// vocab lists the words seen in training, for which the scorer caches the sum of the word's
	// unigram and character n-gram weights.
	vocab   []string
	version string
	// gate, when set, moves messages that read like support conversations towards the support
	// side: a second calibration of the neutral class, and the support n-grams and rule weights
	// if the model has them (see gate).
	gate *gate
	// sup, in a polarity model with a gate, are the support n-grams: polarity weights trained
	// on support messages with the examples. The gate moves a message's n-grams from those of
	// the model towards these by the same share as its neutral class, so that general text keeps
	// the n-grams of general text. sup holds numClass weights per row while training; a model
	// read from a file holds x of each row (-x, 0, x) in supQ (x ≈ supQ[i]·supScale) and, for
	// scoring, in int8 steps of supScale8 beside the row's pol8 weight in pair (pol8[r] at 2r,
	// the support weight at 2r+1: a feature's two weights cost one load from memory).
	sup                 []float32
	supQ                []int16
	pair                []int8
	supScale, supScale8 float32
}

// gate is a small logistic model of "this message reads like a support conversation rather
// than general text", over hashed units and bigrams of units (see analysis.features). Its
// probability p moves the neutral class's bias and rule weights from the model's own (fitted on
// general text) towards the support calibration (fitted on support messages), by p², and as
// much the n-gram weights and the negative and positive rule weights when the model has support
// ones (Model.sup, gate.supRules). A model without a gate has one calibration for all text.
type gate struct {
	bits  uint
	bias  float32
	scale float32 // q[i]·scale is the weight of row i
	q     []int8
	w     []float32 // the weights while training
	// The neutral bias and rule weights of the support calibration.
	neuBias float32
	neuRule [numRule]float32
	// With support rules (a model trained with SupportRules), the negative and positive rule
	// weights of the support side, which the gate moves to as it does the neutral ones.
	supRules         bool
	negRule, posRule [numRule]float32
}

// gateBits is the log2 of the gate's rows: 16 KB of int8, which stay in the processor's cache.
const gateBits = 14

// row maps a unit or bigram hash to a gate row: the top bits of its product with an odd
// constant (the hashes are FNV-1a and phraseHash values, already spread over all their bits).
func (g *gate) row(h uint64) uint32 { return uint32((h ^ saltGate) * gateMul >> (64 - g.bits)) }

// gateMul is the odd constant of gate.row.
const gateMul = 0xD6E8FEB86659FD93

// add counts units and bigrams with gate rows r1 and r2 into a: their weights into a.gsum when
// g has its integer weights (a model read from a file), else the rows into a.grows (training).
func (g *gate) add(a *analysis, r1, r2 uint32) {
	if q := g.q; q != nil {
		a.gsum += int32(q[r1]) + int32(q[r2])
		a.gn += 2
		return
	}
	a.grows = append(a.grows, r1, r2)
}

// weight is the weight of row r.
func (g *gate) weight(r uint32) float32 {
	if g.w != nil {
		return g.w[r]
	}
	return float32(float32(g.q[r]) * g.scale)
}

// prob is the gate's probability for a message whose n rows have integer weights summing to
// sum (see add): exact integer sums, scaled once.
func (g *gate) prob(sum int32, n int32) float64 {
	z := g.bias
	if n > 0 {
		z += float32(float32(sum) * float32(g.scale/float32(math.Sqrt(float64(n)))))
	}
	return 1 / (1 + math.Exp(-float64(z)))
}

// ModelInfo describes how a model was made; it is stored in the model file.
type ModelInfo struct {
	Name        string `json:"name"`
	Bits        uint   `json:"bits"`
	CharBits    uint   `json:"char_bits"`
	BigramBits  uint   `json:"bigram_bits"`
	NoCharGrams bool   `json:"no_char_grams,omitempty"` // words without their character n-grams
	// NgramCap is the number of n-gram features past which a message's n-gram sum is their mean,
	// not their sum over the square root of their number (see Model.ngramScale; 0: never).
	NgramCap     int      `json:"ngram_cap,omitempty"`
	RuleFeatures []string `json:"rule_features"`
	TrainedOn    []string `json:"trained_on,omitempty"`
	NeutralOn    []string `json:"neutral_on,omitempty"` // what the neutral class was fitted on, if not TrainedOn
	Examples     int      `json:"examples,omitempty"`
	Seed         uint64   `json:"seed,omitempty"`
	// Seeds is how many models, with seeds Seed, Seed+1, …, were averaged (see TrainOptions.Seeds).
	Seeds  int     `json:"seeds,omitempty"`
	Epochs int     `json:"epochs,omitempty"`
	L2     float64 `json:"l2,omitempty"`
	Rules  string  `json:"rules,omitempty"` // "fixed" or "learned"
	Scale  float32 `json:"scale"`           // weight quantization step
	// GateBits is the log2 of the rows of the support gate, when the model has one (see gate);
	// NeutralOn then names what the support calibration was fitted on, and GateScale is the
	// quantization step of the gate's weights.
	GateBits  uint    `json:"gate_bits,omitempty"`
	GateScale float32 `json:"gate_scale,omitempty"`
	// SupportNgrams is set when the model has support n-grams (see Model.sup), trained on
	// TrainedOn and PolarityOn; SupportScale is their quantization step.
	SupportNgrams bool     `json:"support_ngrams,omitempty"`
	SupportScale  float32  `json:"support_scale,omitempty"`
	PolarityOn    []string `json:"polarity_on,omitempty"`
	// SupportRules is set when the support side has negative and positive rule weights of its
	// own (see gate).
	SupportRules bool `json:"support_rules,omitempty"`
	// Base is the version of the model whose n-gram weights, times BaseWeight, training started
	// from (see TrainOptions.Base).
	Base       string  `json:"base,omitempty"`
	BaseWeight float64 `json:"base_weight,omitempty"`
	// BaseBlend is the share of Base's support side mixed into the trained weights at the end
	// (see TrainOptions.BaseBlend).
	BaseBlend float64 `json:"base_blend,omitempty"`
}

// Info describes the model.
func (m *Model) Info() ModelInfo { return m.info }

// Version identifies the model: its name and a hash of its file.
func (m *Model) Version() string { return m.version }

// rulesModel is the model of the rules alone: the priors, no n-grams.
func rulesModel() *Model {
	m := &Model{info: ModelInfo{Name: "rules", RuleFeatures: ruleFeatureNames(numRule)}, bias: priorBias}
	for i := range ruleFeatures {
		m.rule[i] = ruleFeatures[i].prior
	}
	m.version = "rules-" + hashVersion(nil)
	return m
}

// ruleFeatureNames lists the names of the first nr rule features, as a model file does.
func ruleFeatureNames(nr int) []string {
	names := make([]string, nr)
	for i := range names {
		names[i] = ruleFeatures[i].name
	}
	return names
}

func hashVersion(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:4])
}

const modelMagic = "CXPSENT1"

// WriteTo writes the model in its file format (gzip; the same model always gives the same bytes).
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	return m.writeTo(w, numRule)
}

// writeTo writes the model with its first nr rule features (as a build that had only those
// would).
func (m *Model) writeTo(w io.Writer, nr int) (int64, error) {
	var raw bytes.Buffer
	raw.WriteString(modelMagic)
	info := m.info
	info.RuleFeatures = ruleFeatureNames(nr)
	info.Bits = m.bits
	info.CharBits = m.charBits
	info.BigramBits = m.bigramBits
	info.NoCharGrams = m.noChars
	info.NgramCap = m.ngramCap
	// Quantize weights to int16 steps of scale.
	weight := func(i int) float32 { return float32(m.q[i]) * m.scale }
	n := len(m.q)
	if m.w != nil {
		weight = func(i int) float32 { return m.w[i] }
		n = len(m.w)
	}
	info.Scale = 0
	if mx := maxAbs(n, weight); mx > 0 {
		info.Scale = mx / 32767
	}
	// The support n-grams: x of each row, quantized to int16 steps of their own scale.
	supX := func(r int) float32 { return float32(m.supQ[r]) * m.supScale }
	nsup := len(m.supQ)
	if m.sup != nil {
		supX = func(r int) float32 { return m.sup[r*numClass+cPos] }
		nsup = len(m.sup) / numClass
	}
	info.SupportNgrams, info.SupportScale = nsup > 0, 0
	if nsup > 0 {
		info.SupportScale = 1
		if mx := maxAbs(nsup, supX); mx > 0 {
			info.SupportScale = mx / 32767
		}
	}
	info.GateBits, info.GateScale, info.SupportRules = 0, 0, false
	if g := m.gate; g != nil {
		info.GateBits, info.SupportRules = g.bits, g.supRules
		info.GateScale = 1
		if mx := maxAbs(1<<g.bits, func(r int) float32 { return g.weight(uint32(r)) }); mx > 0 {
			info.GateScale = mx / 127
		}
	}
	hdr, err := json.Marshal(info)
	if err != nil {
		return 0, fmt.Errorf("model header: %w", err)
	}
	put32 := func(x uint32) { _ = binary.Write(&raw, binary.LittleEndian, x) }
	put32(uint32(len(hdr)))
	raw.Write(hdr)
	_ = binary.Write(&raw, binary.LittleEndian, m.bias)
	_ = binary.Write(&raw, binary.LittleEndian, m.rule[:nr])
	voc := strings.Join(m.vocab, "\n")
	put32(uint32(len(voc)))
	raw.WriteString(voc)
	writeRows(&raw, n/numClass, numClass, func(i int) int16 {
		return int16(math.Round(float64(weight(i) / info.Scale)))
	})
	if nsup > 0 {
		writeRows(&raw, nsup, 1, func(r int) int16 {
			return int16(math.Round(float64(supX(r) / info.SupportScale)))
		})
	}
	if g := m.gate; g != nil {
		// The support calibration and the gate: bias, weights as int8 steps of GateScale.
		_ = binary.Write(&raw, binary.LittleEndian, g.neuBias)
		_ = binary.Write(&raw, binary.LittleEndian, g.neuRule[:nr])
		_ = binary.Write(&raw, binary.LittleEndian, g.bias)
		for r := 0; r < 1<<g.bits; r++ {
			raw.WriteByte(byte(int8(math.Round(float64(g.weight(uint32(r)) / info.GateScale)))))
		}
		if g.supRules {
			_ = binary.Write(&raw, binary.LittleEndian, g.negRule[:nr])
			_ = binary.Write(&raw, binary.LittleEndian, g.posRule[:nr])
		}
	}

	cw := &countWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return cw.n, err
	}
	if err := zw.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// maxModelBytes bounds an uncompressed model file.
const maxModelBytes = 256 << 20

// ReadModel reads a model written by WriteTo; name is used in errors.
func ReadModel(name string, r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("model %s: not a cxpulse model file: %w", name, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	if len(raw) > maxModelBytes {
		return nil, fmt.Errorf("model %s: larger than %d bytes uncompressed", name, maxModelBytes)
	}
	m, err := decodeModel(raw)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	m.version = m.info.Name + "-" + hashVersion(raw)
	return m, nil
}

// LoadModel reads a model file.
func LoadModel(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer func() { _ = f.Close() }() // read only
	return ReadModel(path, bufio.NewReader(f))
}

var errTruncated = errors.New("truncated")

func decodeModel(raw []byte) (*Model, error) {
	if !bytes.HasPrefix(raw, []byte(modelMagic)) {
		return nil, errors.New("not a cxpulse model file (bad magic)")
	}
	rd := bytes.NewReader(raw[len(modelMagic):])
	var n uint32
	if err := binary.Read(rd, binary.LittleEndian, &n); err != nil || int(n) > rd.Len() {
		return nil, errTruncated
	}
	hdr := make([]byte, n)
	_, _ = io.ReadFull(rd, hdr)
	m := &Model{}
	if err := json.Unmarshal(hdr, &m.info); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	// A model made before this build's later rule features read as it did: those count nothing.
	nr := len(m.info.RuleFeatures)
	if nr == 0 || nr > numRule {
		return nil, fmt.Errorf("made for %d rule features, this build has %d: retrain it", nr, numRule)
	}
	for i, name := range m.info.RuleFeatures {
		if name != ruleFeatures[i].name {
			return nil, fmt.Errorf("rule feature %d is %q, this build has %q: retrain it", i, name, ruleFeatures[i].name)
		}
	}
	if m.info.Bits > 24 {
		return nil, fmt.Errorf("bits %d out of range (at most 24)", m.info.Bits)
	}
	m.bits = m.info.Bits
	m.charBits = m.info.CharBits
	if m.charBits == 0 || m.charBits > m.bits {
		m.charBits = m.bits
	}
	m.bigramBits = m.info.BigramBits
	m.noChars = m.info.NoCharGrams
	if m.info.NgramCap < 0 {
		return nil, fmt.Errorf("n-gram cap %d must not be negative", m.info.NgramCap)
	}
	m.ngramCap = m.info.NgramCap
	if m.bigramBits == 0 || m.bigramBits > m.bits {
		m.bigramBits = m.bits
	}
	if err := binary.Read(rd, binary.LittleEndian, &m.bias); err != nil {
		return nil, errTruncated
	}
	if err := binary.Read(rd, binary.LittleEndian, m.rule[:nr]); err != nil {
		return nil, errTruncated
	}
	if err := binary.Read(rd, binary.LittleEndian, &n); err != nil || int(n) > rd.Len() {
		return nil, errTruncated
	}
	voc := make([]byte, n)
	_, _ = io.ReadFull(rd, voc)
	if n > 0 {
		m.vocab = strings.Split(string(voc), "\n")
	}
	if m.bits > 0 {
		m.q = make([]int16, numClass<<m.bits)
	}
	m.scale = m.info.Scale
	if err := readRows(rd, m.q, numClass); err != nil {
		return nil, err
	}
	if m.info.SupportNgrams {
		if m.q == nil || m.info.GateBits == 0 {
			return nil, errors.New("support n-grams without n-gram weights and a gate")
		}
		m.supQ = make([]int16, len(m.q)/numClass)
		m.supScale = m.info.SupportScale
		if err := readRows(rd, m.supQ, 1); err != nil {
			return nil, fmt.Errorf("support n-grams: %w", err)
		}
	}
	if b := m.info.GateBits; b > 0 {
		if b > 20 || m.q == nil {
			return nil, fmt.Errorf("gate bits %d out of range (1..20, with n-gram weights)", b)
		}
		g := &gate{bits: b, scale: m.info.GateScale, q: make([]int8, 1<<b)}
		if err := binary.Read(rd, binary.LittleEndian, &g.neuBias); err != nil {
			return nil, errTruncated
		}
		if err := binary.Read(rd, binary.LittleEndian, g.neuRule[:nr]); err != nil {
			return nil, errTruncated
		}
		if err := binary.Read(rd, binary.LittleEndian, &g.bias); err != nil {
			return nil, errTruncated
		}
		if err := binary.Read(rd, binary.LittleEndian, g.q); err != nil {
			return nil, errTruncated
		}
		if g.supRules = m.info.SupportRules; g.supRules {
			if err := binary.Read(rd, binary.LittleEndian, g.negRule[:nr]); err != nil {
				return nil, errTruncated
			}
			if err := binary.Read(rd, binary.LittleEndian, g.posRule[:nr]); err != nil {
				return nil, errTruncated
			}
		}
		m.gate = g
	} else if m.info.SupportRules {
		return nil, errors.New("support rules without a gate")
	}
	if rd.Len() != 0 {
		return nil, errors.New("trailing data")
	}
	if !m.finite() {
		return nil, errors.New("a weight or scale is not a finite number")
	}
	if m.q != nil {
		m.q8, m.scale8 = narrow(m.q, m.scale)
		m.pol8 = polarityRows(m.q8)
		if m.pol8 != nil {
			m.q8 = nil
		}
	}
	if m.supQ != nil {
		if m.pol8 == nil {
			return nil, errors.New("support n-grams in a model that is not a polarity model")
		}
		var sup8 []int8
		sup8, m.supScale8 = narrow(m.supQ, m.supScale)
		m.pair = make([]int8, 2*len(sup8))
		for r, x := range sup8 {
			m.pair[2*r], m.pair[2*r+1] = m.pol8[r], x
		}
	}
	return m, nil
}

// narrow returns q as int8 steps of a scale of its own: the same weights (q[i]·scale) to within
// half a step of the largest over 127.
func narrow(q []int16, scale float32) ([]int8, float32) {
	var mx int
	for _, x := range q {
		mx = max(mx, int(x), -int(x))
	}
	q8 := make([]int8, len(q))
	if mx == 0 {
		return q8, scale
	}
	for i, x := range q {
		q8[i] = int8(math.Round(float64(x) * 127 / float64(mx)))
	}
	return q8, scale * float32(mx) / 127
}

// maxAbs is the largest magnitude of x(i), i < n.
func maxAbs(n int, x func(i int) float32) float32 {
	var mx float32
	for i := range n {
		mx = max(mx, float32(math.Abs(float64(x(i)))))
	}
	return mx
}

// writeRows appends the rows of k weights (weight(r·k+c), c < k) of n rows in their sparse form:
// the number of rows that are not all zero, then for each a varint gap to the previous one and
// its k int16.
func writeRows(out *bytes.Buffer, n, k int, weight func(i int) int16) {
	var nnz uint32
	var rows bytes.Buffer
	prev := -1
	var buf [binary.MaxVarintLen64]byte
	q := make([]int16, k)
	for r := 0; r < n; r++ {
		zero := true
		for c := range q {
			q[c] = weight(r*k + c)
			zero = zero && q[c] == 0
		}
		if zero {
			continue
		}
		nnz++
		rows.Write(buf[:binary.PutUvarint(buf[:], uint64(r-prev))])
		_ = binary.Write(&rows, binary.LittleEndian, q)
		prev = r
	}
	_ = binary.Write(out, binary.LittleEndian, nnz)
	out.Write(rows.Bytes())
}

// readRows reads rows of k weights written by writeRows into dst.
func readRows(rd *bytes.Reader, dst []int16, k int) error {
	var nnz uint32
	if err := binary.Read(rd, binary.LittleEndian, &nnz); err != nil {
		return errTruncated
	}
	q := make([]int16, k)
	row := -1
	for range nnz {
		gap, err := binary.ReadUvarint(rd)
		if err != nil {
			return errTruncated
		}
		row += int(gap)
		if err := binary.Read(rd, binary.LittleEndian, q); err != nil {
			return errTruncated
		}
		if gap == 0 || row < 0 || (row+1)*k > len(dst) {
			return fmt.Errorf("weight row %d out of range", row)
		}
		copy(dst[row*k:], q)
	}
	return nil
}

// finite reports whether the model's biases, rule weights and scales are finite numbers.
func (m *Model) finite() bool {
	xs := append(append([]float32{m.scale, m.supScale}, m.bias[:]...), m.rule[0][:]...)
	for f := 1; f < numRule; f++ {
		xs = append(xs, m.rule[f][:]...)
	}
	if g := m.gate; g != nil {
		xs = append(append(append(append(xs, g.bias, g.scale, g.neuBias), g.neuRule[:]...), g.negRule[:]...), g.posRule[:]...)
	}
	for _, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// polarityRows returns the positive weight of each row of q when every row is (-x, 0, x): no
// neutral weight, and a negative weight that is the positive one negated. Else nil.
func polarityRows(q []int8) []int8 {
	p := make([]int8, len(q)/numClass)
	for r := range p {
		x := q[r*numClass : r*numClass+numClass : r*numClass+numClass]
		if x[cNeu] != 0 || int(x[cNeg]) != -int(x[cPos]) {
			return nil
		}
		p[r] = x[cPos]
	}
	return p
}

// Feature hashing. Each kind of feature has its own salt.
const (
	saltWord    = 0x243F6A8885A308D3
	saltNeg     = 0x13198A2E03707344
	saltBigram  = 0xA4093822299F31D0
	saltChar    = 0x082EFA98EC4E6C89
	saltEmoji   = 0x452821E638D01377
	saltEmotic  = 0xBE5466CF34E90C6C
	saltSpecial = 0xC0AC29B7C97C50DD
	saltGate    = 0x3F84D5B5B5470917
)

func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// mixHigh is mix without its last step, which changes only the low 31 bits: the top 33 bits of
// mixHigh(h) and mix(h) are the same. Rows (at most 2^32) are taken from the top bits.
func mixHigh(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h
}

// row maps a feature hash to a weight row.
func (m *Model) row(h uint64) uint32 { return uint32(mixHigh(h) >> (64 - m.bits)) }

// charRow maps a character n-gram hash to a weight row among the first 2^charBits: character
// n-grams are many and each weighs little, and a small region stays in the processor's cache.
func (m *Model) charRow(h uint64) uint32 { return uint32(mixHigh(h) >> (64 - m.charBits)) }

// bigramRow maps a bigram hash to a weight row among the first 2^bigramBits: scoring looks up a
// bigram for every word (words themselves are cached), so their rows are kept few.
func (m *Model) bigramRow(h uint64) uint32 { return uint32(mixHigh(h) >> (64 - m.bigramBits)) }

// Units of the bigram sequence for tokens that are not words.
const (
	unitBOS = iota + 1
	unitMention
	unitURL
	unitNumber
	unitExclaim
	unitQuestion
)

// charGramCount is how many features charGrams gives for a word of n bytes.
func charGramCount(n int) int {
	n += 2
	c := 0
	for k := 3; k <= 5; k++ {
		if n >= k {
			c += n - k + 1
		}
	}
	return c
}

// RulesModel returns the model of the rules alone (the priors of the rule features, no n-grams).
func RulesModel() *Model { return rulesModel() }
