#!/usr/bin/env bash
# Model variants for the GeM pooling / learned whitening measurements of docs/EVALUATION.md (issue 15): folders that
# link the provisioned efficientnet-liteN-gem model.onnx with another pooling, GeM exponent or whitening, in
# $CACHE/gem-eval/models (the provisioned models folder is left as it is). Fits the whitening files first
# (scripts/models/fit_whitening.py; descriptors cached as .npy, so refits are quick).
#
# Usage: scripts/eval/descriptor_variants.sh      then: imagesearch eval ... --model-dir $CACHE/gem-eval/models
# Needs: scripts/models/provision.sh --models efficientnet-lite0-gem,efficientnet-lite1-gem,efficientnet-lite2-gem,
#        scripts/photos/fetch.sh --labelled --whitening, scripts/eval/build.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
C="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
G="$C/gem-eval/models"; W="$C/gem-eval/whitening"; P="$C/photos"; V="$C/venv-models/bin/python"
mkdir -p "$G" "$W"
WALL=("$P/wallpapers-ukui" "$P/wallpapers-lomiri" "$P/wallpapers-mate" "$P/wallpapers-lomiri1604" "$P/wallpapers-plasma")
TUX=("$P/tuxpaint" --skip-labels "$C/eval/labelled")   # the stamps of tuxpaint that are in no label of the labelled set

# fit SET P SHRINK [N]: $W/[liteN-]<set>-p<P>-<s SHRINK|lw>.bin from efficientnet-liteN-gem's feature map (N = 0)
fit() {
  local set="$1" p="$2" s="$3" n="${4:-0}" out photos prefix=""
  [ "$n" = 0 ] || prefix="lite$n-"
  out="$W/$prefix$set-p$p-$([ "$s" = lw ] && echo lw || echo "s$s").bin"
  [ -f "$out" ] && return 0
  if [ "$set" = wall ]; then photos=("${WALL[@]}"); else photos=("${TUX[@]}"); fi
  local shrink=(); [ "$s" = lw ] || shrink=(--shrinkage "$s")
  (cd "$HERE/../models" && nice -n 15 "$V" fit_whitening.py --model "$C/models/efficientnet-lite$n-gem/model.onnx" \
      --photos "${photos[@]}" --p "$p" --descriptors "$W/$prefix$set-p$p.npy" "${shrink[@]}" --out "$out")
}

# variant NAME BASE POOLING P [WHITENING_FILE DIM]
variant() {
  local name="$1" base="$2" pooling="$3" p="$4" wfile="${5:-}" dim="${6:-1280}" d="$G/$1"
  mkdir -p "$d"
  ln -sfn "$C/models/$base/model.onnx" "$d/model.onnx"
  sed -e "s/^name=.*/name=$name/" -e "s/^pooling=.*/pooling=$pooling/" -e "s/^pooling.p=.*/pooling.p=$p/" \
      -e '/^quality.map10/d' -e "s/^dimension=.*/dimension=$dim/" "$C/models/$base/model.properties" > "$d/model.properties"
  rm -f "$d/whitening.bin"
  if [ -n "$wfile" ]; then
    cp "$wfile" "$d/whitening.bin"
    printf 'whitening=whitening.bin\nwhitening.sha256=%s\nwhitening.dimension=%s\n' \
      "$(sha256sum "$wfile" | cut -d' ' -f1)" "$dim" >> "$d/model.properties"
  fi
}

ln -sfn "$C/models/imagenet-labels.txt" "$G/imagenet-labels.txt"
for m in efficientnet-lite0 efficientnet-lite2; do ln -sfn "$C/models/$m" "$G/$m"; done
for n in 0 2; do for p in 1 2 3 4; do variant "efficientnet-lite$n-gem-p$p" "efficientnet-lite$n-gem" gem "$p"; done; done

for s in lw 0.25 0.5 0.75 1.0; do fit wall 3 "$s"; fit tux 3 "$s"; done
for s in lw 0.25 0.5 0.75 1.0; do fit wall 1 "$s"; fit tux 1 "$s"; done
# names: [avg-]<set>-<lw|s<shrinkage>>[-d<dimension>]: GeM p = 3 unless avg-; whitening fitted on <set>
# (wall: the wallpapers, tux: the rest of tuxpaint) with Ledoit-Wolf (lw) or the given shrinkage (1.0 = PCA only)
B=efficientnet-lite0-gem
for set in wall tux; do
  for s in lw 0.25 0.5 0.75 1.0; do
    tag=$([ "$s" = lw ] && echo lw || echo "s$s")
    variant "$set-$tag" $B gem 3 "$W/$set-p3-$tag.bin"
    variant "avg-$set-$tag" $B avg 1 "$W/$set-p1-$tag.bin"
  done
  for k in 512 256 128 64; do
    variant "$set-lw-d$k" $B gem 3 "$W/$set-p3-lw.bin" "$k"
    variant "$set-s1.0-d$k" $B gem 3 "$W/$set-p3-s1.0.bin" "$k"
    variant "avg-$set-s1.0-d$k" $B avg 1 "$W/$set-p1-s1.0.bin" "$k"
  done
done
# Lite2: average pooling and GeM p = 2 (its best p), each with PCA fitted on the wallpapers
fit wall 1 1.0 2; fit wall 2 1.0 2
variant lite2-avg-wall-s1.0 efficientnet-lite2-gem avg 1 "$W/lite2-wall-p1-s1.0.bin"
variant lite2-gem2-wall-s1.0 efficientnet-lite2-gem gem 2 "$W/lite2-wall-p2-s1.0.bin"
fit wall 3 1.0 2; variant lite2-gem3-wall-s1.0 efficientnet-lite2-gem gem 3 "$W/lite2-wall-p3-s1.0.bin"
# Lite1 (needs provision.sh --models efficientnet-lite1,efficientnet-lite1-gem): GeM p = 2 with PCA
fit wall 2 1.0 1; variant lite1-gem2-wall-s1.0 efficientnet-lite1-gem gem 2 "$W/lite1-wall-p2-s1.0.bin"
echo "variants in $G:"; ls "$G"
