package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/sentiment"
)

func newSentimentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sentiment",
		Short: "Evaluate and train sentiment models",
	}
	cmd.AddCommand(newSentimentEvalCmd(), newSentimentTrainCmd(), newSentimentInfoCmd())
	return cmd
}

// splitFlags selects a deterministic part of the data (by a hash of each text).
type splitFlags struct {
	fraction float64
	part     string
}

func (f *splitFlags) add(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&f.fraction, "split", 0.8, "fraction of the data in the train part (with --part)")
	cmd.Flags().StringVar(&f.part, "part", "", "use only the train or the test part of the data: messages are assigned by a hash of their text, so the split is the same on every run and machine")
}

func (f *splitFlags) split() (sentiment.Split, error) {
	s := sentiment.Split{Fraction: f.fraction, Part: f.part}
	return s, s.Validate()
}

func readData(files []string, split sentiment.Split) ([][]sentiment.Example, error) {
	if len(files) == 0 {
		return nil, errors.New("no data: give --data FILE.jsonl (one or more)")
	}
	out := make([][]sentiment.Example, len(files))
	for i, f := range files {
		exs, err := sentiment.ReadExampleFile(f, split)
		if err != nil {
			return nil, err
		}
		if len(exs) == 0 {
			return nil, fmt.Errorf("%s: no examples (in the selected part)", f)
		}
		out[i] = exs
	}
	return out, nil
}

// readAll reads the examples of all the files, and names the files by their base names.
func readAll(files []string) ([]sentiment.Example, []string, error) {
	data, err := readData(files, sentiment.Split{})
	if err != nil {
		return nil, nil, err
	}
	var exs []sentiment.Example
	var names []string
	for i, d := range data {
		exs = append(exs, d...)
		names = append(names, filepath.Base(files[i]))
	}
	return exs, names, nil
}

// evalReport is the --json output of `sentiment eval`.
type evalReport struct {
	ModelVersion string     `json:"model_version"`
	Files        []evalFile `json:"files"`
}

type evalFile struct {
	File string `json:"file"`
	sentiment.Metrics
}

func newSentimentEvalCmd() *cobra.Command {
	var (
		cfg     sentiment.Config
		files   []string
		asJSON  bool
		binary  bool
		splitFl splitFlags
	)
	cmd := &cobra.Command{
		Use:   "eval --data F.jsonl…",
		Short: "Accuracy, macro-F1, per-class precision and recall, the confusion matrix and calibration on labelled data",
		Long: `Scores every message of each JSONL file ({"text": ..., "label": "negative|neutral|positive"})
and compares with its label. A file without neutral labels (or --binary) is evaluated as binary:
macro-F1 over negative and positive, and a neutral answer counts as wrong.

Calibration: the log loss (mean -ln of the probability given to the true class), the Brier score
(mean squared distance of the probabilities from the true class) and the expected calibration
error (ECE: in each bin of confidence, the gap between accuracy and mean confidence, weighted by
the bin's share of the messages), with the bins themselves.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			split, err := splitFl.split()
			if err != nil {
				return err
			}
			data, err := readData(files, split)
			if err != nil {
				return err
			}
			s, err := sentiment.New(cfg)
			if err != nil {
				return err
			}
			rep := evalReport{ModelVersion: s.ModelVersion()}
			for i, exs := range data {
				rep.Files = append(rep.Files, evalFile{File: files[i], Metrics: sentiment.Evaluate(s, exs, binary)})
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return writeEvalText(cmd.OutOrStdout(), rep)
		},
	}
	addModelFlags(cmd, &cfg)
	cmd.Flags().StringSliceVar(&files, "data", nil, "labelled JSONL files (repeat or separate with commas)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the results as JSON")
	cmd.Flags().BoolVar(&binary, "binary", false, "evaluate as binary (negative/positive; neutral answers count as wrong)")
	splitFl.add(cmd)
	return cmd
}

func writeEvalText(w io.Writer, rep evalReport) error {
	ew := &errWriter{w: w}
	ew.printf("model %s\n", rep.ModelVersion)
	for _, f := range rep.Files {
		m := f.Metrics
		kind := "3-class"
		if m.Binary {
			kind = "binary"
		}
		ew.printf("\n%s: %d messages, %s\n", f.File, m.N, kind)
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		tp := &errWriter{w: tw}
		tp.printf("accuracy\t%.3f\n", m.Accuracy)
		tp.printf("macro-F1\t%.3f\n", m.MacroF1)
		if m.Unreliable > 0 {
			tp.printf("unreliable\t%d (scored neutral)\n", m.Unreliable)
		}
		tp.printf("class\tprecision\trecall\tF1\tsupport\n")
		for _, c := range []string{"negative", "neutral", "positive"} {
			cm := m.Classes[c]
			if m.Binary && c == "neutral" {
				continue
			}
			tp.printf("%s\t%.3f\t%.3f\t%.3f\t%d\n", c, cm.Precision, cm.Recall, cm.F1, cm.Support)
		}
		tp.printf("true \\ predicted\tnegative\tneutral\tpositive\n")
		for i, c := range []string{"negative", "neutral", "positive"} {
			tp.printf("%s\t%d\t%d\t%d\n", c, m.Confusion[i][0], m.Confusion[i][1], m.Confusion[i][2])
		}
		tp.printf("log loss\t%.3f\n", m.LogLoss)
		tp.printf("Brier score\t%.3f\n", m.Brier)
		tp.printf("calibration error\t%.3f\t(ECE over confidence bins)\n", m.ECE)
		tp.printf("confidence\tmessages\tmean\taccuracy\n")
		for _, b := range m.Reliability {
			if b.N > 0 {
				tp.printf("%.1f-%.1f\t%d\t%.3f\t%.3f\n", b.Lo, b.Hi, b.N, b.Confidence, b.Accuracy)
			}
		}
		if tp.err != nil {
			return tp.err
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return ew.err
}

// errWriter remembers the first write error, so that a report can be written without checking
// every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// writeJSON writes v to w as indented JSON, for the commands' --json output.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// modelReport is what `sentiment info` prints: a model's version and how it was made.
type modelReport struct {
	Version string              `json:"version"`
	Info    sentiment.ModelInfo `json:"info"`
}

func newSentimentInfoCmd() *cobra.Command {
	var model string
	cmd := &cobra.Command{
		Use:   "info [--model M]",
		Short: "Print a model's version and how it was made (data, seeds, passes, base), as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := sentiment.OpenModel(model)
			if err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), modelReport{Version: m.Version(), Info: m.Info()})
		},
	}
	addModelFlag(cmd.Flags(), &model)
	return cmd
}

func newSentimentTrainCmd() *cobra.Command {
	var (
		files        []string
		neutralFiles []string
		polarFiles   []string
		out          string
		opt          sentiment.TrainOptions
		splitFl      splitFlags
		charGrams    bool
		base         string
	)
	cmd := &cobra.Command{
		Use:   "train --data F.jsonl… --out M",
		Short: "Train a model on labelled messages (the linear model on top of the rule features)",
		Long: `Trains the linear model over hashed word and character n-grams and the rule features
(lexicon, complaint and praise cues, questions, sarcasm, ...) on labelled JSONL
({"text": ..., "label": "negative|neutral|positive"}). The same data and flags give the same model
file. Use the model with --model on score and eval, or sentiment.model in the config.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("give --out FILE for the model")
			}
			if opt.Epochs < 1 {
				return fmt.Errorf("--epochs %d: give 1 or more passes", opt.Epochs)
			}
			if opt.Seeds < 1 {
				return fmt.Errorf("--seeds %d: give 1 or more", opt.Seeds)
			}
			if opt.BaseBlend < 0 || opt.BaseBlend > 1 {
				return fmt.Errorf("--base-blend %g out of range [0, 1]", opt.BaseBlend)
			}
			if opt.NgramCap < 0 {
				return fmt.Errorf("--ngram-cap %d must not be negative", opt.NgramCap)
			}
			opt.NoCharGrams = !charGrams
			split, err := splitFl.split()
			if err != nil {
				return err
			}
			if opt.Base, err = trainBase(base, opt.BaseWeight); err != nil { // before reading the data
				return err
			}
			data, err := readData(files, split)
			if err != nil {
				return err
			}
			var exs []sentiment.Example
			for i, d := range data {
				exs = append(exs, d...)
				name := filepath.Base(files[i])
				if split.Part != "" {
					name += fmt.Sprintf(" (part %s of a %.2f split)", split.Part, split.Fraction)
				}
				opt.TrainedOn = append(opt.TrainedOn, name)
			}
			if opt.Gate && len(neutralFiles) == 0 {
				return errors.New("--gate needs --neutral-data (the support messages)")
			}
			if len(neutralFiles) > 0 {
				if !opt.Polarity || opt.NeutralEpochs == 0 {
					return errors.New("--neutral-data needs --polarity and --neutral-epochs")
				}
				if opt.NeutralData, opt.NeutralOn, err = readAll(neutralFiles); err != nil {
					return err
				}
			}
			if opt.SupportRules && len(neutralFiles) == 0 {
				return errors.New("--support-rules needs --neutral-data")
			}
			if len(polarFiles) > 0 {
				if !opt.Polarity {
					return errors.New("--polarity-data needs --polarity")
				}
				if opt.PolarityData, opt.PolarityOn, err = readAll(polarFiles); err != nil {
					return err
				}
			}
			start := time.Now()
			m, err := sentiment.Train(exs, opt)
			if err != nil {
				return err
			}
			took := time.Since(start)
			if err := writeModel(out, m); err != nil {
				return err
			}
			var count [3]int // negative, neutral, positive
			for i := range exs {
				count[exs[i].Label+1]++
			}
			cmd.PrintErrf("trained %s on %d messages (%d negative, %d neutral, %d positive) in %.1fs; wrote %s\n",
				m.Version(), len(exs), count[0], count[1], count[2], took.Seconds(), out)
			for i, n := range count {
				if l := event.Label(i - 1); n == 0 && (l != event.Neutral || !opt.Polarity) {
					cmd.PrintErrf("warning: the training data has no %s messages: the model learned nothing of that class from it\n", l)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&files, "data", nil, "labelled JSONL files (repeat or separate with commas)")
	f.StringVar(&out, "out", "", "model file to write")
	f.StringVar(&opt.Name, "name", "custom", "model name (the first part of its version)")
	f.UintVar(&opt.Bits, "bits", 18, "log2 of the number of hashed feature rows")
	f.IntVar(&opt.Epochs, "epochs", 6, "passes over the data (more fit the training data's own kind of message closer and other kinds worse)")
	f.Float64Var(&opt.L2, "l2", 2e-6, "L2 regularisation of the n-gram weights")
	f.Uint64Var(&opt.Seed, "seed", 1, "seed of the example order")
	f.IntVar(&opt.Seeds, "seeds", 1, "train this many models, with seeds --seed, --seed+1, …, and average their weights")
	f.BoolVar(&opt.Balanced, "balanced", true, "weight classes by the inverse of their frequency")
	f.BoolVar(&opt.Average, "average", true, "keep the average of the weights over training (steadier across seeds)")
	f.BoolVar(&opt.FixedRules, "fixed-rules", false, "keep the rule feature weights at their priors, or the --base model's (for general-domain data)")
	f.BoolVar(&opt.Polarity, "polarity", false, "learn only negative against positive; neutral comes from the rules (for general-domain data)")
	f.BoolVar(&charGrams, "char-grams", true, "give words their character 3-5-grams as features too (they help on small training data)")
	f.IntVar(&opt.NgramCap, "ngram-cap", 40, "n-gram features of a message past which their weights are averaged, not summed over the square root of their number, so that a long story does not outvote its verdict (0: never)")
	f.IntVar(&opt.NeutralEpochs, "neutral-epochs", 0, "with --polarity, then fit the neutral class's bias and rule weights for this many passes")
	f.StringSliceVar(&neutralFiles, "neutral-data", nil, "with --neutral-epochs, fit the neutral class on these labelled JSONL files instead of --data (the n-grams still learn from --data)")
	f.StringSliceVar(&polarFiles, "polarity-data", nil, "with --polarity, support messages (labelled JSONL) whose negative and positive examples train the n-grams as well: with --gate a second set, the support n-grams, that the gate applies to support text; else with --data")
	f.BoolVar(&opt.SupportRules, "support-rules", false, "with --neutral-data, fit the negative and positive rule weights on it as well, after the neutral class (with --gate, those of the support side)")
	f.BoolVar(&opt.Gate, "gate", false, "with --neutral-data, keep the neutral class of --data for general text and learn a gate that applies the one of --neutral-data to messages that read like it")
	f.StringVar(&base, "base", "builtin:default", "model whose n-gram weights (its support side's, if it has one), times --base-weight, and rule weights (the same side's) training starts from and regularises towards: a file, builtin:default, builtin:support, or none to start from zero and the rules' priors")
	f.Float64Var(&opt.BaseWeight, "base-weight", 0.35, "share of the --base model's n-gram weights to start from, in (0, 1]")
	f.Float64Var(&opt.BaseBlend, "base-blend", 0.3, "share of the --base model's support side mixed into the trained weights at the end, in [0, 1] (0: none)")
	splitFl.add(cmd)
	return cmd
}

// trainBase loads the model that train starts its n-grams from (nil for "none"); Train checks
// that it hashes features as the model it trains.
func trainBase(name string, weight float64) (*sentiment.Model, error) {
	if name == "none" || name == "" {
		return nil, nil
	}
	if weight <= 0 || weight > 1 { // checked here too: Train reads 0 as its default share
		return nil, fmt.Errorf("--base-weight %g out of range (0, 1]", weight)
	}
	m, err := sentiment.OpenModel(name)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	return m, nil
}

// writeModel writes m to path through a temporary file, so that a failed write leaves no partial
// model behind.
func writeModel(path string, m *sentiment.Model) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".model-*")
	if err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if _, err := m.WriteTo(tmp); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("model %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("model %s: %w", path, err)
	}
	return nil
}
