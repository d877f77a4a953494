package alerting

import (
	"context"
	"time"
)

// Query is what a rule asks of storage: the aggregates of the events matching Select, per
// distinct value of GroupBy, over windows of length Window.
type Query struct {
	Select  Select
	Window  time.Duration
	GroupBy []string
	// Topics lists the topics whose counts are wanted in Values.Topics.
	Topics []string
}

// QueryOf returns the query of a rule.
func QueryOf(r *Rule) Query {
	return Query{Select: r.Select, Window: r.Window, GroupBy: r.GroupBy, Topics: r.Topics}
}

// Point is the aggregate of one window, the window ending (exclusive) at T.
type Point struct {
	T      time.Time
	Values Values
}

// Series is the points of one group: Labels holds the group_by fields as alert labels
// ("labels.plan" becomes "plan").
type Series struct {
	Labels Labels
	Points []Point
}

// QueryFunc runs a query for the windows ending at from, from+step, …, up to and including to
// (one window when from equals to; step is then ignored). A window ending at e aggregates the
// per-minute buckets that overlap [e-Window, e), the current partial minute included.
// Groups without events in a window have no point for it; groups without any point are absent.
// Points are ordered by time. It must be safe for concurrent use.
type QueryFunc func(ctx context.Context, q Query, from, to time.Time, step time.Duration) ([]Series, error)

// SampleFunc returns up to n texts of the events a query selects in the group `group` within
// [from, to), the most negative first. It must be safe for concurrent use.
type SampleFunc func(ctx context.Context, q Query, group Labels, from, to time.Time, n int) ([]string, error)
