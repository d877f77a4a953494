package event

import (
	"fmt"
	"time"
)

// Ack is the answer to a batch of events handed to the pipeline: how many were accepted (durable)
// and how many were duplicates of events already stored (not stored again).
type Ack struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// Reasons a BusyError carries, used as metric label values.
const (
	BusyQueueFull   = "queue_full"
	BusyUnavailable = "unavailable"
	BusySpoolFull   = "spool_full"
	BusyShutdown    = "shutting_down"
)

// BusyError is returned when events cannot be taken now (back-pressure): none of the batch was
// accepted and the sender may retry after RetryAfter.
type BusyError struct {
	// Reason is one of the Busy* constants.
	Reason     string
	RetryAfter time.Duration
	// Err is the cause, if any (a ClickHouse connection error, say).
	Err error
}

// Error implements error.
func (e *BusyError) Error() string {
	var what string
	switch e.Reason {
	case BusyQueueFull:
		what = "ingest queue is full"
	case BusyUnavailable:
		what = "storage is unavailable"
	case BusySpoolFull:
		what = "spool is full"
	case BusyShutdown:
		what = "shutting down"
	default:
		what = e.Reason
	}
	if e.Err != nil {
		return fmt.Sprintf("%s, retry after %s: %v", what, e.RetryAfter, e.Err)
	}
	return fmt.Sprintf("%s, retry after %s", what, e.RetryAfter)
}

// Unwrap returns the cause.
func (e *BusyError) Unwrap() error { return e.Err }
