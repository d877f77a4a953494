// Command nabeval evaluates the anomaly detector on the Numenta Anomaly Benchmark (NAB v1.1) and
// prints Markdown tables: the frozen defaults (anomaly.DefaultParams) on all 58 files, at the
// thresholds NAB's scorer chooses and at the thresholds of the three sensitivities; then the
// split-half check, in which NAB's files are split into two fixed halves (alternate files within
// each category, in name order) and parameters and thresholds chosen on one half score the other
// half, both ways round.
//
//	go run ./scripts/nabeval -nab NAB_ROOT -nabscore NABSCORE_BINARY [-n 40] [-seed 1]
//
// NAB_ROOT holds data/, labels/combined_windows.json and config/profiles.json. The scorer runs as a
// separate process (nabscore -windows restricts it to one half; -thresholds fixes the thresholds).
//
// The search on a half is a seeded random search around anomaly.DefaultParams: candidate 0 is the
// defaults, each other candidate changes each parameter of the space below with probability -frac
// to a value drawn uniformly (log-uniformly for rates) from its range. Two selection rules are
// reported: "best", the highest sum of the three profiles' scores on the tuning half, and
// "robust", which splits the tuning half again the same way and takes the candidate whose worse
// quarter scores highest. The winner's thresholds (one per profile, chosen by the scorer on the
// whole tuning half) score the other half.
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

// failure is a fatal error on its way from check to main, so that deferred cleanups run.
type failure struct{ err error }

func main() {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, "nabeval:", f.err)
			os.Exit(1)
		}
	}()
	run()
}

func run() {
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
		d, err := os.MkdirTemp("", "nabeval-")
		check(err)
		defer func() { _ = os.RemoveAll(d) }()
		dir = d
	}
	wins, err := loadWindows(filepath.Join(*nab, "labels", "combined_windows.json"))
	check(err)
	files := make([]string, 0, len(wins))
	for f := range wins {
		files = append(files, f)
	}
	sort.Strings(files)
	fa, fb := alternate(files)
	halves := map[string]half{}
	for name, fs := range map[string][]string{"A": fa, "B": fb} {
		q1, q2 := alternate(fs)
		for sub, sfs := range map[string][]string{name: fs, name + "1": q1, name + "2": q2} {
			h, err := writeHalf(dir, sub, sfs, wins)
			check(err)
			halves[sub] = h
		}
	}

	base := anomaly.DefaultParams()
	all := half{files: files, windows: filepath.Join(*nab, "labels", "combined_windows.json")}
	full, err := evaluate(*scorer, *nab, dir, all, []anomaly.Params{base}, nil)
	check(err)
	fmt.Printf("All %d files, frozen defaults:\n\n", len(all.files))
	fmt.Println("| thresholds | standard | reward_low_FP | reward_low_FN |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| chosen by NAB's scorer (%.3f / %.3f / %.3f) | %.1f | %.1f | %.1f |\n",
		full[0].thr[0], full[0].thr[1], full[0].thr[2], full[0].score[0], full[0].score[1], full[0].score[2])
	for _, s := range []anomaly.Sensitivity{anomaly.SensitivityHigh, anomaly.SensitivityMedium, anomaly.SensitivityLow} {
		th := s.Threshold()
		r, err := evaluate(*scorer, *nab, dir, all, []anomaly.Params{base}, &[3]float64{th, th, th})
		check(err)
		fmt.Printf("| sensitivity %s (%.2f) | %.1f | %.1f | %.1f |\n", s, th, r[0].score[0], r[0].score[1], r[0].score[2])
	}
	fmt.Println()
	fmt.Printf("Split-half check. Halves: alternate files within each category in name order; A has %d files, B %d.\n",
		len(halves["A"].files), len(halves["B"].files))
	fmt.Printf("Each half tunes over the defaults and %d random candidates (seed %d). Selection rules:\n", *n, *seed)
	fmt.Println("\"best\" takes the highest sum of the three profiles' scores on the tuning half; \"robust\" splits the")
	fmt.Println("tuning half again the same way and takes the highest of the smaller of the two quarters' sums.")
	fmt.Println("Thresholds always come from the whole tuning half.")
	fmt.Println()
	fmt.Println("| rule | tuned on | tuned half: standard / low_FP / low_FN | tested on | tested half, tuned half's thresholds: standard / low_FP / low_FN | chosen |")
	fmt.Println("|---|---|---|---|---|---|")
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
		q1, err := evaluate(*scorer, *nab, dir, halves[h+"1"], cands, nil)
		check(err)
		q2, err := evaluate(*scorer, *nab, dir, halves[h+"2"], cands, nil)
		check(err)
		best, robust := 0, 0
		for i := range res {
			if res[i].sum() > res[best].sum() {
				best = i
			}
			if min(q1[i].sum(), q2[i].sum()) > min(q1[robust].sum(), q2[robust].sum()) {
				robust = i
			}
		}
		for _, rule := range []struct {
			name string
			i    int
		}{{"best", best}, {"robust", robust}} {
			test, err := evaluate(*scorer, *nab, dir, halves[o], cands[rule.i:rule.i+1], &res[rule.i].thr)
			check(err)
			fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", rule.name, h, fmtScores(res[rule.i]), o, fmtScores(test[0]),
				describe(cands[rule.i], base))
		}
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

func loadWindows(path string) (map[string]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var wins map[string]json.RawMessage
	if err := json.Unmarshal(b, &wins); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return wins, nil
}

// alternate splits sorted files into two: within each category, the 1st, 3rd, … file go to the
// first part and the 2nd, 4th, … to the second.
func alternate(files []string) (a, b []string) {
	seen := map[string]int{}
	for _, f := range files {
		cat := path.Dir(f)
		if seen[cat]%2 == 0 {
			a = append(a, f)
		} else {
			b = append(b, f)
		}
		seen[cat]++
	}
	return a, b
}

// writeHalf writes the windows file that restricts the scorer to files.
func writeHalf(dir, name string, files []string, wins map[string]json.RawMessage) (half, error) {
	m := map[string]json.RawMessage{}
	for _, f := range files {
		m[f] = wins[f]
	}
	b, err := json.Marshal(m)
	if err != nil {
		return half{}, err
	}
	p := filepath.Join(dir, "windows_"+name+".json")
	return half{files: files, windows: p}, os.WriteFile(p, b, 0o644)
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
			panic("nabeval: no parameter " + d.name)
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

func fail(err error) { panic(failure{err}) }
