#!/usr/bin/env bash
# Runs every test: unit tests and the integration suites against real models, real photos, a real
# Milvus-protocol server (Milvus Lite), real redis-servers (standalone and a 3-node cluster) and a
# real headless browser (Debian chromium + chromium-driver) for the web page.
# Installs and starts everything it needs, stops the servers on exit, and fails if an integration
# suite was skipped.
#
# Usage: scripts/test.sh [extra maven args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
export IMAGESEARCH_CACHE="$CACHE"
export IMAGESEARCH_IT_REQUIRED=true
cd "$ROOT"

echo "== provision models and photos"
bash scripts/provision.sh

echo "== install the headless browser for the web page tests"
bash scripts/browser/install.sh

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/imagesearch-test.XXXXXX")"
cleanup() {
  set +e
  [ -n "${IMAGESEARCH_MILVUS_PID_FILE:-}" ] && bash scripts/milvus/stop.sh "$IMAGESEARCH_MILVUS_PID_FILE" --purge >/dev/null 2>&1
  bash scripts/redis/stop.sh --dir "$RUN_DIR/redis" >/dev/null 2>&1
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# Each start script prints KEY=VALUE lines for the tests; everything else goes to its log.
start_service() { # name script args...
  local name="$1"; shift
  echo "== start $name"
  local out
  if ! out="$(bash "$@")"; then
    echo "test.sh: could not start $name" >&2
    exit 1
  fi
  while IFS= read -r line; do
    case "$line" in
      IMAGESEARCH_*=*) export "${line?}"; echo "   $line" ;;
    esac
  done <<< "$out"
}
start_service milvus scripts/milvus/start.sh --run-dir "$RUN_DIR/milvus"
start_service redis scripts/redis/start.sh --cluster --dir "$RUN_DIR/redis"

echo "== maven verify"
mvn -B -ntp clean verify -Dimagesearch.it.required=true -Dimagesearch.cache="$CACHE" "$@"

echo "== check that no integration suite was skipped"
python3 scripts/check_test_reports.py

# A small run of the kill trials (docs/RELIABILITY.md has the 20-per-mode run): one trial per mode, the indexer
# or the server under it killed at a random point, then resumed and checked for lost, duplicate and orphan entries.
echo "== kill trials (smoke: 1 per mode)"
python3 scripts/faults/kill_trials.py --trials 1 --photos 30 --seed "${IMAGESEARCH_KILL_SEED:-$RANDOM}"
