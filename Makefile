# sspr: `make run` to try it, `make test` to check it. Both install what is missing.
SHELL := /bin/bash
SERVER := target/release/sspr

.PHONY: run test build tools test-tools unit lint e2e fmt clean

run: tools build
	@mkdir -p data
	SSPR_SEED_DEMO=true $(SERVER)

test: tools test-tools unit lint build e2e

tools:
	@scripts/install-tools.sh build

test-tools:
	@scripts/install-tools.sh test

# Release builds of the wasm app (into dist/) and of the server.
build:
	trunk build --release
	cargo build --release --locked -p server

unit:
	cargo test --workspace --locked

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p app --features csr --target wasm32-unknown-unknown --locked -- -D warnings

# Playwright against a freshly started release server on a free port with a new database.
e2e:
	scripts/e2e.sh

fmt:
	cargo fmt --all

clean:
	rm -rf dist target/release/sspr end2end/test-results end2end/.e2e
