#!/usr/bin/env bash
# Creates N expenses through the gateway, ids b1..bN, with bounded concurrency.
#
#   bench/preload.sh [N]              default N=10000
#   bench/preload.sh --restore N|FILE PUT the seeded content of b1..bN, or of the ids listed in FILE
#                                     (bN, one a line), again: undoes the benchmark's updates
#                                     (a 2xx counts as restored)
#
# Environment: BENCH_GATEWAY (default http://127.0.0.1:8080), BENCH_PRELOAD_PARALLEL (default 16),
# BENCH_PRELOAD_BATCH (ids per curl process, default 500).
# A record that already exists (409, e.g. from an earlier run) counts as present. Exits 1 when any
# record could not be created.
set -euo pipefail

METHOD=POST
if [[ "${1:-}" == --restore ]]; then METHOD=PUT; shift; fi
N="${1:-10000}"
IDS=""
if [[ "$METHOD" == PUT && -f "$N" ]]; then
  IDS="$(mktemp)"; sed -n 's/^b\([0-9][0-9]*\)$/\1/p' "$N" >"$IDS"; N=$(wc -l <"$IDS")
fi
GATEWAY="${BENCH_GATEWAY:-http://127.0.0.1:8080}"
PARALLEL="${BENCH_PRELOAD_PARALLEL:-16}"
BATCH="${BENCH_PRELOAD_BATCH:-500}"
[[ "$N" =~ ^[0-9]+$ ]] && ((N >= 1)) || { echo "preload.sh: N must be a positive integer" >&2; exit 2; }
[[ "$GATEWAY" == http://127.0.0.1:* || "$GATEWAY" == http://localhost:* ]] \
  || { echo "preload.sh: only 127.0.0.1 targets are allowed" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP" ${IDS:+"$IDS"}' EXIT

# One curl config (one transfer per record) for the ids in file $1; write-out "code id".
make_config() {
  awk -v url="$GATEWAY/v1/expenses" -v method="$METHOD" 'BEGIN {
    split("Ada Lovelace,Grace Hopper,Alan Turing,Katherine Johnson,Edsger Dijkstra,Barbara Liskov,Donald Knuth,Margaret Hamilton,Linus Torvalds,Frances Allen", names, ",")
    split("office supplies,travel,training", cats, ",")
    split("train to the conference,hotel two nights,printer toner,online course,taxi to the airport,team workshop,laptop stand,flight to Berlin", descs, ",")
  }
  {
      i = $1; srand(i)
      n = names[(i % 10) + 1]; e = tolower(n); gsub(/ /, ".", e)
      if (NR > 1) printf "next\n"
      if (method == "PUT") printf "url = \"%s/b%d\"\nrequest = \"PUT\"\n", url, i
      else printf "url = \"%s\"\n", url
      printf "header = \"content-type: application/json\"\n"
      printf "data = \"{\\\"id\\\":\\\"b%d\\\",\\\"name\\\":\\\"%s\\\",\\\"email\\\":\\\"%s%d@example.com\\\",\\\"category\\\":\\\"%s\\\",\\\"description\\\":\\\"%s\\\",\\\"link\\\":\\\"https://example.com/r/b%d\\\",\\\"estimated_costs\\\":\\\"%.2f\\\",\\\"submit_date\\\":\\\"%02d-%02d-2026\\\"}\"\n", \
        i, n, e, i, cats[(i % 3) + 1], descs[(i % 8) + 1], i, 5 + rand() * 1995, 1 + (i % 28), 1 + (i % 12)
      printf "output = \"/dev/null\"\n"
      printf "write-out = \"%%{http_code} %d\\\\n\"\n", i
  }' "$1" >"$TMP/batch.cfg"
}

# Sends the ids in file $1; appends the ids that failed (neither 201 nor 409) to $2; prints "ok exists".
send() {
  make_config "$1"
  curl -sS --no-progress-meter -Z --parallel-max "$PARALLEL" --max-time 10 -K "$TMP/batch.cfg" >"$TMP/codes" 2>"$TMP/curl.err" || true
  [[ -s "$TMP/curl.err" ]] && sort "$TMP/curl.err" | uniq -c | sort -rn | head -n 3 >&2
  awk -v failed="$2" '$1 ~ /^20[012]$/ { $1 = 201 } $1 == 201 { ok++ } $1 == 409 { ex++ } $1 != 201 && $1 != 409 { print $2 >>failed; codes[$1]++ }
    END { for (c in codes) printf "  status %s: %d\n", c, codes[c] >"/dev/stderr"; printf "%d %d\n", ok, ex }' "$TMP/codes"
  # ids that curl never reported on (cut off) failed too
  awk 'FILENAME == ARGV[1] { seen[$2] = 1; next } !($1 in seen)' "$TMP/codes" "$1" >>"$2"
}

curl -fsS -m 5 -o /dev/null "$GATEWAY/health/ready" || { echo "preload.sh: the gateway at $GATEWAY is not ready" >&2; exit 1; }
ok=0; exists=0; start=$SECONDS
: >"$TMP/failed"
if [[ -n "$IDS" ]]; then what="the $N ids of ${1}"; else what="b1..b$N"; fi
[[ "$METHOD" == PUT ]] && echo "restoring $what through $GATEWAY, $PARALLEL at a time ..." \
  || echo "preloading $N expenses ($what) into $GATEWAY, $PARALLEL at a time ..."
for ((from = 1; from <= N; from += BATCH)); do
  to=$((from + BATCH - 1)); ((to > N)) && to=$N
  if [[ -n "$IDS" ]]; then sed -n "${from},${to}p" "$IDS" >"$TMP/ids"; else seq "$from" "$to" >"$TMP/ids"; fi
  send "$TMP/ids" "$TMP/failed" >"$TMP/counts"; read -r b_ok b_ex <"$TMP/counts"
  ok=$((ok + b_ok)); exists=$((exists + b_ex))
  printf '  %6d / %d  created %d, existed %d, failed %d  (%ds)\n' "$to" "$N" "$ok" "$exists" "$(wc -l <"$TMP/failed")" $((SECONDS - start))
done
# A create that failed (503 while a node was busy, a timeout) is sent once more: an id that did land
# the first time answers 409 and counts as present.
if [[ -s "$TMP/failed" ]]; then
  echo "retrying $(wc -l <"$TMP/failed") failed ids once ..."
  sort -un "$TMP/failed" >"$TMP/retry"; : >"$TMP/failed"
  send "$TMP/retry" "$TMP/failed" >"$TMP/counts"; read -r b_ok b_ex <"$TMP/counts"
  ok=$((ok + b_ok)); exists=$((exists + b_ex))
fi
failed=$(wc -l <"$TMP/failed")
if [[ "$METHOD" == PUT ]]; then
  echo "restore done: restored $ok, failed $failed in $((SECONDS - start))s"
else
  echo "preload done: created $ok, already present $exists, failed $failed in $((SECONDS - start))s"
fi
((failed == 0))
