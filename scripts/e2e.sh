#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started release server on a free port with a
# new temporary database. The server seeds the demo organisation (the specs read the
# one-time passwords it prints), then the CLI adds the accounts the specs use.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/e2e-common.sh

# E2E_SERVER and E2E_DIST run another build of the server and the app (a developer's own
# copies while the tree's are being rebuilt); `make test` uses the tree's release builds.
server=${E2E_SERVER:-target/release/sspr}
dist=${E2E_DIST:-dist}
[ -x "$server" ] && [ -f "$dist/index.html" ] || { echo "run 'make build' first" >&2; exit 2; }
# The reset wizard and the admin dashboard are bundles of their own (see the Makefile's
# build); a dist built with a bare `trunk build` lacks them. Each page with its bundle's
# directory, as in the Makefile.
for pair in reset.html:reset-app admin.html:admin-app admin-policy.html:admin-policy admin-records.html:admin-records; do
  page=${pair%%:*} bundle=${pair#*:}
  if [ ! -f "$dist/$bundle/index.html" ]; then
    echo "building the bundle $bundle into $dist/$bundle" >&2
    trunk build "$page" --release --dist "$dist/$bundle" --public-url "/$bundle/"
  fi
done

work=$(mktemp -d)
port=$(free_port)

sinks_pid=
pid=
cleanup() {
  for p in $pid $sinks_pid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "${E2E_KEEP:-}" = "" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

start_sinks "$work/sinks.log" || { echo "the delivery sinks did not start" >&2; cat "$work/sinks.log"; exit 1; }

# Copies of the app and the server as built now: a build in the same tree during the run
# would otherwise swap the hashed assets under the pages the specs have open, or give the
# CLI steps below a different binary from the server's.
cp -R "$dist" "$work/dist"
cp "$server" "$work/sspr"
server="$work/sspr"
# Codes are sent for real, to the sinks (scripts/e2e-common.sh).
export_server_env "$port" "$work/sspr.db" "$work/dist"
export SSPR_SEED_DEMO=true
# Every spec signs in from 127.0.0.1; the per-address limit is tested in cargo tests.
export SSPR_SIGN_IN__IP_LIMIT=100000
# Verbose logs, so the check at the end shows that not even debug lines carry a password.
export SSPR_LOG_LEVEL="info,server=debug,tower_http=debug,sqlx=debug"
# Retry fast so fault specs stay short.
export SSPR_DELIVERY__RETRY_BASE_SECONDS=1
export SSPR_DELIVERY__RETRY_MAX_SECONDS=2
# Codes live one minute (the minimum), so the expired-code spec waits ~65 s, not 15 min.
export SSPR_VERIFICATION__CODE_TTL_MINUTES=1
# Every reset spec starts wizards and sends codes from 127.0.0.1; the per-address limit is
# tested in cargo tests.
export SSPR_RESET__IP_LIMIT=100000

"$server" >"$work/server.log" 2>&1 &
pid=$!
wait_healthy "$port" "$pid" || { echo "the server did not start; its log:" >&2; cat "$work/server.log"; exit 1; }

password='correct-horse-e2e'
cli() { SSPR_LOG_LEVEL=warn "$server" "$@"; }
cli users import end2end/fixtures/users.csv
for user in $(tail -n +2 end2end/fixtures/users.csv | cut -d, -f1); do
  printf '%s\n' "$password" | cli users set-password --username "$user" >/dev/null
done
cli admin create --username e2e-admin --display-name "E2E Admin" >/dev/null
printf '%s\n' "$password" | cli users set-password --username e2e-admin >/dev/null
# A helpdesk admin for the reset specs: any admin role gets the two-gate admin policy.
cli admin create --username rw-admin --display-name "Ada Overseer" --email ada@reset.example.net \
  --role helpdesk_admin >/dev/null
printf '%s\n' "$password" | cli users set-password --username rw-admin >/dev/null
# A reports reader for the reports spec: reads the overview, reports and audit log only.
cli admin create --username rr-reader --display-name "Rita Reader" --role reports_reader >/dev/null
printf '%s\n' "$password" | cli users set-password --username rr-reader >/dev/null

mkdir -p end2end/.e2e
python3 - "$work/server.log" "http://127.0.0.1:$port" "$password" \
  "http://127.0.0.1:$mail_api_port" "http://127.0.0.1:$sms_port" >end2end/.e2e/env.json <<'PY'
import json, re, sys
log, base, password, mail_api, sinks = sys.argv[1:6]
demo = dict(re.findall(r"^\s{2}(\S+)\s+(\S+)$", open(log).read(), re.M))
print(json.dumps({
    "baseURL": base, "password": password, "demo": demo,
    # The sinks: maildev's REST API, the SMS provider's endpoint, the SMTP stop/start control.
    "mailApi": mail_api, "sms": sinks + "/sms", "control": sinks + "/smtp",
}))
PY

status=0
(cd end2end && E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test "$@") || status=$?

# The fixture password was typed into forms and sent to the server many times.
if grep -qF "$password" "$work/server.log"; then
  echo "FAIL: the server log contains a password" >&2
  status=1
fi
exit "$status"
