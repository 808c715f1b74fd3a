#!/usr/bin/env bash
# The whole test suite: makes sure Redis and MariaDB are running (installing them when absent), then
# runs every unit, contract and integration test with Maven. Tests run Vert.x with a 200 ms
# blocked-thread threshold and fail when a process they started logged a blocked event loop. Then the
# load-test kit's smoke run (bench/run.sh --smoke: cluster mode, nginx, HAProxy and a direct node for a
# few seconds each), which fails unless every target answered every workload without an error.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/redis-up.sh
bash scripts/db-setup.sh
mvn -B verify "$@"
bash bench/run.sh --smoke
