// Package intaketest is a recording ingest.Submitter for the tests of the doors: it stands in
// for the pipeline seam (not for storage), remembers every event it accepted, recognises
// redelivered ids as duplicates as the pipeline does, and can be told to push back.
package intaketest

import (
	"context"
	"sync"
	"time"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest"
)

// Submitter records submitted events. Safe for concurrent use.
type Submitter struct {
	mu      sync.Mutex
	events  []event.Event
	ids     map[string]int
	calls   int
	fail    []error
	hook    func(evs []event.Event) error
	changed chan struct{}
}

var _ ingest.Submitter = (*Submitter)(nil)

// New returns an empty Submitter.
func New() *Submitter {
	return &Submitter{ids: make(map[string]int), changed: make(chan struct{})}
}

// Busy returns the back-pressure error the pipeline gives when its queue is full.
func Busy(retryAfter time.Duration) error {
	return &event.BusyError{Reason: event.BusyQueueFull, RetryAfter: retryAfter}
}

// FailNext makes the next calls of Submit return errs, one per call, accepting nothing.
func (s *Submitter) FailNext(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, errs...)
}

// SetHook installs fn, called with every batch before it is recorded; a non-nil error is
// returned by Submit and nothing of the batch is recorded.
func (s *Submitter) SetHook(fn func(evs []event.Event) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// Submit implements ingest.Submitter.
func (s *Submitter) Submit(ctx context.Context, evs []event.Event) (event.Ack, error) {
	if err := ctx.Err(); err != nil {
		return event.Ack{}, err
	}
	s.mu.Lock()
	s.calls++
	if len(s.fail) > 0 {
		err := s.fail[0]
		s.fail = s.fail[1:]
		s.mu.Unlock()
		return event.Ack{}, err
	}
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		if err := hook(evs); err != nil {
			return event.Ack{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ack event.Ack
	for _, ev := range evs {
		s.ids[ev.ID]++
		if s.ids[ev.ID] > 1 {
			ack.Duplicates++
			continue
		}
		ack.Accepted++
		s.events = append(s.events, ev)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return ack, nil
}

// Events returns a copy of the distinct events accepted so far, in order.
func (s *Submitter) Events() []event.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]event.Event(nil), s.events...)
}

// Deliveries returns how many times each id was submitted successfully.
func (s *Submitter) Deliveries() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.ids))
	for k, v := range s.ids {
		out[k] = v
	}
	return out
}

// Calls returns how many times Submit was called.
func (s *Submitter) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// WaitFor blocks until cond (called under the Submitter's lock with the distinct events so far)
// is true, ctx is done (it returns ctx's error) or timeout passes.
func (s *Submitter) WaitFor(ctx context.Context, timeout time.Duration, cond func(evs []event.Event) bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		s.mu.Lock()
		ok := cond(s.events)
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
