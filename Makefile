# cxpulse — see README.md. `make demo` runs the whole thing; `make test` runs every test.
GO        ?= go
export PATH := $(PATH):/usr/local/go/bin:/usr/sbin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
BIN       := bin/cxpulse
SHARED    ?= ../shared
GOLANGCI  := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
GOFUMPT   := mvdan.cc/gofumpt@v0.12.0

.PHONY: all build test demo bench lint fmt eval deps clean eval-nab bench-anomaly model crossarch bench-sentiment dashboards

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

# Sentiment. The data directory is $(CXPULSE_DATA) (default $(SHARED)/data); see README.md.
CXPULSE_DATA ?= $(SHARED)/data
SENT_DATA    := $(CXPULSE_DATA)/sentiment
# The default model is trained only on permissively licensed data: the VADER snippets (MIT) and the
# UCI sentences.
SENT_TRAIN   := $(foreach f,vader_tweets vader_amazon vader_movies vader_nyt uci_amazon uci_imdb uci_yelp,$(SENT_DATA)/$(f).jsonl)
SENT_EVAL    := $(foreach f,airline_tweets.dev tweeteval_val vader_tweets vader_amazon vader_movies vader_nyt uci_amazon uci_imdb uci_yelp,$(SENT_DATA)/$(f).jsonl)

# How the models are trained (make model, make crossarch). Both learn their n-grams from the
# permissive data. The support messages written for this project in CX_TRAIN (the other files of
# CX_EVAL below are left out, to measure them) give the support side: n-grams, the neutral class
# and the rule weights: the default model keeps its own for general text and learns a gate that
# moves messages that read like a support conversation to the support ones; the support model
# applies them to every message. They sum the n-grams of long messages as of short ones
# (--ngram-cap 0): their general data are long reviews, and averaging past 40 features changed no
# figure of theirs but a known case (see docs/sentiment-record.md).
CX_TRAIN     := $(foreach f,cx_cases cx_fresh cx_parts cx_train cx_hardtrain,sentiment/testdata/$(f).jsonl)
MODEL_ARGS   := --base none --polarity --fixed-rules --balanced=false --average=false \
	--epochs 15 --l2 1e-3 --neutral-epochs 3 --seed 1 --seeds 5 --ngram-cap 0 $(addprefix --data ,$(SENT_TRAIN)) \
	$(addprefix --neutral-data ,$(CX_TRAIN)) $(addprefix --polarity-data ,$(CX_TRAIN)) --support-rules
DEFAULT_EXTRA := --name cx-default --gate
SUPPORT_EXTRA := --name cx-support

# Rebuilds the embedded models; the same data gives the same bytes, on amd64 and arm64.
model:
	@test -d $(SENT_DATA) || { echo "model: no data at $(SENT_DATA) (set CXPULSE_DATA)" >&2; exit 1; }
	$(GO) build -o bin/cxpulse-train ./cmd/cxpulse
	bin/cxpulse-train sentiment train $(MODEL_ARGS) $(DEFAULT_EXTRA) --out sentiment/model/default.cxm
	bin/cxpulse-train sentiment train $(MODEL_ARGS) $(SUPPORT_EXTRA) --out sentiment/model/support.cxm

# The default and support models, a trained model and the scores of the evaluation data are the
# same to the last bit on amd64 and arm64 (arm64 under qemu's user-mode emulator; skips without the data).
crossarch:
	CXPULSE_DATA=$(abspath $(CXPULSE_DATA)) DEFAULT_ARGS="$(DEFAULT_EXTRA)" SUPPORT_ARGS="$(SUPPORT_EXTRA)" \
		scripts/crossarch.sh $(MODEL_ARGS)

# The evaluation table of README.md: the support messages written for this project (in the
# repository, so they need no data set), the default and the support model on every data file,
# then a model trained on a fixed 80% of the airline tweets and evaluated on the other 20%, one
# trained on all of them (from the default model, as `train` starts) on the support messages, and
# how much of the data the default model's support gate reads as support text. The respelled
# report scores cx_heldout as customers also type it (without apostrophes, in shorthand, without
# full stops).
CX_EVAL := $(foreach f,cx_cases cx_fresh cx_parts cx_train cx_hardtrain cx_heldout cx_informal cx_thanks cx_delivery cx_verdict cx_refund cx_polite cx_outcome cx_runon cx_mixed cx_emoji cx_global cx_survey cx_voice cx_churn cx_b2b cx_followup cx_negation cx_compare cx_short cx_rhetorical cx_access cx_caps cx_announce cx_wismo cx_apology cx_escalation cx_long cx_hedged cx_sarcasm cx_mixlang cx_chat cx_security cx_billing cx_outage cx_vocab cx_hard cx_inbox cx_channels cx_replies,sentiment/testdata/$(f).jsonl)
eval: build
	$(BIN) sentiment eval $(addprefix --data ,$(CX_EVAL))
	$(BIN) sentiment eval --model builtin:support $(addprefix --data ,$(CX_EVAL))
	CXPULSE_BENCH=1 $(GO) test -count=1 -run TestRespelledReport -v ./sentiment/ | grep '^cx_heldout'
	@if [ ! -d $(SENT_DATA) ]; then echo "eval: skipped, no data at $(SENT_DATA) (set CXPULSE_DATA)"; exit 0; fi; \
	set -e; \
	$(BIN) sentiment eval $(addprefix --data ,$(SENT_EVAL)); \
	$(BIN) sentiment eval --model builtin:support $(addprefix --data ,$(SENT_EVAL)); \
	$(BIN) sentiment train --name airline80 --data $(SENT_DATA)/airline_tweets.dev.jsonl --split 0.8 --part train --out bin/airline80.cxm; \
	$(BIN) sentiment eval --model bin/airline80.cxm --data $(SENT_DATA)/airline_tweets.dev.jsonl --split 0.8 --part test; \
	$(BIN) sentiment train --name airline --data $(SENT_DATA)/airline_tweets.dev.jsonl --out bin/airline.cxm; \
	$(BIN) sentiment eval --model bin/airline.cxm $(addprefix --data ,$(CX_EVAL)) --data $(SENT_DATA)/tweeteval_val.jsonl; \
	CXPULSE_DATA=$(abspath $(CXPULSE_DATA)) CXPULSE_BENCH=1 $(GO) test -count=1 -run TestGateReport -v ./sentiment/ | grep 'support gate'

# cxpulse against govader on the same messages, one core.
bench-sentiment:
	CXPULSE_DATA=$(abspath $(CXPULSE_DATA)) CXPULSE_BENCH=1 $(GO) test -count=1 -run TestCompareGovader -v ./sentiment/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'BenchmarkScore$$' -benchtime 2s -cpu 1 ./sentiment/

bench: bench-sentiment

# Regenerate the Grafana dashboards JSON (a test fails when the committed files differ).
dashboards:
	$(GO) run ./cmd/cxpulse dashboards --out deploy/grafana/dashboards

lint:
	$(GO) vet ./...
	$(GO) run $(GOLANGCI) run ./...

fmt:
	$(GO) run $(GOFUMPT) -l -w .

clean:
	rm -rf bin
