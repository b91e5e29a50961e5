#!/usr/bin/env bash
# Stops the Redis servers started by scripts/redis/start.sh (by their pid files) and removes their data.
#   bash scripts/redis/stop.sh [--dir DIR]
set -uo pipefail
dir="${IMAGESEARCH_REDIS_DIR:-${TMPDIR:-/tmp}/imagesearch-redis}"
if [ "${1:-}" = "--dir" ]; then dir="$2"; fi
[ -d "$dir" ] || exit 0
for pidfile in "$dir"/*/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  # only a redis-server we started: the pid must still belong to redis-server
  if [ -n "$pid" ] && [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = "redis-server" ]; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "redis: $pid did not stop within 5 s, killing it" >&2
      kill -9 "$pid"
    fi
  fi
  rm -f "$pidfile"
done
rm -rf "$dir"
echo "redis: stopped servers under $dir" >&2
