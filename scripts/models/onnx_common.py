"""Small helpers to build ONNX graphs with the ``onnx`` package and save them
byte-for-byte reproducibly (fixed producer, fixed IR/opset, no timestamps,
initializers in creation order)."""
import hashlib
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# IR version 8 is what opset 17 was released with; readable by every
# ONNX Runtime >= 1.13 (Java included), unlike the newer default IR versions.
IR_VERSION = 8
PRODUCER = "imagesearch-scripts-models"
PRODUCER_VERSION = "1"


def same_pads(size, kernel, stride):
    """TensorFlow 'SAME' padding for one spatial dim: (begin, end, out_size)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


def valid_out(size, kernel, stride):
    return (size - kernel) // stride + 1


class GraphBuilder:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.weights = {}  # name -> np.ndarray (kept mutable until build())
        self._counter = {}

    def uniq(self, base):
        n = self._counter.get(base, 0)
        self._counter[base] = n + 1
        return base if n == 0 else "%s_%d" % (base, n)

    def weight(self, name, array):
        if name in self.weights:
            raise ValueError("duplicate initializer " + name)
        self.weights[name] = np.ascontiguousarray(array)
        return name

    def const_i64(self, name, values):
        return self.weight(name, np.asarray(values, dtype=np.int64))

    def relu6(self, x, y, max_value=6.0):
        """y = min(max(x, 0), max_value) as a Clip node (constants made on first use)."""
        if "relu6_min" not in self.weights:
            self.weight("relu6_min", np.array(0.0, dtype=np.float32))
        mx = "relu6_max" if float(max_value) == 6.0 else y + ".max"
        if mx not in self.weights:
            self.weight(mx, np.array(max_value, dtype=np.float32))
        return self.node("Clip", [x, "relu6_min", mx], [y])

    def node(self, op, inputs, outputs, name=None, **attrs):
        n = helper.make_node(op, inputs, outputs, name=name or outputs[0], **attrs)
        self.nodes.append(n)
        return n

    def build(self, inputs, outputs, doc=""):
        inits = [numpy_helper.from_array(a, name=k) for k, a in self.weights.items()]
        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, initializer=inits)
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name=PRODUCER,
            producer_version=PRODUCER_VERSION,
            doc_string=doc,
        )
        model.ir_version = IR_VERSION
        model.model_version = 1
        onnx.checker.check_model(model, full_check=True)
        return model


def tensor_info(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def save_deterministic(model, path):
    """Serialise and write atomically; returns the sha256 of the bytes."""
    data = model.SerializeToString(deterministic=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def fold_bn(weight, bias, gamma, beta, mean, var, eps):
    """Fold an inference BatchNorm into the preceding conv (weight [O,...]).

    Only elementwise float32 arithmetic, so results do not depend on BLAS/SIMD
    summation order (keeps the output bytes reproducible across machines)."""
    weight = weight.astype(np.float32)
    gamma = np.ones_like(mean, dtype=np.float32) if gamma is None else gamma.astype(np.float32)
    beta = np.zeros_like(mean, dtype=np.float32) if beta is None else beta.astype(np.float32)
    scale = gamma / np.sqrt(var.astype(np.float32) + np.float32(eps))
    w = weight * scale.reshape((-1,) + (1,) * (weight.ndim - 1))
    b0 = np.zeros_like(scale) if bias is None else bias.astype(np.float32)
    b = (b0 - mean.astype(np.float32)) * scale + beta
    return w.astype(np.float32), b.astype(np.float32)
