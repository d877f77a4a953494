#!/usr/bin/env bash
# make bench: every benchmark of cxpulse, printed with the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:/usr/sbin"

echo "== machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%d)"

echo
echo "== ingest: HTTP NDJSON -> scored -> ClickHouse vs a plain clickhouse-go batch insert"
go run ./internal/cmd/ingestbench -binary bin/cxpulse ${INGEST_BENCH_FLAGS:-}

echo
echo "== outage: a minute of ingestion with ClickHouse stopped for its middle third (spool on)"
go run ./internal/cmd/ingestbench -binary bin/cxpulse -outage 60s

echo
echo "== hot paths (go test -bench)"
go test -run "^$" -bench . -benchmem -count 1 ./event/
