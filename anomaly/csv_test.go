package anomaly

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "2015-02-26 21:42:53", want: utc(2015, 2, 26, 21, 42, 53, 0)},
		{in: "2015-02-26 21:42:53.25", want: utc(2015, 2, 26, 21, 42, 53, 250e6)},
		{in: "2015-02-26T21:42:53Z", want: utc(2015, 2, 26, 21, 42, 53, 0)},
		{in: "2015-02-26T22:42:53+01:00", want: utc(2015, 2, 26, 21, 42, 53, 0)},
		{in: "2015-02-26T21:42:53", want: utc(2015, 2, 26, 21, 42, 53, 0)},
		{in: "2015-02-26 21:42", want: utc(2015, 2, 26, 21, 42, 0, 0)},
		{in: "2015-02-26", want: utc(2015, 2, 26, 0, 0, 0, 0)},
		{in: " 1424986973 ", want: utc(2015, 2, 26, 21, 42, 53, 0)},
		{in: "1424986973.5", want: utc(2015, 2, 26, 21, 42, 53, 500e6)},
		{in: "", err: "empty timestamp"},
		{in: "yesterday", err: `timestamp "yesterday"`},
		{in: "2015-13-01", err: "want RFC 3339"},
		{in: "99999999999999", err: "not unix seconds"},
		{in: "1e400", err: "not unix seconds"},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, "input %q", tt.in)
			continue
		}
		require.NoError(t, err, "input %q", tt.in)
		require.True(t, tt.want.Equal(got), "input %q: got %v", tt.in, got)
	}
}

func TestParseValue(t *testing.T) {
	for in, want := range map[string]float64{"1": 1, " -2.5 ": -2.5, "1e3": 1000, "+7": 7} {
		got, err := ParseValue(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for in, msg := range map[string]string{
		"": "empty value", "abc": "not a number", "NaN": "not a finite number",
		"-Inf": "not a finite number", "1e999": "out of range",
	} {
		_, err := ParseValue(in)
		require.ErrorContains(t, err, msg, in)
	}
}

func readAll(t *testing.T, in string) ([]Point, error) {
	t.Helper()
	r := NewCSVReader(strings.NewReader(in))
	var out []Point
	for {
		p, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
}

func TestCSVReader(t *testing.T) {
	ts := func(s int) time.Time { return time.Unix(int64(s), 0).UTC() }
	tests := []struct {
		name string
		in   string
		want []Point
		err  string
	}{
		{
			name: "nab header", in: "timestamp,value\n1970-01-01 00:00:10,1.5\n1970-01-01 00:00:20,2\n",
			want: []Point{{ts(10), 1.5}, {ts(20), 2}},
		},
		{name: "no header", in: "10,3\n20,4\n", want: []Point{{ts(10), 3}, {ts(20), 4}}},
		{name: "named columns", in: "Value,host,Timestamp\n7,a,10\n", want: []Point{{ts(10), 7}}},
		{name: "comments and blank lines", in: "# exported\n\n10,1\n\n20,2", want: []Point{{ts(10), 1}, {ts(20), 2}}},
		{name: "crlf", in: "timestamp,value\r\n10,1\r\n", want: []Point{{ts(10), 1}}},
		{name: "out of order kept", in: "20,1\n10,2\n", want: []Point{{ts(20), 1}, {ts(10), 2}}},
		{name: "empty", in: "", want: nil},
		{name: "header without columns", in: "time,count\n10,1\n", err: "line 1: header \"time,count\" has no timestamp and value columns"},
		{name: "bad timestamp", in: "timestamp,value\n10,1\nnoon,2\n", want: []Point{{ts(10), 1}}, err: `line 3: timestamp "noon"`},
		{name: "bad value", in: "10,1\n20,many\n", want: []Point{{ts(10), 1}}, err: `line 2: value "many": not a number`},
		{name: "nan value", in: "10,NaN\n", err: "line 1: value \"NaN\": not a finite number"},
		{name: "short row", in: "timestamp,value\n10\n", err: "line 2: 1 fields, want at least 2"},
		{name: "bad quoting", in: "10,\"1\n", err: "csv:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.in)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, len(tt.want), len(got))
			for i := range tt.want {
				require.True(t, tt.want[i].Time.Equal(got[i].Time), "row %d: %v", i, got[i].Time)
				require.Equal(t, tt.want[i].Value, got[i].Value)
			}
		})
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"timestamp,value\n2015-02-26 21:42:53,104\n2015-02-26 21:47:53,100\n",
		"10,1\n20,2\n",
		"value,timestamp\n1,2015-02-26T21:42:53Z\n",
		"10,\"1\"\"\n",
		"#x\n\n,\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := NewCSVReader(strings.NewReader(in))
		d := New(Config{})
		for i := 0; i < 10000; i++ {
			p, err := r.Read()
			if err != nil {
				if err != io.EOF && err.Error() == "" {
					t.Fatal("empty error message")
				}
				return
			}
			if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				t.Fatalf("non-finite value %v accepted", p.Value)
			}
			if s := d.Update(p.Time, p.Value); math.IsNaN(s) || s < 0 || s > 1 {
				t.Fatalf("score %v", s)
			}
		}
	})
}

func TestScoreCSV(t *testing.T) {
	var in strings.Builder
	in.WriteString("timestamp,value\n")
	for i := 0; i < 300; i++ {
		v := "10"
		if i == 250 {
			v = "500"
		}
		in.WriteString(time.Unix(int64(i*60), 0).UTC().Format("2006-01-02 15:04:05") + "," + v + "\n")
	}
	var out bytes.Buffer
	require.NoError(t, ScoreCSV(strings.NewReader(in.String()), &out, func() *Detector { return New(Config{}) }))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 301)
	require.Equal(t, "timestamp,value,anomaly_score", lines[0])
	require.Equal(t, "1970-01-01 00:00:00,10,0", lines[1])
	require.Equal(t, "1970-01-01 04:10:00,500,1", lines[251], "a jump from a flat 10 to 500 scores 1")

	// A bad row stops scoring with the line named; the rows before it are written.
	out.Reset()
	err := ScoreCSV(strings.NewReader("timestamp,value\n10,1\n20,x\n30,2\n"), &out, func() *Detector { return New(Config{}) })
	require.ErrorContains(t, err, "line 3")
	require.Equal(t, "timestamp,value,anomaly_score\n10,1,0\n", out.String())
}
