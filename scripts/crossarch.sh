#!/usr/bin/env bash
# Checks that sentiment scores and trained models are the same, to the last bit, on amd64 and
# arm64: it builds cxpulse for both, runs the arm64 one under qemu's user-mode emulator, and
# compares (1) the default and the support model trained from the data with `make model`'s
# arguments ($DEFAULT_ARGS and $SUPPORT_ARGS added to the common ones) against the embedded
# ones, (2) a model trained on the airline tweets, (3) the scores of every message of the
# evaluation data. Run on an amd64 machine: `make crossarch`.
# Usage: scripts/crossarch.sh TRAIN-ARGS… (the arguments `make model` trains both models with,
# without their names and --out). Needs qemu-aarch64-static (Debian: qemu-user-static; installed
# when run as root) and the data in $CXPULSE_DATA/sentiment (default ../shared/data); without
# the data it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
data="${CXPULSE_DATA:-../shared/data}/sentiment"
if [ ! -f "$data/airline_tweets.dev.jsonl" ]; then
  echo "crossarch: no sentiment data at $data (set CXPULSE_DATA); skipping"
  exit 0
fi
if [ "$(go env GOARCH)" != amd64 ]; then
  echo "crossarch: run it on amd64 (this is $(go env GOARCH))" >&2
  exit 1
fi
qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
if [ -z "$qemu" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing qemu-user-static from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
    qemu="$(command -v qemu-aarch64-static)"
  else
    echo "crossarch: missing qemu-aarch64-static; install it with: sudo apt-get install -y qemu-user-static" >&2
    exit 1
  fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
GOARCH=amd64 go build -o "$work/amd64" ./cmd/cxpulse
GOARCH=arm64 go build -o "$work/arm64" ./cmd/cxpulse
run() { # run ARCH ARGS…
  local arch="$1"
  shift
  if [ "$arch" = arm64 ]; then "$qemu" "$work/arm64" "$@"; else "$work/amd64" "$@"; fi
}

fail=0
same() { # same WHAT FILE-A FILE-B
  if cmp -s "$2" "$3"; then
    echo "same on amd64 and arm64: $1"
  else
    echo "DIFFERENT on amd64 and arm64: $1" >&2
    fail=1
  fi
}

for m in default support; do
  args="DEFAULT_ARGS"
  [ "$m" = support ] && args="SUPPORT_ARGS"
  echo "== the $m model, trained on arm64, against the embedded one (trained on amd64)"
  # shellcheck disable=SC2086 # the extra arguments are a list
  run arm64 sentiment train "$@" ${!args:-} --out "$work/$m-arm64.cxm" 2>&1 | tail -1
  same "the $m model" "$work/$m-arm64.cxm" "sentiment/model/$m.cxm"
done

echo "== a model trained on the airline tweets (all options at their defaults)"
for arch in amd64 arm64; do
  run "$arch" sentiment train --data "$data/airline_tweets.dev.jsonl" --out "$work/airline-$arch.cxm" 2>&1 | tail -1
done
same "the airline model" "$work/airline-amd64.cxm" "$work/airline-arm64.cxm"

echo "== scores of every message of the evaluation data, with both models"
cat "$data"/*.jsonl >"$work/messages.jsonl"
echo "$(wc -l <"$work/messages.jsonl") messages"
for arch in amd64 arm64; do
  run "$arch" score <"$work/messages.jsonl" >"$work/default-$arch.out"
  run "$arch" score --model "$work/airline-amd64.cxm" <"$work/messages.jsonl" >"$work/airline-$arch.out"
done
same "the scores of the default model" "$work/default-amd64.out" "$work/default-arm64.out"
same "the scores of the airline model" "$work/airline-amd64.out" "$work/airline-arm64.out"
exit "$fail"
