# What scripts/e2e.sh and scripts/e2e-directory.sh both do to put a server in front of
# Playwright: free ports, the delivery sinks, the server's environment, waiting for it.
# Sourced from the repository's root, not run.

free_port() { directories/free-port; }

# start_sinks LOG: the delivery sinks (end2end/harness/sinks.mjs) on three free ports:
# maildev catches the server's mail, and a small HTTP endpoint plays the SMS provider and
# lets a spec stop and restart the SMTP server. Sets smtp_port, mail_api_port, sms_port and
# sinks_pid (for the caller's cleanup); returns 1 when they did not say `ready` in 10 s.
start_sinks() {
  local log=$1
  smtp_port=$(free_port)
  mail_api_port=$(free_port)
  sms_port=$(free_port)
  SMTP_PORT=$smtp_port MAIL_API_PORT=$mail_api_port SMS_PORT=$sms_port \
    node end2end/harness/sinks.mjs >"$log" 2>&1 &
  sinks_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^ready' "$log" && return 0
    kill -0 "$sinks_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^ready' "$log"
}

# export_server_env PORT DATABASE STATIC_DIR: where the server listens, its database and
# the app it serves; registration is not enforced at sign-in (its own spec turns it on).
# Then delivery for real, to the sinks start_sinks started.
export_server_env() {
  export SSPR_BIND="127.0.0.1:$1"
  export SSPR_PUBLIC_BASE_URL="http://127.0.0.1:$1"
  export SSPR_DATABASE_PATH="$2"
  export SSPR_STATIC_DIR="$3"
  export SSPR_REGISTRATION__REQUIRE_AT_SIGN_IN=false
  export SSPR_DELIVERY__MODE=send
  export SSPR_DELIVERY__SMTP__HOST=127.0.0.1
  export SSPR_DELIVERY__SMTP__PORT="$smtp_port"
  export SSPR_DELIVERY__SMTP__SECURITY=none
  export SSPR_DELIVERY__SMTP__FROM="sspr <sspr@e2e.test>"
  export SSPR_DELIVERY__SMS__URL="http://127.0.0.1:$sms_port/sms"
}

# wait_healthy PORT PID: until the server on PORT answers /healthz; returns 1 when it has
# exited or has not answered in 10 s.
wait_healthy() {
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1
}
