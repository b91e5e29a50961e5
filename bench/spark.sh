#!/usr/bin/env bash
# Indexing throughput of the Spark job in local[1] and local[2] against the single-JVM CLI, on the same photos into
# the same backends (Milvus Lite + redis-server, started here), alternately, in one run; prints a table.
#
#   bench/spark.sh [PHOTO_DIR] [--rounds N]     (default: every fetched photo under $CACHE/photos, 2 rounds)
#
# Each run indexes into a fresh collection prefix and Redis namespace, so every run embeds everything. Reported:
# the indexing time the command prints (the CLI: its 'elapsed' line; Spark: the job after setup, i.e. after the
# driver loaded the models and checked the collections), and the whole command's wall time (JVM, Spark start-up,
# model loading). Needs what scripts/test.sh provisions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
PHOTOS="$CACHE/photos"
ROUNDS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    *) PHOTOS=$1; shift ;;
  esac
done

mvn -q -B -ntp -DskipTests -pl cli,spark -am package >&2
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/imagesearch-bench-spark.XXXXXX")"
cleanup() {
  set +e
  [ -n "${IMAGESEARCH_MILVUS_PID_FILE:-}" ] && bash scripts/milvus/stop.sh "$IMAGESEARCH_MILVUS_PID_FILE" --purge >/dev/null 2>&1
  bash scripts/redis/stop.sh --dir "$RUN_DIR/redis" >/dev/null 2>&1
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
while IFS= read -r line; do
  case "$line" in IMAGESEARCH_*=*) export "${line?}" ;; esac
done < <(bash scripts/milvus/start.sh --run-dir "$RUN_DIR/milvus"; bash scripts/redis/start.sh --dir "$RUN_DIR/redis")
MILVUS="milvus://${IMAGESEARCH_MILVUS_URI#*://}"
IMAGES=$(find "$PHOTOS" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.gif' -o -iname '*.bmp' \
  -o -iname '*.webp' -o -iname '*.tif' -o -iname '*.tiff' -o -iname '*.wbmp' \) | wc -l)

echo "photos: $IMAGES under $PHOTOS; $(nproc) CPUs; $(lscpu | grep 'Model name' | sed 's/ \+/ /g')"
printf '%-6s %-10s %10s %10s %10s\n' round mode index_s img_per_s wall_s
for round in $(seq 1 "$ROUNDS"); do
  for mode in cli local1 local2; do
    tag="b${round}${mode}$$"
    store="$MILVUS?prefix=${tag}_&index=FLAT"
    ids="$IMAGESEARCH_REDIS_URI?namespace=$tag"
    start=$(date +%s.%N)
    if [ "$mode" = cli ]; then
      out=$(java -jar cli/target/imagesearch.jar index "$PHOTOS" --store "$store" --ids "$ids" --progress none)
    else
      n=${mode#local}
      out=$(scripts/imagesearch spark-index --master "local[$n]" --store "$store" --ids "$ids" "$PHOTOS")
    fi
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    secs=$(echo "$out" | sed -n 's/^elapsed: *\([0-9.]*\) s.*/\1/p')
    rate=$(echo "scale=1; $IMAGES / $secs" | bc)
    printf '%-6s %-10s %10s %10s %10.1f\n' "$round" "$mode" "$secs" "$rate" "$wall"
    if echo "$out" | grep -q '^failed: *[1-9]'; then echo "$out" | sed -n '/^failed/,$p' | head -5; fi
  done
done
