#!/usr/bin/env bash
# nginx and HAProxy in front of the configuration's shard nodes, the comparison targets of bench/run.sh.
#
#   bash bench/proxies.sh up [WORKERS]   render bench/proxies/*.in, start both (installs them with apt
#                                        when missing); WORKERS = nginx worker processes = HAProxy
#                                        threads (default 2: the gateway's event loops in bench runs)
#   bash bench/proxies.sh down           stop both (only the processes whose pid files are ours)
#
# Listens on 127.0.0.1 only: nginx :8081 (proxy) and :8082 (proxy_cache), HAProxy :8083 (proxy) and
# :8084 (cache). Rendered
# configurations, pid files, logs and nginx's cache live in bench/results/proxies/.
# Environment: SHARDGATE_CONFIG (default conf/shardgate.json) names the shard nodes; both proxies reach
# them over TLS with the member certificate scripts/cluster.sh wrote to run/tls/bench.pem (plain HTTP
# when the cluster runs with SHARDGATE_INSECURE=true).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
RUN="$BENCH/results/proxies"
CONFIG="${SHARDGATE_CONFIG:-$ROOT/conf/shardgate.json}"
JAR="$ROOT/dist/target/shardgate.jar"
die() { echo "proxies.sh: $*" >&2; exit 1; }

install_missing() {
  local missing=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
  ((${#missing[@]} == 0)) && return
  echo "installing ${missing[*]} with apt ..."
  local sudo=""; ((EUID != 0)) && sudo="sudo -n" # never prompts
  $sudo apt-get update -qq
  # Debian's packages try to start their system service; we run our own instances instead.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

stop_pidfile() { # name pidfile: stops the process only if it is ours (its command line names our config)
  local pid
  [[ -f "$2" ]] || return 0
  pid="$(cat "$2")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$RUN/"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    echo "  stopped $1 (pid $pid)"
  fi
  rm -f "$2"
}

down() {
  stop_pidfile nginx "$RUN/nginx.pid"
  stop_pidfile haproxy "$RUN/haproxy.pid"
}

wait_port() { # name port
  for _ in $(seq 1 50); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$2/" && { echo "  $1 listening on 127.0.0.1:$2"; return; }
    sleep 0.1
  done
  die "$1 is not listening on 127.0.0.1:$2; see $RUN"
}

up() {
  local workers="${1:-2}"
  [[ "$workers" =~ ^[0-9]+$ ]] && ((workers >= 1 && workers <= 64)) || die "WORKERS must be 1..64 (got '$workers')"
  [[ -f "$JAR" ]] || die "$JAR is missing: build it first (mvn -B -q -DskipTests package)"
  install_missing
  export PATH="$PATH:/usr/sbin"
  down
  mkdir -p "$RUN/nginx-cache"
  rm -rf "${RUN:?}/nginx-cache/"*
  # The nodes' internal plane wants a member certificate (see scripts/cluster.sh and docs/security.md).
  local tls="$ROOT/run/tls" scheme=https ssl_opts="" node_tls=""
  if [[ "${SHARDGATE_INSECURE:-false}" == true ]]; then
    scheme=http
  else
    [[ -f "$tls/bench.pem" && -f "$tls/bench-key.pem" && -f "$tls/ca.pem" ]] \
      || die "no member certificate for the proxies in $tls (scripts/cluster.sh up writes it)"
    (umask 077 && cat "$tls/bench.pem" "$tls/bench-key.pem" >"$RUN/bench-member.pem")
    ssl_opts=" ssl crt $RUN/bench-member.pem ca-file $tls/ca.pem verify required"
    node_tls="  proxy_ssl_certificate $tls/bench.pem; proxy_ssl_certificate_key $tls/bench-key.pem;
  proxy_ssl_trusted_certificate $tls/ca.pem; proxy_ssl_verify on; proxy_ssl_name localhost; proxy_ssl_session_reuse on;"
  fi
  # shard nodes of the configuration: "shard-node ID PORT" lines
  local nodes upstreams="" servers=""
  nodes="$(java -jar "$JAR" nodes --config "$CONFIG" | awk '$1 == "shard-node" { print $2, $3 }')"
  [[ -n "$nodes" ]] || die "no shard nodes in $CONFIG"
  while read -r id port; do
    upstreams+="    server 127.0.0.1:$port max_fails=0;"$'\n'
    servers+="  server $id 127.0.0.1:$port$ssl_opts"$'\n'
  done <<<"$nodes"
  local user=""
  ((EUID == 0)) && user="user root;"
  awk -v w="$workers" -v run="$RUN" -v user="$user" -v up="${upstreams%$'\n'}" -v nodetls="$node_tls" -v scheme="$scheme" '{
      gsub(/@WORKERS@/, w); gsub(/@RUN@/, run); gsub(/@USER@/, user); gsub(/@UPSTREAMS@/, up); gsub(/@NODE_TLS@/, nodetls)
      gsub(/@SCHEME@/, scheme); print }' \
    "$BENCH/proxies/nginx.conf.in" >"$RUN/nginx.conf"
  awk -v w="$workers" -v run="$RUN" -v sv="${servers%$'\n'}" '{
      gsub(/@WORKERS@/, w); gsub(/@RUN@/, run); gsub(/@SERVERS@/, sv); print }' \
    "$BENCH/proxies/haproxy.cfg.in" >"$RUN/haproxy.cfg"
  nginx -t -q -c "$RUN/nginx.conf" -p "$RUN" || die "nginx rejected $RUN/nginx.conf"
  haproxy -c -q -f "$RUN/haproxy.cfg" || die "haproxy rejected $RUN/haproxy.cfg"
  nginx -c "$RUN/nginx.conf" -p "$RUN"
  haproxy -f "$RUN/haproxy.cfg" 2>>"$RUN/haproxy.log"
  wait_port "nginx (proxy)" 8081
  wait_port "nginx (proxy_cache)" 8082
  wait_port "haproxy (proxy)" 8083
  wait_port "haproxy (cache)" 8084
  echo "  nginx $workers worker processes, HAProxy $workers threads, over: $(tr '\n' ' ' <<<"$nodes")"
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  down) down ;;
  *) echo "usage: bash bench/proxies.sh up [WORKERS] | down" >&2; exit 2 ;;
esac
