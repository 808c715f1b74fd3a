#!/usr/bin/env bash
# Ensures a Redis server answers on 127.0.0.1:6379: starts it, installing it with apt when absent.
set -euo pipefail

if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "redis: running on 127.0.0.1:6379"
  exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis: not installed; installing redis-server with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
mkdir -p /var/lib/redis /var/log/redis
echo "redis: starting"
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/shardgate.log
for _ in $(seq 1 50); do
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "redis: running on 127.0.0.1:6379"
    exit 0
  fi
  sleep 0.2
done
echo "redis: did not answer on 127.0.0.1:6379 within 10 s; see /var/log/redis/shardgate.log" >&2
exit 1
