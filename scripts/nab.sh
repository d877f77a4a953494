#!/usr/bin/env bash
# Reruns the NAB v1.1 evaluation of the anomaly detector (see README.md, "Anomaly detection"):
#   1. `cxpulse anomaly nab` writes results for all 58 files and NAB's scorer scores them;
#   2. scripts/nabeval prints the scores at each sensitivity and the split-half check.
# Needs the NAB data in $CXPULSE_DATA/nab (default ../shared/data/nab) and the scorer's source in
# $NABSCORE_DIR (default $CXPULSE_DATA/../tools/nabscore); without them it says so and exits 0.
# NAB_SPLIT_N sets the random candidates per half of the split-half search (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
data="${CXPULSE_DATA:-../shared/data}"
nab="$data/nab"
scorer_src="${NABSCORE_DIR:-$data/../tools/nabscore}"
if [ ! -f "$nab/labels/combined_windows.json" ]; then
  echo "nab: no NAB data at $nab (set CXPULSE_DATA); skipping"
  exit 0
fi
if [ ! -f "$scorer_src/cmd/nabscore/main.go" ]; then
  echo "nab: no NAB scorer at $scorer_src (set NABSCORE_DIR); skipping"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go build -o "$work/cxpulse" ./cmd/cxpulse
# The scorer is its own module; build it where it is, output here (it writes nothing there).
(cd "$scorer_src" && GOWORK=off GOFLAGS= go build -o "$work/nabscore" ./cmd/nabscore)

echo "== cxpulse anomaly nab, scored by nabscore (thresholds chosen by the scorer)"
nice "$work/cxpulse" anomaly nab --data "$nab/data" --out "$work/results" --name cxpulse
nice "$work/nabscore" -nab "$nab" -results "$work/results" -d cxpulse
echo
echo "== scripts/nabeval"
nice go run ./scripts/nabeval -nab "$nab" -nabscore "$work/nabscore" -n "${NAB_SPLIT_N:-40}"
