package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The tables of proactive outreach: the per-customer rollup health is computed from, the task
// log, and the incident notes sent instead of per-customer tasks while an alert fires.
var (
	// customerHealthTable is one row per customer × hour once merged (query it with sum(),
	// …Merge() and GROUP BY): contacts, negatives, positives, the score sum and the contacts per
	// channel, which are cheap to sum over long windows, and states read for candidates only: the
	// topics and places (product, region) of negative contacts, the last negative and positive
	// times, and the last product, region and labels seen. Times inside the states are Unix
	// seconds (UInt32), the same on every server version.
	customerHealthTable = Table{
		Name: "customer_health_1h",
		Columns: []Column{
			{Name: "bucket", Type: "DateTime"},
			{Name: "customer_id", Type: "String"},
			{Name: "rows", Type: "UInt64"},
			{Name: "contacts", Type: "UInt64"},
			{Name: "negatives", Type: "UInt64"},
			{Name: "positives", Type: "UInt64"},
			{Name: "score_sum", Type: "Float64"},
			{Name: "ticket", Type: "UInt64"},
			{Name: "chat", Type: "UInt64"},
			{Name: "social", Type: "UInt64"},
			{Name: "review", Type: "UInt64"},
			{Name: "survey", Type: "UInt64"},
			{Name: "negative_topics", Type: "AggregateFunction(groupUniqArrayArrayIf, Array(String), UInt8)"},
			{Name: "negative_places", Type: "AggregateFunction(groupUniqArrayIf, String, UInt8)"},
			{Name: "last_negative_at", Type: "AggregateFunction(maxIf, UInt32, UInt8)"},
			{Name: "last_positive_at", Type: "AggregateFunction(maxIf, UInt32, UInt8)"},
			{Name: "last_product", Type: "AggregateFunction(argMaxIf, String, UInt32, UInt8)"},
			{Name: "last_region", Type: "AggregateFunction(argMaxIf, String, UInt32, UInt8)"},
			{Name: "last_labels", Type: "AggregateFunction(argMaxIf, Array(String), UInt32, UInt8)"},
		},
		Engine:      "SummingMergeTree",
		PartitionBy: "toYYYYMM(bucket)",
		OrderBy:     "(bucket, customer_id)",
		TimeColumn:  "bucket",
		Retention:   KeepRollups,
		ShardingKey: "cityHash64(customer_id)",
	}

	// customerHealthView feeds the rollup from every event (rows counts them all, for the repair
	// of a view that missed an insert); log lines are no contacts and are left out of everything
	// else. Events without a customer roll up under customer_id '', which queries skip. Places
	// and labels are joined with the unit separator, which event validation keeps out of keys and
	// fields.
	customerHealthView = View{
		Name: "customer_health_1h_mv",
		To:   "customer_health_1h",
		From: "events",
		Select: `SELECT
    toStartOfHour(time) AS bucket,
    customer_id,
    count() AS rows,
    countIf(channel != 'log') AS contacts,
    countIf(label = 'negative' AND channel != 'log') AS negatives,
    countIf(label = 'positive' AND channel != 'log') AS positives,
    sumIf(toFloat64(score), channel != 'log') AS score_sum,
    countIf(channel = 'ticket') AS ticket,
    countIf(channel = 'chat') AS chat,
    countIf(channel = 'social') AS social,
    countIf(channel = 'review') AS review,
    countIf(channel = 'survey') AS survey,
    groupUniqArrayArrayIfState(CAST(topics AS Array(String)), toUInt8(label = 'negative' AND channel != 'log')) AS negative_topics,
    groupUniqArrayIfState(concat(CAST(product AS String), '\x1f', CAST(region AS String)), toUInt8(label = 'negative' AND channel != 'log')) AS negative_places,
    maxIfState(toUnixTimestamp(time), toUInt8(label = 'negative' AND channel != 'log')) AS last_negative_at,
    maxIfState(toUnixTimestamp(time), toUInt8(label = 'positive' AND channel != 'log')) AS last_positive_at,
    argMaxIfState(CAST(product AS String), toUnixTimestamp(time), toUInt8(channel != 'log')) AS last_product,
    argMaxIfState(CAST(region AS String), toUnixTimestamp(time), toUInt8(channel != 'log')) AS last_region,
    argMaxIfState(arrayMap((k, v) -> concat(k, '\x1f', v), label_keys, label_values), toUnixTimestamp(time), toUInt8(length(label_keys) > 0 AND channel != 'log')) AS last_labels
FROM {from}
GROUP BY bucket, customer_id`,
		Keys:  []ViewKey{{Column: "bucket", Expr: "toStartOfHour(time)"}, {Column: "customer_id", Expr: "customer_id"}},
		Count: "rows",
	}

	// outreachTable is the task log: every change of a task is a new row of one kind (created,
	// status, delivery, outcome) and a task is read back with argMaxIf per kind. No row is ever
	// rewritten, so concurrent writers (the evaluator, the ack API) never undo each other.
	outreachTable = Table{
		Name: "outreach",
		Columns: []Column{
			{Name: "task_id", Type: "String"},
			{Name: "version", Type: "UInt64"},
			{Name: "entry", Type: TypeLC},
			{Name: "time", Type: "DateTime"},
			{Name: "created_at", Type: "DateTime"},
			{Name: "customer_id", Type: "String"},
			{Name: "owner", Type: TypeLC},
			{Name: "policy", Type: TypeLC},
			{Name: "priority", Type: TypeLC},
			{Name: "status", Type: TypeLC},
			{Name: "assignee", Type: "String"},
			{Name: "note", Type: "String"},
			{Name: "contacted_at", Type: "DateTime"},
			{Name: "message_ids", Type: "Array(String)"},
			{Name: "message_times", Type: "Array(DateTime)"},
			{Name: "message_channels", Type: "Array(String)"},
			{Name: "snippets", Type: "Array(String)"},
			{Name: "scores", Type: "Array(Float32)"},
			{Name: "topics", Type: "Array(String)"},
			{Name: "channels", Type: "Array(String)"},
			{Name: "product", Type: "String"},
			{Name: "region", Type: "String"},
			{Name: "labels", Type: "String"},
			{Name: "health", Type: "String"},
			{Name: "held_by", Type: "String"},
			{Name: "integration", Type: TypeLC},
			{Name: "delivery", Type: TypeLC},
			{Name: "ref", Type: "String"},
			{Name: "error", Type: "String"},
			{Name: "attempt", Type: "UInt32"},
			{Name: "retry_at", Type: "DateTime"},
			{Name: "outcome", Type: TypeLC},
			{Name: "score_before", Type: "Float64"},
			{Name: "score_after", Type: "Float64"},
			{Name: "contacts_before", Type: "UInt32"},
			{Name: "contacts_after", Type: "UInt32"},
		},
		Engine:      "MergeTree",
		PartitionBy: "toYYYYMM(created_at)",
		OrderBy:     "(customer_id, created_at, task_id, version)",
		TimeColumn:  "created_at",
		Retention:   KeepRollups,
		ShardingKey: "cityHash64(customer_id)",
	}

	// outreachIncidentsTable holds the incident notes: per team and alert (fingerprint and
	// activation time), which customers are held and what was delivered. Each change is a new
	// full version.
	outreachIncidentsTable = Table{
		Name: "outreach_incidents",
		Columns: []Column{
			{Name: "team", Type: TypeLC},
			{Name: "fingerprint", Type: "String"},
			{Name: "active_at", Type: "DateTime"},
			{Name: "version", Type: "UInt64"},
			{Name: "time", Type: "DateTime"},
			{Name: "alert", Type: TypeLC},
			{Name: "labels", Type: "String"},
			{Name: "summary", Type: "String"},
			{Name: "state", Type: TypeLC},
			{Name: "held", Type: "UInt32"},
			{Name: "customers", Type: "Array(String)"},
			{Name: "released_at", Type: "DateTime"},
			{Name: "released_tasks", Type: "UInt32"},
			{Name: "slack_channel", Type: "String"},
			{Name: "slack_ts", Type: "String"},
			{Name: "slack_shown", Type: "String"},
			{Name: "webhook_sent", Type: "String"},
		},
		Engine:      "MergeTree",
		PartitionBy: "toYYYYMM(active_at)",
		OrderBy:     "(team, fingerprint, active_at, version)",
		TimeColumn:  "active_at",
		Retention:   KeepRollups,
		ShardingKey: "cityHash64(team, fingerprint)",
	}
)

// CustomerHealthRow is one customer's raw health over a window: sums, and the parts of the window
// in its recent end. Its fields match outreach.HealthRow one for one.
type CustomerHealthRow struct {
	CustomerID string
	// Contacts, Negatives, Positives and ScoreSum cover the whole window.
	Contacts  int
	Negatives int
	Positives int
	ScoreSum  float64
	// RecentContacts, RecentNegatives and RecentScoreSum cover its recent end.
	RecentContacts  int
	RecentNegatives int
	RecentScoreSum  float64
	// Unresolved counts the negative contacts after the last positive one.
	Unresolved int
	Channels   []string
	// Topics are the topics of the negative contacts.
	Topics []string
	// Places are the product and region of each negative contact of the recent end, as
	// "product\x1fregion".
	Places []string
	// Product, Region and Labels are the last seen (labels: the last non-empty set).
	Product        string
	Region         string
	Labels         map[string]string
	LastNegativeAt time.Time
}

// CustomerHealthQuery asks for the customers with a negative contact in [RecentFrom, To), with
// their health over [From, To). Windows hold the hours of the rollup that overlap them. At most
// Limit customers are returned, those with the most recent negative contacts first.
type CustomerHealthQuery struct {
	From, RecentFrom, To time.Time
	Limit                int
}

// CustomerHealth runs q over the customer_health_1h rollup in two steps within one query: the
// candidates come from sums over the recent hours alone, and only their rows of the window are
// aggregated, states included.
func (s *Store) CustomerHealth(ctx context.Context, q CustomerHealthQuery) ([]CustomerHealthRow, error) {
	if q.Limit <= 0 {
		q.Limit = 10000
	}
	from, recent, to := q.From.Unix(), q.RecentFrom.Unix(), q.To.Unix()
	table := s.Dialect().Qualified("customer_health_1h")
	sql := fmt.Sprintf(`SELECT customer_id,
    sum(contacts) AS c, sum(negatives) AS n, sum(positives) AS p, sum(score_sum) AS s,
    sumIf(contacts, bucket > toDateTime(%[2]d - 3600)) AS rc,
    sumIf(negatives, bucket > toDateTime(%[2]d - 3600)) AS rn,
    sumIf(score_sum, bucket > toDateTime(%[2]d - 3600)) AS rs,
    sum(ticket), sum(chat), sum(social), sum(review), sum(survey),
    maxIfMerge(last_positive_at) AS lp,
    arraySum(arrayMap(x -> if(tupleElement(x, 1) > lp, tupleElement(x, 2), 0),
        groupArray((finalizeAggregation(last_negative_at), negatives)))) AS unresolved,
    groupUniqArrayArrayIfMerge(negative_topics),
    groupUniqArrayIfMergeIf(negative_places, bucket > toDateTime(%[2]d - 3600)),
    argMaxIfMerge(last_product), argMaxIfMerge(last_region), argMaxIfMerge(last_labels),
    maxIfMerge(last_negative_at) AS ln
FROM %[4]s
WHERE bucket > toDateTime(%[1]d - 3600) AND bucket < toDateTime(%[3]d) AND customer_id IN (
    SELECT customer_id FROM %[4]s
    WHERE bucket > toDateTime(%[2]d - 3600) AND bucket < toDateTime(%[3]d) AND negatives > 0 AND customer_id != ''
    GROUP BY customer_id
    ORDER BY sum(negatives) DESC, customer_id
    LIMIT %[5]d)
GROUP BY customer_id
ORDER BY rn DESC, ln DESC, customer_id`, from, recent, to, table, q.Limit)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("read customer health: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []CustomerHealthRow
	channels := []string{"ticket", "chat", "social", "review", "survey"}
	for rows.Next() {
		var r CustomerHealthRow
		var c, n, p, rc, rn, unresolved uint64
		var byChannel [5]uint64
		var lp, lastNeg uint32
		var labels []string
		if err := rows.Scan(&r.CustomerID, &c, &n, &p, &r.ScoreSum, &rc, &rn, &r.RecentScoreSum,
			&byChannel[0], &byChannel[1], &byChannel[2], &byChannel[3], &byChannel[4], &lp, &unresolved,
			&r.Topics, &r.Places, &r.Product, &r.Region, &labels, &lastNeg); err != nil {
			return nil, fmt.Errorf("read customer health: %w", err)
		}
		r.Contacts, r.Negatives, r.Positives, r.RecentContacts, r.RecentNegatives = int(c), int(n), int(p), int(rc), int(rn)
		r.Unresolved = int(unresolved)
		for i, v := range byChannel {
			if v > 0 {
				r.Channels = append(r.Channels, channels[i])
			}
		}
		r.Labels = splitPairs(labels)
		r.LastNegativeAt = unixOrZero(lastNeg)
		out = append(out, r)
	}
	return out, rows.Err()
}

func unixOrZero(s uint32) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}

// splitPairs reads "key\x1fvalue" strings into a map.
func splitPairs(pairs []string) map[string]string {
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		if k, v, ok := strings.Cut(p, "\x1f"); ok {
			out[k] = v
		}
	}
	return out
}

// CustomerSentiment is the sum of a customer's contacts over a window.
type CustomerSentiment struct {
	Contacts  int
	Negatives int
	ScoreSum  float64
}

// CustomerSentimentBetween sums customer's contacts in the hours starting in [from, to).
func (s *Store) CustomerSentimentBetween(ctx context.Context, customer string, from, to time.Time) (CustomerSentiment, error) {
	sql := fmt.Sprintf(`SELECT sum(contacts), sum(negatives), sum(score_sum) FROM %s
WHERE bucket >= toDateTime(%d) AND bucket < toDateTime(%d) AND customer_id = %s`,
		s.Dialect().Qualified("customer_health_1h"), from.Unix(), to.Unix(), quoteString(customer))
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	var c, n uint64
	var out CustomerSentiment
	if err := s.conn.QueryRow(ctx, sql).Scan(&c, &n, &out.ScoreSum); err != nil {
		return out, fmt.Errorf("read sentiment of customer %s: %w", customer, err)
	}
	out.Contacts, out.Negatives = int(c), int(n)
	return out, nil
}

// CustomerMessage is a stored message of a customer (text already redacted by the pipeline).
// Its fields match outreach.Message one for one.
type CustomerMessage struct {
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

// inChunk bounds the ids of one IN list, well within ClickHouse's max_query_size.
const inChunk = 1000

// CustomerMessages returns up to perCustomer of the negative messages of each customer in
// [from, to), newest first.
func (s *Store) CustomerMessages(ctx context.Context, customers []string, from, to time.Time, perCustomer int) ([]CustomerMessage, error) {
	var out []CustomerMessage
	for len(customers) > 0 {
		part := customers[:min(inChunk, len(customers))]
		customers = customers[len(part):]
		sql := fmt.Sprintf(`SELECT customer_id, id, time, toString(channel), toString(product), toString(region), text, score,
    toString(label), CAST(topics AS Array(String))
FROM %s
WHERE time >= toDateTime(%d) AND time < toDateTime(%d) AND %s AND label = 'negative'
ORDER BY customer_id, time DESC
LIMIT %d BY customer_id`, s.Dialect().Qualified("events"), from.Unix(), to.Unix()+1, inList("customer_id", part), perCustomer)
		if err := func() error {
			qctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
			defer cancel()
			rows, err := s.conn.Query(qctx, sql)
			if err != nil {
				return err
			}
			defer func() { _ = rows.Close() }()
			for rows.Next() {
				var m CustomerMessage
				var score float32
				if err := rows.Scan(&m.CustomerID, &m.ID, &m.Time, &m.Channel, &m.Product, &m.Region, &m.Text, &score,
					&m.Label, &m.Topics); err != nil {
					return err
				}
				m.Score, m.Time = float64(score), m.Time.UTC()
				out = append(out, m)
			}
			return rows.Err()
		}(); err != nil {
			return nil, fmt.Errorf("read customer messages: %w", err)
		}
	}
	return out, nil
}

// OutreachEntry is one row of the task log. Kind says which fields it sets: "created" (the
// task, its evidence and status open), "status" (Status, Assignee, Note, ContactedAt),
// "delivery" (Integration, Delivery, Ref, Error, Attempt) or "outcome" (Outcome and the
// scores). TaskID, CreatedAt, CustomerID and Owner are set on every entry. Its fields match
// outreach.Entry one for one.
type OutreachEntry struct {
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
	// RetryAt is when a failed delivery is tried again (a server's Retry-After survives a
	// restart).
	RetryAt        time.Time
	Outcome        string
	ScoreBefore    float64
	ScoreAfter     float64
	ContactsBefore int
	ContactsAfter  int
}

var outreachColumns = []string{
	"task_id", "version", "entry", "time", "created_at", "customer_id", "owner", "policy",
	"priority", "status", "assignee", "note", "contacted_at", "message_ids", "message_times", "message_channels",
	"snippets", "scores", "topics", "channels", "product", "region", "labels", "health", "held_by", "integration",
	"delivery", "ref", "error", "attempt", "retry_at", "outcome", "score_before", "score_after", "contacts_before", "contacts_after",
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AppendOutreach writes task log entries.
func (s *Store) AppendOutreach(ctx context.Context, rows []OutreachEntry) error {
	return s.insert(ctx, "outreach", outreachColumns, len(rows), func(i int) []any {
		r := rows[i]
		times := make([]time.Time, len(r.MessageTimes))
		for j, t := range r.MessageTimes {
			times[j] = dt(t)
		}
		scores := make([]float32, len(r.Scores))
		for j, v := range r.Scores {
			scores[j] = float32(v)
		}
		health := "{}"
		if len(r.Health) > 0 {
			b, _ := json.Marshal(r.Health) // finite floats only: the caller's contract
			health = string(b)
		}
		return []any{
			r.TaskID, nextVersion(r.Time), r.Kind, dt(r.Time), dt(r.CreatedAt), r.CustomerID, r.Owner, r.Policy,
			r.Priority, r.Status, r.Assignee, r.Note, dt(r.ContactedAt), nonNilStrings(r.MessageIDs), times,
			nonNilStrings(r.MessageChannels), nonNilStrings(r.Snippets), scores, nonNilStrings(r.Topics),
			nonNilStrings(r.Channels), r.Product, r.Region, jsonMap(r.Labels), health, r.HeldBy, r.Integration,
			r.Delivery, r.Ref, r.Error, uint32(r.Attempt), dt(r.RetryAt), r.Outcome, r.ScoreBefore, r.ScoreAfter,
			uint32(r.ContactsBefore), uint32(r.ContactsAfter),
		}
	})
}

// OutreachDelivery is the latest delivery attempt of a task to one integration.
type OutreachDelivery struct {
	Delivery string
	Ref      string
	Error    string
	Attempt  int
	Time     time.Time
	RetryAt  time.Time
}

// OutreachTask is a task as its log says it is now. Its fields match outreach.Task one for one.
type OutreachTask struct {
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
	Slack           OutreachDelivery
	Webhook         OutreachDelivery
	Outcome         string
	OutcomeAt       time.Time
	ScoreBefore     float64
	ScoreAfter      float64
	ContactsBefore  int
	ContactsAfter   int
}

// OutreachFilter selects tasks; zero fields select everything. Statuses and Owner apply to the
// task as it is now.
type OutreachFilter struct {
	IDs         []string
	Customers   []string
	Owner       string
	Statuses    []string
	CreatedFrom time.Time
	CreatedTo   time.Time
	Contacted   bool // only tasks with a contact time
	NoOutcome   bool // only tasks without an outcome
	Limit       int
	OldestFirst bool
}

// OutreachTasks returns the tasks matching f, newest first (oldest first with f.OldestFirst).
func (s *Store) OutreachTasks(ctx context.Context, f OutreachFilter) ([]OutreachTask, error) {
	// Long IN lists are split; the limit and the order then hold per part.
	if len(f.Customers) > inChunk || len(f.IDs) > inChunk {
		var out []OutreachTask
		for {
			part := f
			if len(f.Customers) > inChunk {
				part.Customers, f.Customers = f.Customers[:inChunk], f.Customers[inChunk:]
			} else if len(f.IDs) > inChunk {
				part.IDs, f.IDs = f.IDs[:inChunk], f.IDs[inChunk:]
			} else {
				r, err := s.OutreachTasks(ctx, f)
				return append(out, r...), err
			}
			r, err := s.OutreachTasks(ctx, part)
			if err != nil {
				return nil, err
			}
			out = append(out, r...)
		}
	}
	var where, having []string
	if len(f.IDs) > 0 {
		where = append(where, inList("task_id", f.IDs))
	}
	if len(f.Customers) > 0 {
		where = append(where, inList("customer_id", f.Customers))
	}
	if f.Owner != "" {
		where = append(where, "owner = "+quoteString(f.Owner))
	}
	if !f.CreatedFrom.IsZero() {
		where = append(where, fmt.Sprintf("created_at >= toDateTime(%d)", f.CreatedFrom.Unix()))
	}
	if !f.CreatedTo.IsZero() {
		where = append(where, fmt.Sprintf("created_at < toDateTime(%d)", f.CreatedTo.Unix()))
	}
	if len(f.Statuses) > 0 {
		having = append(having, inList("st", f.Statuses))
	}
	if f.Contacted {
		having = append(having, "contacted > toDateTime(0)")
	}
	if f.NoOutcome {
		having = append(having, "oc = ''")
	}
	// Only tasks whose created entry is stored: an entry of another kind alone is no task.
	having = append(having, "has_created > 0")
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	order := "created DESC, task_id"
	if f.OldestFirst {
		order = "created, task_id"
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf("LIMIT %d", f.Limit)
	}
	del := func(integration string) string {
		c := fmt.Sprintf("version, entry = 'delivery' AND integration = '%s'", integration)
		return fmt.Sprintf("argMaxIf(delivery, %[1]s), argMaxIf(ref, %[1]s), argMaxIf(error, %[1]s), argMaxIf(attempt, %[1]s), argMaxIf(time, %[1]s), argMaxIf(retry_at, %[1]s)", c)
	}
	sql := fmt.Sprintf(`SELECT task_id, min(created_at) AS created, max(time), any(customer_id), any(owner),
    argMaxIf(policy, version, entry = 'created'), argMaxIf(priority, version, entry = 'created'),
    argMaxIf(status, version, entry IN ('created', 'status')) AS st,
    argMaxIf(assignee, version, entry = 'status'), argMaxIf(note, version, entry = 'status'),
    maxIf(contacted_at, entry = 'status') AS contacted,
    argMaxIf(message_ids, version, entry = 'created'), argMaxIf(message_times, version, entry = 'created'),
    argMaxIf(message_channels, version, entry = 'created'), argMaxIf(snippets, version, entry = 'created'),
    argMaxIf(scores, version, entry = 'created'), argMaxIf(topics, version, entry = 'created'),
    argMaxIf(channels, version, entry = 'created'), argMaxIf(product, version, entry = 'created'),
    argMaxIf(region, version, entry = 'created'), argMaxIf(labels, version, entry = 'created'),
    argMaxIf(health, version, entry = 'created'), argMaxIf(held_by, version, entry = 'created'),
    %s,
    %s,
    argMaxIf(outcome, version, entry = 'outcome') AS oc, maxIf(time, entry = 'outcome'),
    argMaxIf(score_before, version, entry = 'outcome'), argMaxIf(score_after, version, entry = 'outcome'),
    argMaxIf(contacts_before, version, entry = 'outcome'), argMaxIf(contacts_after, version, entry = 'outcome'),
    countIf(entry = 'created') AS has_created
FROM %s
%s
GROUP BY task_id
HAVING %s
ORDER BY %s
%s`, del("slack"), del("webhook"), s.Dialect().Qualified("outreach"), cond, strings.Join(having, " AND "), order, limit)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("read outreach tasks: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []OutreachTask
	for rows.Next() {
		var t OutreachTask
		var scores []float32
		var labels, health string
		var sAttempt, wAttempt uint32
		var cBefore, cAfter uint32
		var hasCreated uint64
		if err := rows.Scan(&t.ID, &t.CreatedAt, &t.UpdatedAt, &t.CustomerID, &t.Owner, &t.Policy, &t.Priority, &t.Status,
			&t.Assignee, &t.Note, &t.ContactedAt, &t.MessageIDs, &t.MessageTimes, &t.MessageChannels, &t.Snippets,
			&scores, &t.Topics, &t.Channels, &t.Product, &t.Region, &labels, &health, &t.HeldBy,
			&t.Slack.Delivery, &t.Slack.Ref, &t.Slack.Error, &sAttempt, &t.Slack.Time, &t.Slack.RetryAt,
			&t.Webhook.Delivery, &t.Webhook.Ref, &t.Webhook.Error, &wAttempt, &t.Webhook.Time, &t.Webhook.RetryAt,
			&t.Outcome, &t.OutcomeAt, &t.ScoreBefore, &t.ScoreAfter, &cBefore, &cAfter, &hasCreated); err != nil {
			return nil, fmt.Errorf("read outreach tasks: %w", err)
		}
		t.CreatedAt, t.UpdatedAt, t.ContactedAt, t.OutcomeAt = fromDT(t.CreatedAt), fromDT(t.UpdatedAt), fromDT(t.ContactedAt), fromDT(t.OutcomeAt)
		t.Slack.Time, t.Webhook.Time = fromDT(t.Slack.Time), fromDT(t.Webhook.Time)
		t.Slack.RetryAt, t.Webhook.RetryAt = fromDT(t.Slack.RetryAt), fromDT(t.Webhook.RetryAt)
		for i := range t.MessageTimes {
			t.MessageTimes[i] = fromDT(t.MessageTimes[i])
		}
		t.Scores = make([]float64, len(scores))
		for i, v := range scores {
			t.Scores[i] = float64(v)
		}
		t.Labels = parseMap(labels)
		t.Health = map[string]float64{}
		_ = json.Unmarshal([]byte(health), &t.Health)
		t.Slack.Attempt, t.Webhook.Attempt = int(sAttempt), int(wAttempt)
		t.ContactsBefore, t.ContactsAfter = int(cBefore), int(cAfter)
		out = append(out, t)
	}
	return out, rows.Err()
}

// OutreachIncidentRow is one version of an incident note. Its fields match outreach.Note one
// for one.
type OutreachIncidentRow struct {
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
	SlackShown    string
	WebhookSent   string
}

// AppendOutreachIncidents writes incident note versions.
func (s *Store) AppendOutreachIncidents(ctx context.Context, rows []OutreachIncidentRow) error {
	return s.insert(ctx, "outreach_incidents", []string{
		"team", "fingerprint", "active_at", "version", "time", "alert",
		"labels", "summary", "state", "held", "customers", "released_at", "released_tasks", "slack_channel", "slack_ts",
		"slack_shown", "webhook_sent",
	}, len(rows), func(i int) []any {
		r := rows[i]
		return []any{
			r.Team, r.Fingerprint, dt(r.ActiveAt), nextVersion(r.Time), dt(r.Time), r.Alert, jsonMap(r.Labels),
			r.Summary, r.State, uint32(r.Held), nonNilStrings(r.Customers), dt(r.ReleasedAt), uint32(r.ReleasedTasks),
			r.SlackChannel, r.SlackTS, r.SlackShown, r.WebhookSent,
		}
	})
}

// LatestOutreachIncidents returns the latest version of every incident note written at or
// after since.
func (s *Store) LatestOutreachIncidents(ctx context.Context, since time.Time) ([]OutreachIncidentRow, error) {
	q := fmt.Sprintf(`SELECT team, fingerprint, active_at, max(time) AS t, argMax(alert, version), argMax(labels, version),
    argMax(summary, version), argMax(state, version), argMax(held, version), argMax(customers, version),
    argMax(released_at, version), argMax(released_tasks, version), argMax(slack_channel, version),
    argMax(slack_ts, version), argMax(slack_shown, version), argMax(webhook_sent, version)
FROM %s GROUP BY team, fingerprint, active_at HAVING t >= toDateTime(%d)`, s.Dialect().Qualified("outreach_incidents"), since.Unix())
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read outreach incidents: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []OutreachIncidentRow
	for rows.Next() {
		var r OutreachIncidentRow
		var labels string
		var held, released uint32
		if err := rows.Scan(&r.Team, &r.Fingerprint, &r.ActiveAt, &r.Time, &r.Alert, &labels, &r.Summary, &r.State, &held,
			&r.Customers, &r.ReleasedAt, &released, &r.SlackChannel, &r.SlackTS, &r.SlackShown, &r.WebhookSent); err != nil {
			return nil, fmt.Errorf("read outreach incidents: %w", err)
		}
		r.Labels, r.Held, r.ReleasedTasks = parseMap(labels), int(held), int(released)
		r.ActiveAt, r.Time, r.ReleasedAt = fromDT(r.ActiveAt), fromDT(r.Time), fromDT(r.ReleasedAt)
		out = append(out, r)
	}
	return out, rows.Err()
}
