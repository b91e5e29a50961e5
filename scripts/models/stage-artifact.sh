#!/usr/bin/env bash
# Stage one provisioned model as classpath resources for its Maven artifact (models/<name>/pom.xml runs this in
# generate-resources). Provisions it first with provision.sh (a cache hit needs no Python).
#
# Usage: scripts/models/stage-artifact.sh NAME OUTDIR TOOLS
#   NAME    model name known to provision.sh
#   OUTDIR  the module's target/classes
#   TOOLS   comma-separated commands the model's build needs (python3, node, npm): when one is missing and the
#           cache does not already hold the model, the artifact is skipped with one message instead of failing
#
# Writes OUTDIR/META-INF/imagesearch/models/NAME/{model.onnx,model.properties[,labels.txt]} and
# OUTDIR/META-INF/imagesearch/models.list (the index ModelCatalog reads); when skipped, only
# OUTDIR/META-INF/imagesearch/models.missing ("NAME<TAB>reason"), so that a user of such a jar is told why the
# model is missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NAME="$1"; OUT="$2"; TOOLS="${3:-}"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
SRC="$CACHE/models/$NAME"
META="$OUT/META-INF/imagesearch"
DEST="$META/models/$NAME"

rm -rf "$DEST" "$META/models.list" "$META/models.missing"
mkdir -p "$META"

want="$(awk -v k="model:$NAME" '$1 !~ /^#/ && $2 == k { print $1; exit }' "$HERE/checksums.txt")"
[ -n "$want" ] || { echo "stage-artifact.sh: ERROR: no model:$NAME in checksums.txt" >&2; exit 1; }
cached=0
if [ -f "$SRC/model.onnx" ] && [ -f "$SRC/model.properties" ] && [ "$(sha256sum "$SRC/model.onnx" | cut -d' ' -f1)" = "$want" ]; then
  cached=1
fi
if [ "$cached" = 0 ]; then
  missing=()
  IFS=, read -r -a tools <<< "$TOOLS"
  for t in "${tools[@]}"; do [ -z "$t" ] || command -v "$t" >/dev/null || missing+=("$t"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    reason="built without its model: $NAME is not in $CACHE/models and ${missing[*]} (needed to build it) is not installed"
    printf '%s\t%s\n' "$NAME" "$reason" > "$META/models.missing"
    echo "[imagesearch] SKIPPED model artifact imagesearch-model-$NAME: $reason. Install ${missing[*]} and rebuild, or run scripts/models/provision.sh --models $NAME on a machine that has them and copy $CACHE/models. Everything else builds and tests without it." >&2
    exit 0
  fi
fi
"$HERE/provision.sh" --models "$NAME" >/dev/null

mkdir -p "$DEST"
file="$(sed -n 's/^file=//p' "$SRC/model.properties")"; file="${file:-model.onnx}"
labels="$(sed -n 's/^labels=//p' "$SRC/model.properties")"
cp "$SRC/$file" "$DEST/$file"
# a jar holds one flat folder per model: labels move next to the model
sed -e 's/^# written by.*/# staged by scripts\/models\/stage-artifact.sh from the provisioned model/' \
    -e 's/^labels=.*/labels=labels.txt/' "$SRC/model.properties" > "$DEST/model.properties"
[ -z "$labels" ] || cp "$SRC/$labels" "$DEST/labels.txt"
echo "$NAME" > "$META/models.list"
echo "[imagesearch] staged model $NAME ($(du -h "$DEST/$file" | cut -f1), sha256 $want)" >&2
