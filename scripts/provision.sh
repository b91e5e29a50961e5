#!/usr/bin/env bash
# Provisions everything the demo and the tests need, into ${IMAGESEARCH_CACHE:-~/.cache/imagesearch}:
# the pretrained ONNX models (scripts/models/provision.sh) and the real sample photos
# (scripts/photos/fetch.sh). Idempotent and quick on a warm cache. Nothing lands in the repository.
#
# Usage: scripts/provision.sh [--labelled]   (--labelled also fetches the labelled evaluation photos)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PHOTO_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --labelled) PHOTO_ARGS+=(--labelled) ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "provision.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
echo "== photos"
bash "$HERE/photos/fetch.sh" "${PHOTO_ARGS[@]}"
echo "== models"
bash "$HERE/models/provision.sh"
