package outreach

import (
	"context"
	"fmt"
	"time"
)

// Store is what outreach reads and writes in ClickHouse. internal/outreachwire implements it
// over package store; the types below match store's field for field. Methods are safe for
// concurrent use; every state outreach needs after a restart is in it.
type Store interface {
	// Health returns the customers with a negative contact in [q.RecentFrom, q.To), with their
	// health over [q.From, q.To), at most q.Limit, those with the most recent complaints first.
	Health(ctx context.Context, q HealthQuery) ([]HealthRow, error)
	// Messages returns up to perCustomer of each customer's negative messages in [from, to),
	// newest first.
	Messages(ctx context.Context, customers []string, from, to time.Time, perCustomer int) ([]Message, error)
	// Sentiment sums a customer's contacts in the hours starting in [from, to).
	Sentiment(ctx context.Context, customer string, from, to time.Time) (Sentiment, error)
	// Append writes task log entries.
	Append(ctx context.Context, entries []Entry) error
	// Tasks returns the tasks matching f, newest first.
	Tasks(ctx context.Context, f Filter) ([]Task, error)
	// AppendNotes writes incident note versions.
	AppendNotes(ctx context.Context, notes []Note) error
	// Notes returns the latest version of every incident note written at or after since.
	Notes(ctx context.Context, since time.Time) ([]Note, error)
}

// HealthQuery is the candidate query of one evaluation.
type HealthQuery struct {
	From, RecentFrom, To time.Time
	Limit                int
}

// Message is a stored customer message; its text is already redacted by the pipeline.
type Message struct {
	CustomerID string
	ID         string
	Time       time.Time
	Channel    string
	Product    string
	Region     string
	Text       string
	Score      float64
	Label      string
	Topics     []string
}

// Sentiment is the sum of a customer's contacts over a window.
type Sentiment struct {
	Contacts  int
	Negatives int
	ScoreSum  float64
}

// Mean is the mean score, 0 without contacts.
func (s Sentiment) Mean() float64 {
	if s.Contacts == 0 {
		return 0
	}
	return s.ScoreSum / float64(s.Contacts)
}

// Status is where a task stands.
type Status uint8

// The statuses of a task.
const (
	StatusOpen Status = iota
	StatusContacted
	StatusResolved
	StatusDismissed
)

var statusNames = [...]string{"open", "contacted", "resolved", "dismissed"}

// String returns open, contacted, resolved or dismissed.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// ParseStatus maps a status name to a Status.
func ParseStatus(s string) (Status, error) {
	for i, n := range statusNames {
		if n == s {
			return Status(i), nil
		}
	}
	return StatusOpen, fmt.Errorf("unknown status %q (want open, contacted, resolved or dismissed)", s)
}

// Kinds of task log entries.
const (
	EntryCreated  = "created"
	EntryStatus   = "status"
	EntryDelivery = "delivery"
	EntryOutcome  = "outcome"
)

// Delivery outcomes.
const (
	DeliverySent     = "sent"
	DeliveryFailed   = "failed"
	DeliveryRejected = "rejected"
)

// Outcomes of a contact.
const (
	OutcomeRecovered    = "recovered"
	OutcomeNotRecovered = "not_recovered"
	OutcomeSilent       = "silent"
)

// Entry is one row of the task log. Kind says which fields it sets (see store.OutreachEntry);
// TaskID, CreatedAt, CustomerID and Owner are set on every entry.
type Entry struct {
	TaskID          string
	Kind            string
	Time            time.Time
	CreatedAt       time.Time
	CustomerID      string
	Owner           string
	Policy          string
	Priority        string
	Status          string
	Assignee        string
	Note            string
	ContactedAt     time.Time
	MessageIDs      []string
	MessageTimes    []time.Time
	MessageChannels []string
	Snippets        []string
	Scores          []float64
	Topics          []string
	Channels        []string
	Product         string
	Region          string
	Labels          map[string]string
	Health          map[string]float64
	HeldBy          string
	Integration     string
	Delivery        string
	Ref             string
	Error           string
	Attempt         int
	RetryAt         time.Time
	Outcome         string
	ScoreBefore     float64
	ScoreAfter      float64
	ContactsBefore  int
	ContactsAfter   int
}

// Delivery is the latest delivery attempt of a task to one integration.
type Delivery struct {
	Delivery string
	Ref      string
	Error    string
	Attempt  int
	Time     time.Time
	// RetryAt is when a failed attempt is tried again.
	RetryAt time.Time
}

// settled reports whether no further attempt is due.
func (d Delivery) settled() bool { return d.Delivery == DeliverySent || d.Delivery == DeliveryRejected }

// Task is an outreach task as its log says it is now.
type Task struct {
	ID              string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CustomerID      string
	Owner           string
	Policy          string
	Priority        string
	Status          string
	Assignee        string
	Note            string
	ContactedAt     time.Time
	MessageIDs      []string
	MessageTimes    []time.Time
	MessageChannels []string
	Snippets        []string
	Scores          []float64
	Topics          []string
	Channels        []string
	Product         string
	Region          string
	Labels          map[string]string
	Health          map[string]float64
	HeldBy          string
	Slack           Delivery
	Webhook         Delivery
	Outcome         string
	OutcomeAt       time.Time
	ScoreBefore     float64
	ScoreAfter      float64
	ContactsBefore  int
	ContactsAfter   int
}

func (t *Task) delivery(integration string) Delivery {
	if integration == integrationSlack {
		return t.Slack
	}
	return t.Webhook
}

// Filter selects tasks (see store.OutreachFilter); zero fields select everything.
type Filter struct {
	IDs         []string
	Customers   []string
	Owner       string
	Statuses    []string
	CreatedFrom time.Time
	CreatedTo   time.Time
	Contacted   bool
	NoOutcome   bool
	Limit       int
	OldestFirst bool
}

// Note states of an incident note.
const (
	NoteHeld     = "held"
	NoteReleased = "released"
)

// Note is the incident note of a team for one firing alert: the customers whose tasks it holds,
// and what was delivered about it.
type Note struct {
	Team          string
	Fingerprint   string
	ActiveAt      time.Time
	Time          time.Time
	Alert         string
	Labels        map[string]string
	Summary       string
	State         string
	Held          int
	Customers     []string
	ReleasedAt    time.Time
	ReleasedTasks int
	SlackChannel  string
	SlackTS       string
	// SlackShown is what the Slack message shows ("held:N", "released:N"); WebhookSent the
	// last state sent to the webhook.
	SlackShown  string
	WebhookSent string
}

type noteKey struct {
	team, fingerprint string
	activeAt          int64
}

func (n *Note) key() noteKey { return noteKey{n.Team, n.Fingerprint, n.ActiveAt.Unix()} }

// Alert is a pending or firing alert as outreach sees it.
type Alert struct {
	Name        string
	Fingerprint string
	// State is pending or firing.
	State    string
	Labels   map[string]string
	ActiveAt time.Time
	Summary  string
}

// AlertsFunc returns the alerts pending or firing at now. It fails while the alert state is not
// known yet (not restored after a start); outreach then does not evaluate, so a restart during an
// incident never releases its held tasks. cmd/cxpulse builds it over the alerting Manager.
type AlertsFunc func(ctx context.Context, now time.Time) ([]Alert, error)
