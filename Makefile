# cxpulse — see README.md. `make demo` runs the whole thing; `make test` runs every test.
GO        ?= go
export PATH := $(PATH):/usr/local/go/bin:/usr/sbin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
BIN       := bin/cxpulse
SHARED    ?= ../shared
GOLANGCI  := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
GOFUMPT   := mvdan.cc/gofumpt@v0.12.0

.PHONY: all build test demo bench lint fmt eval deps clean eval-nab bench-anomaly

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/cxpulse

deps:
	@scripts/deps.sh

# Every test, with the race detector, against a private ClickHouse (and Prometheus where needed)
# that the tests start on free ports in a temporary directory.
test: deps
	$(GO) vet ./...
	CXPULSE_REQUIRE_CLICKHOUSE=1 $(GO) test -race -count=1 -timeout 20m ./...

# The whole system on one machine with generated traffic and an injected incident.
demo: deps build
	$(BIN) demo

bench: deps build
	scripts/bench.sh
	@echo; echo "== alerting: incident events accepted -> PagerDuty request (5 s rule interval)"
	$(GO) test -run '^$$' -bench IncidentToPage -benchtime 5x ./internal/alertwire/

# Anomaly detector: ns per point, allocations, bytes per series.
bench: bench-anomaly
bench-anomaly:
	$(GO) test -run '^$$' -bench . -benchmem ./anomaly/

# NAB v1.1 scores of the anomaly detector and the split-half check (skips without the data).
eval: eval-nab
eval-nab:
	scripts/nab.sh

lint:
	$(GO) vet ./...
	$(GO) run $(GOLANGCI) run ./...

fmt:
	$(GO) run $(GOFUMPT) -l -w .

clean:
	rm -rf bin
