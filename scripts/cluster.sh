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
# SHARDGATE_TLS=1 (with up, start, status, down): TLS where users expect it too (the public listener,
# Redis, MySQL), see "Transport TLS" below and docs/transport-security.md.
#
#   scripts/cluster.sh tls-certs DIR NAME...   a throwaway CA in DIR (kept if present) and a certificate
#                                              for 127.0.0.1/localhost per NAME (NAME.pem, NAME-key.pem)
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

# ---- Transport TLS (SHARDGATE_TLS=1) -----------------------------------------------------------------
# A throwaway CA and certificates under run/transport-tls/ (apart from the cluster CA of the internal
# plane in run/tls/); a Redis of our own with only a TLS port and an ACL user
# (the system Redis on 6379 is shared and has no TLS port; it is left alone); a MariaDB of our own with
# TLS required (the system MariaDB was started without ssl_cert/ssl_key, and enabling TLS there needs a
# restart of a server other worktrees' tests use at any time, so it is left alone too: a second instance
# with its own data directory, port and socket, started with --no-defaults, cannot disturb it).
TLS_DIR="$RUN/transport-tls"
TLS_REDIS_PORT="${TLS_REDIS_PORT:-6390}"
TLS_MARIADB_PORT="${TLS_MARIADB_PORT:-3316}"
TLS_ARGS=()

tls_on() { [[ "${SHARDGATE_TLS:-0}" == 1 ]]; }

# tls_ca DIR: ca.pem and ca-key.pem, created once per directory.
tls_ca() {
  local dir="$1"
  mkdir -p "$dir"
  [[ -f "$dir/ca.pem" && -f "$dir/ca-key.pem" ]] && return
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Shardgate throwaway CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  chmod 600 "$dir/ca-key.pem"
}

# tls_cert DIR NAME: NAME.pem (signed by the CA of DIR) and NAME-key.pem (PKCS#8) for 127.0.0.1 and localhost.
tls_cert() {
  local dir="$1" name="$2"
  [[ -f "$dir/$name.pem" && -f "$dir/$name-key.pem" ]] && return
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$name" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/$name-key.pem" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 30 \
    -copy_extensions copy -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr"
  chmod 600 "$dir/$name-key.pem"
}

# tls_secret FILE: a random password, created once.
tls_secret() {
  [[ -f "$1" ]] || { (umask 077; openssl rand -hex 16 >"$1"); }
}

tls_redis_up() {
  local dir="$ROOT/$TLS_DIR"
  tls_cert "$dir" redis
  tls_secret "$dir/redis.pass"
  if [[ -f "$dir/redis.pid" ]] && pid_alive "$(cat "$dir/redis.pid")"; then
    echo "  tls redis already running on 127.0.0.1:$TLS_REDIS_PORT"
    return
  fi
  (umask 077; printf 'user default off\nuser shardgate on >%s ~* &* +@all\n' "$(cat "$dir/redis.pass")" >"$dir/users.acl")
  redis-server --port 0 --tls-port "$TLS_REDIS_PORT" --bind 127.0.0.1 --tls-cert-file "$dir/redis.pem" \
    --tls-key-file "$dir/redis-key.pem" --tls-ca-cert-file "$dir/ca.pem" --tls-auth-clients no \
    --aclfile "$dir/users.acl" --save "" --appendonly no --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 1 50); do
    redis-cli --tls --cacert "$dir/ca.pem" -h 127.0.0.1 -p "$TLS_REDIS_PORT" --user shardgate \
      --pass "$(cat "$dir/redis.pass")" --no-auth-warning ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "  tls redis on rediss://127.0.0.1:$TLS_REDIS_PORT (ACL user shardgate; log $TLS_DIR/redis.log)"
}

tls_mariadb_sql() {
  mariadb --no-defaults --socket="$ROOT/$TLS_DIR/mariadb/mysqld.sock" -uroot --batch -e "$1"
}

tls_mariadb_up() {
  local dir="$ROOT/$TLS_DIR" db="$ROOT/$TLS_DIR/mariadb"
  local user="${SHARDGATE_MYSQL_USER:-shardgate}" password="${SHARDGATE_MYSQL_PASSWORD:-shardgate}"
  tls_cert "$dir" mariadb
  if [[ -f "$db/mysqld.pid" ]] && pid_alive "$(cat "$db/mysqld.pid")"; then
    echo "  tls mariadb already running on 127.0.0.1:$TLS_MARIADB_PORT"
    return
  fi
  if [[ ! -d "$db/data/mysql" ]]; then
    mkdir -p "$db/data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$db/data" --auth-root-authentication-method=socket \
      --skip-test-db >"$db/install.log" 2>&1 || die "mariadb-install-db failed; see $TLS_DIR/mariadb/install.log"
  fi
  nohup mariadbd --no-defaults --user="$(id -un)" --datadir="$db/data" --port="$TLS_MARIADB_PORT" \
    --bind-address=127.0.0.1 --socket="$db/mysqld.sock" --pid-file="$db/mysqld.pid" --log-error="$db/error.log" \
    --skip-log-bin --innodb-buffer-pool-size=64M --ssl-cert="$dir/mariadb.pem" --ssl-key="$dir/mariadb-key.pem" \
    --ssl-ca="$dir/ca.pem" --require-secure-transport=ON >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    mariadb-admin --no-defaults --socket="$db/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  tls_mariadb_sql "CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED VIA mysql_native_password
    USING PASSWORD('$password'); GRANT ALL PRIVILEGES ON \`shardgate\\_%\`.* TO '$user'@'127.0.0.1'" \
    || die "could not create the application user in the tls mariadb; see $TLS_DIR/mariadb/error.log"
  echo "  tls mariadb on 127.0.0.1:$TLS_MARIADB_PORT (TLS required; log $TLS_DIR/mariadb/error.log)"
}

# Settings every process gets in TLS mode (absolute paths: processes resolve them in the working directory).
tls_settings() {
  local dir="$ROOT/$TLS_DIR"
  TLS_ARGS=(--set "gateway.tls.enabled=true" --set "gateway.tls.certFile=$dir/gateway.pem"
    --set "gateway.tls.keyFile=$dir/gateway-key.pem"
    --set "redis.url=rediss://127.0.0.1:$TLS_REDIS_PORT" --set "redis.user=shardgate"
    --set "redis.passwordFile=$dir/redis.pass" --set "redis.tls.caFile=$dir/ca.pem"
    --set "mysql.port=$TLS_MARIADB_PORT" --set "mysql.tls.mode=verify-full" --set "mysql.tls.caFile=$dir/ca.pem")
}

tls_up() {
  echo "transport TLS: CA and certificates under $TLS_DIR/"
  tls_ca "$ROOT/$TLS_DIR"
  tls_cert "$ROOT/$TLS_DIR" gateway
  tls_redis_up
  tls_mariadb_up
}

tls_down() {
  local pidfile
  for pidfile in "$TLS_DIR/redis.pid" "$TLS_DIR/mariadb/mysqld.pid"; do
    if [[ -f "$pidfile" ]] && pid_alive "$(cat "$pidfile")"; then
      local pid
      pid="$(cat "$pidfile")"
      kill "$pid"
      for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
      echo "  stopped $(basename "$(dirname "$pidfile")")/$(basename "$pidfile" .pid) (pid $pid)"
    fi
    rm -f "$pidfile"
  done
}

# ---- end of transport TLS ------------------------------------------------------------------------------

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
  if [[ ! -f "$TLS/ca.pem" || ! -f "$TLS/gateway.pem" || ! -f "$TLS/record.key" ]]; then
    echo "writing the cluster CA and member certificates to $TLS/ ..."
    java -jar "$JAR" certs --config "$CONFIG" --out "$TLS" >/dev/null
  fi
}

# Whether a process answers its readiness check. Nodes speak TLS on the internal plane (health needs no
# client certificate, only the cluster CA to check the node's); the gateway's public listener speaks
# HTTPS only with SHARDGATE_TLS=1 (its certificate from the transport CA).
ready() { # role port
  if [[ "$1" == gateway ]] && tls_on; then
    curl -fsS -o /dev/null --cacert "$ROOT/$TLS_DIR/ca.pem" "https://127.0.0.1:$2/health/ready" 2>/dev/null
  elif [[ "$1" == gateway || "$INSECURE" == true ]]; then
    curl -fsS -o /dev/null "http://127.0.0.1:$2/health/ready" 2>/dev/null
  else
    curl -fsS -o /dev/null --cacert "$TLS/ca.pem" "https://127.0.0.1:$2/health/ready" 2>/dev/null
  fi
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
  tls_on && args+=("${TLS_ARGS[@]}")
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
  tls_on && tls_up
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
  if tls_on; then
    echo "Shardgate cluster is up with TLS: https://127.0.0.1:$gw_port/v1/expenses"
    echo "  try: curl --cacert $TLS_DIR/ca.pem https://127.0.0.1:$gw_port/health/ready"
    echo "  status: SHARDGATE_TLS=1 scripts/cluster.sh status    stop: SHARDGATE_TLS=1 scripts/cluster.sh down"
    return
  fi
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
  tls_down
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

tls_on && tls_settings

case "${1:-}" in
  up) up ;;
  tls-certs)
    [[ -n "${2:-}" && -n "${3:-}" ]] || die "usage: cluster.sh tls-certs DIR NAME..."
    tls_ca "$2"
    for name in "${@:3}"; do tls_cert "$2" "$name"; done
    ;;
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
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
