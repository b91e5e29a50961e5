#!/usr/bin/env python3
"""Dump the FULL reference tensors (not committed) for a local element-by-element test.

Writes $CACHE/golden-full/<preset>__<photo-stem>.f32: raw float32, little-endian,
C order, shape as in the matching golden JSON ([1,224,224,3] NHWC for keras-*,
[1,3,224,224] NCHW for torchvision-imagenet), plus a small .json sidecar.
CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}. Same computation as
make_goldens.py (this is `make_goldens.py --full-only`).
"""
import subprocess
import sys
from pathlib import Path

sys.exit(subprocess.call([sys.executable, str(Path(__file__).with_name("make_goldens.py")), "--full-only",
                          *sys.argv[1:]]))
