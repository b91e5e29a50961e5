#!/usr/bin/env bash
# Side-by-side A/B of two (or more) builds of the bench jar: PipelineBench index on the benchmark photos, the jars
# alternating within each round so that they see the same machine load. Prints, per run, the median images/s and
# images per CPU-second of passes 2..P (pass 1 includes JIT warm-up) and every pass's images/s.
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && mvn -q -Pbench -pl bench -am -DskipTests package)
#   mvn -q -Pbench -pl bench -am -DskipTests package
#   bench/ab.sh --rounds 3 /tmp/old/bench/target/benchmarks.jar bench/target/benchmarks.jar
#
# Options: --rounds R (3), --passes P (6), --models m1,m2 (efficientnet-lite0-int8,efficientnet-lite0),
#          --images DIR (the benchmark photos), --java-opts "..." (extra JVM options)
set -euo pipefail
CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
ROUNDS=3; PASSES=6; MODELS=efficientnet-lite0-int8,efficientnet-lite0; IMAGES=$CACHE/bench-data/photos; JOPTS=""
JARS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --passes) PASSES=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --java-opts) JOPTS=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) JARS+=("$1"); shift ;;
  esac
done
[ ${#JARS[@]} -ge 2 ] || { echo "usage: bench/ab.sh [options] A.jar B.jar [C.jar ...]" >&2; exit 2; }
IFS=, read -r -a LIST <<< "$MODELS"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; flags:" \
  "$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|avx_vnni|amx_int8)$' | tr '\n' ' ')"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for m in "${LIST[@]}"; do
    for jar in "${JARS[@]}"; do
      printf 'round %s  %-26s %-50s ' "$r" "$m" "$jar"
      # shellcheck disable=SC2086
      java -Xmx2g --add-modules jdk.incubator.vector $JOPTS -cp "$jar" dev.imagesearch.bench.PipelineBench index \
          --model "$CACHE/models/$m" --images "$IMAGES" --passes "$PASSES" 2>/dev/null | grep '^{' | tail -n +2 \
        | python3 -c '
import json, statistics as st, sys
runs = [json.loads(line) for line in sys.stdin]
print("img/s %.1f  img/CPU-s %.1f  passes %s" % (st.median(d["images_per_s"] for d in runs),
      st.median(d["images_per_cpu_s"] for d in runs), [round(d["images_per_s"]) for d in runs]))'
    done
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
