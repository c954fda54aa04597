#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started release server on a free port with a
# new temporary database. The server seeds the demo organisation (the specs read the
# one-time passwords it prints), then the CLI adds the accounts the specs use.
set -euo pipefail
cd "$(dirname "$0")/.."

server=target/release/sspr
[ -x "$server" ] && [ -f dist/index.html ] || { echo "run 'make build' first" >&2; exit 2; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SSPR_BIND="127.0.0.1:$port"
export SSPR_PUBLIC_BASE_URL="http://127.0.0.1:$port"
export SSPR_DATABASE_PATH="$work/sspr.db"
export SSPR_STATIC_DIR="$PWD/dist"
export SSPR_SEED_DEMO=true
# Every spec signs in from 127.0.0.1; the per-address limit is tested in cargo tests.
export SSPR_SIGN_IN__IP_LIMIT=100000
# Verbose logs, so the check at the end shows that not even debug lines carry a password.
export SSPR_LOG_LEVEL="info,server=debug,tower_http=debug,sqlx=debug"

"$server" >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "${E2E_KEEP:-}" = "" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done

password='correct-horse-e2e'
cli() { SSPR_LOG_LEVEL=warn "$server" "$@"; }
cli users import end2end/fixtures/users.csv
for user in $(tail -n +2 end2end/fixtures/users.csv | cut -d, -f1); do
  printf '%s\n' "$password" | cli users set-password --username "$user" >/dev/null
done
cli admin create --username e2e-admin --display-name "E2E Admin" >/dev/null
printf '%s\n' "$password" | cli users set-password --username e2e-admin >/dev/null

mkdir -p end2end/.e2e
python3 - "$work/server.log" "http://127.0.0.1:$port" "$password" >end2end/.e2e/env.json <<'PY'
import json, re, sys
log, base, password = sys.argv[1:4]
demo = dict(re.findall(r"^\s{2}(\S+)\s+(\S+)$", open(log).read(), re.M))
print(json.dumps({"baseURL": base, "password": password, "demo": demo}))
PY

status=0
(cd end2end && E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test "$@") || status=$?

# The fixture password was typed into forms and sent to the server many times.
if grep -qF "$password" "$work/server.log"; then
  echo "FAIL: the server log contains a password" >&2
  status=1
fi
exit "$status"
