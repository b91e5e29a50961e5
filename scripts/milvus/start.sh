#!/usr/bin/env bash
# Starts a Milvus Lite server (the Milvus gRPC API in one local process) for tests and demos.
#
# Usage: scripts/milvus/start.sh [--port PORT] [--data-dir DIR] [--run-dir DIR] [--timeout SECONDS]
#   --port      port to listen on (default: a free port chosen now; on a bind race another one is tried)
#   --data-dir  Milvus Lite data directory (default: <run-dir>/data, fresh). Pass an existing one to restart
#               a server on the same data.
#   --run-dir   where the pid file and the log go (default: a new temporary directory)
#   --timeout   seconds to wait for the server to answer (default: 90)
#
# On success prints KEY=VALUE lines on stdout (progress goes to stderr), for example:
#   IMAGESEARCH_MILVUS_URI=http://127.0.0.1:40123
#   IMAGESEARCH_MILVUS_PID_FILE=/tmp/imagesearch-milvus.abc/server.pid
#   IMAGESEARCH_MILVUS_DATA_DIR=/tmp/imagesearch-milvus.abc/data
#   IMAGESEARCH_MILVUS_LOG=/tmp/imagesearch-milvus.abc/server.log
# so a runner can do:  set -a; eval "$(scripts/milvus/start.sh)"; set +a
# Stop it with scripts/milvus/stop.sh (reads IMAGESEARCH_MILVUS_PID_FILE or takes the pid file as argument).
#
# The virtual environment lives in ${IMAGESEARCH_CACHE:-~/.cache/imagesearch}/venv-milvus and is (re)built
# from the pinned requirements.txt beside this script whenever that file changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
venv="$cache/venv-milvus"
requirements="$here/requirements.txt"

port=""
data_dir=""
run_dir=""
timeout_s=90
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --run-dir) run_dir="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "milvus: $*" >&2; }

# 1. The pinned environment; a stamp holding the requirements' hash tells whether it is current.
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/milvus-lite" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  log "installing Milvus Lite into $venv (pinned in $requirements)"
  mkdir -p "$cache"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
py="$venv/bin/python"

# 2. Where this server keeps its pid, log and (by default) data.
if [[ -z "$run_dir" ]]; then
  run_dir="$(mktemp -d "${TMPDIR:-/tmp}/imagesearch-milvus.XXXXXX")"
fi
mkdir -p "$run_dir"
run_dir="$(cd "$run_dir" && pwd)"
if [[ -z "$data_dir" ]]; then
  data_dir="$run_dir/data"
fi
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
pid_file="$run_dir/server.pid"
log_file="$run_dir/server.log"

free_port() {
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Answers when a Milvus client call succeeds, not merely when the port is open.
probe() {
  "$py" - "$1" <<'EOF' >/dev/null 2>&1
import sys
from pymilvus import MilvusClient
client = MilvusClient(uri=sys.argv[1], timeout=3)
client.list_collections()
client.close()
EOF
}

# 3. Start and wait. A chosen free port can be taken in between (a race): then try another one.
fixed_port="$port"
for attempt in 1 2 3; do
  [[ -n "$fixed_port" ]] && port="$fixed_port" || port="$(free_port)"
  uri="http://127.0.0.1:$port"
  log "starting milvus-lite server on 127.0.0.1:$port, data in $data_dir (log: $log_file)"
  # setsid + redirected streams: the server outlives this script and holds none of its caller's pipes.
  setsid "$venv/bin/milvus-lite" server --data-dir "$data_dir" --host 127.0.0.1 --port "$port" \
    </dev/null >>"$log_file" 2>&1 &
  pid=$!
  echo "$pid" > "$pid_file"
  deadline=$((SECONDS + timeout_s))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    if probe "$uri"; then
      log "ready after ${SECONDS}s (pid $pid)"
      echo "IMAGESEARCH_MILVUS_URI=$uri"
      echo "IMAGESEARCH_MILVUS_PID_FILE=$pid_file"
      echo "IMAGESEARCH_MILVUS_DATA_DIR=$data_dir"
      echo "IMAGESEARCH_MILVUS_LOG=$log_file"
      exit 0
    fi
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "no answer from $uri within ${timeout_s}s; stopping pid $pid. Last log lines:"
    kill -TERM "$pid" 2>/dev/null || true
    tail -n 20 "$log_file" >&2 || true
    rm -f "$pid_file"
    exit 1
  fi
  log "server exited during startup (attempt $attempt). Last log lines:"
  tail -n 20 "$log_file" >&2 || true
  rm -f "$pid_file"
  if [[ -n "$fixed_port" ]]; then
    exit 1
  fi
done
log "giving up after 3 attempts"
exit 1
