package intercom

import (
	"fmt"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/ingest/internal/intake"
	"github.com/cxpulse/cxpulse/internal/secret"
)

// Config configures the Intercom webhook. YAML keys are snake_case; start from DefaultConfig and
// decode over it so absent keys keep their defaults.
type Config struct {
	// ClientSecret is the app's client secret (Developer Hub, Basic information), the key of
	// X-Hub-Signature. Required; give it as ${ENV_VAR} so it stays out of the file.
	ClientSecret secret.Secret `yaml:"client_secret"`
	// MaxBodyBytes bounds a request (413 past it).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxAge refuses notifications created longer ago (replay protection on created_at); it must
	// cover Intercom's redelivery of failed notifications.
	MaxAge time.Duration `yaml:"max_age"`
	// MaxFuture refuses notifications created further in the future (clock skew).
	MaxFuture time.Duration `yaml:"max_future"`
	// Source is the event source.
	Source string `yaml:"source"`
	// AdminReplies says what becomes of parts written by admins, bots and teams: "skip"
	// (default) or "label" (stored, labelled author=agent). Notes are always skipped.
	AdminReplies string `yaml:"admin_replies"`
	// Fields maps conversation attributes to event fields (first present wins). Attributes:
	// conversation_id, contact_id, contact_external_id, author_id, admin_assignee_id,
	// team_assignee_id, state, priority, source_type, tag:<name>, tag_prefix:<p>,
	// custom_attribute:<name>.
	Fields intake.FieldMap `yaml:"fields"`
	// Labels copies attributes into event labels: label → attribute.
	Labels intake.LabelMap `yaml:"labels"`
	// SeenIDs bounds the memory of notification ids kept for replay protection.
	SeenIDs int `yaml:"seen_ids"`
}

// DefaultConfig returns the defaults: 1 MiB bodies, notifications up to an hour old, source
// "intercom", admin replies skipped, customer_id from the contact's external id, else its id.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes: 1 << 20,
		MaxAge:       time.Hour,
		MaxFuture:    5 * time.Minute,
		Source:       "intercom",
		AdminReplies: "skip",
		Fields:       intake.FieldMap{CustomerID: []string{"contact_external_id", "contact_id", "author_id"}},
		SeenIDs:      100_000,
	}
}

// Validate reports every problem at once. The secret is never part of an error.
func (c Config) Validate() error {
	var errs []string
	if c.ClientSecret == "" {
		errs = append(errs, "client_secret is required")
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Sprintf("max_body_bytes must be at least 1024, got %d", c.MaxBodyBytes))
	}
	if c.MaxAge < time.Minute {
		errs = append(errs, fmt.Sprintf("max_age must be at least 1m, got %s", c.MaxAge))
	}
	if c.MaxFuture < 0 {
		errs = append(errs, fmt.Sprintf("max_future must not be negative, got %s", c.MaxFuture))
	}
	if strings.TrimSpace(c.Source) == "" {
		errs = append(errs, "source must not be empty")
	}
	if c.AdminReplies != "skip" && c.AdminReplies != "label" {
		errs = append(errs, fmt.Sprintf("admin_replies must be skip or label, got %q", c.AdminReplies))
	}
	if c.SeenIDs < 1 {
		errs = append(errs, fmt.Sprintf("seen_ids must be at least 1, got %d", c.SeenIDs))
	}
	if err := c.Fields.Validate(); err != nil {
		errs = append(errs, err.Error())
	}
	if err := c.Labels.Validate(); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return fmt.Errorf("intercom webhook: %s", strings.Join(errs, "; "))
	}
	return nil
}
