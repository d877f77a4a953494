// Package spool keeps accepted events on local disk while ClickHouse is unreachable: append-only
// segment files of checksummed records, synced before Append returns, bounded in bytes, read back
// in order and deleted once committed downstream.
package spool

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cxpulse/cxpulse/event"
)

// Config is the `spool:` section of the configuration. An empty Dir disables the spool.
type Config struct {
	Dir string `yaml:"dir"`
	// MaxBytes bounds the spool on disk; past it Append fails with ErrFull.
	MaxBytes int64 `yaml:"max_bytes"`
	// SegmentBytes is the size at which a new segment file is started.
	SegmentBytes int64 `yaml:"segment_bytes"`
}

// DefaultConfig returns the settings used for keys a file leaves out (disabled: no Dir).
func DefaultConfig() Config { return Config{MaxBytes: 1 << 30, SegmentBytes: 64 << 20} }

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	if c.Dir == "" {
		return nil
	}
	if c.SegmentBytes < 1<<16 {
		return fmt.Errorf("segment_bytes must be at least 65536, got %d", c.SegmentBytes)
	}
	if c.MaxBytes < 2*c.SegmentBytes {
		return fmt.Errorf("max_bytes must be at least twice segment_bytes (%d), got %d", 2*c.SegmentBytes, c.MaxBytes)
	}
	return nil
}

// ErrFull is returned by Append when the spool has no room for the batch.
var ErrFull = errors.New("spool is full")

const (
	magic      = "CXSPOOL1"
	headerSize = 8 // record: uint32 payload length, uint32 CRC-32C of the payload
	suffix     = ".seg"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Spool is a durable FIFO of event batches. Append, Next and Commit are safe for concurrent use;
// there is one reader (Next/Commit), any number of writers.
type Spool struct {
	cfg    Config
	logger *slog.Logger

	mu       sync.Mutex
	segments []*segment // oldest first; the last one is written to
	bytes    int64
	nextSeq  uint64
	// reader position: segment index in segments and offset within it
	readSeg int
	readOff int64
	corrupt int
}

type segment struct {
	seq  uint64
	path string
	size int64
	f    *os.File // open for appending on the last segment only
}

// Position identifies the end of a record returned by Next; Commit it once the batch is stored.
type Position struct {
	seq uint64
	off int64
}

// Open opens (creating if needed) the spool directory and recovers its segments: a record torn
// by a crash at the end of a segment is cut off.
func Open(cfg Config, logger *slog.Logger) (*Spool, error) {
	if cfg.Dir == "" {
		return nil, errors.New("spool: no directory configured")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &Spool{cfg: cfg, logger: logger, nextSeq: 1}
	entries, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, suffix) {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, suffix), 10, 64)
		if err != nil {
			continue
		}
		seg := &segment{seq: seq, path: filepath.Join(cfg.Dir, name)}
		if err := s.recover(seg); err != nil {
			return nil, err
		}
		s.segments = append(s.segments, seg)
		s.bytes += seg.size
		s.nextSeq = max(s.nextSeq, seq+1)
	}
	slices.SortFunc(s.segments, func(a, b *segment) int { return cmp.Compare(a.seq, b.seq) })
	if len(s.segments) > 0 {
		s.readOff = int64(len(magic))
	}
	return s, nil
}

// recover validates a segment's records and truncates a torn tail.
func (s *Spool) recover(seg *segment) error {
	data, err := os.ReadFile(seg.path)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		// A crash right after creating the file leaves it empty or partial: start it over.
		if err := os.WriteFile(seg.path, []byte(magic), 0o640); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		seg.size = int64(len(magic))
		return nil
	}
	off := int64(len(magic))
	for {
		_, next, err := readRecord(data, off)
		if err == io.EOF {
			break
		}
		if err != nil {
			s.logger.Warn("spool: cutting a torn or corrupt record", "segment", seg.path, "offset", off, "err", err)
			if err := os.Truncate(seg.path, off); err != nil {
				return fmt.Errorf("spool: %w", err)
			}
			s.corrupt++
			break
		}
		off = next
	}
	seg.size = off
	return nil
}

// readRecord returns the payload of the record at off and the offset after it; io.EOF at the end.
func readRecord(data []byte, off int64) ([]byte, int64, error) {
	if off == int64(len(data)) {
		return nil, off, io.EOF
	}
	if off+headerSize > int64(len(data)) {
		return nil, off, errors.New("short record header")
	}
	n := int64(binary.LittleEndian.Uint32(data[off:]))
	sum := binary.LittleEndian.Uint32(data[off+4:])
	end := off + headerSize + n
	if end > int64(len(data)) {
		return nil, off, errors.New("short record")
	}
	payload := data[off+headerSize : end]
	if crc32.Checksum(payload, crcTable) != sum {
		return nil, off, errors.New("checksum mismatch")
	}
	return payload, end, nil
}

// Bytes is the size of the spool on disk.
func (s *Spool) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}

// Empty reports whether no batch is waiting to be committed (read or not).
func (s *Spool) Empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segments) == 0 || (len(s.segments) == 1 && s.segments[0].size <= int64(len(magic)))
}

// Append writes rows as one record and syncs it to disk before returning. It fails with ErrFull
// when the record would take the spool past MaxBytes.
func (s *Spool) Append(rows []event.Scored) error {
	payload, err := encode(rows)
	if err != nil {
		return err
	}
	rec := make([]byte, headerSize+len(payload))
	binary.LittleEndian.PutUint32(rec, uint32(len(payload)))
	binary.LittleEndian.PutUint32(rec[4:], crc32.Checksum(payload, crcTable))
	copy(rec[headerSize:], payload)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bytes+int64(len(rec)) > s.cfg.MaxBytes {
		return ErrFull
	}
	seg, err := s.writableLocked(int64(len(rec)))
	if err != nil {
		return err
	}
	if _, err := seg.f.Write(rec); err != nil {
		// Cut a partial write so the file stays a sequence of whole records.
		_ = seg.f.Truncate(seg.size)
		return fmt.Errorf("spool: write: %w", err)
	}
	if err := seg.f.Sync(); err != nil {
		_ = seg.f.Truncate(seg.size)
		return fmt.Errorf("spool: sync: %w", err)
	}
	seg.size += int64(len(rec))
	s.bytes += int64(len(rec))
	return nil
}

// writableLocked returns the segment to append n bytes to, starting a new one when the last is
// full.
func (s *Spool) writableLocked(n int64) (*segment, error) {
	if len(s.segments) > 0 {
		last := s.segments[len(s.segments)-1]
		if last.size+n <= s.cfg.SegmentBytes || last.size == int64(len(magic)) {
			if last.f == nil {
				f, err := os.OpenFile(last.path, os.O_WRONLY|os.O_APPEND, 0o640)
				if err != nil {
					return nil, fmt.Errorf("spool: %w", err)
				}
				last.f = f
			}
			return last, nil
		}
		if last.f != nil {
			_ = last.f.Close()
			last.f = nil
		}
	}
	seq := s.nextSeq
	s.nextSeq++
	path := filepath.Join(s.cfg.Dir, fmt.Sprintf("%020d%s", seq, suffix))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	if _, err := f.Write([]byte(magic)); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("spool: %w", err)
	}
	if err := syncDir(s.cfg.Dir); err != nil {
		_ = f.Close()
		return nil, err
	}
	seg := &segment{seq: seq, path: path, size: int64(len(magic)), f: f}
	if len(s.segments) == 0 {
		s.readSeg, s.readOff = 0, int64(len(magic))
	}
	s.segments = append(s.segments, seg)
	s.bytes += seg.size
	return seg, nil
}

// Next returns the oldest batch not yet returned, up to maxRows rows (whole records; at least
// one record), and the position to Commit once it is stored. ok is false when nothing is waiting.
func (s *Spool) Next(maxRows int) (rows []event.Scored, pos Position, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.readSeg < len(s.segments) {
		seg := s.segments[s.readSeg]
		if s.readOff >= seg.size {
			if s.readSeg == len(s.segments)-1 {
				return nil, pos, false, nil
			}
			s.readSeg++
			s.readOff = int64(len(magic))
			continue
		}
		data, err := readAt(seg.path, s.readOff, seg.size)
		if err != nil {
			return nil, pos, false, err
		}
		off := int64(0)
		for off < int64(len(data)) && (len(rows) == 0 || len(rows) < maxRows) {
			payload, next, err := readRecord(data, off)
			if err != nil {
				// Only reachable if the file changed under us: skip the rest of the segment.
				s.logger.Error("spool: unreadable record; skipping the rest of the segment", "segment", seg.path, "err", err)
				s.corrupt++
				off = int64(len(data))
				break
			}
			batch, err := decode(payload)
			if err != nil {
				s.logger.Error("spool: undecodable record; skipping it", "segment", seg.path, "err", err)
				s.corrupt++
			}
			rows = append(rows, batch...)
			off = next
		}
		s.readOff += off
		return rows, Position{seq: seg.seq, off: s.readOff}, true, nil
	}
	return nil, pos, false, nil
}

// Rewind makes Next start again from the oldest uncommitted record (after a failed write).
func (s *Spool) Rewind() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readSeg = 0
	s.readOff = int64(len(magic))
}

// Commit deletes the segments read completely up to pos. A partly read segment stays until it is
// read to its end; records read again after a restart are deduplicated downstream by event id.
func (s *Spool) Commit(pos Position) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.segments) > 0 {
		seg := s.segments[0]
		done := seg.seq < pos.seq || (seg.seq == pos.seq && pos.off >= seg.size && len(s.segments) > 1)
		if !done {
			break
		}
		if seg.f != nil {
			_ = seg.f.Close()
		}
		if err := os.Remove(seg.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("spool: %w", err)
		}
		s.bytes -= seg.size
		s.segments = s.segments[1:]
		if s.readSeg > 0 {
			s.readSeg--
		} else {
			// The reader was at the end of the removed segment: go on at the start of the next.
			s.readOff = int64(len(magic))
		}
	}
	// The last segment, read to its end: empty it in place rather than deleting the file being
	// appended to.
	if len(s.segments) == 1 {
		seg := s.segments[0]
		if seg.seq == pos.seq && pos.off >= seg.size && seg.size > int64(len(magic)) {
			if err := os.Truncate(seg.path, int64(len(magic))); err != nil {
				return fmt.Errorf("spool: %w", err)
			}
			s.bytes -= seg.size - int64(len(magic))
			seg.size = int64(len(magic))
			s.readSeg, s.readOff = 0, int64(len(magic))
		}
	}
	return nil
}

// IDs calls fn with the id of every spooled event, oldest first; the pipeline uses it at start so
// that a re-sent event already in the spool counts as a duplicate.
func (s *Spool) IDs(fn func(id string)) error {
	s.mu.Lock()
	segs := slices.Clone(s.segments)
	s.mu.Unlock()
	for _, seg := range segs {
		data, err := os.ReadFile(seg.path)
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		off := int64(len(magic))
		for {
			payload, next, err := readRecord(data, off)
			if err != nil {
				break
			}
			if rows, err := decode(payload); err == nil {
				for i := range rows {
					fn(rows[i].ID)
				}
			}
			off = next
		}
	}
	return nil
}

// Corrupt is the number of records cut or skipped as unreadable since Open.
func (s *Spool) Corrupt() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.corrupt
}

// Close closes the open segment file.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, seg := range s.segments {
		if seg.f != nil {
			_ = seg.f.Close()
			seg.f = nil
		}
	}
	return nil
}

func readAt(path string, from, to int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	defer func() { _ = f.Close() }()
	buf := make([]byte, to-from)
	if _, err := f.ReadAt(buf, from); err != nil {
		return nil, fmt.Errorf("spool: read %s: %w", path, err)
	}
	return buf, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: sync dir: %w", err)
	}
	return nil
}

// record is the stored form of a scored event; gob keeps it self-describing across versions.
type record struct {
	ID, Source, CustomerID, Product, Region, Language, Text string
	TimeUnixMilli, IngestedUnix                             int64
	Channel                                                 uint8
	Labels                                                  map[string]string
	Score, Confidence, PNeg, PNeu, PPos                     float64
	Label                                                   int8
	Evidence                                                []event.Evidence
	DetectedLanguage                                        string
	Reliable                                                bool
	ModelVersion                                            string
	Topics                                                  []string
}

func encode(rows []event.Scored) ([]byte, error) {
	recs := make([]record, len(rows))
	for i := range rows {
		r, s := &rows[i], &rows[i].Sentiment
		recs[i] = record{
			ID: r.ID, Source: r.Source, CustomerID: r.CustomerID, Product: r.Product, Region: r.Region,
			Language: r.Language, Text: r.Text, TimeUnixMilli: r.Time.UnixMilli(), IngestedUnix: r.IngestedAt.Unix(),
			Channel: uint8(r.Channel), Labels: r.Labels, Score: s.Score, Confidence: s.Confidence,
			PNeg: s.Probs.Negative, PNeu: s.Probs.Neutral, PPos: s.Probs.Positive, Label: int8(s.Label),
			Evidence: s.Evidence, DetectedLanguage: s.Language, Reliable: s.Reliable, ModelVersion: s.ModelVersion,
			Topics: s.Topics,
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(recs); err != nil {
		return nil, fmt.Errorf("spool: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func decode(payload []byte) ([]event.Scored, error) {
	var recs []record
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&recs); err != nil {
		return nil, fmt.Errorf("spool: decode: %w", err)
	}
	rows := make([]event.Scored, len(recs))
	for i, r := range recs {
		rows[i] = event.Scored{
			Event: event.Event{
				ID: r.ID, Time: unixMilli(r.TimeUnixMilli), Source: r.Source, Channel: event.Channel(r.Channel),
				CustomerID: r.CustomerID, Product: r.Product, Region: r.Region, Language: r.Language, Text: r.Text,
				Labels: r.Labels,
			},
			Sentiment: event.Sentiment{
				Score: r.Score, Label: event.Label(r.Label), Confidence: r.Confidence,
				Probs:    event.Probs{Negative: r.PNeg, Neutral: r.PNeu, Positive: r.PPos},
				Evidence: r.Evidence, Language: r.DetectedLanguage, Reliable: r.Reliable,
				ModelVersion: r.ModelVersion, Topics: r.Topics,
			},
			IngestedAt: unixSec(r.IngestedUnix),
		}
	}
	return rows, nil
}

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func unixSec(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
