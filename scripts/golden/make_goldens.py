#!/usr/bin/env python3
"""Generate golden parity files for the Java image preprocessing presets.

The reference tensors are computed with the real reference libraries
(tf-keras, torchvision, Pillow) on real photos fetched by
scripts/photos/fetch.sh. Because a full 224x224 tensor of a third-party photo
would amount to a copy of the photo, each committed golden file only holds
metadata, the per-channel mean/std of the whole tensor and a seeded random
sample of element positions with their reference values.

Usage (see scripts/golden/README.md):
  $CACHE/venv-golden/bin/python scripts/golden/make_goldens.py            # write JSON goldens
  $CACHE/venv-golden/bin/python scripts/golden/make_goldens.py --check    # compare with committed ones
  $CACHE/venv-golden/bin/python scripts/golden/make_goldens.py --full     # also dump full tensors
where CACHE=${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import Image, features  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("IMAGESEARCH_CACHE", str(Path.home() / ".cache" / "imagesearch")))
PHOTOS = CACHE / "photos"
GOLDEN_DIR = REPO / "onnx-embedder" / "src" / "test" / "resources" / "golden"
FULL_DIR = CACHE / "golden-full"

SEED = 12345
N_SAMPLES = 8192
COMMAND = ("scripts/photos/fetch.sh && "
           "${IMAGESEARCH_CACHE:-$HOME/.cache/imagesearch}/venv-golden/bin/python "
           "scripts/golden/make_goldens.py")

# Photos, relative to $CACHE/photos. None has an EXIF orientation other than 1
# (checked below): the reference pipelines ignore EXIF.
PHOTO_LIST = [
    "skimage/astronaut.png",                 # PNG RGB 512x512
    "skimage/chelsea.png",                   # PNG RGB 451x300 (eXIf orientation=1)
    "skimage/coffee.png",                    # PNG RGB 600x400
    "skimage/camera.png",                    # PNG grayscale (L) 512x512
    "skimage/rocket.jpg",                    # JPEG 640x427, no EXIF
    "darknet/dog.jpg",                       # JPEG 768x576
    "opencv/squirrel_cls.jpg",               # JPEG 535x426
    "opencv/left01.jpg",                     # JPEG grayscale (L) 640x480
    "palapeli/panther-chameleon-female.jpg", # JPEG portrait 1306x1530, large downscale
]

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


# --------------------------------------------------------------------------- presets

def preset_keras_caffe(path: Path) -> np.ndarray:
    from tf_keras.utils import img_to_array, load_img
    from tf_keras.applications.imagenet_utils import preprocess_input
    img = load_img(str(path), target_size=(224, 224))  # interpolation='nearest', color_mode='rgb'
    x = img_to_array(img)[None]  # float32 NHWC
    return preprocess_input(x, mode="caffe")


def preset_keras_torch(path: Path) -> np.ndarray:
    from tf_keras.utils import img_to_array, load_img
    from tf_keras.applications.imagenet_utils import preprocess_input
    img = load_img(str(path), target_size=(224, 224))
    x = img_to_array(img)[None]
    return preprocess_input(x, mode="torch")


def preset_torchvision_imagenet(path: Path) -> np.ndarray:
    from torchvision import transforms as T
    tf = T.Compose([
        T.Resize(256),          # InterpolationMode.BILINEAR, PIL path -> Image.resize(BILINEAR)
        T.CenterCrop(224),
        T.ToTensor(),
        T.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])
    with Image.open(path) as im:
        img = im.convert("RGB")
    return tf(img).unsqueeze(0).numpy()


PRESETS = {
    "keras-caffe": dict(
        fn=preset_keras_caffe, layout="NHWC", shape=[1, 224, 224, 3],
        reference="tf-keras load_img(target_size=(224,224), interpolation='nearest') "
                  "+ img_to_array + imagenet_utils.preprocess_input(mode='caffe')"),
    "keras-torch": dict(
        fn=preset_keras_torch, layout="NHWC", shape=[1, 224, 224, 3],
        reference="tf-keras load_img(target_size=(224,224), interpolation='nearest') "
                  "+ img_to_array + imagenet_utils.preprocess_input(mode='torch')"),
    "torchvision-imagenet": dict(
        fn=preset_torchvision_imagenet, layout="NCHW", shape=[1, 3, 224, 224],
        reference="PIL open+convert('RGB') + torchvision Resize(256) [bilinear, PIL] "
                  "+ CenterCrop(224) + ToTensor + Normalize(imagenet mean/std)"),
}


# --------------------------------------------------------------------------- helpers

def library_versions() -> dict:
    # from package metadata: tensorflow and torch are never imported in one process
    # (both bundle LLVM; importing both aborts with "registered more than once")
    from importlib.metadata import version
    return {
        "tf-keras": version("tf_keras"),
        "tensorflow": version("tensorflow"),
        "torch": version("torch"),
        "torchvision": version("torchvision"),
        "pillow": PIL.__version__,
        "libjpeg-turbo": features.version_feature("libjpeg_turbo"),
        "libjpeg-api": features.version("jpg"),
        "zlib": features.version("zlib"),
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def photo_info(path: Path) -> dict:
    with Image.open(path) as im:
        info = {"photoFormat": im.format, "photoMode": im.mode, "photoSize": list(im.size)}
        orientation = im.getexif().get(0x0112)
        if orientation not in (None, 1):
            raise SystemExit(f"{path}: EXIF orientation {orientation}: not usable for goldens")
        info["exifOrientation"] = orientation
        if im.format == "JPEG":
            # per-component sampling factors HxV, e.g. "2x2,1x1,1x1" = 4:2:0;
            # "1x2,1x1,1x1" = 4:4:0 (chroma halved vertically only)
            layers = getattr(im, "layer", [])
            info["jpegSampling"] = ",".join(f"{h}x{v}" for _, h, v, _ in layers)
            info["jpegSubsampling"] = {
                "1x1": "grayscale", "1x1,1x1,1x1": "4:4:4", "2x1,1x1,1x1": "4:2:2",
                "2x2,1x1,1x1": "4:2:0", "1x2,1x1,1x1": "4:4:0"}.get(info["jpegSampling"], "other")
            info["jpegProgressive"] = bool(im.info.get("progressive", 0))
    return info


def torchvision_geometry(size: tuple[int, int]) -> dict:
    """Resize(256) output size and CenterCrop(224) offsets, as torchvision computes them."""
    from torchvision.transforms.functional import _compute_resized_output_size
    w, h = size
    new_h, new_w = _compute_resized_output_size((h, w), [256])
    top = int(round((new_h - 224) / 2.0))
    left = int(round((new_w - 224) / 2.0))
    return {"resizedSize": [new_w, new_h], "cropLeftTop": [left, top]}


def channel_axis(layout: str) -> int:
    return 3 if layout == "NHWC" else 1


def f32_str(v: np.float32) -> str:
    # shortest decimal that round-trips to the same float32
    return np.format_float_positional(np.float32(v), unique=True, trim="-") if abs(v) >= 1e-4 or v == 0 \
        else np.format_float_scientific(np.float32(v), unique=True, trim="-")


def golden_for(preset: str, rel: str, x: np.ndarray, versions: dict, geometry: dict) -> dict:
    spec = PRESETS[preset]
    assert x.dtype == np.float32, x.dtype
    assert list(x.shape) == spec["shape"], (x.shape, spec["shape"])
    ax = channel_axis(spec["layout"])
    other = tuple(a for a in range(4) if a != ax)
    x64 = x.astype(np.float64)
    flat = x.reshape(-1)
    rng = np.random.default_rng(SEED)
    idx = np.sort(rng.choice(flat.size, size=N_SAMPLES, replace=False))
    path = PHOTOS / rel
    g = {
        "generator": "scripts/golden/make_goldens.py",
        "command": COMMAND,
        "preset": preset,
        "reference": spec["reference"],
        "libraries": versions,
        "photo": rel,
        "photoSha256": sha256(path),
        **photo_info(path),
    }
    if preset == "torchvision-imagenet":
        g.update(geometry[rel])
    g.update({
        "shape": spec["shape"],
        "layout": spec["layout"],
        "dtype": "float32",
        "tolerance": 1e-3,
        "channelMean": [float(v) for v in x64.mean(axis=other)],
        "channelStd": [float(v) for v in x64.std(axis=other)],  # population std (ddof=0)
        "fullTensorSha256": hashlib.sha256(flat.astype("<f4").tobytes()).hexdigest(),
        "seed": SEED,
        "sampler": f"np.sort(np.random.default_rng({SEED}).choice({flat.size}, size={N_SAMPLES}, replace=False))",
        "indices": [int(i) for i in idx],
        "values": [flat[i] for i in idx],
    })
    return g


def dump_json(g: dict) -> str:
    """Pretty header, but indices and values each on one line (values as shortest float32 decimals)."""
    head = dict(g)
    head["indices"] = "@INDICES@"
    head["values"] = "@VALUES@"
    text = json.dumps(head, indent=1)
    text = text.replace('"@INDICES@"', "[" + ",".join(str(i) for i in g["indices"]) + "]")
    text = text.replace('"@VALUES@"', "[" + ",".join(f32_str(v) for v in g["values"]) + "]")
    return text + "\n"


WORKERS = {"keras": ["keras-caffe", "keras-torch"], "torch": ["torchvision-imagenet"]}


def run_worker(kind: str, tmp: Path) -> None:
    """Compute the presets of one library family in this process; save .npy files to tmp."""
    geometry = {}
    for rel in PHOTO_LIST:
        path = PHOTOS / rel
        for preset in WORKERS[kind]:
            x = np.ascontiguousarray(PRESETS[preset]["fn"](path), dtype=np.float32)
            np.save(tmp / f"{golden_name(preset, rel)}.npy", x)
        if kind == "torch":
            with Image.open(path) as im:
                geometry[rel] = torchvision_geometry(im.size)
    if kind == "torch":
        (tmp / "geometry.json").write_text(json.dumps(geometry))


def compute_all(photos: list[str]) -> tuple[dict, dict]:
    import subprocess
    import tempfile
    for rel in photos:
        if not (PHOTOS / rel).is_file():
            raise SystemExit(f"missing photo {PHOTOS / rel}: run scripts/photos/fetch.sh first")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for kind in WORKERS:
            subprocess.run([sys.executable, __file__, "--worker", kind, "--tmp", str(tmp)], check=True)
        tensors = {(preset, rel): np.load(tmp / f"{golden_name(preset, rel)}.npy")
                   for rel in photos for preset in PRESETS}
        geometry = json.loads((tmp / "geometry.json").read_text())
    return tensors, geometry


def golden_name(preset: str, rel: str) -> str:
    return f"{preset}__{Path(rel).stem}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=GOLDEN_DIR, help="golden JSON folder (default: %(default)s)")
    ap.add_argument("--full", action="store_true",
                    help=f"also write full tensors as raw float32 LE C-order to {FULL_DIR}/<preset>__<stem>.f32")
    ap.add_argument("--full-only", action="store_true", help="only write the full tensors")
    ap.add_argument("--check", action="store_true",
                    help="recompute and compare with the committed goldens (exit 1 on mismatch)")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        run_worker(args.worker, args.tmp)
        return 0

    versions = library_versions()
    tensors, geometry = compute_all(PHOTO_LIST)
    failures = 0
    if args.full or args.full_only:
        FULL_DIR.mkdir(parents=True, exist_ok=True)
    if not args.full_only and not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
    for (preset, rel), x in tensors.items():
        name = golden_name(preset, rel)
        if args.full or args.full_only:
            p = FULL_DIR / f"{name}.f32"
            p.write_bytes(x.astype("<f4").tobytes())
            (FULL_DIR / f"{name}.json").write_text(json.dumps(
                {"photo": rel, "preset": preset, "shape": PRESETS[preset]["shape"],
                 "layout": PRESETS[preset]["layout"], "dtype": "float32-le"}) + "\n")
            print(f"full  {p}")
        if args.full_only:
            continue
        g = golden_for(preset, rel, x, versions, geometry)
        text = dump_json(g)
        target = args.out / f"{name}.json"
        if args.check:
            old = json.loads(target.read_text())
            ok = (old["photoSha256"] == g["photoSha256"] and old["indices"] == g["indices"]
                  and np.array_equal(np.asarray(old["values"], dtype=np.float32), np.asarray(g["values"], dtype=np.float32))
                  and old["fullTensorSha256"] == g["fullTensorSha256"])
            print(f"{'ok  ' if ok else 'DIFF'}  {target.name}")
            failures += 0 if ok else 1
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
                  f"  mean={np.round(g['channelMean'], 4).tolist()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
