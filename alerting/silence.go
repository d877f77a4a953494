package alerting

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// SilenceState says whether a silence is in effect.
type SilenceState uint8

// The states of a silence.
const (
	SilencePending SilenceState = iota
	SilenceActive
	SilenceExpired
)

// String returns pending, active or expired.
func (s SilenceState) String() string {
	switch s {
	case SilenceActive:
		return "active"
	case SilenceExpired:
		return "expired"
	}
	return "pending"
}

// StateAt returns the state of the silence at now.
func (s *Silence) StateAt(now time.Time) SilenceState {
	switch {
	case !now.Before(s.EndsAt):
		return SilenceExpired
	case now.Before(s.StartsAt):
		return SilencePending
	}
	return SilenceActive
}

type silenceEntry struct {
	s        Silence
	matchers Matchers
}

// Silences holds the silences and decides which alerts they mute. Every change is written to the
// store before it takes effect. Safe for concurrent use.
type Silences struct {
	store   StateStore
	metrics *metrics

	mu sync.RWMutex
	m  map[string]*silenceEntry
}

// ErrSilenceNotFound is returned for an unknown silence id.
var ErrSilenceNotFound = errors.New("silence not found")

func newSilences(store StateStore, m *metrics) *Silences {
	return &Silences{store: store, metrics: m, m: map[string]*silenceEntry{}}
}

// Load reads the silences that have not ended before now.
func (s *Silences) Load(ctx context.Context, now time.Time) error {
	if s.store == nil {
		return nil
	}
	list, err := s.store.LoadSilences(ctx, now)
	if err != nil {
		s.metrics.storeErrors.WithLabelValues("silences").Inc()
		return fmt.Errorf("load silences: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sil := range list {
		ms, err := parseMatcherList(sil.Matchers)
		if err != nil {
			continue
		}
		s.m[sil.ID] = &silenceEntry{s: sil, matchers: ms}
	}
	return nil
}

func parseMatcherList(in []string) (Matchers, error) {
	var ms Matchers
	for _, x := range in {
		m, err := ParseMatcher(x)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// Add validates and stores a new silence (a zero StartsAt means now) and returns it with its id.
func (s *Silences) Add(ctx context.Context, now time.Time, sil Silence) (Silence, error) {
	if len(sil.Matchers) == 0 {
		return Silence{}, errors.New("silence needs at least one matcher")
	}
	ms, err := parseMatcherList(sil.Matchers)
	if err != nil {
		return Silence{}, fmt.Errorf("silence: %w", err)
	}
	matchesEmpty := true
	for _, m := range ms {
		if !m.Matches("") {
			matchesEmpty = false
		}
	}
	if matchesEmpty {
		return Silence{}, errors.New("silence: the matchers would mute every alert; add one that needs a label value")
	}
	if sil.StartsAt.IsZero() || sil.StartsAt.Before(now) {
		sil.StartsAt = now
	}
	if !sil.EndsAt.After(sil.StartsAt) {
		return Silence{}, errors.New("silence: ends_at must be after starts_at and in the future")
	}
	if sil.CreatedBy == "" {
		return Silence{}, errors.New("silence: created_by is required")
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	sil.ID = hex.EncodeToString(b[:])
	sil.UpdatedAt = now
	if err := s.persist(ctx, sil); err != nil {
		return Silence{}, err
	}
	s.mu.Lock()
	s.m[sil.ID] = &silenceEntry{s: sil, matchers: ms}
	s.mu.Unlock()
	return sil, nil
}

func (s *Silences) persist(ctx context.Context, sil Silence) error {
	if s.store == nil {
		return nil
	}
	if err := s.store.AppendSilences(ctx, []Silence{sil}); err != nil {
		s.metrics.storeErrors.WithLabelValues("silences").Inc()
		return fmt.Errorf("store silence: %w", err)
	}
	return nil
}

// Expire ends a silence now. Expiring an expired silence is not an error.
func (s *Silences) Expire(ctx context.Context, now time.Time, id string) error {
	s.mu.RLock()
	e, ok := s.m[id]
	s.mu.RUnlock()
	if !ok {
		return fmt.Errorf("silence %s: %w", id, ErrSilenceNotFound)
	}
	sil := e.s
	if sil.StateAt(now) == SilenceExpired {
		return nil
	}
	if sil.StartsAt.After(now) {
		sil.StartsAt = now
	}
	sil.EndsAt, sil.UpdatedAt = now, now
	if err := s.persist(ctx, sil); err != nil {
		return err
	}
	s.mu.Lock()
	s.m[id] = &silenceEntry{s: sil, matchers: e.matchers}
	s.mu.Unlock()
	return nil
}

// List returns the silences, newest first.
func (s *Silences) List() []Silence {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Silence, 0, len(s.m))
	for _, e := range s.m {
		out = append(out, e.s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UpdatedAt.After(out[j].UpdatedAt) })
	return out
}

// Mutes returns the ids of the active silences that match ls.
func (s *Silences) Mutes(ls Labels, now time.Time) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	active := 0
	for id, e := range s.m {
		if e.s.StateAt(now) != SilenceActive {
			continue
		}
		active++
		if e.matchers.Matches(ls) {
			ids = append(ids, id)
		}
	}
	s.metrics.silences.Set(float64(active))
	sort.Strings(ids)
	return ids
}
