# sspr: `make run` to try it, `make test` to check it. Both install what is missing.
SHELL := /bin/bash
SERVER := target/release/sspr

.PHONY: run test build tools test-tools unit lint e2e bench fmt clean

run: tools build
	@mkdir -p data
	SSPR_SEED_DEMO=true $(SERVER)

test: tools test-tools unit lint build e2e

tools:
	@scripts/install-tools.sh build

test-tools:
	@scripts/install-tools.sh test

# Release builds of the wasm apps and of the server. Cargo skips an unchanged server on
# its own (well under a second); trunk does not, and its five builds take over a minute, so
# they run only when something they read is newer than dist/.bundles. Directories are
# listed too, so a deleted or added file counts; install-tools.sh holds the tools' versions.
build: dist/.bundles
	cargo build --release --locked -p server -p sspr-bench

BUNDLE_INPUTS := $(shell find app ui style public) index.html reset.html admin.html admin-policy.html \
	admin-records.html Trunk.toml Cargo.toml Cargo.lock .cargo/config.toml scripts/install-tools.sh

# The account pages into dist/, then the reset wizard and the admin dashboard's bundles,
# each into dist/<bundle>/ and served from /<bundle>/ (app/src/bundle.rs says which path
# each shows).
# The first build empties dist/, the stamp with it, so the stamp is written last and only
# when all succeeded.
dist/.bundles: $(BUNDLE_INPUTS)
	trunk build --release
	trunk build reset.html --release --dist dist/reset-app --public-url /reset-app/
	trunk build admin.html --release --dist dist/admin-app --public-url /admin-app/
	trunk build admin-policy.html --release --dist dist/admin-policy --public-url /admin-policy/
	trunk build admin-records.html --release --dist dist/admin-records --public-url /admin-records/
	@touch $@

unit:
	cargo test --workspace --locked

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p ui --target wasm32-unknown-unknown --locked -- -D warnings
	@# No module may import one that imports it back (the script names each loop's lines).
	@for src in server/src app/src ui/src bench/src; do python3 scripts/module-cycles.py $$src || exit 1; done

# Playwright against a freshly started release server on a free port with a new database;
# then the directory specs against sspr in ldap mode, in front of a throwaway OpenLDAP and a
# throwaway Samba AD (each with its own server and database).
e2e:
	scripts/e2e.sh
	scripts/e2e-directory.sh

# The charter's performance figures against their targets, from the release builds (the
# bench starts its own servers on free ports with new databases, the admin dashboard's
# seeded with 100,000 users and 1,000,000 audit events; whole resets also against a
# throwaway slapd, and pages timed in Chromium, which is why it installs the test tools).
# It reports and does not gate: it exits non-zero only when the bench itself cannot run. Options go in
# BENCH_ARGS, e.g. `make bench BENCH_ARGS="--concurrency 16"` (`sspr-bench --help`).
bench: tools test-tools build
	target/release/sspr-bench $(BENCH_ARGS)

fmt:
	cargo fmt --all

clean:
	rm -rf dist target/release/sspr end2end/test-results end2end/.e2e
