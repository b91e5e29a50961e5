"""Static INT8 quantisation of an fp32 ONNX image model with ONNX Runtime's tools.

QDQ format, per-channel symmetric INT8 weights, UINT8 activations, MinMax ranges
calibrated on images preprocessed exactly as the model's preset
(verify.PRESETS): the photos of a folder, or the first N images of each class
of the Fashion-MNIST test set (Debian dataset-fashion-mnist), which is in no
evaluation set of docs/EVALUATION.md. Global average pooling and the classifier stay in
float32, so the features keep their full resolution (an INT8 pooling output
would round every feature to one of 256 levels) and only the convolutions run
in INT8.

Reproducible: the calibration photos are read in sorted order, ONNX Runtime's
graph optimisation is skipped, and each calibrated range is widened to a
coarse grid (4 significant bits) so that the last-bit differences of float
arithmetic between CPUs cannot change the scales; the result is serialised
deterministically.

Usage: quantize_int8.py --model fp32.onnx --preset NAME --out int8.onnx
                        (--calibration DIR | --fashion-mnist DIR [--per-class 10])
Prints the sha256 of the written file.
"""
import argparse
import gzip
import importlib
import io
import math
import os
import sys
import tempfile

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType
from onnxruntime.quantization.shape_inference import quant_pre_process
from PIL import Image

from onnx_common import save_deterministic
from verify import preprocess

# the module (the package exports a function of the same name)
ort_quantize = importlib.import_module("onnxruntime.quantization.quantize")

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
GRID_BITS = 4
# nodes left in float32 (names of the graphs build_efficientnet_lite.py writes)
FLOAT_NODES = ["head.pool", "features", "logits"]


def calibration_photos(folder):
    photos = []
    for root, _, files in os.walk(folder):
        for f in files:
            if f.lower().endswith(IMAGE_SUFFIXES):
                photos.append(os.path.join(root, f))
    photos.sort(key=lambda p: os.path.relpath(p, folder))
    if not photos:
        raise SystemExit("quantize_int8: no calibration photos in %s" % folder)
    return photos


def fashion_mnist(folder, per_class):
    """The first per_class images of each of the 10 classes of t10k-images-idx3-ubyte.gz, as PNG bytes."""
    with gzip.open(os.path.join(folder, "t10k-images-idx3-ubyte.gz")) as fh:
        raw = fh.read()
    with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")) as fh:
        labels = fh.read()
    if raw[:4] != b"\x00\x00\x08\x03" or labels[:4] != b"\x00\x00\x08\x01":
        raise SystemExit("quantize_int8: %s does not hold Fashion-MNIST IDX files" % folder)
    n, rows, cols = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(n, rows, cols)
    taken, out = {}, []
    for i, label in enumerate(labels[8:]):
        if taken.get(label, 0) < per_class:
            taken[label] = taken.get(label, 0) + 1
            buf = io.BytesIO()
            Image.fromarray(images[i]).save(buf, "PNG")
            out.append(io.BytesIO(buf.getvalue()))
    return out


class PhotoReader(CalibrationDataReader):
    """One preprocessed photo (a path or PNG bytes) per calibration batch (NCHW)."""

    def __init__(self, photos, preset, input_name):
        self.photos = photos
        self.preset = preset
        self.input_name = input_name
        self.i = 0

    def get_next(self):
        if self.i >= len(self.photos):
            return None
        photo = self.photos[self.i]
        if isinstance(photo, io.BytesIO):
            photo.seek(0)
        x = preprocess(photo, self.preset)[None].transpose(0, 3, 1, 2)
        self.i += 1
        return {self.input_name: np.ascontiguousarray(x, dtype=np.float32)}


def widen(v, up):
    """v rounded away from zero's inside (up: towards +inf, else -inf) to GRID_BITS significant bits."""
    v = float(v)
    if v == 0.0 or not math.isfinite(v):
        return np.float32(v)
    step = 2.0 ** (math.floor(math.log2(abs(v))) - GRID_BITS)
    return np.float32((math.ceil(v / step) if up else math.floor(v / step)) * step)


def coarse_calibrator(create):
    """Wraps create_calibrator so that every computed range is widened to the grid."""

    def wrapped(*args, **kwargs):
        cal = create(*args, **kwargs)
        compute = cal.compute_data

        def compute_coarse():
            ranges = compute()
            for td in ranges.data.values():
                lo, hi = td.range_value
                td.lowest = np.array(widen(np.asarray(lo).item(), False), dtype=np.float32)
                td.highest = np.array(widen(np.asarray(hi).item(), True), dtype=np.float32)
            return ranges

        cal.compute_data = compute_coarse
        return cal

    return wrapped


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="fp32 ONNX model")
    ap.add_argument("--preset", required=True, help="preprocessing preset (verify.PRESETS)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--calibration", help="folder of calibration photos (searched recursively)")
    src.add_argument("--fashion-mnist", help="folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz")
    ap.add_argument("--per-class", type=int, default=10, help="Fashion-MNIST images per class (default 10)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    if a.calibration:
        photos, what = calibration_photos(a.calibration), "photos"
    else:
        photos, what = fashion_mnist(a.fashion_mnist, a.per_class), "Fashion-MNIST test images"
    input_name = onnx.load(a.model, load_external_data=False).graph.input[0].name
    with tempfile.TemporaryDirectory(prefix="quantize-int8.") as tmp:
        pre = os.path.join(tmp, "pre.onnx")
        quant_pre_process(a.model, pre, skip_optimization=True, skip_onnx_shape=False, skip_symbolic_shape=True)
        raw = os.path.join(tmp, "int8.onnx")
        ort_quantize.create_calibrator = coarse_calibrator(ort_quantize.create_calibrator)
        ort_quantize.quantize_static(
            pre, raw, PhotoReader(photos, a.preset, input_name),
            quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=False,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=FLOAT_NODES,
            calibration_providers=["CPUExecutionProvider"])
        model = onnx.load(raw)
    model.doc_string = (model.doc_string + " INT8: static QDQ, per-channel weights, calibrated on %d %s "
                        "by scripts/models/quantize_int8.py." % (len(photos), what)).strip()
    print("calibrated on %d %s" % (len(photos), what), file=sys.stderr)
    print(save_deterministic(model, a.out))


if __name__ == "__main__":
    main(sys.argv[1:])
