// Package sentiment scores customer messages: a tokenizer for social and support text, a lexicon
// with negation, intensifiers and contrast, cues of customer conversations (complaints, polite
// complaints, requests, sarcasm), a linear model over hashed word and character n-grams plus those
// rule features, language detection, and a CX topic dictionary. It also trains and evaluates models.
package sentiment

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Config configures a Scorer.
type Config struct {
	// Model is the path of a model file written by `cxpulse sentiment train`, or a model
	// embedded in the binary: "builtin:default" (also what empty means) or "builtin:support",
	// the default model with its neutral class fitted on support messages.
	Model string `yaml:"model"`
	// Topics is the path of a YAML topic dictionary that extends the default one or overrides
	// topics by name (see topics.yaml).
	Topics string `yaml:"topics"`
}

// DefaultConfig returns the configuration used when a config file leaves the section out.
func DefaultConfig() Config { return Config{} }

// Validate reports a configuration that cannot work: files that are named but cannot be read,
// or a built-in model that does not exist.
func (c Config) Validate() error {
	var errs []error
	model := c.Model
	if name, ok := strings.CutPrefix(model, builtinPrefix); ok {
		if _, known := builtinModels[name]; !known {
			errs = append(errs, fmt.Errorf("sentiment.model: no built-in model %q (have %s)", name, builtinNames()))
		}
		model = ""
	}
	for _, f := range []struct{ key, path string }{{"model", model}, {"topics", c.Topics}} {
		if f.path == "" {
			continue
		}
		st, err := os.Stat(f.path)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("sentiment.%s: %w", f.key, err))
		case st.IsDir():
			errs = append(errs, fmt.Errorf("sentiment.%s: %s is a directory, want a file", f.key, f.path))
		}
	}
	return errors.Join(errs...)
}
