package alerting

import (
	"context"
	"fmt"
	"time"
)

// AlertState is the life-cycle state of an alert.
type AlertState uint8

// The states of an alert. Inactive is recorded when a pending alert's condition stops holding
// before `for` elapsed.
const (
	StateInactive AlertState = iota
	StatePending
	StateFiring
	StateResolved
)

// String returns inactive, pending, firing or resolved.
func (s AlertState) String() string {
	switch s {
	case StatePending:
		return "pending"
	case StateFiring:
		return "firing"
	case StateResolved:
		return "resolved"
	}
	return "inactive"
}

// ParseAlertState maps a state's name to an AlertState.
func ParseAlertState(s string) (AlertState, error) {
	for _, st := range []AlertState{StateInactive, StatePending, StateFiring, StateResolved} {
		if st.String() == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("unknown alert state %q", s)
}

// AlertRecord is one state change of an alert, as persisted in the alerts table.
type AlertRecord struct {
	Time        time.Time
	Group       string
	Rule        string
	Fingerprint string
	State       string
	Labels      map[string]string
	Annotations map[string]string
	Value       float64
	ActiveAt    time.Time
	FiredAt     time.Time
	ResolvedAt  time.Time
}

// AnomalyRecord is what an anomaly rule's detector made of one evaluation of one series: the
// value, the band it expected and the score. Dashboards draw them as anomaly bands.
type AnomalyRecord struct {
	Time        time.Time
	Group       string
	Rule        string
	Fingerprint string
	Series      string
	Labels      map[string]string
	Value       float64
	Baseline    float64
	Low, High   float64
	Score       float64
}

// AnomalyStore is implemented by a StateStore that also keeps detector outputs.
type AnomalyStore interface {
	AppendAnomalies(ctx context.Context, recs []AnomalyRecord) error
}

// NotificationRecord is one attempt to notify a receiver about a group, as persisted in the
// notifications table. The latest delivered record of each (receiver, group key) is the
// notification log that keeps a restart from re-sending.
type NotificationRecord struct {
	Time        time.Time
	Receiver    string
	Integration string
	GroupKey    string
	DedupKey    string
	Status      string
	Reason      string
	// Outcome is one of the Outcome* constants.
	Outcome  string
	Attempt  int
	Error    string
	Firing   []string
	Resolved []string
	Ref      map[string]string
}

// Outcomes of a notification attempt.
const (
	OutcomeSent     = "sent"
	OutcomeFailed   = "failed"
	OutcomeRejected = "rejected"
	OutcomeDigested = "digested"
)

// Delivered reports whether the record settles the group's notification (no resend needed).
func (r *NotificationRecord) Delivered() bool {
	return r.Outcome == OutcomeSent || r.Outcome == OutcomeRejected || r.Outcome == OutcomeDigested
}

// Silence mutes the alerts its matchers select between StartsAt and EndsAt. Each change (create,
// expire) is a new version; the latest version of an id wins.
type Silence struct {
	ID        string    `json:"id"`
	Matchers  []string  `json:"matchers"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	CreatedBy string    `json:"created_by"`
	Comment   string    `json:"comment"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StateStore persists alert state changes, the notification log and silences. cmd/cxpulse
// implements it over package store (ClickHouse). Methods are safe for concurrent use.
type StateStore interface {
	// AppendAlerts writes state changes.
	AppendAlerts(ctx context.Context, recs []AlertRecord) error
	// LoadAlerts returns, per (group, rule, fingerprint), the latest record written at or
	// after since.
	LoadAlerts(ctx context.Context, since time.Time) ([]AlertRecord, error)
	// AppendNotifications writes notification attempts.
	AppendNotifications(ctx context.Context, recs []NotificationRecord) error
	// LoadNotifications returns, per (receiver, integration, group key), the latest delivered
	// record written at or after since.
	LoadNotifications(ctx context.Context, since time.Time) ([]NotificationRecord, error)
	// AppendSilences writes silence versions.
	AppendSilences(ctx context.Context, s []Silence) error
	// LoadSilences returns the latest version of every silence that ends at or after since.
	LoadSilences(ctx context.Context, since time.Time) ([]Silence, error)
}
