#!/usr/bin/env bash
# Shardgate load-test runner: one command, every workload, every target, a table and a report.
#
#   bash bench/run.sh
#
# Environment (defaults in brackets):
#   BENCH_RECORDS [10000]     expenses preloaded through the gateway (ids b1..bN)
#   BENCH_SECONDS [15]        measured run per workload and target
#   BENCH_WARMUP [5]          warm-up run before each measured run (same settings, output kept as raw)
#   BENCH_THREADS [2]         wrk threads      } the same for every workload and target
#   BENCH_CONNECTIONS [64]    wrk connections  }
#   BENCH_HOT [1000]          size of the hot (cached) key set of the read-hit workload
#   BENCH_DIRECT [http://127.0.0.1:9101]  the shard node used as the one-hop floor
#   BENCH_WORKLOADS [read-hit read-miss put mix]  subset to run
#   BENCH_KEEP_CLUSTER [0]    1: leave a cluster this script started running at the end
#
# Results go to bench/results/ (git-ignored): results.txt (the tables), results.tsv, report.md and
# raw/<workload>.<target>.{warmup,measured}.txt. Traffic goes to 127.0.0.1 only.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
cd "$ROOT"

RECORDS="${BENCH_RECORDS:-10000}"
SECONDS_RUN="${BENCH_SECONDS:-15}"
WARMUP="${BENCH_WARMUP:-5}"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
HOT="${BENCH_HOT:-1000}"
GATEWAY="http://127.0.0.1:8080"
DIRECT="${BENCH_DIRECT:-http://127.0.0.1:9101}"
WORKLOADS="${BENCH_WORKLOADS:-read-hit read-miss put mix}"
OUT="$BENCH/results"
RAW="$OUT/raw"
KEYS="$OUT/keys"

die() { echo "run.sh: $*" >&2; exit 1; }
for v in RECORDS SECONDS_RUN WARMUP THREADS CONNS HOT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
((RECORDS >= 1 && SECONDS_RUN >= 1 && THREADS >= 1 && CONNS >= THREADS)) || die "bad settings"
((THREADS <= 64)) || die "BENCH_THREADS must be <= 64 (read_miss.lua strides ids by 64)"
[[ "$DIRECT" == http://127.0.0.1:* ]] || die "BENCH_DIRECT must be on 127.0.0.1"
((HOT > RECORDS)) && HOT=$RECORDS

# ---- targets: name|base url|record path prefix|workloads it serves --------------------------------
# nginx and HAProxy in front of the shard nodes come later: one more line each.
TARGETS=(
  "shardgate|$GATEWAY|/v1/expenses/|read-hit read-miss put mix"
  "direct|$DIRECT|/records/expenses/|read-hit read-miss"
)
# ---- workloads: name|wrk script|key file ("-": all preloaded ids b1..bN) -------------------------
declare -A SCRIPT=( [read-hit]=read_hit.lua [read-miss]=read_miss.lua [put]=put.lua [mix]=mix.lua )
declare -A WHAT=(
  [read-hit]="GET of $HOT hot preloaded ids (cached after the warm-up)"
  [read-miss]="GET of ids never read before (large key space; 404 is the expected answer)"
  [put]="PUT {\"estimated_costs\":\"<n>\"} on random preloaded ids"
  [mix]="90% GET / 10% PUT, zipf-like (s=0.99) over the $RECORDS preloaded ids"
)

# ---- 1. wrk -----------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  echo "installing wrk with apt ..."
  SUDO=""; ((EUID != 0)) && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk
fi
command -v wrk >/dev/null || die "wrk is not installed"

# ---- 2. cluster -------------------------------------------------------------------------------------
STARTED=0
if ! curl -fsS -m 2 -o /dev/null "$GATEWAY/health/ready" 2>/dev/null; then
  echo "gateway not answering: starting cluster mode (scripts/cluster.sh up) ..."
  scripts/cluster.sh up
  STARTED=1
fi
stop_cluster() {
  if ((STARTED == 1)) && [[ "${BENCH_KEEP_CLUSTER:-0}" != 1 ]]; then
    echo "stopping the cluster this run started (scripts/cluster.sh down) ..."
    scripts/cluster.sh down || true
  fi
}
trap stop_cluster EXIT
curl -fsS -m 2 -o /dev/null "$DIRECT/health/ready" || die "direct target $DIRECT is not ready"

# ---- 3. preload -------------------------------------------------------------------------------------
mkdir -p "$OUT" "$RAW" "$KEYS"
rm -f "$RAW"/*.txt
bash "$BENCH/preload.sh" "$RECORDS"

# Key files: the hot set for the gateway, and the part of it the direct shard node holds (it answers
# 404 for ids placed elsewhere, so its floor must read only its own records).
seq 1 "$HOT" | sed 's/^/b/' >"$KEYS/hot.txt"
awk -v base="$DIRECT/records/expenses/" '{
  printf "url = \"%s%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code} %s\\\\n\"\n", base, $1, $1
  if (NR < n) print "next" }' n="$HOT" "$KEYS/hot.txt" >"$KEYS/probe.cfg"
curl -sS --no-progress-meter -Z --parallel-max 16 --max-time 10 -K "$KEYS/probe.cfg" \
  | awk '$1 == 200 { print $2 }' >"$KEYS/direct-hot.txt" || true
rm -f "$KEYS/probe.cfg"
DIRECT_HOT=$(wc -l <"$KEYS/direct-hot.txt")
echo "hot set: $HOT ids; $DIRECT_HOT of them are held by $DIRECT (the direct read-hit keys)"
((DIRECT_HOT > 0)) || die "the direct node holds none of the hot ids"

# ---- 4. runs ----------------------------------------------------------------------------------------
to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.05s, 2.00m) -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) printf "%.2f", substr(v, 1, length(v) - 2) / 1000
    else if (v ~ /ms$/) printf "%.2f", substr(v, 1, length(v) - 2)
    else if (v ~ /s$/) printf "%.2f", substr(v, 1, length(v) - 1) * 1000
    else if (v ~ /m$/) printf "%.2f", substr(v, 1, length(v) - 1) * 60000
    else print "-" }'
}

run_wrk() { # workload target base prefix phase duration -> raw file path
  local w="$1" t="$2" base="$3" prefix="$4" phase="$5" dur="$6" keys="" file="$RAW/$1.$2.$5.txt"
  case "$w" in
    read-hit) [[ "$t" == direct ]] && keys="$KEYS/direct-hot.txt" || keys="$KEYS/hot.txt" ;;
  esac
  {
    echo "\$ BENCH_PREFIX=$prefix BENCH_RECORDS=$RECORDS BENCH_KEYS=$keys wrk -t$THREADS -c$CONNS -d${dur}s --timeout 5s --latency -s bench/wrk/${SCRIPT[$w]} $base"
    BENCH_PREFIX="$prefix" BENCH_RECORDS="$RECORDS" BENCH_KEYS="$keys" \
      timeout $((dur + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${dur}s" --timeout 5s --latency \
      -s "$BENCH/wrk/${SCRIPT[$w]}" "$base" 2>&1 || echo "wrk exited with status $?"
  } >"$file"
  echo "$file"
}

parse() { # raw file -> "rps p50ms p99ms non2xx not_found socket_errors"
  local f="$1" rps p50 p99 non2xx nf sock
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$f")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$f")")
  non2xx=$(sed -n 's/.*BENCH_SUMMARY.* non_2xx=\([0-9]*\).*/\1/p' "$f")
  nf=$(sed -n 's/.*BENCH_SUMMARY.* not_found=\([0-9]*\).*/\1/p' "$f")
  sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$f")
  echo "${rps:--} ${p50:--} ${p99:--} ${non2xx:--} ${nf:--} ${sock:-0}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }

TABLES="$OUT/results.txt"
TSV="$OUT/results.tsv"
: >"$TABLES"
printf 'workload\ttarget\treq_per_s\tp50_ms\tp99_ms\tnon_2xx\tnot_found_404\tsocket_errors\n' >"$TSV"
CMD="BENCH_RECORDS=$RECORDS BENCH_SECONDS=$SECONDS_RUN BENCH_WARMUP=$WARMUP BENCH_THREADS=$THREADS BENCH_CONNECTIONS=$CONNS BENCH_HOT=$HOT bash bench/run.sh"
{
  echo "Shardgate load test — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "wrk -t$THREADS -c$CONNS, warm-up ${WARMUP}s, measured ${SECONDS_RUN}s, $RECORDS preloaded records"
} >>"$TABLES"

for w in $WORKLOADS; do
  [[ -n "${SCRIPT[$w]:-}" ]] || die "unknown workload '$w'"
  declare -A RES=()
  for target in "${TARGETS[@]}"; do
    IFS='|' read -r t base prefix serves <<<"$target"
    [[ " $serves " == *" $w "* ]] || continue
    if ((WARMUP > 0)); then
      echo "[$w] $t: warm-up ${WARMUP}s ..."
      run_wrk "$w" "$t" "$base" "$prefix" warmup "$WARMUP" >/dev/null
    fi
    echo "[$w] $t: measured ${SECONDS_RUN}s ..."
    f=$(run_wrk "$w" "$t" "$base" "$prefix" measured "$SECONDS_RUN")
    RES[$t]="$(parse "$f")"
    printf '%s\t%s\t%s\n' "$w" "$t" "$(tr ' ' '\t' <<<"${RES[$t]}")" >>"$TSV"
  done
  {
    echo
    echo "== $w: ${WHAT[$w]}"
    printf '%-10s %10s %9s %9s %8s %8s %8s\n' target "req/s" "p50 ms" "p99 ms" "non-2xx" "404" "sock-err"
    for target in "${TARGETS[@]}"; do
      IFS='|' read -r t _ _ serves <<<"$target"
      if [[ -n "${RES[$t]:-}" ]]; then
        read -r rps p50 p99 non2xx nf sock <<<"${RES[$t]}"
        printf '%-10s %10s %9s %9s %8s %8s %8s\n' "$t" "$rps" "$p50" "$p99" "$non2xx" "$nf" "$sock"
      else
        printf '%-10s %10s\n' "$t" "n/a (not a floor for this workload)"
      fi
    done
    if [[ -n "${RES[shardgate]:-}" && -n "${RES[direct]:-}" ]]; then
      read -r g_rps g_p50 g_p99 _ <<<"${RES[shardgate]}"
      read -r d_rps d_p50 d_p99 _ <<<"${RES[direct]}"
      printf '%-10s %10s %9s %9s\n' "sg/direct" "$(ratio "$g_rps" "$d_rps")" "$(ratio "$g_p50" "$d_p50")" "$(ratio "$g_p99" "$d_p99")"
    fi
  } >>"$TABLES"
  unset RES
done

# ---- 5. report --------------------------------------------------------------------------------------
REPORT="$OUT/report.md"
{
  echo "# Shardgate load test"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M:%S UTC'). Command:"
  echo
  echo '```'
  echo "$CMD"
  echo '```'
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| nproc | $(nproc) |"
  echo "| memory | $(free -h 2>/dev/null | awk '/^Mem:/ { print $2 }') |"
  echo "| uname -r | $(uname -r) |"
  echo "| java -version | $(java -version 2>&1 | head -n 1) |"
  echo "| wrk | $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2) |"
  echo
  echo "Everything (wrk, gateway, shard and cache nodes, Redis, MariaDB) runs on this one machine, so"
  echo "the load generator competes with the system under test for the same cores."
  echo
  echo "## Results"
  echo
  echo "ratio = shardgate / direct (req/s: higher is better for shardgate; latency: lower is better)."
  echo "direct = one shard node's \`/records/expenses/{id}\` ($DIRECT), the one-hop floor, for reads only."
  echo "non-2xx includes 404; on read-miss every answer is an expected 404."
  echo
  echo '```'
  cat "$TABLES"
  echo '```'
  echo
  echo "## Raw wrk output"
  for f in "$RAW"/*.measured.txt "$RAW"/*.warmup.txt; do
    [[ -f "$f" ]] || continue
    echo
    echo "### $(basename "$f" .txt)"
    echo
    echo '```'
    cat "$f"
    echo '```'
  done
} >"$REPORT"

echo
cat "$TABLES"
echo
echo "written: $TABLES, $TSV, $REPORT, $RAW/"
