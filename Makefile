# cidguard: `make dev` serves the worker and the admin page on http://127.0.0.1:8787; `make test` runs every suite.
# Both set up whatever is missing first (scripts/setup.sh), idempotently; only the test targets install the
# browsers the tests drive (scripts/setup.sh --test).
SHELL := /bin/bash
PORT ?= 8787
# Development-only API keys for `make dev` (tenant:key pairs); production keys are a wrangler secret.
DEV_API_KEYS ?= acme:dev-key-acme-0001,globex:dev-key-globex-0001
# Development-only operator credential for `make dev` (creates tenants, issues keys); production: a wrangler secret.
DEV_OPERATOR_KEY ?= dev-operator-key-0001
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup setup-test build dev test test-rust test-wasm test-js lint bench fuzz clean

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

build: setup
	@scripts/build-wasm.sh

dev: build
	wrangler dev --ip 127.0.0.1 --port $(PORT) --show-interactive-dev-session=false --var "API_KEYS:$(DEV_API_KEYS)" --var "OPERATOR_KEY:$(DEV_OPERATOR_KEY)"

test: setup-test build
	@scripts/test.sh

test-rust: setup
	cargo test

test-wasm: setup-test build
	@scripts/test-wasm.sh

test-js: setup-test build
	node --test --test-concurrency=1 tests/js/*.test.mjs

lint: setup
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

bench: build
	@scripts/bench.sh

# The long fuzz run (`make test` runs the same suites with a small budget): 1,000,000 mutated inputs over the
# core's JSON entry points (release build), 200,000 calls of the wasm exports, 100,000 generated HTTP requests
# against wrangler dev. Budgets: FUZZ_CORE_CASES, FUZZ_WASM_CALLS, FUZZ_HTTP_REQUESTS.
fuzz: build
	@scripts/fuzz.sh

clean:
	rm -rf target pkg www/pkg .wrangler
