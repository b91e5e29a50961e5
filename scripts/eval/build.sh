#!/usr/bin/env bash
# Build the evaluation data sets (offline once the photos are fetched; deterministic, seeded).
#
# Usage: scripts/eval/build.sh [--dupes] [--seed N] [--force] [--help]
#
#   labelled:  <cache>/eval/labelled/<category>/*.jpg   tuxpaint photo stamps, flattened
#              on white, one folder per category (label = folder)
#   neardup:   <cache>/eval/neardup/originals/          the 43 sample photos, as they are
#              <cache>/eval/neardup/queries/<transform>/ transformed copies (10 per original)
#              <cache>/eval/neardup/distractors/        40 photos with no original
#              <cache>/eval/neardup/manifest.tsv        query<TAB>original|-<TAB>transform
#   --dupes:   only the duplicates set (needs scripts/photos/fetch.sh --labelled --wallpapers):
#              <cache>/eval/dupes/originals/            ~330 photos of similar subjects
#              <cache>/eval/dupes/copies/<transform>/   transformed copies of ~60 % of them
#              <cache>/eval/dupes/manifest.tsv          image<TAB>group<TAB>transform
#
# Needs the photos: scripts/photos/fetch.sh --labelled (from Debian packages).
# Python 3 + venv; Pillow pinned in scripts/eval/requirements.txt, installed
# into <cache>/venv-eval (recreated when the requirements change).
# Cache root: ${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}. Never writes to the repository.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}"
VENV="$CACHE/venv-eval"
case "${1:-}" in -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

[ -d "$CACHE/photos/sample" ] || { echo "build.sh: no $CACHE/photos/sample: run scripts/photos/fetch.sh --labelled" >&2; exit 1; }
[ -d "$CACHE/photos/tuxpaint" ] || { echo "build.sh: no $CACHE/photos/tuxpaint: run scripts/photos/fetch.sh --labelled" >&2; exit 1; }

REQ_SUM="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$REQ_SUM" ]; then
  echo "build.sh: creating $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
  echo "$REQ_SUM" > "$VENV/.requirements"
fi
if [ "${1:-}" = --dupes ]; then
  shift
  exec "$VENV/bin/python" "$HERE/build_dupes.py" --cache "$CACHE" "$@"
fi
exec "$VENV/bin/python" "$HERE/build_datasets.py" --cache "$CACHE" "$@"
