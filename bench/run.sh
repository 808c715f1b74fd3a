#!/usr/bin/env bash
# Shardgate load-test runner: one command, every workload against every target, tables, a report and a
# chart. Compares Shardgate with nginx and HAProxy (consistent hashing over the same shard nodes) and
# with "direct" (wrk straight to one shard node: the one-hop floor), in one invocation on this machine.
#
#   bash bench/run.sh            full run (writes docs/benchmarks.md, docs/benchmarks/)
#   bash bench/run.sh --smoke    a few seconds per target, tiny dataset; fails unless every target
#                                answered and nothing errored (part of scripts/test.sh)
#
# Environment (full-run defaults; --smoke uses small ones):
#   BENCH_RECORDS [100000]    expenses preloaded through the gateway (ids b1..bN; kept between runs)
#   BENCH_KEYPOOL [30000]     the first ids examined when choosing the keys every target can serve
#   BENCH_SECONDS [20]        measured run per workload and target
#   BENCH_WARMUP [10]         warm-up before each measured run (excluded from the numbers)
#   BENCH_THREADS [2]         wrk threads      } the same for every workload and target
#   BENCH_CONNECTIONS [64]    wrk connections  }
#   BENCH_WORKERS [2]         gateway verticles = nginx worker processes = HAProxy threads
#   BENCH_HOT [1000]          size of the hot (cacheable) key set of read-hit
#   BENCH_C10K [10000]        connections of the high-concurrency run against the gateway (0 = skip)
#   BENCH_C10K_SECONDS [30]   its duration
#   BENCH_WORKLOADS [read-hit read-miss put mix]
#   BENCH_JAVA_OPTS [-Xms512m -Xmx512m -XX:+UseParallelGC]   JVM flags of every cluster process
#   BENCH_REUSE_CLUSTER [0]   1: use a cluster that is already running (its settings are then not pinned)
#   BENCH_PUBLISH [1 when every other setting is default]  write docs/benchmarks.md (never after failures
#                             or with --smoke)
#
# Load (wrk, curl) goes to 127.0.0.1 only; every wrk run is bounded in time (killed 30 s past its end).
# Installing missing tools uses apt (sudo -n when not root: it never prompts).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
cd "$ROOT"
die() { echo "run.sh: $*" >&2; exit 1; }

SMOKE=0
case "${1:-}" in
  "") ;;
  --smoke) SMOKE=1 ;;
  *) echo "usage: bash bench/run.sh [--smoke]" >&2; exit 2 ;;
esac
if ((SMOKE)); then
  RECORDS="${BENCH_RECORDS:-300}"; KEYPOOL="${BENCH_KEYPOOL:-300}"; SECONDS_RUN="${BENCH_SECONDS:-2}"
  WARMUP="${BENCH_WARMUP:-1}"; CONNS="${BENCH_CONNECTIONS:-8}"; HOT="${BENCH_HOT:-50}"
  C10K="${BENCH_C10K:-256}"; C10K_SECONDS="${BENCH_C10K_SECONDS:-2}"; OUT="$BENCH/results/smoke"
else
  RECORDS="${BENCH_RECORDS:-100000}"; KEYPOOL="${BENCH_KEYPOOL:-30000}"; SECONDS_RUN="${BENCH_SECONDS:-20}"
  WARMUP="${BENCH_WARMUP:-10}"; CONNS="${BENCH_CONNECTIONS:-64}"; HOT="${BENCH_HOT:-1000}"
  C10K="${BENCH_C10K:-10000}"; C10K_SECONDS="${BENCH_C10K_SECONDS:-30}"; OUT="$BENCH/results"
fi
THREADS="${BENCH_THREADS:-2}"
WORKERS="${BENCH_WORKERS:-2}"
WORKLOADS="${BENCH_WORKLOADS:-read-hit read-miss put mix}"
JAVA_FLAGS="${BENCH_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}"
# Only a full run with the default settings replaces docs/benchmarks.md (BENCH_PUBLISH=1 forces it);
# a run with failures never does.
DEFAULTS=1
for v in BENCH_RECORDS BENCH_KEYPOOL BENCH_SECONDS BENCH_WARMUP BENCH_THREADS BENCH_CONNECTIONS BENCH_WORKERS BENCH_HOT \
  BENCH_C10K BENCH_C10K_SECONDS BENCH_WORKLOADS BENCH_JAVA_OPTS BENCH_REUSE_CLUSTER; do
  [[ -n "${!v:-}" ]] && DEFAULTS=0
done
PUBLISH="${BENCH_PUBLISH:-$DEFAULTS}"
((SMOKE)) && PUBLISH=0
for v in RECORDS KEYPOOL SECONDS_RUN WARMUP CONNS HOT C10K C10K_SECONDS THREADS WORKERS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
((RECORDS >= 1 && KEYPOOL >= 1 && SECONDS_RUN >= 1 && THREADS >= 1 && CONNS >= THREADS && WORKERS >= 1)) \
  || die "bad settings: records, keypool, seconds, threads, workers must be >= 1 and connections >= threads"
((KEYPOOL > RECORDS)) && KEYPOOL=$RECORDS

CONFIG="conf/shardgate.json"
JAR="dist/target/shardgate.jar"
GATEWAY="http://127.0.0.1:8080"
RAW="$OUT/raw"
KEYS="$OUT/keys"
START_TIME="$(date -u '+%Y-%m-%d %H:%M UTC')"

# ---- targets: name|record path prefix|workload=url ... -------------------------------------------
# nginx and HAProxy read-hit go to their caching listeners (proxy_cache, HAProxy cache); everything else
# to the plain proxies. The direct floor is the shard node with the lowest port.
DIRECT_ID=""; DIRECT_PORT=""
WORKLOAD_LIST=(read-hit read-miss put mix)
declare -A SCRIPT=( [read-hit]=read_hit.lua [read-miss]=read_miss.lua [put]=put.lua [mix]=mix.lua [c10k]=read_hit.lua )
declare -A WHAT=(
  [read-hit]="GET of $HOT hot ids, served from each target's cache after the warm-up (Shardgate: cache tier; nginx: proxy_cache; HAProxy: cache; direct: no cache)"
  [read-miss]="GET with Cache-Control: no-cache over every id every target can serve (Shardgate skips its cache; no proxy caches)"
  [put]="PUT {\"estimated_costs\":\"<n>\"} (a partial update; PATCH on the node) on ids whose primary is the node nginx and HAProxy pick"
  [mix]="90% GET / 10% PUT, zipf-like (s=0.99) over the put ids (Shardgate reads through its cache; proxies without cache)"
  [c10k]="$C10K keep-alive connections to the gateway, read-hit requests"
)
url_of() { # target workload -> base url
  case "$1:$2" in
    shardgate:*) echo "$GATEWAY" ;;
    nginx:read-hit) echo "http://127.0.0.1:8082" ;;
    nginx:*) echo "http://127.0.0.1:8081" ;;
    haproxy:read-hit) echo "http://127.0.0.1:8084" ;;
    haproxy:*) echo "http://127.0.0.1:8083" ;;
    direct:*) echo "$DIRECT_SCHEME://127.0.0.1:$DIRECT_PORT" ;;
  esac
}
prefix_of() { [[ "$1" == direct ]] && echo "/records/expenses/" || echo "/v1/expenses/"; }
# The public PUT is a partial update; on a shard node's /records API that is PATCH (its PUT replaces).
method_of() { [[ "$1" == direct ]] && echo PATCH || echo PUT; }
TARGETS=(shardgate nginx haproxy direct)

# ---- 1. tools, file limits ------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  echo "installing wrk with apt ..."
  SUDO=""; ((EUID != 0)) && SUDO="sudo -n"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v wrk >/dev/null || die "wrk is not installed"
hard="$(ulimit -Hn)"
[[ "$hard" == unlimited ]] && hard=65536
((hard > 65536)) && hard=65536
ulimit -n "$hard" || true
if ((C10K > 0 && $(ulimit -n) < C10K + 512)); then
  echo "warning: open-file limit $(ulimit -n) is too low for $C10K connections; the high-concurrency run uses $(($(ulimit -n) - 512))"
  C10K=$(($(ulimit -n) - 512))
fi
[[ -f "$JAR" ]] || { echo "building $JAR ..."; mvn -B -q -DskipTests package; }

# ---- 2. cluster and proxies -----------------------------------------------------------------------
STARTED=0
cleanup() {
  bash "$BENCH/proxies.sh" down || true
  if ((STARTED)); then
    echo "stopping the cluster this run started (scripts/cluster.sh down) ..."
    scripts/cluster.sh down >/dev/null || true
  fi
}
trap cleanup EXIT
PINNED="JAVA_OPTS=\"$JAVA_FLAGS\" SHARDGATE_GATEWAY_INSTANCES=$WORKERS"
running_parts() { for f in "$ROOT"/run/*.pid; do [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null && basename "$f" .pid; done; true; }
if curl -fsS -m 2 -o /dev/null "$GATEWAY/health/ready" 2>/dev/null || [[ -n "$(running_parts)" ]]; then
  [[ "${BENCH_REUSE_CLUSTER:-0}" == 1 ]] || die "a cluster is already running ($(running_parts | tr '\n' ' ')): stop it (scripts/cluster.sh down) so this run starts one with pinned settings, or set BENCH_REUSE_CLUSTER=1"
  PINNED="(reused a running cluster: JVM flags and gateway instances not pinned by this run)"
  echo "using the cluster that is already running"
else
  echo "starting cluster mode: $PINNED scripts/cluster.sh up"
  STARTED=1
  mkdir -p "$ROOT/run"
  JAVA_OPTS="$JAVA_FLAGS" SHARDGATE_GATEWAY_INSTANCES="$WORKERS" scripts/cluster.sh up >"$ROOT/run/bench-cluster-up.log" 2>&1 \
    || { tail -n 20 "$ROOT/run/bench-cluster-up.log"; die "cluster did not start (log: run/bench-cluster-up.log)"; }
fi
read -r DIRECT_ID DIRECT_PORT < <(java -jar "$JAR" nodes --config "$CONFIG" | awk '$1 == "shard-node" { print $2, $3 }' | sort -k2n | head -n 1)
# The direct target is a shard node's internal plane: wrk reaches it as a cluster member, over TLS with
# the bench's certificate (wrk has no option for one: bench/tls/wrk-client-cert.c is preloaded).
TLS_DIR="$ROOT/run/tls"
DIRECT_SCHEME=https
DIRECT_ENV=()
if [[ "${SHARDGATE_INSECURE:-false}" == true ]]; then
  DIRECT_SCHEME=http
else
  if ! command -v gcc >/dev/null; then
    echo "installing gcc with apt (to build bench/tls/wrk-client-cert.c) ..."
    SUDO=""; ((EUID != 0)) && SUDO="sudo -n"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
  fi
  command -v gcc >/dev/null || die "gcc is needed to build bench/tls/wrk-client-cert.c"
  mkdir -p "$OUT"
  gcc -shared -fPIC -O2 -o "$OUT/wrk-client-cert.so" "$BENCH/tls/wrk-client-cert.c" -ldl \
    || die "cannot build bench/tls/wrk-client-cert.c"
  DIRECT_ENV=(LD_PRELOAD="$OUT/wrk-client-cert.so" WRK_CLIENT_CERT="$TLS_DIR/bench.pem" WRK_CLIENT_KEY="$TLS_DIR/bench-key.pem")
fi
curl -fsS -m 2 -o /dev/null --cacert "$TLS_DIR/ca.pem" "$DIRECT_SCHEME://127.0.0.1:$DIRECT_PORT/health/ready" \
  || die "direct target $DIRECT_ID (:$DIRECT_PORT) is not ready"
bash "$BENCH/proxies.sh" up "$WORKERS"

# ---- 3. preload -----------------------------------------------------------------------------------
mkdir -p "$RAW" "$KEYS"
rm -f "$RAW"/*.txt
present() { [[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'cache-control: no-cache' "$GATEWAY/v1/expenses/$1")" == 200 ]]; }
if present b1 && present "b$RECORDS" && present "b$(((RECORDS + 1) / 2))"; then
  echo "preload: b1..b$RECORDS are already present (kept from an earlier run)"
else
  bash "$BENCH/preload.sh" "$RECORDS"
fi

# ---- 4. keys every target can serve ---------------------------------------------------------------
# Our placement (rendezvous) and the proxies' hashes (ketama, HAProxy's consistent hash) pick different
# nodes for most ids. Rather than copy records behind the shard nodes' backs, the runner asks each proxy
# which node it sends every id of the pool to (shard nodes name themselves in X-Served-By) and keeps:
#   read.txt   ids held (as primary or successor) by the node nginx picks, by the node HAProxy picks and
#              by the direct node: every target reads them in one hop
#   write.txt  ids whose primary is the node nginx and HAProxy both pick: every write is accepted there
#              and replicated to the successor, as through the gateway
#   write-direct.txt  the part of write.txt whose primary is the direct node
echo "choosing keys: placement of b1..b$KEYPOOL, and the node each proxy sends them to ..."
seq 1 "$KEYPOOL" | sed 's/^/b/' >"$KEYS/pool.txt"
java -jar "$JAR" placement --config "$CONFIG" --collection expenses <"$KEYS/pool.txt" >"$KEYS/placement.tsv"
served_by() { # base url -> "id node" lines
  awk -v base="$1/v1/expenses/" '{
    printf "url = \"%s%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code} %s %%header{x-served-by}\\\\n\"\n", base, $1, $1
    if (NR < n) print "next" }' n="$KEYPOOL" "$KEYS/pool.txt" >"$KEYS/probe.cfg"
  # only ids that answered 200: the proxy's node holds the record (a 404 or a record missing after a
  # partial preload leaves the id out of every key set)
  curl -sS --no-progress-meter -Z --parallel-max 32 --max-time 10 -K "$KEYS/probe.cfg" | awk 'NF == 3 && $1 == 200 { print $2, $3 }' || true
}
served_by "http://127.0.0.1:8081" >"$KEYS/nginx.txt"
served_by "http://127.0.0.1:8083" >"$KEYS/haproxy.txt"
rm -f "$KEYS/probe.cfg"
awk -v d="$DIRECT_ID" -v dir="$KEYS" '
  FILENAME ~ /nginx.txt$/ { ng[$1] = $2; next }
  FILENAME ~ /haproxy.txt$/ { hp[$1] = $2; next }
  {
    k = $1; delete rep; for (i = 3; i <= NF; i++) rep[$i] = 1
    if (!(k in ng) || !(k in hp)) next
    if ((d in rep) && (ng[k] in rep) && (hp[k] in rep)) print k >(dir "/read.txt")
    if (ng[k] == $3 && hp[k] == $3) { print k >(dir "/write.txt"); if ($3 == d) print k >(dir "/write-direct.txt") }
  }' "$KEYS/nginx.txt" "$KEYS/haproxy.txt" "$KEYS/placement.tsv"
touch "$KEYS/read.txt" "$KEYS/write.txt" "$KEYS/write-direct.txt"
head -n "$HOT" "$KEYS/read.txt" >"$KEYS/hot.txt"
N_READ=$(wc -l <"$KEYS/read.txt"); N_WRITE=$(wc -l <"$KEYS/write.txt"); N_WDIRECT=$(wc -l <"$KEYS/write-direct.txt")
N_HOT=$(wc -l <"$KEYS/hot.txt")
echo "keys: $N_READ read ids, $N_HOT hot, $N_WRITE write ids ($N_WDIRECT with primary $DIRECT_ID) out of $KEYPOOL"
((N_READ > 0 && N_WRITE > 0 && N_WDIRECT > 0)) || die "no keys every target can serve (nginx or HAProxy not routing?): see $KEYS"

# Start every run from the seeded records: undo earlier runs' updates to the ids this one writes.
bash "$BENCH/preload.sh" --restore "$KEYS/write.txt" | tail -n 1

keys_of() { # workload target -> key file
  case "$1:$2" in
    read-hit:* | c10k:*) echo "$KEYS/hot.txt" ;;
    read-miss:*) echo "$KEYS/read.txt" ;;
    put:direct | mix:direct) echo "$KEYS/write-direct.txt" ;;
    *) echo "$KEYS/write.txt" ;;
  esac
}

# ---- 5. runs --------------------------------------------------------------------------------------
run_wrk() { # workload target phase duration connections -> raw file path
  local w="$1" t="$2" phase="$3" dur="$4" conns="$5" file="$RAW/$1.$2.$3.txt" base keys prefix method
  base="$(url_of "$t" "$w")"; keys="$(keys_of "$w" "$t")"; prefix="$(prefix_of "$t")"; method="$(method_of "$t")"
  {
    echo "\$ BENCH_PREFIX=$prefix BENCH_UPDATE_METHOD=$method BENCH_KEYS=${keys#"$ROOT"/} wrk -t$THREADS -c$conns -d${dur}s --timeout 5s --latency -s bench/wrk/${SCRIPT[$w]} $base"
    local env=(BENCH_PREFIX="$prefix" BENCH_UPDATE_METHOD="$method" BENCH_KEYS="$keys")
    [[ "$t" == direct ]] && env+=("${DIRECT_ENV[@]}")
    env "${env[@]}" timeout $((dur + 30)) \
      wrk -t"$THREADS" -c"$conns" -d"${dur}s" --timeout 5s --latency -s "$BENCH/wrk/${SCRIPT[$w]}" "$base" 2>&1 \
      || echo "wrk exited with status $?"
  } >"$file"
  echo "$file"
}

parse() { # raw file -> "rps p50 p99 p999 responses non2xx socket_errors hits unavailable" (latencies in ms)
  local f="$1"
  awk '
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    /^BENCH_SUMMARY/ || /^BENCH_LATENCY/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      ms = "%.2f"
      printf "%s %s %s %s %s %s %d %s %s\n", (rps == "" ? "-" : rps),
        ("p50_us" in v ? sprintf(ms, v["p50_us"] / 1000) : "-"), ("p99_us" in v ? sprintf(ms, v["p99_us"] / 1000) : "-"),
        ("p999_us" in v ? sprintf(ms, v["p999_us"] / 1000) : "-"), ("responses" in v ? v["responses"] : "-"),
        ("non_2xx" in v ? v["non_2xx"] : "-"), sock, ("cache_hit" in v ? v["cache_hit"] : "-"),
        ("unavailable" in v ? v["unavailable"] : "-")
    }' "$f"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }

TABLES="$OUT/results.txt"
TSV="$OUT/results.tsv"
FAILURES=()
: >"$TABLES"
printf 'workload\ttarget\treq_per_s\tp50_ms\tp99_ms\tp999_ms\tresponses\tnon_2xx\tsocket_errors\n' >"$TSV"
{
  echo "Shardgate benchmark, $START_TIME"
  echo "wrk -t$THREADS -c$CONNS, warm-up ${WARMUP}s (excluded), measured ${SECONDS_RUN}s per target; $RECORDS records;"
  echo "gateway $WORKERS verticles, nginx $WORKERS workers, HAProxy $WORKERS threads; direct = $DIRECT_ID"
  echo "keys: read-hit $N_HOT hot ids, read-miss $N_READ ids, put/mix $N_WRITE ids (direct: $N_WDIRECT)"
} >>"$TABLES"

record() { # workload target raw-file: checks, TSV row; sets RES[target]
  local w="$1" t="$2" f="$3" rps p50 p99 p999 resp non2xx sock hits unavail
  read -r rps p50 p99 p999 resp non2xx sock hits unavail <<<"$(parse "$f")"
  RES[$t]="$rps $p50 $p99 $p999 $resp $non2xx $sock $hits $unavail"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$t" "$rps" "$p50" "$p99" "$p999" "$resp" "$non2xx" "$sock" >>"$TSV"
  if [[ "$resp" == - || "$resp" == 0 ]]; then FAILURES+=("$w/$t: no responses (see $f)")
  elif [[ "$w" == c10k && "$sock" == 0 && "$unavail" =~ ^[0-9]+$ && "$non2xx" == "$unavail" ]] && ((unavail * 1000 <= resp)); then
    : # at this concurrency a few 503 sheds (Retry-After) are the bounded queues working; up to 0.1 % is reported, not failed
  elif [[ "$non2xx" != 0 || "$sock" != 0 ]]; then FAILURES+=("$w/$t: $non2xx non-2xx answers, $sock socket errors (see $f)"); fi
}

for w in $WORKLOADS; do
  [[ -n "${SCRIPT[$w]:-}" && "$w" != c10k ]] || die "unknown workload '$w' (known: ${WORKLOAD_LIST[*]})"
  declare -A RES=()
  for t in "${TARGETS[@]}"; do
    if ((WARMUP > 0)); then
      echo "[$w] $t: warm-up ${WARMUP}s ..."
      run_wrk "$w" "$t" warmup "$WARMUP" "$CONNS" >/dev/null
    fi
    echo "[$w] $t: measured ${SECONDS_RUN}s ..."
    record "$w" "$t" "$(run_wrk "$w" "$t" measured "$SECONDS_RUN" "$CONNS")"
  done
  {
    echo
    echo "== $w: ${WHAT[$w]}"
    printf '%-14s %10s %9s %9s %9s %9s\n' target "req/s" "p50 ms" "p99 ms" "p99.9 ms" "errors"
    for t in "${TARGETS[@]}"; do
      read -r rps p50 p99 p999 _ non2xx sock _ <<<"${RES[$t]}"
      errors="-"; [[ "$non2xx" =~ ^[0-9]+$ && "$sock" =~ ^[0-9]+$ ]] && errors=$((non2xx + sock))
      printf '%-14s %10s %9s %9s %9s %9s\n' "$t" "$rps" "$p50" "$p99" "$p999" "$errors"
    done
    read -r g_rps g_p50 g_p99 g_p999 _ <<<"${RES[shardgate]}"
    for t in nginx haproxy direct; do
      read -r o_rps o_p50 o_p99 o_p999 _ <<<"${RES[$t]}"
      printf '%-14s %10s %9s %9s %9s\n' "shardgate/$t" "$(ratio "$g_rps" "$o_rps")" "$(ratio "$g_p50" "$o_p50")" \
        "$(ratio "$g_p99" "$o_p99")" "$(ratio "$g_p999" "$o_p999")"
    done
  } >>"$TABLES"
  unset RES
done

# Every target updated records with the same partial update: the other fields must still be there.
for k in $(shuf -n 5 "$KEYS/write.txt") $(shuf -n 3 "$KEYS/write-direct.txt"); do
  body="$(curl -s -m 5 -H 'cache-control: no-cache' "$GATEWAY/v1/expenses/$k")"
  [[ "$body" == *'"name"'* && "$body" == *'"email"'* ]] \
    || FAILURES+=("record $k lost fields (a target replaced records instead of updating them): $body")
done

# ---- 6. high concurrency: many keep-alive connections to the gateway ------------------------------
C10K_LINE=""
if ((C10K > 0)); then
  gw_pid="$(cat "$ROOT/run/gateway.pid" 2>/dev/null || true)"
  rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$gw_pid/status" 2>/dev/null || echo 0; }
  rss_before="$(rss)"; rss_max="$rss_before"
  echo "[c10k] shardgate: $C10K connections, ${C10K_SECONDS}s ..."
  run_wrk c10k shardgate measured "$C10K_SECONDS" "$C10K" >"$OUT/c10k.path" &
  wrk_pid=$!
  for ((i = 0; i < C10K_SECONDS + 35; i++)); do
    kill -0 "$wrk_pid" 2>/dev/null || break
    r="$(rss)"; ((r > rss_max)) && rss_max=$r
    sleep 1
  done
  wait "$wrk_pid" || true
  declare -A RES=()
  record c10k shardgate "$(cat "$OUT/c10k.path")"
  rm -f "$OUT/c10k.path"
  read -r rps p50 p99 p999 resp non2xx sock _ unavail <<<"${RES[shardgate]}"
  C10K_LINE="$C10K connections for ${C10K_SECONDS}s: $rps req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, $resp responses, $non2xx non-2xx ($unavail of them 503 load sheds), $sock socket errors; gateway RSS $((rss_before / 1024)) MiB before, $((rss_max / 1024)) MiB at most during the run"
  unset RES
  { echo; echo "== c10k: ${WHAT[c10k]}"; echo "$C10K_LINE"; } >>"$TABLES"
fi

# ---- 7. report and chart --------------------------------------------------------------------------
CHART="$OUT/chart.png"
awk -F'\t' '$1 != "c10k"' "$TSV" >"$OUT/chart.tsv" # the 10,000-connection run is not comparable with the others
if ! java -Djava.awt.headless=true "$BENCH/chart/Chart.java" "$OUT/chart.tsv" "$CHART" "Shardgate vs nginx, HAProxy and direct ($START_TIME)"; then
  echo "warning: no chart (see the message above)"
  CHART=""
fi
CMD="bash bench/run.sh"
((SMOKE)) && CMD="bash bench/run.sh --smoke"
machine() {
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
  echo "| memory | $(free -h 2>/dev/null | awk '/^Mem:/ { print $2 }') |"
  echo "| OS | $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r) |"
  echo "| java | $(java -version 2>&1 | head -n 1) |"
  echo "| JVM flags | $PINNED |"
  echo "| wrk | $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2) |"
  echo "| nginx | $(nginx -v 2>&1 | sed 's/^nginx version: //') |"
  echo "| HAProxy | $(haproxy -v 2>&1 | head -n 1 | cut -d' ' -f1-3) |"
  echo "| MariaDB | $(mysql -V 2>/dev/null | sed 's/.*Distrib \([^,]*\),.*/\1/') |"
}
REPORT="$OUT/report.md"
write_report() { # chart path as the report links it, raw dir as the report links it
  echo "# Shardgate benchmark"
  echo
  echo "Latest run: $START_TIME. Produced by:"
  echo
  echo '```'
  echo "$CMD"
  echo '```'
  echo
  echo "## Machine"
  echo
  machine
  echo
  echo "wrk, the gateway, three shard nodes, three cache nodes, nginx, HAProxy, Redis and MariaDB all share"
  echo "this machine's cores: the numbers compare the targets with each other, not absolute capacity."
  echo
  echo "## Results"
  echo
  [[ -n "$1" ]] && { echo "![requests/s and p99 per workload and target]($1)"; echo; }
  echo "Ratios are Shardgate divided by the other target: above 1 is better for Shardgate in req/s, below 1"
  echo "is better in latency. errors = non-2xx answers + wrk socket errors (every id asked for exists)."
  echo
  echo '```'
  cat "$TABLES"
  echo '```'
  echo
  cat "$BENCH/report-notes.md"
  echo
  echo "## Raw wrk output"
  echo
  echo "The measured runs, as wrk printed them: [$2]($2)."
}
write_report chart.png raw/ >"$REPORT"
if ((PUBLISH && ${#FAILURES[@]} > 0)); then
  echo "not publishing docs/benchmarks.md: the run had failures (below)"
  PUBLISH=0
fi
if ((PUBLISH)); then
  DOCS="$ROOT/docs/benchmarks"
  rm -rf "$DOCS"; mkdir -p "$DOCS/raw"
  cp "$RAW"/*.measured.txt "$DOCS/raw/"
  [[ -n "$CHART" ]] && cp "$CHART" "$DOCS/chart.png"
  write_report "$([[ -n "$CHART" ]] && echo benchmarks/chart.png)" benchmarks/raw/ >"$ROOT/docs/benchmarks.md"
fi

echo
cat "$TABLES"
echo
echo "written: $TABLES, $TSV, $REPORT${CHART:+, $CHART}, $RAW/"
((PUBLISH)) && echo "published: docs/benchmarks.md, docs/benchmarks/"
if ((${#FAILURES[@]} > 0)); then
  printf 'FAILED: %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
((SMOKE)) && echo "smoke: every target answered every workload with no errors"
exit 0
