package file

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/event"
)

func readAll(t *testing.T, r *Reader) ([]Record, []error) {
	t.Helper()
	var recs []Record
	var errs []error
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		var le *LineError
		if errors.As(err, &le) {
			errs = append(errs, err)
			continue
		}
		require.NoError(t, err)
		recs = append(recs, rec)
	}
}

func TestJSONL(t *testing.T) {
	in := "\xef\xbb\xbf{\"id\":\"a\",\"text\":\"one\"}\n\n  {\"text\":\"two\"}  \r\nnot json\n[1]\n{\"text\":\"last, no newline\"}"
	r, err := NewReader(strings.NewReader(in), JSONL, 0)
	require.NoError(t, err)
	recs, errs := readAll(t, r)
	require.Len(t, recs, 3)
	require.Equal(t, 1, recs[0].Line)
	require.Equal(t, 3, recs[1].Line)
	require.Equal(t, `{"text":"two"}`, string(recs[1].JSON))
	require.Equal(t, 6, recs[2].Line)
	require.Len(t, errs, 2)
	require.EqualError(t, errs[0], "line 4: not a JSON object")
	require.EqualError(t, errs[1], "line 5: not a JSON object")
}

func TestJSONLLineTooLong(t *testing.T) {
	in := `{"text":"` + strings.Repeat("x", 200) + `"}` + "\n" + `{"text":"ok"}` + "\n"
	r, err := NewReader(strings.NewReader(in), JSONL, 100)
	require.NoError(t, err)
	recs, errs := readAll(t, r)
	require.Len(t, recs, 1)
	require.Equal(t, 2, recs[0].Line)
	require.EqualError(t, errs[0], "line 1: longer than 100 bytes")
}

func TestCSV(t *testing.T) {
	in := "\ufeffid,time,source,channel,customer_id,text,label.plan,label.agent\n" +
		"zd-1,2026-11-25T14:03:11.250Z,zendesk,ticket,acct-991,\"Still waiting, third time!!\",enterprise,\n" +
		"zd-2,1795615391.5,zendesk,chat,,\"multi\nline\",,a-17\n" +
		",,,,,,,\n" +
		"zd-3,,zendesk,ticket,c,\"bad \"quote\",,\n" +
		"zd-4,,zendesk,ticket,c,ok\n"
	r, err := NewReader(strings.NewReader(in), CSV, 0)
	require.NoError(t, err)
	recs, errs := readAll(t, r)
	require.Len(t, recs, 2)
	require.Equal(t, 2, recs[0].Line)
	require.JSONEq(t, `{"id":"zd-1","time":"2026-11-25T14:03:11.250Z","source":"zendesk","channel":"ticket","customer_id":"acct-991","text":"Still waiting, third time!!","labels":{"plan":"enterprise"}}`, string(recs[0].JSON))
	require.Equal(t, 3, recs[1].Line)
	require.JSONEq(t, `{"id":"zd-2","time":1795615391.5,"source":"zendesk","channel":"chat","text":"multi\nline","labels":{"agent":"a-17"}}`, string(recs[1].JSON))
	require.Len(t, errs, 2)
	require.Contains(t, errs[0].Error(), "line 6")
	require.Contains(t, errs[1].Error(), "line 7: wrong number of fields")

	// What the reader produces is the wire form the server parses.
	p := event.NewParser(event.DefaultLimits(), event.Defaults{})
	ev, _, err := p.ParseObject(recs[1].JSON, 0, time.Now())
	require.NoError(t, err)
	require.Equal(t, time.Unix(1795615391, 500_000_000).UTC(), ev.Time)
}

func TestCSVHeaderErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "empty file",
		"id,txt\n":             `"txt" is not an event field`,
		"text,text\n":          "appears twice",
		"id,source\n":          "no text column",
		"text,label.\n":        `"label." is not an event field`,
		"text,\"a\nb\"\"\n":    "line 1",
		"text,id,label.plan\n": "",
	} {
		_, err := NewReader(strings.NewReader(in), CSV, 0)
		if want == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorContains(t, err, want, in)
	}
}

func TestFormatOfAndOpen(t *testing.T) {
	for name, want := range map[string]Format{"a.jsonl": JSONL, "b.NDJSON": JSONL, "c.json.gz": JSONL, "d.csv": CSV, "e.csv.gz": CSV} {
		f, err := FormatOf(name)
		require.NoError(t, err)
		require.Equal(t, want, f, name)
	}
	_, err := FormatOf("f.txt")
	require.ErrorContains(t, err, "--format")

	dir := t.TempDir()
	name := filepath.Join(dir, "events.csv.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("text,label.k\nhello,v\n"))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(name, buf.Bytes(), 0o644))
	read := 0
	r, c, err := Open(name, nil, 0, func(n int) { read += n })
	require.NoError(t, err)
	defer func() { require.NoError(t, c.Close()) }()
	recs, errs := readAll(t, r)
	require.Empty(t, errs)
	require.JSONEq(t, `{"text":"hello","labels":{"k":"v"}}`, string(recs[0].JSON))
	require.Equal(t, buf.Len(), read)
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte("{\"text\":\"a\"}\n{x}\n\n[]"), 64)
	f.Fuzz(func(t *testing.T, in []byte, maxLine int) {
		r, err := NewReader(bytes.NewReader(in), JSONL, maxLine%4096)
		require.NoError(t, err)
		last := 0
		for i := 0; ; i++ {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				require.Greater(t, le.Line, last)
				last = le.Line
				continue
			}
			require.NoError(t, err)
			require.Greater(t, rec.Line, last)
			last = rec.Line
			require.True(t, json.Valid(rec.JSON) && rec.JSON[0] == '{', "%q", rec.JSON)
			if i > len(in)+1 {
				t.Fatal("more records than bytes")
			}
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,time,text,label.a\nx,1.5,hi,b\ny,\"2026-01-01T00:00:00Z\",\"q\"\"uote\",\n"))
	f.Add([]byte("text\n\"unterminated\n"))
	p := event.NewParser(event.DefaultLimits(), event.Defaults{Source: "replay", Channel: event.ChannelTicket})
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in), CSV, 0)
		if err != nil {
			return
		}
		for i := 0; i < 10_000; i++ {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				continue
			}
			if err != nil {
				return
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal(rec.JSON, &m), "%q", rec.JSON)
			_, _, _ = p.ParseObject(rec.JSON, 0, time.Now()) // must not panic
		}
	})
}
