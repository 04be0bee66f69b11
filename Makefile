# cidguard: `make dev` serves the worker and the admin page on http://127.0.0.1:8787; `make test` runs every suite.
# Both set up whatever is missing first (scripts/setup.sh), idempotently; only the test targets install the
# browsers the tests drive (scripts/setup.sh --test).
SHELL := /bin/bash
PORT ?= 8787
# Development-only API keys for `make dev` (tenant:key pairs); production keys are a wrangler secret.
DEV_API_KEYS ?= acme:dev-key-acme-0001,globex:dev-key-globex-0001
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup setup-test build dev test test-rust test-wasm test-js lint bench clean

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

build: setup
	@scripts/build-wasm.sh

dev: build
	wrangler dev --ip 127.0.0.1 --port $(PORT) --show-interactive-dev-session=false --var "API_KEYS:$(DEV_API_KEYS)"

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

clean:
	rm -rf target pkg www/pkg .wrangler
