#!/usr/bin/env bash
# Stops a Milvus Lite server started by scripts/milvus/start.sh.
#
# Usage: scripts/milvus/stop.sh [PID_FILE] [--timeout SECONDS] [--purge]
#   PID_FILE   default: $IMAGESEARCH_MILVUS_PID_FILE
#   --timeout  seconds to wait after SIGTERM before SIGKILL (default: 20)
#   --purge    also delete the run directory holding the pid file (and the data, when it lies inside)
# Sends SIGTERM, waits for the process to exit (Milvus Lite closes its data cleanly), then SIGKILL if needed.
# Exits 0 when the server is gone, also when it was not running.
set -euo pipefail

pid_file="${IMAGESEARCH_MILVUS_PID_FILE:-}"
timeout_s=20
purge=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --timeout) timeout_s="$2"; shift 2 ;;
    --purge) purge=true; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) pid_file="$1"; shift ;;
  esac
done
if [[ -z "$pid_file" ]]; then
  echo "stop.sh: no pid file given and IMAGESEARCH_MILVUS_PID_FILE is not set" >&2
  exit 2
fi
if [[ ! -f "$pid_file" ]]; then
  echo "milvus: no pid file at $pid_file; nothing to stop" >&2
  exit 0
fi

pid="$(cat "$pid_file")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout_s))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "milvus: pid $pid still running after ${timeout_s}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  echo "milvus: stopped pid $pid" >&2
else
  echo "milvus: pid $pid was not running" >&2
fi
rm -f "$pid_file"
if [[ "$purge" == true ]]; then
  rm -rf "$(dirname "$pid_file")"
fi
