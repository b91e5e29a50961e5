#!/usr/bin/env bash
# Models side by side in one run: indexing throughput of each model in the same Java pipeline
# (PipelineBench index, library defaults), raw ONNX Runtime, and the Python best-practice peer on the fp32 models;
# models alternate within each round, so the ratios are taken under the same machine load. Prints a table.
#
#   bench/models.sh                                  # 2 rounds, the six EfficientNet-Lite models
#   bench/models.sh --rounds 3 --models efficientnet-lite0,efficientnet-lite0-int8
#   bench/models.sh --passes 2                       # Java passes per index run (default 3; the last is reported)
#
# Needs what bench/run.sh needs, plus the models (scripts/models/provision.sh --models all).
# Raw results: $CACHE/bench-results/models-<timestamp>.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
ROUNDS=2
PASSES=3
MODELS=efficientnet-lite0,efficientnet-lite0-int8,efficientnet-lite1,efficientnet-lite1-int8,efficientnet-lite2,efficientnet-lite2-int8
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --passes) PASSES=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a LIST <<< "$MODELS"
for m in "${LIST[@]}"; do
  [ -f "$CACHE/models/$m/model.onnx" ] || { echo "model missing: $m (scripts/models/provision.sh --models $m)" >&2; exit 1; }
done

echo "== build" >&2
mvn -o -q -Pbench -pl bench -am -DskipTests package 2>/dev/null || mvn -q -Pbench -pl bench -am -DskipTests package
JAR=bench/target/benchmarks.jar
VENV=$CACHE/venv-bench
if ! cmp -s bench/requirements.txt "$VENV/requirements.txt" 2>/dev/null; then
  echo "== venv $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r bench/requirements.txt
  cp bench/requirements.txt "$VENV/requirements.txt"
fi
PY=$VENV/bin/python
"$PY" bench/prepare_data.py --cache "$CACHE" >&2
IMAGES=$CACHE/bench-data/photos

OUT=$CACHE/bench-results/models-$(date +%Y%m%d-%H%M%S).jsonl
mkdir -p "$(dirname "$OUT")"
JAVA=(java -Xmx2g --add-modules jdk.incubator.vector -cp "$JAR" dev.imagesearch.bench.PipelineBench)
run() { # tag, command...: one JSON line per measurement, tagged with the round
  local tag=$1; shift
  "$@" 2>>"$OUT.log" | grep '^{' | sed "s/^{/{\"round\": \"$tag\", /" | tee -a "$OUT" >&2
}
{ echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|avx_vnni|amx_int8|amx_bf16)$' | tr '\n' ' ')"
  java -version 2>&1 | sed -n 1p
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$OUT.machine" >&2

for r in $(seq 1 "$ROUNDS"); do
  for m in "${LIST[@]}"; do
    echo "== round $r/$ROUNDS $m (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    run "$r" "${JAVA[@]}" index --model "$CACHE/models/$m" --images "$IMAGES" --passes "$PASSES"
    run "$r" "${JAVA[@]}" raw --model "$CACHE/models/$m" --count 128
    case "$m" in
      *-int8) ;;
      *) run "$r" "$PY" bench/py_pipeline.py best --model "$CACHE/models/$m/model.onnx" --images "$IMAGES" ;;
    esac
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT.machine" >&2
"$PY" bench/summarize_models.py "$OUT" --passes "$PASSES"
