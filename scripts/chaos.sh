#!/usr/bin/env bash
# The kill-and-restart scenario on a local cluster-mode cluster: starts it (scripts/cluster.sh up) when
# it is not running, then, under 8 writers and 8 readers, kills each shard node with SIGKILL in turn,
# restarts it, and prints requests, errors, acknowledged and lost writes, stale reads and the longest
# window in which a key could not be read or written, and compares every slot's two replicas.
#
#   scripts/chaos.sh [ROUNDS]     (default 3 rounds; each takes about 15 s)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
# The cluster of scripts/cluster.sh keeps its admin token here (the chaos tool reads placement with it).
[[ -f run/admin-token ]] && export SHARDGATE_ADMIN_TOKEN_FILE=run/admin-token
if ! curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready 2>/dev/null; then
  bash scripts/cluster.sh up
fi
exec java -jar dist/target/shardgate.jar chaos --config "${SHARDGATE_CONFIG:-conf/shardgate.json}" --rounds "$ROUNDS"
