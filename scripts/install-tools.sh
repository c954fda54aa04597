#!/usr/bin/env bash
# Installs what building and testing sspr needs, skipping whatever is already there at the
# right version. `make run` calls it with `build`; `make test` with `build test`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_trunk=0.21.14
want_binaryen=132
# wasm-bindgen-cli must equal the wasm-bindgen crate that Cargo.lock resolved.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

say() { printf '==> %s\n' "$*"; }

install_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $want_trunk" ]; then
    say "installing trunk $want_trunk (several minutes, once)"
    cargo install --locked "trunk@$want_trunk"
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want_bindgen" ]; then
    say "installing wasm-bindgen-cli $want_bindgen"
    # Not --locked: its lock file asks for a crate version the registry no longer has.
    cargo install --force "wasm-bindgen-cli@$want_bindgen"
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version $want_binaryen"; then
    say "installing wasm-opt (binaryen $want_binaryen)"
    npm install --global --no-fund --no-audit "binaryen@$want_binaryen"
  fi
  # trunk builds offline against the installed tools; fetch the crates first.
  cargo fetch --locked >/dev/null
}

install_test_tools() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  # The directory tests' throwaway OpenLDAP; the package's own instance stays unconfigured.
  if ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ] || ! command -v ldapwhoami >/dev/null; then
    say "installing slapd and ldap-utils"
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
  fi
  # The Active Directory tests' throwaway domain controller.
  if ! command -v samba-tool >/dev/null || [ ! -x /usr/sbin/samba ]; then
    say "installing samba (the AD domain controller for the directory tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq samba samba-ad-dc >/dev/null
  fi
  if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the end-to-end test packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-fund --no-audit)
  fi
}

for part in "$@"; do
  case "$part" in
    build) install_build_tools ;;
    test) install_test_tools ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done
