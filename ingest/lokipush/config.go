package lokipush

import (
	"fmt"
	"strings"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest/internal/intake"
)

// Config configures the Loki push receiver. YAML keys are snake_case; start from DefaultConfig
// and decode over it so absent keys keep their defaults.
type Config struct {
	// MaxBodyBytes bounds a push request, compressed and decompressed (413 past it).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Source is the event source when no mapped label gives one.
	Source string `yaml:"source"`
	// Channel is the event channel when no mapped label gives one.
	Channel string `yaml:"channel"`
	// Fields maps stream labels and structured metadata (metadata wins) to event fields: for
	// each field, the first label present is used.
	Fields intake.FieldMap `yaml:"fields"`
	// Labels says what becomes of the labels no field uses: "remaining" copies them into the
	// event's labels (sorted by name, up to the max_labels of the event limits), "none" drops them.
	Labels string `yaml:"labels"`
	// DropLabels are never copied into event labels.
	DropLabels []string `yaml:"drop_labels"`
}

// DefaultConfig returns the defaults: 8 MiB bodies, source "loki", channel "log", fields taken
// from labels of the same name (id from event_id), remaining labels kept.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes: 8 << 20,
		Source:       "loki",
		Channel:      "log",
		Fields: intake.FieldMap{
			ID:         []string{"event_id"},
			Source:     []string{"source"},
			Channel:    []string{"channel"},
			CustomerID: []string{"customer_id"},
			Product:    []string{"product"},
			Region:     []string{"region"},
			Language:   []string{"language"},
		},
		Labels: "remaining",
	}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []string
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Sprintf("max_body_bytes must be at least 1024, got %d", c.MaxBodyBytes))
	}
	if strings.TrimSpace(c.Source) == "" {
		errs = append(errs, "source must not be empty")
	}
	if _, err := event.ParseChannel(c.Channel); err != nil {
		errs = append(errs, "channel: "+err.Error())
	}
	if c.Labels != "remaining" && c.Labels != "none" {
		errs = append(errs, fmt.Sprintf("labels must be remaining or none, got %q", c.Labels))
	}
	if err := c.Fields.Validate(); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return fmt.Errorf("loki push: %s", strings.Join(errs, "; "))
	}
	return nil
}
