package spool

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
)

func rows(prefix string, n int) []event.Scored {
	out := make([]event.Scored, n)
	for i := range out {
		out[i] = event.Scored{
			Event: event.Event{
				ID: fmt.Sprintf("%s-%d", prefix, i), Time: time.UnixMilli(1764079200123 + int64(i)).UTC(), Source: "api",
				Channel: event.ChannelChat, CustomerID: "c1", Product: "app", Region: "eu", Text: "still waiting for my refund",
				Labels: map[string]string{"plan": "pro"},
			},
			Sentiment: event.Sentiment{
				Score: -0.7, Label: event.Negative, Confidence: 0.9, Probs: event.Probs{Negative: 0.8, Neutral: 0.1, Positive: 0.1},
				Evidence: []event.Evidence{{Phrase: "still waiting", Weight: -1.2}}, Language: "en", Reliable: true,
				ModelVersion: "m1", Topics: []string{"refund"},
			},
			IngestedAt: time.Unix(1764079300, 0).UTC(),
		}
	}
	return out
}

func ids(rs []event.Scored) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].ID
	}
	return out
}

func small(dir string) Config {
	return Config{Dir: dir, MaxBytes: 1 << 20, SegmentBytes: 1 << 16}
}

func TestAppendNextCommitInOrder(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(small(dir), nil)
	require.NoError(t, err)
	require.True(t, s.Empty())
	var want []string
	for b := range 40 { // enough to span several 64 KiB segments
		r := rows(fmt.Sprintf("b%d", b), 50)
		require.NoError(t, s.Append(r))
		want = append(want, ids(r)...)
	}
	require.False(t, s.Empty())
	files, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	require.Greater(t, len(files), 1)

	var got []string
	for {
		batch, pos, ok, err := s.Next(120)
		require.NoError(t, err)
		if !ok {
			break
		}
		got = append(got, ids(batch)...)
		require.NoError(t, s.Commit(pos))
	}
	require.Equal(t, want, got)
	require.True(t, s.Empty())
	files, _ = filepath.Glob(filepath.Join(dir, "*.seg"))
	require.Len(t, files, 1, "committed segments are deleted")
	require.NoError(t, s.Close())

	// Every field survives the disk.
	s, err = Open(small(t.TempDir()), nil)
	require.NoError(t, err)
	in := rows("x", 2)
	require.NoError(t, s.Append(in))
	out, _, ok, err := s.Next(10)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, in, out)
}

func TestReopenRecoversTornTail(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(small(dir), nil)
	require.NoError(t, err)
	require.NoError(t, s.Append(rows("a", 10)))
	require.NoError(t, s.Append(rows("b", 10)))
	require.NoError(t, s.Close())

	// A crash in the middle of a third append leaves half a record.
	files, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	f, err := os.OpenFile(files[len(files)-1], os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte{200, 1, 0, 0, 1, 2, 3, 4, 5})
	require.NoError(t, err)
	require.NoError(t, f.Close())

	s, err = Open(small(dir), nil)
	require.NoError(t, err)
	require.Equal(t, 1, s.Corrupt())
	var seen []string
	require.NoError(t, s.IDs(func(id string) { seen = append(seen, id) }))
	require.Len(t, seen, 20)
	batch, _, ok, err := s.Next(1000)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, append(ids(rows("a", 10)), ids(rows("b", 10))...), ids(batch))
	// Appending after recovery continues the sequence of whole records.
	require.NoError(t, s.Append(rows("c", 5)))
	batch, _, ok, err = s.Next(1000)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ids(rows("c", 5)), ids(batch))
}

func TestUncommittedRecordsAreReadAgainAfterRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(small(dir), nil)
	require.NoError(t, err)
	require.NoError(t, s.Append(rows("a", 3)))
	_, _, ok, err := s.Next(10)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Close()) // read but never committed: the downstream write may have failed

	s, err = Open(small(dir), nil)
	require.NoError(t, err)
	batch, _, ok, err := s.Next(10)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ids(rows("a", 3)), ids(batch))
}

func TestRewindAfterFailedWrite(t *testing.T) {
	s, err := Open(small(t.TempDir()), nil)
	require.NoError(t, err)
	require.NoError(t, s.Append(rows("a", 3)))
	_, _, ok, err := s.Next(10)
	require.NoError(t, err)
	require.True(t, ok)
	s.Rewind()
	batch, _, ok, err := s.Next(10)
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, batch, 3)
}

func TestFull(t *testing.T) {
	s, err := Open(Config{Dir: t.TempDir(), MaxBytes: 1 << 17, SegmentBytes: 1 << 16}, nil)
	require.NoError(t, err)
	var full error
	for range 1000 {
		if full = s.Append(rows("f", 50)); full != nil {
			break
		}
	}
	require.ErrorIs(t, full, ErrFull)
	require.LessOrEqual(t, s.Bytes(), int64(1<<17))
	// Draining makes room again.
	for {
		_, pos, ok, err := s.Next(1000)
		require.NoError(t, err)
		if !ok {
			break
		}
		require.NoError(t, s.Commit(pos))
	}
	require.NoError(t, s.Append(rows("g", 50)))
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultConfig().Validate())
	require.ErrorContains(t, Config{Dir: "x", SegmentBytes: 10, MaxBytes: 100}.Validate(), "segment_bytes must be at least 65536")
	require.ErrorContains(t, Config{Dir: "x", SegmentBytes: 1 << 16, MaxBytes: 1 << 16}.Validate(), "max_bytes must be at least twice")
}
