#!/usr/bin/env python3
"""A plain numpy model of Pillow's NEAREST and BILINEAR resize for 8-bit images,
written from the behaviour described in docs/PARITY.md, and checked here to be
bit-exact against the installed Pillow on the golden photos and on many sizes.

It is the executable form of the facts the Java preprocessing must replicate:
if this model matches Pillow on every pixel, a Java port of it will too.

Usage: $CACHE/venv-golden/bin/python scripts/golden/pillow_resize_model.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

PRECISION_BITS = 32 - 8 - 2  # 22


def nearest(img: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    """Image.resize(size, NEAREST) with no box: Geometry.c ImagingScaleAffine.

    scale a0 = in_w / out_w (double). Source position of output column x is the
    running sum xo = a0*0.5 + a0 + a0 + ... (x times), accumulated in double by
    repeated addition (NOT (x+0.5)*a0), then truncated: xin = (int) xo.
    Rows likewise with a4 = in_h / out_h.
    """
    in_h, in_w = img.shape[:2]
    a0 = in_w / out_w
    a4 = in_h / out_h
    xs, xo = [], a0 * 0.5
    for _ in range(out_w):
        xs.append(int(xo))  # COORD(): (int) truncation, xo >= 0 here
        xo += a0
    ys, yo = [], a4 * 0.5
    for _ in range(out_h):
        ys.append(int(yo))
        yo += a4
    return img[np.asarray(ys)][:, np.asarray(xs)]


def _bilinear_filter(x: float) -> float:
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _coeffs(in_size: int, out_size: int):
    """Resample.c precompute_coeffs + normalize_coeffs_8bpc for the BILINEAR filter (support 1)."""
    scale = in_size / out_size                   # (in1 - in0) / outSize with box = (0, in_size)
    filterscale = max(scale, 1.0)                # downscaling widens the triangle
    support = 1.0 * filterscale
    ss = 1.0 / filterscale
    bounds, kernels = [], []
    for xx in range(out_size):
        center = 0.0 + (xx + 0.5) * scale
        xmin = int(center - support + 0.5)       # C (int): truncation toward zero
        if xmin < 0:
            xmin = 0
        xmax = int(center + support + 0.5)
        if xmax > in_size:
            xmax = in_size
        n = xmax - xmin
        w = [_bilinear_filter((x + xmin - center + 0.5) * ss) for x in range(n)]
        ww = 0.0
        for v in w:                              # summed left to right, in double
            ww += v
        if ww != 0.0:
            w = [v / ww for v in w]
        fixed = [int(0.5 + v * (1 << PRECISION_BITS)) if v >= 0 else int(-0.5 + v * (1 << PRECISION_BITS))
                 for v in w]
        bounds.append((xmin, n))
        kernels.append(fixed)
    return bounds, kernels


def _clip8(acc: np.ndarray) -> np.ndarray:
    return np.clip(acc >> PRECISION_BITS, 0, 255).astype(np.uint8)  # arithmetic shift, then clamp


def _pass_h(x: np.ndarray, out_w: int) -> np.ndarray:
    """Horizontal pass on an int64 (H, W, C) array -> uint8 (H, out_w, C)."""
    bounds, kernels = _coeffs(x.shape[1], out_w)
    out = np.empty((x.shape[0], out_w, x.shape[2]), np.uint8)
    for xx, ((xmin, n), k) in enumerate(zip(bounds, kernels)):
        acc = np.full((x.shape[0], x.shape[2]), 1 << (PRECISION_BITS - 1), np.int64)
        for i in range(n):
            acc += x[:, xmin + i, :] * k[i]
        out[:, xx, :] = _clip8(acc)
    return out


def _pass_v(x: np.ndarray, out_h: int) -> np.ndarray:
    """Vertical pass on an int64 (H, W, C) array -> uint8 (out_h, W, C)."""
    bounds, kernels = _coeffs(x.shape[0], out_h)
    out = np.empty((out_h, x.shape[1], x.shape[2]), np.uint8)
    for yy, ((ymin, n), k) in enumerate(zip(bounds, kernels)):
        acc = np.full((x.shape[1], x.shape[2]), 1 << (PRECISION_BITS - 1), np.int64)
        for i in range(n):
            acc += x[ymin + i, :, :] * k[i]
        out[yy, :, :] = _clip8(acc)
    return out


def vertical_first(in_w: int, in_h: int, out_w: int, out_h: int) -> bool:
    """Pass order of Pillow >= 13 (python-pillow/Pillow PR 9549, 'if height is scaled
    down significantly more than width, resize vertically first'). The rule below was
    determined by experiment against Pillow 13.0.0 (see main()); Pillow <= 12 always
    runs the horizontal pass first."""
    return out_w != in_w and out_h < in_h and (in_h - out_h) > 2 * (in_w - out_w)


def bilinear(img: np.ndarray, out_w: int, out_h: int, pillow13_order: bool = True) -> np.ndarray:
    """Image.resize(size, BILINEAR) with no box and no reducing_gap: Resample.c ImagingResample.

    Two separable passes, each writing an 8-bit image (rounded and clipped):
    normally horizontal first, then vertical (see vertical_first() for Pillow 13's
    exception). A pass is skipped when that dimension does not change.
    """
    in_h, in_w = img.shape[:2]
    x = img.astype(np.int64)
    if x.ndim == 2:
        x = x[:, :, None]
    if pillow13_order and vertical_first(in_w, in_h, out_w, out_h):
        x = _pass_v(x, out_h).astype(np.int64)
        x = _pass_h(x, out_w)
    else:
        if out_w != in_w:
            x = _pass_h(x, out_w).astype(np.int64)
        if out_h != in_h:
            x = _pass_v(x, out_h)
    x = x.astype(np.uint8)
    return x[:, :, 0] if img.ndim == 2 else x


def preset_from_model(rgb: np.ndarray, preset: str) -> np.ndarray:
    """The three golden presets from decoded RGB uint8 pixels, with the exact float32 recipe."""
    f32 = np.float32
    if preset.startswith("keras-"):
        x = nearest(rgb, 224, 224).astype(f32)                      # NHWC, RGB
        if preset == "keras-caffe":
            x = x[..., ::-1] - np.array([103.939, 116.779, 123.68], f32)  # BGR, float32 subtract
        else:
            x = (x / f32(255.0) - np.array([0.485, 0.456, 0.406], f32)) / np.array([0.229, 0.224, 0.225], f32)
        return x[None]
    h, w = rgb.shape[:2]
    if w <= h:
        nw, nh = 256, int(256 * h / w)
    else:
        nw, nh = int(256 * w / h), 256
    r = bilinear(rgb, nw, nh)
    top, left = int(round((nh - 224) / 2.0)), int(round((nw - 224) / 2.0))  # Python round: half to even
    c = r[top:top + 224, left:left + 224].astype(f32).transpose(2, 0, 1)
    mean = np.array([0.485, 0.456, 0.406], f32)[:, None, None]
    std = np.array([0.229, 0.224, 0.225], f32)[:, None, None]
    return ((c / f32(255.0) - mean) / std)[None]


def main() -> int:
    cache = Path(os.environ.get("IMAGESEARCH_CACHE", str(Path.home() / ".cache" / "imagesearch")))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_goldens import PHOTO_LIST  # noqa: E402

    rng = np.random.default_rng(7)
    checks = failures = 0
    for rel in PHOTO_LIST:
        with Image.open(cache / "photos" / rel) as im:
            rgb = im.convert("RGB")
        a = np.asarray(rgb)
        w, h = rgb.size
        short, long_ = min(w, h), max(w, h)
        tv = (256, int(256 * long_ / short)) if w <= h else (int(256 * long_ / short), 256)
        sizes = [(224, 224), tv] + [tuple(int(v) for v in rng.integers(7, 900, 2)) for _ in range(6)]
        for sz in sizes:
            for name, model, flt in (("NEAREST", nearest, Image.Resampling.NEAREST),
                                     ("BILINEAR", bilinear, Image.Resampling.BILINEAR)):
                ref = np.asarray(rgb.resize(sz, flt))
                got = model(a, *sz)
                checks += 1
                if not np.array_equal(ref, got):
                    failures += 1
                    d = np.abs(ref.astype(int) - got.astype(int))
                    print(f"MISMATCH {rel} {name} {sz}: {np.count_nonzero(d)} values differ, max {d.max()}")
    # synthetic noise images (no third-party content): many shapes, up- and downscaling,
    # including the tall cases where Pillow 13 runs the vertical pass first
    for t in range(300):
        w, h = (int(v) for v in rng.integers(2, 200, 2))
        sz = tuple(int(v) for v in rng.integers(1, 400, 2))
        if t % 3 == 0:  # force the vertical-first case
            sz = (max(1, w - int(rng.integers(0, 5))), max(1, h // 4))
        a = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img = Image.fromarray(a)
        for name, model, flt in (("NEAREST", nearest, Image.Resampling.NEAREST),
                                 ("BILINEAR", bilinear, Image.Resampling.BILINEAR)):
            ref = np.asarray(img.resize(sz, flt))
            checks += 1
            if not np.array_equal(ref, model(a, *sz)):
                failures += 1
                print(f"MISMATCH noise {w}x{h} {name} {sz}")
    # whole presets vs the full reference tensors written by make_goldens.py --full
    full = cache / "golden-full"
    for rel in PHOTO_LIST:
        with Image.open(cache / "photos" / rel) as im:
            rgb = np.asarray(im.convert("RGB"))
        for preset in ("keras-caffe", "keras-torch", "torchvision-imagenet"):
            f = full / f"{preset}__{Path(rel).stem}.f32"
            if not f.exists():
                print(f"skip {f.name} (run make_goldens.py --full first)")
                continue
            ref = np.fromfile(f, dtype="<f4")
            got = preset_from_model(rgb, preset).reshape(-1)
            checks += 1
            if not np.array_equal(ref, got):
                d = np.abs(ref - got)
                print(f"MISMATCH preset {preset} {rel}: {np.count_nonzero(d)} differ, max {d.max():.3g}")
                failures += 1
    print(f"pillow_resize_model: {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
