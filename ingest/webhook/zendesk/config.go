package zendesk

import (
	"fmt"
	"strings"
	"time"

	"github.com/cxpulse/cxpulse/ingest/internal/intake"
	"github.com/cxpulse/cxpulse/internal/secret"
)

// Config configures the Zendesk webhook. YAML keys are snake_case; start from DefaultConfig and
// decode over it so absent keys keep their defaults.
type Config struct {
	// SigningSecret is the webhook's signing secret (Admin Center, webhook details). Required;
	// give it as ${ENV_VAR} so it stays out of the file.
	SigningSecret secret.Secret `yaml:"signing_secret"`
	// MaxBodyBytes bounds a request (413 past it).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxSkew is how far the signature timestamp may be from now, either way, before the request
	// is refused as stale (replay protection). Zendesk signs each delivery attempt afresh.
	MaxSkew time.Duration `yaml:"max_skew"`
	// Source is the event source.
	Source string `yaml:"source"`
	// AgentComments says what becomes of comments by staff: "skip" (default: they are not
	// customer messages and would skew sentiment) or "label" (stored, labelled author=agent).
	AgentComments string `yaml:"agent_comments"`
	// TicketCreated turns the description of a new ticket (zen:event-type:ticket.created) into
	// an event. Turn it off when the account also emits ticket.comment_added for a ticket's
	// first comment, or that message is stored twice.
	TicketCreated bool `yaml:"ticket_created"`
	// Fields maps ticket attributes to event fields (first present wins). Attributes:
	// requester_id, submitter_id, assignee_id, organization_id, group_id, brand_id, brand (the
	// name from brands, else the id), form_id, priority, status, type, via_channel, ticket_id,
	// author_id, tag:<name> ("true" when the ticket has the tag), tag_prefix:<p> (the rest of
	// the first tag starting with p), custom_field:<id> (when the payload carries custom
	// fields).
	Fields intake.FieldMap `yaml:"fields"`
	// Labels copies attributes into event labels: label → attribute.
	Labels intake.LabelMap `yaml:"labels"`
	// Brands names brand ids for the brand attribute.
	Brands map[string]string `yaml:"brands"`
	// SeenIDs bounds the memory of delivered event ids kept for replay protection.
	SeenIDs int `yaml:"seen_ids"`
}

// DefaultConfig returns the defaults: 1 MiB bodies, 5 minutes of skew, source "zendesk", agent
// comments skipped, ticket descriptions taken, customer_id from requester_id.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes:  1 << 20,
		MaxSkew:       5 * time.Minute,
		Source:        "zendesk",
		AgentComments: "skip",
		TicketCreated: true,
		Fields:        intake.FieldMap{CustomerID: []string{"requester_id", "author_id"}},
		SeenIDs:       100_000,
	}
}

// Validate reports every problem at once. The secret is never part of an error.
func (c Config) Validate() error {
	var errs []string
	if c.SigningSecret == "" {
		errs = append(errs, "signing_secret is required")
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Sprintf("max_body_bytes must be at least 1024, got %d", c.MaxBodyBytes))
	}
	if c.MaxSkew < time.Second {
		errs = append(errs, fmt.Sprintf("max_skew must be at least 1s, got %s", c.MaxSkew))
	}
	if strings.TrimSpace(c.Source) == "" {
		errs = append(errs, "source must not be empty")
	}
	if c.AgentComments != "skip" && c.AgentComments != "label" {
		errs = append(errs, fmt.Sprintf("agent_comments must be skip or label, got %q", c.AgentComments))
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
		return fmt.Errorf("zendesk webhook: %s", strings.Join(errs, "; "))
	}
	return nil
}
