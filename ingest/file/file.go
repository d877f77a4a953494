// Package file reads events from files for backfills and migrations: JSONL (one event object a
// line, the wire form of POST /v1/events) and CSV (a header row naming event fields: id, time,
// source, channel, customer_id, product, region, language, text, and label.<key> columns).
// Every record comes out as a JSON object of the wire form with the line it started on, so a
// sender can name file:line when the server refuses an event.
package file

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is the layout of an events file.
type Format uint8

// The formats.
const (
	JSONL Format = iota
	CSV
)

// String returns "jsonl" or "csv".
func (f Format) String() string {
	switch f {
	case JSONL:
		return "jsonl"
	case CSV:
		return "csv"
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// ParseFormat maps "jsonl" (or "ndjson") and "csv" to a Format.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "jsonl", "ndjson":
		return JSONL, nil
	case "csv":
		return CSV, nil
	}
	return 0, fmt.Errorf("unknown format %q (want jsonl or csv)", s)
}

// FormatOf guesses the format from a file name: .jsonl, .ndjson and .json are JSONL, .csv is
// CSV; a trailing .gz is looked through.
func FormatOf(name string) (Format, error) {
	base := strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch filepath.Ext(base) {
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	case ".csv":
		return CSV, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the format from the name (want .jsonl, .ndjson or .csv, optionally .gz); name it with --format", name)
}

// Record is one event read from a file.
type Record struct {
	// Line is the 1-based line the event starts on.
	Line int
	// JSON is the event in the wire form, one object. It is owned by the caller.
	JSON []byte
}

// LineError is a malformed record: where, and what is wrong.
type LineError struct {
	Line int
	Err  error
}

// Error implements error.
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// DefaultMaxLineBytes bounds a JSONL line.
const DefaultMaxLineBytes = 1 << 20

// Reader reads records from one file. It is not safe for concurrent use.
type Reader struct {
	next func() (Record, error)
}

// NewReader returns a reader of r in format f. For CSV it reads and checks the header now.
// maxLine bounds a JSONL line (0: DefaultMaxLineBytes).
func NewReader(r io.Reader, f Format, maxLine int) (*Reader, error) {
	if maxLine <= 0 {
		maxLine = DefaultMaxLineBytes
	}
	switch f {
	case JSONL:
		return &Reader{next: jsonl(r, maxLine)}, nil
	case CSV:
		next, err := csvRecords(r)
		if err != nil {
			return nil, err
		}
		return &Reader{next: next}, nil
	}
	return nil, fmt.Errorf("unknown format %v", f)
}

// Next returns the next record, io.EOF at the end, or a *LineError for a malformed record
// (reading can go on after one).
func (r *Reader) Next() (Record, error) { return r.next() }

func jsonl(r io.Reader, maxLine int) func() (Record, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	var buf []byte
	return func() (Record, error) {
		for {
			buf = buf[:0]
			tooLong := false
			var err error
			for {
				var frag []byte
				frag, err = br.ReadSlice('\n')
				if len(buf)+len(frag) > maxLine {
					tooLong = true
				} else {
					buf = append(buf, frag...)
				}
				if !errors.Is(err, bufio.ErrBufferFull) {
					break
				}
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return Record{}, err
			}
			if len(buf) == 0 && !tooLong && errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			line++
			if tooLong {
				return Record{}, &LineError{Line: line, Err: fmt.Errorf("longer than %d bytes", maxLine)}
			}
			b := bytes.TrimSpace(buf)
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			if len(b) == 0 {
				if errors.Is(err, io.EOF) {
					return Record{}, io.EOF
				}
				continue
			}
			if b[0] != '{' || !json.Valid(b) {
				return Record{}, &LineError{Line: line, Err: errors.New("not a JSON object")}
			}
			return Record{Line: line, JSON: bytes.Clone(b)}, nil
		}
	}
}

// csvFields are the event fields a CSV header may name.
var csvFields = map[string]bool{
	"id": true, "time": true, "source": true, "channel": true, "customer_id": true, "product": true,
	"region": true, "language": true, "text": true,
}

func csvRecords(r io.Reader) (func() (Record, error), error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &LineError{Line: 1, Err: errors.New("empty file: want a header row")}
		}
		return nil, &LineError{Line: 1, Err: err}
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	hasText := false
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		switch {
		case csvFields[h]:
		case strings.HasPrefix(h, "label.") && len(h) > len("label."):
		default:
			return nil, &LineError{Line: 1, Err: fmt.Errorf("column %d: %q is not an event field (id, time, source, channel, customer_id, product, region, language, text, label.<key>)", i+1, h)}
		}
		if seen[h] {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("column %d: %q appears twice", i+1, h)}
		}
		seen[h] = true
		hasText = hasText || h == "text"
		cols[i] = h
	}
	if !hasText {
		return nil, &LineError{Line: 1, Err: errors.New("no text column")}
	}
	cr.FieldsPerRecord = len(cols)
	return func() (Record, error) {
		for {
			row, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return Record{}, &LineError{Line: pe.StartLine, Err: pe.Err}
				}
				return Record{}, err
			}
			line, _ := cr.FieldPos(0)
			obj, empty := csvObject(cols, row)
			if empty {
				continue
			}
			return Record{Line: line, JSON: obj}, nil
		}
	}, nil
}

// csvObject builds the wire form of a row; empty cells are left out. A time cell that is a
// number is sent as Unix seconds, anything else as a string.
func csvObject(cols, row []string) ([]byte, bool) {
	b := []byte{'{'}
	n := 0
	var labels []int
	for i, c := range cols {
		v := row[i]
		if strings.HasPrefix(c, "label.") {
			if v != "" {
				labels = append(labels, i)
			}
			continue
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, c)
		b = append(b, ':')
		if c == "time" {
			if t := strings.TrimSpace(v); isJSONNumber(t) {
				b = append(b, t...)
				continue
			}
		}
		b = appendString(b, v)
	}
	if n == 0 && len(labels) == 0 {
		return nil, true
	}
	if len(labels) > 0 {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `"labels":{`...)
		for j, i := range labels {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, strings.TrimPrefix(cols[i], "label."))
			b = append(b, ':')
			b = appendString(b, row[i])
		}
		b = append(b, '}')
	}
	return append(b, '}'), false
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	if s == "" || s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return json.Valid([]byte(s))
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// Open opens a file of events: its format from the name unless f is given, gunzipped when the
// name ends in .gz. The returned Closer closes the file. counter, when not nil, is told the
// compressed bytes read, for progress.
func Open(name string, f *Format, maxLine int, counter func(n int)) (*Reader, io.Closer, error) {
	var format Format
	if f != nil {
		format = *f
	} else {
		var err error
		if format, err = FormatOf(name); err != nil {
			return nil, nil, err
		}
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	var src io.Reader = fh
	if counter != nil {
		src = countingReader{fh, counter}
	}
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		zr, err := gzip.NewReader(src)
		if err != nil {
			_ = fh.Close()
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		src = zr
	}
	r, err := NewReader(src, format, maxLine)
	if err != nil {
		_ = fh.Close()
		return nil, nil, fmt.Errorf("%s:%w", name, err)
	}
	return r, fh, nil
}

type countingReader struct {
	r  io.Reader
	fn func(int)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.fn(n)
	return n, err
}
