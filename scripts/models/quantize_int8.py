"""Static INT8 quantisation of an fp32 ONNX image model with ONNX Runtime's tools.

QDQ format, per-channel symmetric INT8 weights (7-bit in the convolutions that
run as matrix products, 8-bit in the depthwise ones: see below), UINT8
activations, MinMax ranges calibrated on images preprocessed exactly as the model's preset
(verify.PRESETS): the photos of a folder, or the first N images of each class
of the Fashion-MNIST test set (Debian dataset-fashion-mnist), which is in no
evaluation set of docs/EVALUATION.md. Global average pooling and the classifier stay in
float32, so the features keep their full resolution (an INT8 pooling output
would round every feature to one of 256 levels) and only the convolutions run
in INT8.

Same vectors on every x86 CPU: on CPUs without VNNI (AVX2, AVX-512 before
Cascade Lake, AMD before Zen 4) ONNX Runtime's u8 x s8 matrix kernels add pairs of
products in 16 bits (vpmaddubsw), which saturates with full-range 8-bit weights
(255 * 127 * 2 > 32767): on an AMD EPYC (AVX2) the integer kernels of a full-range
Lite0 gave cosine 0.89-0.96 to the model's own QDQ arithmetic, so an image's
vector depended on the CPU that embedded it. Weights of 7 bits (reduce_range)
keep every pair sum in range. Depthwise convolutions run in kernels that widen
to 16 bits before multiplying (measured exact on AVX2 with 8-bit weights; the
project's Int8ModelIT checks it on the CPU running the tests), so they keep
8-bit weights (closer to fp32): the
model is quantised twice from one calibration, and the depthwise weights and
biases of the full-range run replace those of the 7-bit one.

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


def depthwise_tensors(model):
    """Names of the quantised weight and bias tensors (value, scale, zero point) of the depthwise convolutions."""
    producers = {n.output[0]: n for n in model.graph.node if n.op_type == "DequantizeLinear"}
    names = set()
    for node in model.graph.node:
        if node.op_type == "Conv" and any(a.name == "group" and a.i > 1 for a in node.attribute):
            for param in node.input[1:]:
                dq = producers.get(param)
                if dq is not None:
                    names.update(dq.input)
    return names


def parameter_tensors(model):
    """Names of the tensors of quantised parameters (value, scale, zero point): what reduce_range changes."""
    stored = {t.name for t in model.graph.initializer}
    return {name for n in model.graph.node if n.op_type == "DequantizeLinear" and n.input[0] in stored
            for name in n.input}


def with_depthwise_from(narrow, full):
    """narrow (7-bit weights) with the depthwise convolutions' weights and biases of full (8-bit)."""
    donor = {t.name: t for t in full.graph.initializer}
    swap = depthwise_tensors(narrow)
    if not swap or set(donor) != {t.name for t in narrow.graph.initializer} or swap != depthwise_tensors(full):
        raise SystemExit("quantize_int8: the two quantisations differ in structure; cannot combine them")
    params = parameter_tensors(narrow)
    for t in narrow.graph.initializer:  # activation ranges come from the one calibration
        if t.name not in params and t.SerializeToString() != donor[t.name].SerializeToString():
            raise SystemExit("quantize_int8: the two quantisations differ in %s" % t.name)
    initializers = [donor[t.name] if t.name in swap else t for t in narrow.graph.initializer]
    del narrow.graph.initializer[:]
    narrow.graph.initializer.extend(initializers)
    return narrow


def quantize(pre, photos, preset, input_name, reduce_range, tmp):
    out = os.path.join(tmp, "int8-%s.onnx" % ("7bit" if reduce_range else "8bit"))
    ort_quantize.quantize_static(
        pre, out, PhotoReader(photos, preset, input_name),
        quant_format=QuantFormat.QDQ, per_channel=True, reduce_range=reduce_range,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=FLOAT_NODES,
        calibration_providers=["CPUExecutionProvider"])
    return onnx.load(out)


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
        ort_quantize.create_calibrator = coarse_calibrator(ort_quantize.create_calibrator)
        model = with_depthwise_from(quantize(pre, photos, a.preset, input_name, True, tmp),
                                    quantize(pre, photos, a.preset, input_name, False, tmp))
    model.doc_string = (model.doc_string + " INT8: static QDQ, per-channel weights (7-bit, depthwise 8-bit), "
                        "calibrated on %d %s by scripts/models/quantize_int8.py." % (len(photos), what)).strip()
    print("calibrated on %d %s" % (len(photos), what), file=sys.stderr)
    print(save_deterministic(model, a.out))


if __name__ == "__main__":
    main(sys.argv[1:])
