// Command nabsplit runs the split-half check of the anomaly detector on the Numenta Anomaly
// Benchmark: it splits NAB's 58 files into two fixed halves (alternate files within each category,
// in name order), chooses detector parameters and NAB thresholds on one half, scores the other
// half with them, and does the same the other way round. It prints a Markdown table.
//
//	go run ./scripts/nabsplit -nab NAB_ROOT -nabscore NABSCORE_BINARY [-n 40] [-seed 1]
//
// NAB_ROOT holds data/, labels/combined_windows.json and config/profiles.json. The scorer runs as a
// separate process (nabscore -windows restricts it to one half; -thresholds fixes the thresholds).
//
// The search on a half is a seeded random search around anomaly.DefaultParams: candidate 0 is the
// defaults, each other candidate changes each parameter of the space below with probability -frac
// to a value drawn uniformly (log-uniformly for rates) from its range. The candidate with the
// highest sum of the three profiles' scores on the tuning half wins; its thresholds (one per
// profile, chosen by the scorer on the tuning half) score the other half.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/cxpulse/cxpulse/anomaly"
)

var profiles = []string{"standard", "reward_low_FP_rate", "reward_low_FN_rate"}

// dim is one searched parameter.
type dim struct {
	name   string
	lo, hi float64
	log    bool
}

// space is the searched region. Warmup, MaxGap and the tail warm-up are not searched.
var space = []dim{
	{"LevelAlpha", 0.003, 0.1, true},
	{"SeasonLevelAlpha", 0.003, 0.1, true},
	{"SeasonAlpha", 0.03, 0.5, true},
	{"ScaleAlpha", 0.005, 0.05, true},
	{"SlotScale", 0.01, 0.2, true},
	{"Clip", 4, 20, true},
	{"PerfAlpha", 0.001, 0.02, true},
	{"Switch", 0.6, 1, false},
	{"TailQ", 0.005, 0.05, true},
	{"TailEta", 0.02, 0.15, true},
	{"TailClip", 4, 30, true},
	{"XiMax", 0, 0.5, false},
	{"SmoothAlpha", 0.1, 0.5, true},
	{"RecordBase", 1, 3, false},
	{"RecordSlope", 1, 10, true},
	{"RecordDecay", 0.00003, 0.0005, true},
	{"ExtBase", 1.5, 3, false},
	{"ExtSlope", 10, 100, true},
	{"ZFloor", 3, 8, false},
	{"Rest", 100, 300, false},
	{"RestTrigger", 0.15, 0.27, false},
	{"Margin", 0.03, 0.12, false},
}

type result struct {
	score [3]float64 // NAB score per profile
	thr   [3]float64 // threshold per profile
}

func (r result) sum() float64 { return r.score[0] + r.score[1] + r.score[2] }

func main() {
	nab := flag.String("nab", "", "NAB root: data/, labels/, config/")
	scorer := flag.String("nabscore", "", "nabscore binary")
	work := flag.String("work", "", "scratch directory (default: a new temporary directory, removed at the end)")
	n := flag.Int("n", 40, "random candidates per half, besides the defaults")
	seed := flag.Int64("seed", 1, "random seed")
	frac := flag.Float64("frac", 0.3, "probability that a candidate changes each parameter")
	flag.Parse()
	if *nab == "" || *scorer == "" {
		fail(fmt.Errorf("need -nab and -nabscore"))
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "nabsplit-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	halves, err := split(filepath.Join(*nab, "labels", "combined_windows.json"), dir)
	check(err)

	base := anomaly.DefaultParams()
	fmt.Printf("Halves: alternate files within each category in name order; A has %d files, B %d.\n\n",
		len(halves["A"].files), len(halves["B"].files))
	fmt.Println("| tuned on | candidates | tuned half: standard / low_FP / low_FN | tested on | tested half, tuned half's thresholds: standard / low_FP / low_FN |")
	fmt.Println("|---|---|---|---|---|")
	var baseLines []string
	for _, h := range []string{"A", "B"} {
		o := map[string]string{"A": "B", "B": "A"}[h]
		rng := rand.New(rand.NewSource(*seed))
		cands := []anomaly.Params{base}
		for i := 0; i < *n; i++ {
			cands = append(cands, sample(rng, base, *frac))
		}
		res, err := evaluate(*scorer, *nab, dir, halves[h], cands, nil)
		check(err)
		best := 0
		for i := range res {
			if res[i].sum() > res[best].sum() {
				best = i
			}
		}
		test, err := evaluate(*scorer, *nab, dir, halves[o], cands[best:best+1], &res[best].thr)
		check(err)
		fmt.Printf("| %s | %d | %s | %s | %s |\n", h, len(cands), fmtScores(res[best]), o, fmtScores(test[0]))
		fmt.Fprintf(os.Stderr, "best on %s: candidate %d: %s\n", h, best, describe(cands[best], base))
		// The frozen defaults, thresholds chosen on h, scored on o.
		bt, err := evaluate(*scorer, *nab, dir, halves[o], cands[:1], &res[0].thr)
		check(err)
		baseLines = append(baseLines, fmt.Sprintf("| %s | %s | %s | %s |", h, fmtScores(res[0]), o, fmtScores(bt[0])))
	}
	fmt.Println()
	fmt.Println("Frozen defaults (anomaly.DefaultParams), thresholds chosen on one half and used on the other:")
	fmt.Println()
	fmt.Println("| thresholds from | that half: standard / low_FP / low_FN | scored on | other half: standard / low_FP / low_FN |")
	fmt.Println("|---|---|---|---|")
	for _, l := range baseLines {
		fmt.Println(l)
	}
}

func fmtScores(r result) string {
	return fmt.Sprintf("%.1f / %.1f / %.1f (thresholds %.3f / %.3f / %.3f)",
		r.score[0], r.score[1], r.score[2], r.thr[0], r.thr[1], r.thr[2])
}

// half is one half of the corpus: its files and a windows file that restricts the scorer to them.
type half struct {
	files   []string
	windows string
}

// split divides the labelled files into halves A and B and writes their windows files into dir.
func split(windowsPath, dir string) (map[string]half, error) {
	b, err := os.ReadFile(windowsPath)
	if err != nil {
		return nil, err
	}
	var wins map[string]json.RawMessage
	if err := json.Unmarshal(b, &wins); err != nil {
		return nil, fmt.Errorf("%s: %w", windowsPath, err)
	}
	files := make([]string, 0, len(wins))
	for f := range wins {
		files = append(files, f)
	}
	sort.Strings(files)
	out := map[string]half{}
	sub := map[string]map[string]json.RawMessage{"A": {}, "B": {}}
	seen := map[string]int{}
	for _, f := range files {
		cat := path.Dir(f)
		h := "A"
		if seen[cat]%2 == 1 {
			h = "B"
		}
		seen[cat]++
		sub[h][f] = wins[f]
		x := out[h]
		x.files = append(x.files, f)
		out[h] = x
	}
	for h, m := range sub {
		p := filepath.Join(dir, "windows_"+h+".json")
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		x := out[h]
		x.windows = p
		out[h] = x
	}
	return out, nil
}

// evaluate scores each candidate on one half, in batches that share one scorer run. With fixed
// thresholds (one per profile) the scorer does not choose them.
func evaluate(scorer, nab, dir string, h half, cands []anomaly.Params, fixed *[3]float64) ([]result, error) {
	const batch = 10
	out := make([]result, 0, len(cands))
	for lo := 0; lo < len(cands); lo += batch {
		hi := min(lo+batch, len(cands))
		resDir := filepath.Join(dir, "results")
		if err := os.RemoveAll(resDir); err != nil {
			return nil, err
		}
		names := make([]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			p := cands[i]
			name := "c" + strconv.Itoa(i)
			names = append(names, name)
			newDet := func() *anomaly.Detector { return anomaly.NewWithParams(anomaly.Config{}, &p) }
			if err := anomaly.RunNAB(filepath.Join(nab, "data"), resDir, name, h.files, newDet); err != nil {
				return nil, err
			}
		}
		args := []string{"-nab", nab, "-results", resDir, "-windows", h.windows, "-d", strings.Join(names, ",")}
		if fixed != nil {
			tp := filepath.Join(dir, "thresholds.json")
			m := map[string]map[string]map[string]float64{}
			for _, name := range names {
				m[name] = map[string]map[string]float64{}
				for k, prof := range profiles {
					m[name][prof] = map[string]float64{"threshold": fixed[k]}
				}
			}
			b, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(tp, b, 0o644); err != nil {
				return nil, err
			}
			args = append(args, "-thresholds", tp)
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(scorer, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("nabscore: %w: %s", err, stderr.String())
		}
		got, err := parse(stdout.Bytes())
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			r, ok := got[name]
			if !ok {
				return nil, fmt.Errorf("nabscore printed no scores for %s", name)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// parse reads nabscore's table: detector profile threshold raw null NAB TP FP FN.
func parse(b []byte) (map[string]result, error) {
	out := map[string]result{}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 9 || f[0] == "detector" {
			continue
		}
		k := -1
		for i, p := range profiles {
			if f[1] == p {
				k = i
			}
		}
		if k < 0 {
			continue
		}
		thr, err1 := strconv.ParseFloat(f[2], 64)
		nabScore, err2 := strconv.ParseFloat(f[5], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("nabscore output: %q", sc.Text())
		}
		r := out[f[0]]
		r.thr[k], r.score[k] = thr, nabScore
		out[f[0]] = r
		seen[f[0]]++
	}
	for name, c := range seen {
		if c != len(profiles) {
			return nil, fmt.Errorf("nabscore output: %d profiles for %s", c, name)
		}
	}
	return out, sc.Err()
}

// sample changes each parameter of the space with probability frac.
func sample(r *rand.Rand, base anomaly.Params, frac float64) anomaly.Params {
	p := base
	v := reflect.ValueOf(&p).Elem()
	for _, d := range space {
		u := r.Float64()
		x := d.lo + r.Float64()*(d.hi-d.lo)
		if d.log {
			x = math.Exp(math.Log(d.lo) + (x-d.lo)/(d.hi-d.lo)*(math.Log(d.hi)-math.Log(d.lo)))
		}
		if u > frac {
			continue
		}
		f := v.FieldByName(d.name)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(math.Round(x)))
		case reflect.Float64:
			f.SetFloat(x)
		default:
			panic("nabsplit: no parameter " + d.name)
		}
	}
	return p
}

// describe lists the parameters where p differs from base.
func describe(p, base anomaly.Params) string {
	var parts []string
	v, b := reflect.ValueOf(p), reflect.ValueOf(base)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Interface() != b.Field(i).Interface() {
			parts = append(parts, fmt.Sprintf("%s=%v", v.Type().Field(i).Name, v.Field(i).Interface()))
		}
	}
	if len(parts) == 0 {
		return "the defaults"
	}
	return strings.Join(parts, " ")
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "nabsplit:", err)
	os.Exit(1)
}
