#!/usr/bin/env bash
# The whole-pipeline benchmark: Java and Python pipelines side by side, alternately, in one run; prints a table.
#
#   bench/run.sh                 # 3 rounds (medians and spread), then bad-input, cosine and search runs (~15 min)
#   bench/run.sh --rounds 5
#   bench/run.sh --threading     # also: ORT threads vs sessions, decode threads, spinning, reduced decoding
#   bench/run.sh --memory        # also: index 10,000 photos (bench/prepare_many.py), peak heap and RSS
#   bench/run.sh --smoke         # 1 round on 3 photos, no search (checks that everything runs)
#
# Java indexing runs 3 passes over the folder in one JVM (each into a fresh store): pass 1 is a fresh process
# (the JIT still compiling), pass 3 the steady state of a long-running one. Both are reported.
#
# Needs: JDK 17, Maven, Python 3.10+ with venv, the provisioned model efficientnet-lite0 and the photos
# (scripts/models/provision.sh, scripts/photos/fetch.sh). Builds the bench module (-Pbench), creates the pinned
# venv $CACHE/venv-bench from bench/requirements.txt, and the data set $CACHE/bench-data (bench/prepare_data.py).
# Raw results go to $CACHE/bench-results/<timestamp>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
ROUNDS=3
SMOKE=0
THREADING=0
MEMORY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --smoke) SMOKE=1; ROUNDS=1; shift ;;
    --threading) THREADING=1; shift ;;
    --memory) MEMORY=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
MODEL=$CACHE/models/efficientnet-lite0
[ -f "$MODEL/model.onnx" ] || { echo "model missing: $MODEL (run scripts/models/provision.sh)" >&2; exit 1; }

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
echo "== data" >&2
"$PY" bench/prepare_data.py --cache "$CACHE" >&2
DATA=$CACHE/bench-data
IMAGES=$DATA/photos
BIG=$(ls "$DATA"/photos/zz-12mp-*.jpg | sed -n 1p)
# The article's pipeline creates a session per image: it runs on a subset (with 12 MP photos), Java on the same.
SUBSET=$DATA/subset
if [ ! -d "$SUBSET" ]; then
  mkdir -p "$SUBSET"
  ls "$IMAGES" | awk 'NR % 5 == 0' | while read -r f; do cp "$IMAGES/$f" "$SUBSET/"; done
  cp "$DATA"/photos/zz-12mp-0.jpg "$DATA"/photos/zz-12mp-1.jpg "$SUBSET/"
fi
if [ "$SMOKE" = 1 ]; then
  SMOKE_DIR=$(mktemp -d); IMAGES=$SMOKE_DIR/photos; SUBSET=$SMOKE_DIR/subset; mkdir "$IMAGES" "$SUBSET"
  ls "$DATA"/photos/*.jpg | sed -n 1,3p | xargs -I{} cp {} "$IMAGES/"; cp "$IMAGES"/* "$SUBSET/"
  ls "$DATA"/photos/*.png | sed -n 1p | xargs -I{} cp {} "$IMAGES/"
fi

OUT=$CACHE/bench-results/$(date +%Y%m%d-%H%M%S).jsonl
mkdir -p "$(dirname "$OUT")"
JAVA=(java -Xmx2g --add-modules jdk.incubator.vector -cp "$JAR" dev.imagesearch.bench.PipelineBench)
run() { # tag, command...: one JSON line per measurement, tagged with the round
  local tag=$1; shift
  "$@" 2>>"$OUT.log" | grep '^{' | sed "s/^{/{\"round\": \"$tag\", /" | tee -a "$OUT" >&2
}
{ echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  java -version 2>&1 | sed -n 1p; "$PY" -c 'import PIL, numpy, onnxruntime; print("python: pillow", PIL.__version__, "numpy", numpy.__version__, "onnxruntime", onnxruntime.__version__)'
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$OUT.machine" >&2

for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  run "$r" "${JAVA[@]}" raw --model "$MODEL" --count 256
  run "$r" "$PY" bench/py_pipeline.py raw --model "$MODEL/model.onnx" --count 256
  run "$r" "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3
  run "$r" "$PY" bench/py_pipeline.py best --model "$MODEL/model.onnx" --images "$IMAGES"
  run "$r" "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --decoder imageio
  run "$r" "${JAVA[@]}" index --model "$MODEL" --images "$SUBSET" --passes 3
  run "$r" "$PY" bench/py_pipeline.py article --model "$MODEL/model.onnx" --images "$SUBSET"
  run "$r" "${JAVA[@]}" decode --file "$BIG"
  run "$r" "$PY" bench/py_pipeline.py draft --file "$BIG"
  run "$r" "${JAVA[@]}" png --images "$IMAGES" --rounds 3
  run "$r" "$PY" bench/py_pipeline.py png --images "$IMAGES" --rounds 3
done
if [ "$THREADING" = 1 ]; then
  echo "== threading (2 cores): intra-op threads vs sessions in parallel" >&2
  for cfg in "1 1" "1 2" "2 1"; do
    set -- $cfg
    run threads "${JAVA[@]}" raw --model "$MODEL" --count 256 --sessions "$1" --threads "$2"
  done
  echo "== ONNX Runtime threads, decode threads, spinning and reduced decoding, alternately" >&2
  for r in $(seq 1 "$ROUNDS"); do
    run spin "${JAVA[@]}" raw --model "$MODEL" --count 256 --spin true
    run spin "${JAVA[@]}" raw --model "$MODEL" --count 256
    run spin "${JAVA[@]}" raw --model "$MODEL" --count 96 --batch 1 --spin true
    run spin "${JAVA[@]}" raw --model "$MODEL" --count 96 --batch 1
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --spin true
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --threads 1
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --threads 1 --decode-threads 1
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --decode-threads 1
    run spin "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3 --reduced false
  done
fi
if [ "$SMOKE" = 0 ]; then
  echo "== bad input (1% broken files), alternately with the clean folder" >&2
  for r in $(seq 1 "$ROUNDS"); do
    run broken "${JAVA[@]}" index --model "$MODEL" --images "$DATA/broken" --passes 3
    run broken "${JAVA[@]}" index --model "$MODEL" --images "$IMAGES" --passes 3
  done
  echo "== reduced decode: cosine full vs reduced (ImageIO subsampling and OpenCV DCT scaling)" >&2
  run cosine "${JAVA[@]}" cosine --model "$MODEL" --images "$DATA/photos"
  echo "== search: 100,000 x 1280, top-10" >&2
  run search "$PY" bench/py_pipeline.py faiss --count 100000 --queries 50 --out "$DATA"
  run search java -Xmx4g --add-modules jdk.incubator.vector -cp "$JAR" dev.imagesearch.bench.PipelineBench search --data "$DATA"
  run search java -Xmx4g -cp "$JAR" dev.imagesearch.bench.PipelineBench search --data "$DATA"
  run search java -Xmx4g --add-modules jdk.incubator.vector -cp "$JAR" dev.imagesearch.bench.PipelineBench search --data "$DATA" --precision float16
  run search java -Xmx4g -cp "$JAR" dev.imagesearch.bench.PipelineBench search --data "$DATA" --precision float16
  run search "$PY" bench/py_pipeline.py faiss --count 100000 --queries 50
fi
if [ "$MEMORY" = 1 ]; then
  echo "== memory: index 10,000 photos (Python best practice, then Java with the default heap and -Xmx256m)" >&2
  "$PY" bench/prepare_many.py --cache "$CACHE" --count 10000 >&2
  MANY=$DATA/many-10000
  run memory "$PY" bench/py_pipeline.py best --model "$MODEL/model.onnx" --images "$MANY"
  run memory "${JAVA[@]}" index --model "$MODEL" --images "$MANY"
  run memory java -Xmx256m -cp "$JAR" dev.imagesearch.bench.PipelineBench index --model "$MODEL" --images "$MANY"
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT.machine" >&2
"$PY" bench/summarize.py "$OUT"
