#!/usr/bin/env bash
# Fetch real photos from Debian packages into a cache outside the repository.
#
# Usage: scripts/photos/fetch.sh [--labelled] [--wallpapers] [--whitening] [--help]
#
#   --labelled  also fetch tuxpaint-stamps-default (~160 MB .deb): photo stamps
#               (PNG cut-outs with transparency) in category folders, a labelled
#               set for retrieval evaluation.
#   --wallpapers also fetch desktop wallpapers (ukui-wallpapers, lomiri-wallpapers-20.04,
#               mate-backgrounds; ~80 MB of .debs, CC-BY(-SA) / GPL-2+): more real photos
#               for the duplicates development set (scripts/eval/build.sh --dupes).
#   --whitening the --wallpapers photos plus lomiri-wallpapers-16.04 and
#               plasma-workspace-wallpapers (~110 MB of .debs; one image per Plasma
#               wallpaper): the unlabelled collection that learned whitening is fitted on
#               (scripts/models/fit_whitening.py); in neither evaluation set.
#
# Cache root: ${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}
#   debs/                      downloaded .deb files (never installed, only dpkg-deb -x)
#   photos/<dir>/              extracted photos, flattened per package, original names
#                              (dir: skimage, opencv, darknet, kphotoalbum, palapeli,
#                              with --labelled tuxpaint/<category>/..., with --wallpapers
#                              wallpapers-{ukui,lomiri,mate}/<subfolder>-<file>, with
#                              --whitening also wallpapers-{lomiri1604,plasma}/)
#   photos/<dir>/copyright     the package's Debian copyright file
#   photos/<dir>/.source       which .deb the folder was made from (cache stamp)
#   photos/sample/             curated demo set (hardlinks), <dir>-<file>, list in
#                              scripts/photos/sample.txt
#   photos/MANIFEST.txt        one line per sample file: path sha256 package version licence
#   labels/classification_classes_ILSVRC2012.txt   1000 ImageNet class names (opencv-doc)
#
# Idempotent: a package whose .deb is cached and whose photo folder was made from
# that same .deb is not downloaded or extracted again. Works from nothing on a
# fresh Debian machine (needs apt-get and dpkg-deb; 'apt-get update' is run only
# when 'apt-get download' cannot find a package). Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAMPLE_LIST="$HERE/sample.txt"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
DEBS="$CACHE/debs"
PHOTOS="$CACHE/photos"
LABELS="$CACHE/labels"

LABELLED=0
WALLPAPERS=0
WHITENING=0
for arg in "$@"; do
  case "$arg" in
    --labelled) LABELLED=1 ;;
    --wallpapers) WALLPAPERS=1 ;;
    --whitening) WALLPAPERS=1; WHITENING=1 ;;
    -h|--help) sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

die() { echo "fetch.sh: ERROR: $*" >&2; exit 1; }
log() { echo "fetch.sh: $*"; }

for tool in apt-get dpkg-deb sha256sum find; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: this script needs a Debian-based machine"
done
[ -f "$SAMPLE_LIST" ] || die "sample list $SAMPLE_LIST is missing"

# Debian package -> folder name under photos/
PACKAGES=(python3-skimage opencv-doc darknet kphotoalbum palapeli-data)
[ "$LABELLED" = 1 ] && PACKAGES+=(tuxpaint-stamps-default)
[ "$WALLPAPERS" = 1 ] && PACKAGES+=(ukui-wallpapers lomiri-wallpapers-20.04 mate-backgrounds)
[ "$WHITENING" = 1 ] && PACKAGES+=(lomiri-wallpapers-16.04 plasma-workspace-wallpapers)
dir_of() {
  case "$1" in
    python3-skimage) echo skimage ;;
    opencv-doc) echo opencv ;;
    darknet) echo darknet ;;
    kphotoalbum) echo kphotoalbum ;;
    palapeli-data) echo palapeli ;;
    tuxpaint-stamps-default) echo tuxpaint ;;
    ukui-wallpapers) echo wallpapers-ukui ;;
    lomiri-wallpapers-20.04) echo wallpapers-lomiri ;;
    mate-backgrounds) echo wallpapers-mate ;;
    lomiri-wallpapers-16.04) echo wallpapers-lomiri1604 ;;
    plasma-workspace-wallpapers) echo wallpapers-plasma ;;
    *) die "no folder name for package $1" ;;
  esac
}

mkdir -p "$DEBS" "$PHOTOS" "$LABELS"
EXTRACT_TMP=""
trap '[ -n "$EXTRACT_TMP" ] && rm -rf "$EXTRACT_TMP"; rm -rf "$PHOTOS/sample.new" "$PHOTOS/MANIFEST.txt.new"' EXIT

# newest cached .deb of a package (empty if none)
cached_deb() { ls -t "$DEBS/$1"_*.deb 2>/dev/null | head -n 1 || true; }

APT_UPDATED=0
download_deb() {
  local pkg="$1"
  log "downloading $pkg"
  if ! (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null 2>"$DEBS/.apt-err"); then
    if [ "$APT_UPDATED" = 0 ]; then
      log "apt-get download $pkg failed ($(tail -n 1 "$DEBS/.apt-err")); running apt-get update once"
      apt-get -q update >/dev/null || die "apt-get update failed (are you root? is the Debian archive reachable?)"
      APT_UPDATED=1
      (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null 2>"$DEBS/.apt-err") \
        || die "apt-get download $pkg failed after apt-get update: $(tail -n 1 "$DEBS/.apt-err")"
    else
      die "apt-get download $pkg failed: $(tail -n 1 "$DEBS/.apt-err")"
    fi
  fi
  rm -f "$DEBS/.apt-err"
}

# copy files matching find(1) predicates from SRC (maxdepth 1) into DST
copy_flat() {
  local src="$1" dst="$2"; shift 2
  [ -d "$src" ] || die "expected folder $src is not in the package (package layout changed?)"
  find "$src" -maxdepth 1 -type f \( "$@" \) -exec cp -p -t "$dst" {} +
}

# extract one package's photos from its .deb into photos/<dir>/ (atomically)
extract_photos() {
  local pkg="$1" deb="$2" dir; dir="$(dir_of "$pkg")"
  local tmp; tmp="$(mktemp -d "$CACHE/.extract.XXXXXX")"
  EXTRACT_TMP="$tmp"
  dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed (corrupt download? delete it and rerun)"
  local out="$tmp/out"; mkdir -p "$out"
  local r="$tmp/root"
  case "$pkg" in
    python3-skimage)
      local d; d="$(find "$r" -type d -path '*/skimage/data' | head -n 1)"
      [ -n "$d" ] || die "skimage/data folder not found in $deb"
      copy_flat "$d" "$out" -name '*.png' -o -name '*.jpg'
      rm -f "$out/truncated.jpg"   # deliberately truncated test file, not a usable photo
      ;;
    opencv-doc)
      local d="$r/usr/share/doc/opencv-doc/examples/data"
      copy_flat "$d" "$out" -name '*.jpg' -o -name '*.png'
      if [ -f "$d/dnn/classification_classes_ILSVRC2012.txt" ]; then
        cp "$d/dnn/classification_classes_ILSVRC2012.txt" "$out/"
      elif [ -f "$d/dnn/classification_classes_ILSVRC2012.txt.gz" ]; then
        gzip -dc "$d/dnn/classification_classes_ILSVRC2012.txt.gz" > "$out/classification_classes_ILSVRC2012.txt"
      else
        die "classification_classes_ILSVRC2012.txt not found in $deb"
      fi
      ;;
    darknet)
      copy_flat "$r/usr/share/darknet/data" "$out" -name '*.jpg'
      ;;
    kphotoalbum)
      # index.xml holds the demo database; its angle="..." attributes (not EXIF)
      # say which demo photos the application shows rotated.
      copy_flat "$r/usr/share/kphotoalbum/demo" "$out" -name '*.jpg' -o -name 'index.xml'
      ;;
    palapeli-data)
      # the .desktop files carry author and licence of each puzzle photo
      copy_flat "$r/usr/share/palapeli/collection" "$out" -name '*.jpg' -o -name '*.desktop'
      ;;
    tuxpaint-stamps-default)
      local s="$r/usr/share/tuxpaint/stamps"
      [ -d "$s" ] || die "stamps folder not found in $deb"
      # photo stamps only: skip cartoons, symbols (letters, signs), toys, plastic
      (cd "$s" && find . -type f -name '*.png' \
          ! -path '*/cartoon/*' ! -path './symbols/*' ! -path '*/toys/*' ! -path '*/plastic/*' \
          -exec cp -p --parents -t "$out" {} +)
      ;;
    plasma-workspace-wallpapers)
      local s="$r/usr/share/wallpapers" w f
      [ -d "$s" ] || die "wallpapers folder not found in $deb"
      # each wallpaper comes in several resolutions: keep one, the largest (version sort of WxH names)
      for w in "$s"/*/; do
        f="$(find "$w" -path '*/contents/images/*' -type f \( -name '*.jpg' -o -name '*.png' \) | sort -V | tail -n 1)"
        [ -n "$f" ] && cp -p "$f" "$out/$(basename "$w")-$(basename "$f")"
      done
      ;;
    ukui-wallpapers|lomiri-wallpapers-20.04|lomiri-wallpapers-16.04|mate-backgrounds)
      local s="$r/usr/share/backgrounds" f rel
      [ -d "$s" ] || die "backgrounds folder not found in $deb"
      # flattened: mate/nature/Dune.jpg -> mate-nature-Dune.jpg
      while IFS= read -r -d '' f; do
        rel="${f#"$s"/}"; cp -p "$f" "$out/${rel//\//-}"
      done < <(find "$s" -type f \( -name '*.jpg' -o -name '*.png' \) -print0)
      ;;
  esac
  local copyright="$r/usr/share/doc/$pkg/copyright"
  [ -f "$copyright" ] && cp "$copyright" "$out/copyright"
  basename "$deb" > "$out/.source"
  rm -rf "$PHOTOS/$dir.old"
  [ -d "$PHOTOS/$dir" ] && mv "$PHOTOS/$dir" "$PHOTOS/$dir.old"
  mv "$out" "$PHOTOS/$dir"
  rm -rf "$PHOTOS/$dir.old" "$tmp"
  EXTRACT_TMP=""
  if [ "$pkg" = opencv-doc ]; then
    cp "$PHOTOS/$dir/classification_classes_ILSVRC2012.txt" "$LABELS/"
  fi
}

declare -A VERSION
for pkg in "${PACKAGES[@]}"; do
  dir="$(dir_of "$pkg")"
  deb="$(cached_deb "$pkg")"
  if [ -z "$deb" ]; then
    download_deb "$pkg"
    deb="$(cached_deb "$pkg")"
    [ -n "$deb" ] || die "apt-get download $pkg reported success but no $DEBS/${pkg}_*.deb exists"
  else
    log "$pkg: using cached $(basename "$deb")"
  fi
  VERSION[$pkg]="$(dpkg-deb -f "$deb" Version)" || die "cannot read version of $deb (corrupt? delete it and rerun)"
  if [ -f "$PHOTOS/$dir/.source" ] && [ "$(cat "$PHOTOS/$dir/.source")" = "$(basename "$deb")" ]; then
    log "$pkg: photos/$dir already extracted from this .deb"
  else
    log "$pkg ${VERSION[$pkg]}: extracting photos to $PHOTOS/$dir"
    extract_photos "$pkg" "$deb"
  fi
done

# ---- curated sample ----------------------------------------------------------
pkg_of_dir() {
  local p; for p in python3-skimage opencv-doc darknet kphotoalbum palapeli-data tuxpaint-stamps-default; do
    [ "$(dir_of "$p")" = "$1" ] && { echo "$p"; return; }
  done
  die "sample.txt names unknown package folder '$1'"
}

missing=()
entries=()
while IFS=$'\t' read -r rel licence; do
  case "$rel" in ''|'#'*) continue ;; esac
  [ -n "${licence:-}" ] || die "sample.txt line '$rel' has no licence column"
  if [ ! -f "$PHOTOS/$rel" ]; then missing+=("$rel"); continue; fi
  entries+=("$rel"$'\t'"$licence")
done < "$SAMPLE_LIST"
if [ "${#missing[@]}" -gt 0 ]; then
  for rel in "${missing[@]}"; do
    p="$(pkg_of_dir "${rel%%/*}")"
    echo "fetch.sh: ERROR: sample file $rel is missing from $p ${VERSION[$p]:-?} (package version changed? update scripts/photos/sample.txt)" >&2
  done
  exit 1
fi

SAMPLE="$PHOTOS/sample"
rm -rf "$SAMPLE.new"; mkdir -p "$SAMPLE.new"
manifest="$PHOTOS/MANIFEST.txt.new"
printf '# path\tsha256\tpackage\tversion\tlicence\n' > "$manifest"
for e in "${entries[@]}"; do
  rel="${e%%$'\t'*}"; licence="${e#*$'\t'}"
  dir="${rel%%/*}"; file="${rel#*/}"
  pkg="$(pkg_of_dir "$dir")"
  name="$dir-${file//\//_}"
  ln -f "$PHOTOS/$rel" "$SAMPLE.new/$name" 2>/dev/null || cp -p "$PHOTOS/$rel" "$SAMPLE.new/$name"
  sum="$(sha256sum "$PHOTOS/$rel" | cut -d' ' -f1)"
  printf 'sample/%s\t%s\t%s\t%s\t%s\n' "$name" "$sum" "$pkg" "${VERSION[$pkg]}" "$licence" >> "$manifest"
done
rm -rf "$SAMPLE"; mv "$SAMPLE.new" "$SAMPLE"
mv "$manifest" "$PHOTOS/MANIFEST.txt"

# ---- summary -----------------------------------------------------------------
log "cache: $CACHE"
for pkg in "${PACKAGES[@]}"; do
  dir="$(dir_of "$pkg")"
  n="$(find "$PHOTOS/$dir" -type f \( -name '*.jpg' -o -name '*.png' \) | wc -l)"
  printf 'fetch.sh:   %-24s %-28s %4d images in photos/%s\n' "$pkg" "${VERSION[$pkg]}" "$n" "$dir"
done
if [ "$LABELLED" = 1 ]; then
  ncat="$(find "$PHOTOS/tuxpaint" -type f -name '*.png' -printf '%h\n' | sort -u | wc -l)"
  log "  tuxpaint categories (folders with photo stamps): $ncat"
fi
log "  sample: ${#entries[@]} photos in photos/sample, manifest photos/MANIFEST.txt"
log "  ImageNet class names: labels/classification_classes_ILSVRC2012.txt"
