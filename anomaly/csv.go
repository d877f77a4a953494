package anomaly

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Point is one observation of a series.
type Point struct {
	Time  time.Time
	Value float64
}

// timeLayouts are the timestamp forms ParseTime accepts besides unix seconds; zone-less forms are
// UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime parses a timestamp: RFC 3339 ("2026-11-25T14:03:11Z"), the same with a space instead
// of the T, without a zone (read as UTC), to the minute or the day, or unix seconds ("1764079391",
// "1764079391.25").
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty timestamp")
	}
	if c := s[0]; c >= '0' && c <= '9' && !strings.ContainsAny(s, "-:T ") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e11 {
			return time.Time{}, fmt.Errorf("timestamp %q: not unix seconds", s)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339, \"2006-01-02 15:04:05\" or unix seconds", s)
}

// ParseValue parses a finite number.
func ParseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty value")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("value %q: out of range", s)
		}
		return 0, fmt.Errorf("value %q: not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q: not a finite number", s)
	}
	return v, nil
}

// CSVReader reads a series from CSV: one row per point with a timestamp and a value. If the first
// row is a header, the columns named "timestamp" and "value" (any case) are used and other
// columns are ignored; without a header the first two columns are the timestamp and the value.
// Rows are returned in input order, even where timestamps go backwards (Detector.Update treats an
// earlier point as coming at the latest time seen). It is not safe for concurrent use.
type CSVReader struct {
	r          *csv.Reader
	tcol, vcol int
	header     []string
	started    bool
	rawT, rawV string
}

// NewCSVReader returns a reader of r. It buffers r; it does not close it.
func NewCSVReader(r io.Reader) *CSVReader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	return &CSVReader{r: cr, tcol: 0, vcol: 1}
}

// Header returns the header row, or nil if the input had none (valid after the first Read).
func (r *CSVReader) Header() []string { return r.header }

// Raw returns the timestamp and value of the last row read, as written.
func (r *CSVReader) Raw() (timestamp, value string) { return r.rawT, r.rawV }

// Read returns the next point, or io.EOF after the last. Errors name the line.
func (r *CSVReader) Read() (Point, error) {
	for {
		rec, err := r.r.Read()
		if err == io.EOF {
			return Point{}, io.EOF
		}
		if err != nil {
			return Point{}, fmt.Errorf("csv: %w", err)
		}
		line, _ := r.r.FieldPos(0)
		if !r.started {
			r.started = true
			if r.isHeader(rec) {
				if err := r.useHeader(rec, line); err != nil {
					return Point{}, err
				}
				continue
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		n := max(r.tcol, r.vcol) + 1
		if len(rec) < n {
			return Point{}, fmt.Errorf("line %d: %d fields, want at least %d (timestamp,value)", line, len(rec), n)
		}
		t, err := ParseTime(rec[r.tcol])
		if err != nil {
			return Point{}, fmt.Errorf("line %d: %w", line, err)
		}
		v, err := ParseValue(rec[r.vcol])
		if err != nil {
			return Point{}, fmt.Errorf("line %d: %w", line, err)
		}
		r.rawT, r.rawV = rec[r.tcol], rec[r.vcol]
		return Point{Time: t, Value: v}, nil
	}
}

// isHeader reports whether the first row is a header: its value column is not a number.
func (r *CSVReader) isHeader(rec []string) bool {
	if len(rec) < 2 {
		return len(rec) == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "timestamp")
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
	return err != nil
}

func (r *CSVReader) useHeader(rec []string, line int) error {
	r.header = append([]string(nil), rec...)
	r.tcol, r.vcol = -1, -1
	for i, h := range rec {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "timestamp":
			if r.tcol < 0 {
				r.tcol = i
			}
		case "value":
			if r.vcol < 0 {
				r.vcol = i
			}
		}
	}
	if r.tcol < 0 || r.vcol < 0 {
		return fmt.Errorf("line %d: header %q has no timestamp and value columns", line, strings.Join(rec, ","))
	}
	return nil
}

// FormatScore formats a score for CSV output: the shortest decimal that reads back exactly.
func FormatScore(s float64) string { return strconv.FormatFloat(s, 'g', -1, 64) }
