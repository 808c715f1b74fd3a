#!/usr/bin/env bash
# Placement JMH benchmarks: lookup (KeyHash.slot + SlotTable.replicas) and table rebuild
# (table(1024, 2, members)) for both policies and 3..1024 nodes.
#
#   bash bench/jmh.sh                     # full run (2x1 s warmup, 3x1 s measurement, 1 fork)
#   bash bench/jmh.sh -wi 1 -i 1 -f 1     # quicker; any arguments are passed to JMH
#   bash bench/jmh.sh -p nodes=3,16       # subset of the parameters
#
# Installs the parent pom and io.shardgate:shardgate-cluster into the local Maven repository first
# (the benchmarks depend on them; bench/jmh/ is outside the reactor).
# Raw results: bench/results/jmh.json (git-ignored).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pom=bench/jmh/pom.xml
jar=bench/jmh/target/benchmarks.jar
out=bench/results/jmh.json

# Build when the jar is missing or older than the benchmark sources.
if [[ ! -f "$jar" ]] || [[ -n "$(find bench/jmh/src "$pom" -newer "$jar" -type f 2>/dev/null | head -n 1)" ]]; then
  echo "building $jar ..." >&2
  mvn -B -q -DskipTests install -pl .,cluster
  mvn -B -q -f "$pom" package
fi

mkdir -p "$(dirname "$out")"
java -jar "$jar" -rf json -rff "$out" "$@"

echo
echo "Placement benchmarks (slots=1024, R=2; raw results in $out)"
python3 - "$out" <<'PY'
import json, math, sys

with open(sys.argv[1]) as f:
    results = json.load(f)

rows = {}
for r in results:
    method = r["benchmark"].rsplit(".", 1)[-1]
    p = r.get("params", {})
    key = (p.get("policy", "?"), int(p.get("nodes", 0)))
    m = r["primaryMetric"]
    err = m.get("scoreError")
    cell = "%.3f" % m["score"] if m["score"] < 10 else "%.1f" % m["score"]
    if isinstance(err, (int, float)) and not math.isnan(err):
        cell += " ± %.3f" % err if err < 10 else " ± %.1f" % err
    rows.setdefault(key, {})[method] = cell

if not rows:
    print("(no results)")
    sys.exit(0)

order = {"rendezvous": 0, "ring": 1}
header = ("policy", "nodes", "lookup ns/op", "rebuild ms/op")
table = [header] + [
    (pol, str(n), rows[(pol, n)].get("lookup", "-"), rows[(pol, n)].get("rebuild", "-"))
    for pol, n in sorted(rows, key=lambda k: (order.get(k[0], 9), k[0], k[1]))
]
w = [max(len(row[i]) for row in table) for i in range(len(header))]
fmt = lambda row: "  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(row))
print(fmt(header))
print("  ".join("-" * x for x in w))
for row in table[1:]:
    print(fmt(row))
PY
