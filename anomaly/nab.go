package anomaly

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ScoreCSV scores the series read from in with a fresh detector from newDetector and writes
// "timestamp,value,anomaly_score" rows to out, one per input row, timestamps and values as
// written in the input. Rows are written as they are scored; on an input error the rows before it
// have been written and the error names the line.
func ScoreCSV(in io.Reader, out io.Writer, newDetector func() *Detector) error {
	r := NewCSVReader(in)
	w := bufio.NewWriter(out)
	d := newDetector()
	if _, err := w.WriteString("timestamp,value,anomaly_score\n"); err != nil {
		return err
	}
	buf := make([]byte, 0, 128)
	for {
		pt, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ferr := w.Flush(); ferr != nil {
				return errors.Join(err, ferr)
			}
			return err
		}
		score := d.Update(pt.Time, pt.Value)
		t, v := r.Raw()
		buf = append(buf[:0], csvField(t)...)
		buf = append(buf, ',')
		buf = append(buf, csvField(v)...)
		buf = append(buf, ',')
		buf = append(buf, FormatScore(score)...)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}

// csvField quotes s if CSV needs it.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\r\n") || strings.TrimSpace(s) != s {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// ValidateDetectorName checks a NAB detector name: letters, digits, '-' and '.', not starting
// with '.', because NAB's layout joins names with '_' and uses them as directory names.
func ValidateDetectorName(name string) error {
	if name == "" {
		return errors.New("detector name is empty")
	}
	for _, c := range name {
		ok := c == '-' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			return fmt.Errorf("detector name %q: only letters, digits, '-' and '.' are allowed", name)
		}
	}
	if name[0] == '.' {
		return fmt.Errorf("detector name %q must not start with '.'", name)
	}
	return nil
}

// NABFiles lists the series under dataDir: every *.csv file in it or its subdirectories, as
// slash-separated paths relative to dataDir, sorted.
func NABFiles(dataDir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dataDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() || !strings.EqualFold(filepath.Ext(path), ".csv") {
			return nil
		}
		rel, err := filepath.Rel(dataDir, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nab data %s: %w", dataDir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("nab data %s: no .csv files", dataDir)
	}
	sort.Strings(files)
	return files, nil
}

// NABResultPath is where NAB expects a detector's results for one data file ("category/file.csv"):
// outDir/name/category/name_file.csv.
func NABResultPath(outDir, name, file string) string {
	dir, base := filepath.Split(filepath.FromSlash(file))
	return filepath.Join(outDir, name, dir, name+"_"+base)
}

// RunNAB scores every series under dataDir (see NABFiles), or only files if it is not empty, each
// with a fresh detector from newDetector, and writes NAB-layout results under outDir (see
// NABResultPath). A file is written to a temporary name and renamed when complete.
func RunNAB(dataDir, outDir, name string, files []string, newDetector func() *Detector) error {
	if err := ValidateDetectorName(name); err != nil {
		return err
	}
	if len(files) == 0 {
		var err error
		if files, err = NABFiles(dataDir); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := scoreFile(filepath.Join(dataDir, filepath.FromSlash(f)), NABResultPath(outDir, name, f), newDetector); err != nil {
			return err
		}
	}
	return nil
}

func scoreFile(src, dst string, newDetector func() *Detector) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }() // read-only: a close error loses nothing
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil { // the error being returned says what went wrong; clean up best-effort
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := ScoreCSV(in, tmp, newDetector); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
