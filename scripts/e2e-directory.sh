#!/usr/bin/env bash
# The Playwright specs of end2end/tests/directory/ against sspr in `ldap` mode: one run in
# front of a throwaway OpenLDAP (slapd), one in front of a throwaway Samba AD domain
# controller. Each run has its own sspr server on a free port, a new database and its own
# delivery sinks, with the sample configuration (config-examples/) pointed at the test
# directory. Real directories, no mocks: a directory that cannot start fails the run and
# says why.
#
# Arguments: which runs, `openldap` and/or `samba` (default both). Playwright options go in
# E2E_DIRECTORY_ARGS. E2E_SERVER and E2E_DIST as in scripts/e2e.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/e2e-common.sh

server=${E2E_SERVER:-target/release/sspr}
dist=${E2E_DIST:-dist}
[ -x "$server" ] && [ -f "$dist/index.html" ] || { echo "run 'make build' first" >&2; exit 2; }
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(openldap samba)
for run in "${runs[@]}"; do
  case $run in openldap | samba) ;; *) echo "unknown directory run: $run (openldap, samba)" >&2; exit 2 ;; esac
done
wants() { [[ " ${runs[*]} " == *" $1 "* ]]; }
fail() { echo "FAIL (directory e2e): $*" >&2; exit 1; }

work=$(mktemp -d)
# Copies, as in e2e.sh: a build in the tree during the run must not swap them underneath.
cp -R "$dist" "$work/dist"
cp "$server" "$work/sspr"
server="$work/sspr"

samba_start=
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  directories/openldap/stop "$work/openldap" 2>/dev/null || true
  # A Samba still being provisioned is let finish, so that it is stopped, not left behind.
  [ -z "$samba_start" ] || wait "$samba_start" 2>/dev/null || true
  directories/samba/stop "$work/samba" 2>/dev/null || true
  if [ "${E2E_KEEP:-}" = "" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Samba's ports are fixed (389, 636) and its provisioning takes ~15 s, so it starts in the
# background now and the OpenLDAP run goes meanwhile. Another Samba (cargo's directory tests)
# may hold the ports for a while: wait for it, then fail saying so.
if wants samba; then
  for i in $(seq "${E2E_SAMBA_PORT_WAIT:-90}"); do
    port_taken 389 || port_taken 636 || break
    [ "$i" = 1 ] && echo "ports 389/636 on 127.0.0.1 are in use (another Samba AD, e.g. cargo's directory tests?); waiting up to ${E2E_SAMBA_PORT_WAIT:-90} s" >&2
    sleep 1
  done
  if port_taken 389 || port_taken 636; then
    fail "Samba AD cannot start: ports 389/636 on 127.0.0.1 are in use (another Samba AD or LDAP server, e.g. cargo's directory tests); stop it and run again"
  fi
  # The watchdog (start's second argument) stops the DC should this script die unhandled.
  directories/samba/start "$work/samba" $$ >"$work/samba-start.log" 2>&1 &
  samba_start=$!
fi

# The sample configuration with the test directory's values, each replacement checked.
configure() { # sample target from to [from to ...]
  local text
  text=$(cat "$1")
  local target=$2
  shift 2
  while [ $# -gt 0 ]; do
    [[ $text == *"$1"* ]] || fail "$target: the sample no longer has '$1'"
    text=${text//"$1"/"$2"}
    shift 2
  done
  printf '%s\n' "$text" >"$target"
}

# One run: sinks, the server in ldap mode with CONFIG, the specs with the facts in FACTS
# (a JSON object, the spec's `env.directory`). Its files go in WORK/sspr-NAME, apart from
# the directory's own (Samba's watchdog deletes those).
run_specs() { # name config facts-json
  local name=$1 config=$2 facts=$3 dir="$work/sspr-$1"
  local port smtp_port mail_api_port sms_port sinks_pid server_pid sinks_ok=0
  port=$(free_port)
  start_sinks "$dir/sinks.log" || sinks_ok=$?
  pids+=("$sinks_pid")
  [ "$sinks_ok" = 0 ] || fail "$name: the delivery sinks did not start: $(cat "$dir/sinks.log")"

  # Codes are sent for real, to the sinks (scripts/e2e-common.sh).
  export_server_env "$port" "$dir/sspr.db" "$work/dist"
  # The directory's own mail is the email method: nobody registers anything first.
  export SSPR_RESET__DIRECTORY_CONTACTS=true
  export SSPR_LOG_LEVEL="info,server=debug,tower_http=debug"

  # What an administrator would run first: it names what is wrong with the connection.
  SSPR_LOG_LEVEL=warn "$server" --config "$config" directory check >"$dir/check.log" 2>&1 \
    || fail "$name: 'sspr directory check' failed: $(cat "$dir/check.log")"
  cat "$dir/check.log"

  "$server" --config "$config" >"$dir/server.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  wait_healthy "$port" "$server_pid" \
    || fail "$name: sspr did not start in ldap mode: $(tail -20 "$dir/server.log")"
  ! grep -q 'reading the directory failed' "$dir/server.log" \
    || fail "$name: sspr could not read the directory: $(grep 'reading the directory failed' "$dir/server.log")"

  python3 - "http://127.0.0.1:$port" "http://127.0.0.1:$mail_api_port" "http://127.0.0.1:$sms_port" \
    "$facts" >"$dir/env.json" <<'PY'
import json, sys
base, mail_api, sinks, facts = sys.argv[1:5]
facts = json.loads(facts)
print(json.dumps({
    "baseURL": base, "password": facts["oldPassword"], "demo": {},
    "mailApi": mail_api, "sms": sinks + "/sms", "control": sinks + "/smtp",
    "directory": facts,
}))
PY

  local status=0
  # shellcheck disable=SC2086 # E2E_DIRECTORY_ARGS is a list of Playwright options
  (cd end2end && E2E_ENV="$dir/env.json" E2E_BASE_URL="http://127.0.0.1:$port" \
    npx playwright test -c playwright.directory.config.ts ${E2E_DIRECTORY_ARGS:-}) || status=$?

  # Every password the specs typed, as in e2e.sh: none may reach the log.
  for password in $(python3 -c 'import json, sys; print(" ".join(json.loads(sys.argv[1])["passwords"]))' "$facts"); do
    if grep -qF -- "$password" "$dir/server.log"; then
      echo "FAIL: the $name server log contains a password" >&2
      status=1
    fi
  done

  kill "$server_pid" "$sinks_pid" 2>/dev/null || true
  wait "$server_pid" "$sinks_pid" 2>/dev/null || true
  [ "$status" = 0 ] || fail "$name: the directory specs failed (logs in $dir; E2E_KEEP=1 keeps them)"
  echo "directory e2e: $name passed"
}

# The facts a run's specs use (`env.directory` in end2end/tests/directory/reset.spec.ts):
# the person, the password the directory has for them, the first reset's and the second
# reset's passwords, and a password sspr's own rules pass but the directory refuses, with
# the refusal's key (problem.directory_* in ui/locales/password.en.json).
facts() { # name email old refused refusal
  python3 -c 'import json, sys
name, email, old, refused, refusal = sys.argv[1:6]
new, second = "Tangerine-harbour-lamp-42", "Copper-kettle-meadow-17"
print(json.dumps({
    "name": name, "user": "alice", "email": email, "displayName": "Alice Papadopoulou",
    "oldPassword": old, "new": new, "second": second,
    "refused": refused or new, "refusal": refusal,
    "passwords": sorted({old, new, second, refused or new}),
}))' "$@"
}

if wants openldap; then
  mkdir -p "$work/openldap" "$work/sspr-openldap"
  started=$(directories/openldap/start "$work/openldap") || fail "OpenLDAP did not start (see above)"
  ldap_env() { sed -n "s/^$1=//p" <<<"$started"; }
  configure config-examples/openldap.toml "$work/sspr-openldap/sspr.toml" \
    "ldaps://ldap.example.org" "$(ldap_env LDAPS_URL)" \
    "/etc/sspr/ldap-ca.pem" "$(ldap_env LDAP_CA_FILE)" \
    "change-me-service-password" "service-account-secret"
  # slapd's ppolicy keeps five passwords: the first reset's (empty: "new") comes back refused.
  run_specs openldap "$work/sspr-openldap/sspr.toml" \
    "$(facts OpenLDAP alice@example.org Alice-initial-pass-1 "" in_history)"
  directories/openldap/stop "$work/openldap"
fi

if wants samba; then
  wait "$samba_start" || {
    samba_start=
    fail "Samba AD did not start: $(cat "$work/samba-start.log")"
  }
  samba_start=
  mkdir -p "$work/sspr-samba"
  started=$(cat "$work/samba-start.log")
  ad_env() { sed -n "s/^$1=//p" <<<"$started"; }
  # As server/tests/directory/samba.rs rewrites the sample for the test domain.
  configure config-examples/active-directory.toml "$work/sspr-samba/sspr.toml" \
    "ldaps://dc1.corp.example.org" "$(ad_env AD_URL)" \
    "/etc/sspr/ad-ca.pem" "$(ad_env AD_CA_FILE)" \
    "CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example,DC=org" "svc-sspr@sspr.test" \
    "change-me-service-password" "Service-pass-123!" \
    "OU=People,DC=corp,DC=example,DC=org" "CN=Users,DC=sspr,DC=test" \
    "OU=Groups,DC=corp,DC=example,DC=org" "CN=Users,DC=sspr,DC=test" \
    "CN=SSPR Users," "CN=staff,"
  # The domain's complexity rule (three kinds of character) refuses what sspr's rules pass.
  run_specs samba "$work/sspr-samba/sspr.toml" \
    "$(facts "Samba AD" alice@sspr.test 'Alice-initial-pass-1!' walnut-pylon-seagrass-dune complexity)"
  directories/samba/stop "$work/samba"
fi
