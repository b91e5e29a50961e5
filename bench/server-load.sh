#!/usr/bin/env bash
# Load benchmark of `imagesearch serve`: search by upload (POST /api/search, k=10) with wrk at 1, 4 and 16
# concurrent connections, each for 60 s after a 10 s warm-up, on a fresh server per level; then 16 clients
# uploading a ~10 MB photo. Reports p50/p95/p99 latency, throughput, errors and the server's peak RSS (VmHWM),
# next to the in-process ImageSearch.similar time for the same photo (bench SimilarLatency), measured in the
# same run before and after the server levels. Not part of CI.
#
#   bench/server-load.sh                   # ~8 min
#   bench/server-load.sh --seconds 10      # shorter levels
#   bench/server-load.sh --clients "4"     # only these levels (plus the baseline and the 10 MB level)
#   bench/server-load.sh --smoke           # 3 s per level: checks that everything runs
#
# Needs the provisioned model and sample photos (scripts/provision.sh), wrk (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
SECS=60
WARM=10
CLIENTS="1 4 16"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --smoke) SECS=3; WARM=2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
MODEL=efficientnet-lite0
SAMPLE=$CACHE/photos/sample
PHOTO=$SAMPLE/darknet-dog.jpg
[ -f "$CACHE/models/$MODEL/model.onnx" ] && [ -f "$PHOTO" ] || { echo "run scripts/provision.sh first" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 \
    || { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2; }
fi

echo "== build" >&2
mvn -o -q -B -Pbench -pl bench,cli -am -DskipTests package 2>/dev/null \
  || mvn -q -B -Pbench -pl bench,cli -am -DskipTests package
CLI=cli/target/imagesearch.jar
BENCH=bench/target/benchmarks.jar
JOPTS=${IMAGESEARCH_JAVA_OPTS:-}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/imagesearch-load.XXXXXX")
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== index $SAMPLE" >&2
java $JOPTS -jar "$CLI" index "$SAMPLE" --data "$WORK/data" >&2

# A ~10 MB photo: a sample photo upscaled to 6000x4000 with grain, saved at high quality (as a camera would).
BIG=$WORK/big.jpg
"$CACHE/venv-models/bin/python" - "$SAMPLE/kphotoalbum-skagen.jpg" "$BIG" <<'PY'
import sys, numpy as np
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB").resize((6000, 4000), Image.BICUBIC)
a = np.asarray(img).astype(np.int16) + np.random.default_rng(1).integers(-12, 13, (4000, 6000, 3))
Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(sys.argv[2], quality=96)
PY

baseline() {
  java $JOPTS -cp "$BENCH" dev.imagesearch.bench.SimilarLatency "$WORK/data" "$CACHE/models" "$MODEL" "$PHOTO" 10 "$SECS" \
    | grep '^RESULT'
}

LEVEL=0
start_server() {
  LEVEL=$((LEVEL + 1))
  local log="$WORK/serve-$LEVEL.log" # a new file each time: never the previous server's URL
  java $JOPTS -jar "$CLI" serve --data "$WORK/data" --port 0 > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    URL=$(grep -o 'http://[^ ]*' "$log" 2>/dev/null || true)
    [ -n "$URL" ] && return 0
    sleep 0.5
  done
  cat "$log" >&2; exit 1
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

level() { # clients body label
  local c=$1 body=$2 label=$3 t
  t=$(( c < 2 ? c : 2 ))
  start_server
  WRK_BODY=$body wrk -t"$t" -c"$c" -d"${WARM}s" --timeout 60s -s bench/server-load.lua "${URL}api/search?k=10" >/dev/null
  local r
  r=$(WRK_BODY=$body wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 60s -s bench/server-load.lua "${URL}api/search?k=10" \
      | grep '^RESULT')
  local rss
  rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status")
  stop_server
  echo "$label clients=$c ${r#RESULT } peak_rss_mb=$rss"
}

echo "== machine" >&2
echo "cpu: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; java: $(java -version 2>&1 | head -1)"
echo "photo: $(basename "$PHOTO") $(stat -c %s "$PHOTO") bytes; big: $(stat -c %s "$BIG") bytes"
echo "== in-process similar (before)" >&2
echo "before $(baseline)"
for c in $CLIENTS; do
  echo "== $c clients" >&2
  level "$c" "$PHOTO" upload
done
echo "== 16 clients, 10 MB photo" >&2
level 16 "$BIG" big
echo "== in-process similar (after)" >&2
echo "after $(baseline)"
