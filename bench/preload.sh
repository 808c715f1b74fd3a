#!/usr/bin/env bash
# Creates N expenses through the gateway, ids b1..bN, with bounded concurrency.
#
#   bench/preload.sh [N]          default N=10000
#
# Environment: BENCH_GATEWAY (default http://127.0.0.1:8080), BENCH_PRELOAD_PARALLEL (default 16),
# BENCH_PRELOAD_BATCH (ids per curl process, default 500).
# A record that already exists (409, e.g. from an earlier run) counts as present. Exits 1 when any
# record could not be created.
set -euo pipefail

N="${1:-10000}"
GATEWAY="${BENCH_GATEWAY:-http://127.0.0.1:8080}"
PARALLEL="${BENCH_PRELOAD_PARALLEL:-16}"
BATCH="${BENCH_PRELOAD_BATCH:-500}"
[[ "$N" =~ ^[0-9]+$ ]] && ((N >= 1)) || { echo "preload.sh: N must be a positive integer" >&2; exit 2; }
[[ "$GATEWAY" == http://127.0.0.1:* || "$GATEWAY" == http://localhost:* ]] \
  || { echo "preload.sh: only 127.0.0.1 targets are allowed" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# One curl config (one transfer per record) for ids FROM..TO.
make_config() {
  awk -v from="$1" -v to="$2" -v url="$GATEWAY/v1/expenses" 'BEGIN {
    split("Ada Lovelace,Grace Hopper,Alan Turing,Katherine Johnson,Edsger Dijkstra,Barbara Liskov,Donald Knuth,Margaret Hamilton,Linus Torvalds,Frances Allen", names, ",")
    split("office supplies,travel,training", cats, ",")
    split("train to the conference,hotel two nights,printer toner,online course,taxi to the airport,team workshop,laptop stand,flight to Berlin", descs, ",")
    srand(from)
    for (i = from; i <= to; i++) {
      n = names[(i % 10) + 1]; e = tolower(n); gsub(/ /, ".", e)
      printf "url = \"%s\"\n", url
      printf "header = \"content-type: application/json\"\n"
      printf "data = \"{\\\"id\\\":\\\"b%d\\\",\\\"name\\\":\\\"%s\\\",\\\"email\\\":\\\"%s%d@example.com\\\",\\\"category\\\":\\\"%s\\\",\\\"description\\\":\\\"%s\\\",\\\"link\\\":\\\"https://example.com/r/b%d\\\",\\\"estimated_costs\\\":\\\"%.2f\\\",\\\"submit_date\\\":\\\"%02d-%02d-2026\\\"}\"\n", \
        i, n, e, i, cats[(i % 3) + 1], descs[(i % 8) + 1], i, 5 + rand() * 1995, 1 + (i % 28), 1 + (i % 12)
      printf "output = \"/dev/null\"\n"
      printf "write-out = \"%%{http_code}\\\\n\"\n"
      if (i < to) printf "next\n"
    }
  }' >"$TMP/batch.cfg"
}

ok=0; exists=0; failed=0; start=$SECONDS
echo "preloading $N expenses (b1..b$N) into $GATEWAY, $PARALLEL at a time ..."
for ((from = 1; from <= N; from += BATCH)); do
  to=$((from + BATCH - 1)); ((to > N)) && to=$N
  make_config "$from" "$to"
  curl -sS --no-progress-meter -Z --parallel-max "$PARALLEL" --max-time 10 -K "$TMP/batch.cfg" >"$TMP/codes" || true
  b_ok=$(grep -c '^201$' "$TMP/codes" || true)
  b_ex=$(grep -c '^409$' "$TMP/codes" || true)
  b_total=$((to - from + 1))
  ok=$((ok + b_ok)); exists=$((exists + b_ex)); failed=$((failed + b_total - b_ok - b_ex))
  printf '  %6d / %d  created %d, existed %d, failed %d  (%ds)\n' "$to" "$N" "$ok" "$exists" "$failed" $((SECONDS - start))
done
echo "preload done: created $ok, already present $exists, failed $failed in $((SECONDS - start))s"
((failed == 0))
