#!/usr/bin/env bash
# Runs Shardgate in cluster mode on this machine: Redis, MariaDB, a gateway, the shard nodes and the
# cache nodes of conf/shardgate.json, each as its own process. Pids and logs go under run/.
#
#   scripts/cluster.sh up            start everything (builds the jar when missing) and wait until ready
#   scripts/cluster.sh down          stop exactly the processes recorded under run/
#   scripts/cluster.sh status        role, id, pid, port and readiness of each process
#   scripts/cluster.sh start ID      start one node (e.g. after killing it)
#   scripts/cluster.sh stop ID [-9]  stop one node gracefully, or kill -9 it
#
# The internal plane is authenticated with mutual TLS: on the first `up` this writes a cluster CA and a
# certificate per process under run/tls/ (java -jar shardgate.jar certs) and a random admin token to
# run/admin-token; nodes then answer only on https:// and only to holders of those certificates:
#   curl --cacert run/tls/ca.pem --cert run/tls/tools.pem --key run/tls/tools-key.pem https://127.0.0.1:9101/admin/status
#   curl -H "authorization: Bearer $(cat run/admin-token)" http://127.0.0.1:8080/admin/members
#
# Environment: SHARDGATE_CONFIG (default conf/shardgate.json), JAVA_OPTS (default -Xms256m -Xmx512m),
# SHARDGATE_INSECURE=true (no internal authentication, plain HTTP, the default admin token: loopback only).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
CONFIG="${SHARDGATE_CONFIG:-conf/shardgate.json}"
JAR="dist/target/shardgate.jar"
RUN="run"
TLS="$RUN/tls"
INSECURE="${SHARDGATE_INSECURE:-false}"
# Every process of this script reads the admin token from the file (never from the command line).
[[ "$INSECURE" == true ]] || export SHARDGATE_ADMIN_TOKEN_FILE="$RUN/admin-token"
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx512m -XX:+UseParallelGC}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"

die() { echo "cluster.sh: $*" >&2; exit 1; }

build_if_needed() {
  if [[ ! -f "$JAR" ]]; then
    echo "building $JAR (first run) ..."
    mvn -B -q -DskipTests package
  fi
}

# Lines of "role id port" for every process of the configuration.
processes() {
  java -jar "$JAR" nodes --config "$CONFIG"
}

# The cluster CA, a certificate per process and the admin token, made once and kept under run/.
credentials() {
  [[ "$INSECURE" == true ]] && { echo "SHARDGATE_INSECURE=true: internal calls are NOT authenticated (loopback only)"; return; }
  if [[ ! -s "$RUN/admin-token" ]]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$RUN/admin-token")
    echo "wrote a new admin token to $RUN/admin-token"
  fi
  if [[ ! -f "$TLS/ca.pem" || ! -f "$TLS/gateway.pem" ]]; then
    echo "writing the cluster CA and member certificates to $TLS/ ..."
    java -jar "$JAR" certs --config "$CONFIG" --out "$TLS" >/dev/null
  fi
}

# Readiness URL options of a process: the gateway's public listener is plain HTTP; nodes speak TLS
# (health needs no client certificate, only the CA to check the node's).
health_url() { # role port
  if [[ "$1" == gateway || "$INSECURE" == true ]]; then
    echo "http://127.0.0.1:$2/health/ready"
  else
    echo "https://127.0.0.1:$2/health/ready"
  fi
}

ready() { # role port
  curl -fsS -o /dev/null --cacert "$TLS/ca.pem" "$(health_url "$1" "$2")" 2>/dev/null
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

start_one() {
  local role="$1" id="$2" port="$3" pidfile="$RUN/$2.pid"
  if [[ -f "$pidfile" ]] && pid_alive "$(cat "$pidfile")"; then
    echo "  $id already running (pid $(cat "$pidfile"))"
    return
  fi
  local args=("$role" --config "$CONFIG")
  [[ "$role" != gateway ]] && args+=(--id "$id")
  [[ "$INSECURE" == true ]] && args+=(--insecure)
  # shellcheck disable=SC2086
  nohup java $JAVA_OPTS -jar "$JAR" "${args[@]}" >>"$RUN/$id.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$role $port" >"$RUN/$id.info"
  echo "  started $role $id (pid $!, port $port, log $RUN/$id.log)"
}

wait_ready() {
  local role="$1" id="$2" port="$3" deadline=$((SECONDS + READY_TIMEOUT))
  until ready "$role" "$port"; do
    pid_alive "$(cat "$RUN/$id.pid")" || die "$id exited during start; last lines of $RUN/$id.log:
$(tail -n 20 "$RUN/$id.log")"
    ((SECONDS < deadline)) || die "$id not ready on port $port after ${READY_TIMEOUT}s; see $RUN/$id.log"
    sleep 0.3
  done
  echo "  $id ready on port $port"
}

up() {
  mkdir -p "$RUN"
  bash scripts/redis-up.sh
  bash scripts/db-setup.sh
  build_if_needed
  credentials
  local lines
  lines="$(processes)"
  echo "starting shard and cache nodes, then the gateway ..."
  while read -r role id port; do [[ "$role" != gateway ]] && start_one "$role" "$id" "$port"; done <<<"$lines"
  while read -r role id port; do [[ "$role" != gateway ]] && wait_ready "$role" "$id" "$port"; done <<<"$lines"
  while read -r role id port; do [[ "$role" == gateway ]] && start_one "$role" "$id" "$port"; done <<<"$lines"
  while read -r role id port; do [[ "$role" == gateway ]] && wait_ready "$role" "$id" "$port"; done <<<"$lines"
  local gw_port
  gw_port="$(awk '$1=="gateway"{print $3}' <<<"$lines")"
  echo
  echo "Shardgate cluster is up: http://127.0.0.1:$gw_port/v1/expenses"
  echo "  try: curl -i -X POST http://127.0.0.1:$gw_port/v1/expenses -H 'content-type: application/json' \\"
  echo "         -d '{\"id\":1,\"name\":\"Ada\",\"email\":\"ada@example.com\",\"category\":\"travel\",\"estimated_costs\":\"120\",\"submit_date\":\"01-02-2026\"}'"
  [[ "$INSECURE" == true ]] || echo "  admin: curl -H \"authorization: Bearer \$(cat $RUN/admin-token)\" http://127.0.0.1:$gw_port/admin/members"
  echo "  status: scripts/cluster.sh status    stop: scripts/cluster.sh down"
}

stop_pid() {
  local id="$1" signal="${2:-TERM}" pidfile="$RUN/$1.pid"
  [[ -f "$pidfile" ]] || die "no process recorded for $id under $RUN/"
  local pid
  pid="$(cat "$pidfile")"
  if pid_alive "$pid"; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then
      echo "  $id did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "  stopped $id (pid $pid)"
  fi
  rm -f "$pidfile"
}

down() {
  [[ -d "$RUN" ]] || { echo "nothing recorded under $RUN/"; return; }
  local f
  # The gateway first, so that clients see a clean refusal instead of failing backends.
  for f in "$RUN"/*.info; do
    [[ -e "$f" ]] || continue
    read -r role _ <"$f"
    [[ "$role" == gateway ]] && [[ -f "${f%.info}.pid" ]] && stop_pid "$(basename "${f%.info}")"
  done
  for f in "$RUN"/*.pid; do
    [[ -e "$f" ]] || continue
    stop_pid "$(basename "${f%.pid}")"
  done
  echo "cluster stopped"
}

status() {
  printf '%-11s %-10s %-8s %-6s %s\n' ROLE ID PID PORT STATE
  local f
  for f in "$RUN"/*.info; do
    [[ -e "$f" ]] || continue
    local id role port pid state
    id="$(basename "${f%.info}")"
    read -r role port <"$f"
    pid="$(cat "$RUN/$id.pid" 2>/dev/null || echo -)"
    if ! pid_alive "$pid"; then
      state="stopped"
    elif ready "$role" "$port"; then
      state="ready"
    else
      state="running, not ready"
    fi
    printf '%-11s %-10s %-8s %-6s %s\n' "$role" "$id" "$pid" "$port" "$state"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  start)
    [[ -n "${2:-}" ]] || die "usage: cluster.sh start ID"
    mkdir -p "$RUN"
    line="$(processes | awk -v id="$2" '$2==id')"
    [[ -n "$line" ]] || die "no node '$2' in $CONFIG"
    read -r role id port <<<"$line"
    build_if_needed
    credentials
    start_one "$role" "$id" "$port"
    wait_ready "$role" "$id" "$port"
    ;;
  stop)
    [[ -n "${2:-}" ]] || die "usage: cluster.sh stop ID [-9]"
    if [[ "${3:-}" == "-9" ]]; then stop_pid "$2" KILL; else stop_pid "$2" TERM; fi
    ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
