#!/usr/bin/env bash
# Where a running Shardgate process spends its CPU: records a JFR profile (built into the JDK, no agent)
# for N seconds and prints the hottest methods, by samples in which they are the top frame and by
# samples in which they appear anywhere on the stack.
#
#   bash bench/profile.sh gateway [SECONDS] [TOP]     # any id under run/: gateway, shard-1, cache-2 ...
#
# Run it while load is applied (e.g. a wrk workload from bench/wrk/). The recording stays in
# bench/results/profile-<id>.jfr for `jfr print` or JDK Mission Control.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
id="${1:?usage: bash bench/profile.sh ID [SECONDS] [TOP]}"
secs="${2:-20}"; top="${3:-25}"
[[ "$secs" =~ ^[0-9]+$ && "$top" =~ ^[0-9]+$ ]] || { echo "profile.sh: SECONDS and TOP must be integers" >&2; exit 2; }
pid="$(cat "$ROOT/run/$id.pid" 2>/dev/null || true)"
[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || { echo "profile.sh: no running process '$id' under run/ (scripts/cluster.sh status)" >&2; exit 1; }
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/profile-$id.jfr"
rm -f "$out"
echo "profiling $id (pid $pid) for ${secs}s ..."
jcmd "$pid" JFR.start name=shardgate-profile settings=profile duration="${secs}s" filename="$out" >/dev/null
for ((i = 0; i < secs + 30; i++)); do [[ -s "$out" ]] && break; sleep 1; done
sleep 1
[[ -s "$out" ]] || { echo "profile.sh: no recording written to $out" >&2; exit 1; }
# Execution samples: "stackTrace = [" then one frame a line, the top frame first.
jfr print --events jdk.ExecutionSample --stack-depth 64 "$out" | awk -v top="$top" '
  /^jdk.ExecutionSample/ { n++; depth = -1; delete seen; next }
  /stackTrace = \[/ { depth = 0; next }
  depth >= 0 && /^[[:space:]]*\]/ { depth = -1; next }
  depth >= 0 {
    f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*$/, "", f)
    if (f == "...") next
    if (depth == 0) self[f]++
    if (!(f in seen)) { total[f]++; seen[f] = 1 }
    depth++
  }
  END {
    printf "%d samples\n\nself (top frame):\n", n
    for (f in self) printf "%6.1f%%  %s\n", 100 * self[f] / n, f | "sort -rn | head -n " top
    close("sort -rn | head -n " top)
    printf "\ntotal (anywhere on the stack):\n"
    for (f in total) printf "%6.1f%%  %s\n", 100 * total[f] / n, f | "sort -rn | head -n " top
  }'
