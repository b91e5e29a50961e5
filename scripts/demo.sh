#!/usr/bin/env bash
# The quick-start demo on the embedded default store (no server):
#   1. provisions the default model and the sample photos (cached under ~/.cache/imagesearch),
#   2. builds the CLI (cli/target/imagesearch.jar),
#   3. indexes the sample photos into out/demo-data (a second run reports them unchanged),
#   4. asks for the photos most similar to one of them and writes out/report.html.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
export IMAGESEARCH_CACHE="$CACHE"
cd "$ROOT"

bash scripts/provision.sh

echo "== build"
mvn -q -B -DskipTests package

JAR="$ROOT/cli/target/imagesearch.jar"
DATA="$ROOT/out/demo-data"
SAMPLE="$CACHE/photos/sample"
mkdir -p "$ROOT/out"

echo "== index $SAMPLE"
java -jar "$JAR" index "$SAMPLE" --data "$DATA"

QUERY="$(find "$SAMPLE" -maxdepth 1 -type f -name 'darknet-dog.jpg' | head -n 1)"
[ -n "$QUERY" ] || QUERY="$(find "$SAMPLE" -maxdepth 1 -type f | sort | head -n 1)"
echo "== similar $QUERY"
java -jar "$JAR" similar "$QUERY" -k 5 --data "$DATA" --html "$ROOT/out/report.html"
echo "== report: $ROOT/out/report.html"
