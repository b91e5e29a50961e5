"""Convert a TF.js *Layers* (Keras functional) model -- model.json + weights.bin as
written by tfjs_dump.js -- into an ONNX graph, using only the ``onnx`` package.

Supported Keras layers (what the nsfwjs MobileNetV2 / InceptionV3 models use):
InputLayer, ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU,
Activation, Add, Concatenate, AveragePooling2D, MaxPooling2D,
GlobalAveragePooling2D, Flatten, Dense, Dropout.

Weights: float32, or uint8/uint16-quantized in the manifest; dequantised like
TF.js does (``q * scale + min`` in double precision, stored as float32).
BatchNormalization following a convolution is folded into it.

Graph: input ``input`` float32 [N,H,W,C] (NHWC, exactly the Keras input) by
default, or [N,C,H,W] with ``--layout NCHW``; computation is NCHW inside.
Outputs: ``features`` = the flattened global pool feeding the classifier head,
``logits`` = last Dense before its softmax, ``probabilities`` = softmax.
"""
import argparse
import json
import sys

import numpy as np

from onnx_common import GraphBuilder, fold_bn, same_pads, save_deterministic, tensor_info, valid_out

QUANT_DTYPES = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}
PLAIN_DTYPES = {"float32": np.float32, "int32": np.int32}


def read_weights(manifest, blob):
    out = {}
    off = 0
    for group in manifest:
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q:
                qd = np.dtype(QUANT_DTYPES[q["dtype"]]).newbyteorder("<")
                raw = np.frombuffer(blob, dtype=qd, count=n, offset=off)
                off += n * qd.itemsize
                if q["dtype"] == "float16":
                    vals = raw.astype(np.float32)
                else:
                    vals = (raw.astype(np.float64) * float(q["scale"]) + float(q["min"])).astype(np.float32)
            else:
                dt = np.dtype(PLAIN_DTYPES[w["dtype"]]).newbyteorder("<")
                vals = np.frombuffer(blob, dtype=dt, count=n, offset=off).astype(dt.newbyteorder("="))
                off += n * dt.itemsize
            if w["name"] in out:
                raise ValueError("duplicate weight " + w["name"])
            out[w["name"]] = vals.reshape(w["shape"])
    if off != len(blob):
        raise ValueError("weights.bin has %d bytes, manifest describes %d" % (len(blob), off))
    return out


class Converter:
    def __init__(self, topology, weights, layout):
        cfg = topology["model_config"]["config"]
        self.layers = cfg["layers"]
        self.output_layers = [o[0] for o in cfg["output_layers"]]
        self.weights = weights
        self.used = set()
        self.layout = layout
        self.g = GraphBuilder(cfg.get("name", "model"))
        self.shape = {}      # tensor -> (C,H,W) or (D,)
        self.tensor = {}     # layer name -> tensor name
        self.pending_pad = {}  # layer name -> (input tensor, (t,b,l,r)) for ZeroPadding2D
        self.conv_of = {}    # tensor -> conv node (for BN folding)
        self.consumers = {}
        for l in self.layers:
            for src in self.inbound(l):
                self.consumers.setdefault(src, []).append(l)
        self.features_layer = self.find_features_layer()

    @staticmethod
    def inbound(layer):
        nodes = layer["inbound_nodes"]
        if not nodes:
            return []
        if len(nodes) != 1:
            raise ValueError("layer %s is shared (several inbound nodes): unsupported" % layer["name"])
        srcs = []
        for t in nodes[0]:
            if t[1] != 0 or t[2] != 0:
                raise ValueError("layer %s uses a non-first node/tensor of %s" % (layer["name"], t[0]))
            srcs.append(t[0])
        return srcs

    def find_features_layer(self):
        by_name = {l["name"]: l for l in self.layers}
        dense = [l for l in self.layers if l["class_name"] == "Dense"]
        if not dense:
            raise ValueError("no Dense head found")
        name = self.inbound(dense[0])[0]
        while by_name[name]["class_name"] == "Dropout":
            name = self.inbound(by_name[name])[0]
        if by_name[name]["class_name"] not in ("Flatten", "GlobalAveragePooling2D"):
            raise ValueError("first Dense is not fed by a global pool/flatten: %s" % name)
        return name

    def w(self, layer, key):
        name = "%s/%s" % (layer["name"], key)
        if name not in self.weights:
            raise KeyError("missing weight " + name)
        self.used.add(name)
        return self.weights[name]

    def out_name(self, layer):
        if layer["name"] == self.features_layer:
            return "features"
        return layer["name"]

    def inp(self, layer, i=0, allow_pad=False):
        src = self.inbound(layer)[i]
        if src in self.pending_pad:
            t, pads = self.pending_pad[src]
            if allow_pad:
                return t, pads
            # materialise a Pad node for a non-conv consumer
            if src not in self.tensor:
                tt, b, ll, r = pads
                pn = self.g.const_i64(src + ".pads", [0, 0, tt, ll, 0, 0, b, r])
                self.g.node("Pad", [t, pn], [src], mode="constant")
                c, h, w_ = self.shape[t]
                self.shape[src] = (c, h + tt + b, w_ + ll + r)
                self.tensor[src] = src
            return self.tensor[src], (0, 0, 0, 0)
        return self.tensor[src], (0, 0, 0, 0)

    def activation(self, x, act, name):
        if act in (None, "linear"):
            return x
        y = name + "." + act
        if act == "relu":
            self.g.node("Relu", [x], [y])
        elif act == "relu6":
            self.g.relu6(x, y)
        elif act == "sigmoid":
            self.g.node("Sigmoid", [x], [y])
        elif act == "tanh":
            self.g.node("Tanh", [x], [y])
        elif act == "softmax":
            self.g.node("Softmax", [x], [y], axis=-1)
        else:
            raise ValueError("unsupported activation " + act)
        self.shape[y] = self.shape[x]
        return y

    def spatial(self, size, k, s, padding, pads_in):
        """pads [t,l,b,r] in ONNX order and output (h,w) for a conv/pool window."""
        (h, w), (kh, kw), (sh, sw) = size, k, s
        t, b, l, r = pads_in
        if padding == "same":
            if any(pads_in):
                raise ValueError("ZeroPadding2D before a 'same' conv is not supported")
            pt, pb, oh = same_pads(h, kh, sh)
            pl, pr, ow = same_pads(w, kw, sw)
            return [pt, pl, pb, pr], (oh, ow)
        if padding == "valid":
            return [t, l, b, r], (valid_out(h + t + b, kh, sh), valid_out(w + l + r, kw, sw))
        raise ValueError("unsupported padding " + padding)

    def convert(self):
        for layer in self.layers:
            getattr(self, "layer_" + layer["class_name"])(layer, layer["config"])
        unused = sorted(set(self.weights) - self.used)
        if unused:
            raise ValueError("weights not used by the topology: %s" % unused[:10])

    # ---- layers ----
    def layer_InputLayer(self, layer, cfg):
        _, h, w, c = cfg["batch_input_shape"]
        self.input_hwc = (h, w, c)
        name = layer["name"]
        if self.layout == "NHWC":
            self.g.node("Transpose", ["input"], [name], perm=[0, 3, 1, 2])
        else:
            self.g.node("Identity", ["input"], [name])
        self.tensor[name] = name
        self.shape[name] = (c, h, w)

    def layer_ZeroPadding2D(self, layer, cfg):
        x, _ = self.inp(layer)
        (t, b), (l, r) = cfg["padding"]
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise ValueError("channels_first is not supported")
        self.pending_pad[layer["name"]] = (x, (t, b, l, r))
        # only materialised (as a Pad node) if a consumer cannot absorb it

    def _conv(self, layer, cfg, weight, groups):
        x, pads_in = self.inp(layer, allow_pad=True)
        if tuple(cfg.get("dilation_rate", (1, 1))) != (1, 1):
            raise ValueError("dilated convolutions are not supported")
        c, h, w = self.shape[x]
        k = tuple(cfg["kernel_size"])
        s = tuple(cfg["strides"])
        pads, (oh, ow) = self.spatial((h, w), k, s, cfg["padding"], pads_in)
        name = layer["name"]
        wn = self.g.weight(name + ".w", weight)
        ins = [x, wn]
        if cfg.get("use_bias"):
            ins.append(self.g.weight(name + ".b", self.w(layer, "bias").astype(np.float32)))
        y = name + ".conv"
        node = self.g.node("Conv", ins, [y], kernel_shape=list(k), strides=list(s), pads=pads,
                           group=groups, dilations=[1, 1])
        self.shape[y] = (weight.shape[0], oh, ow)
        act = cfg.get("activation", "linear")
        if act in (None, "linear"):
            self.conv_of[y] = node
        out = self.activation(y, act, name)
        self.tensor[name] = out

    def layer_Conv2D(self, layer, cfg):
        k = self.w(layer, "kernel")  # [kh,kw,cin,cout]
        self._conv(layer, cfg, np.transpose(k, (3, 2, 0, 1)).astype(np.float32), 1)

    def layer_DepthwiseConv2D(self, layer, cfg):
        k = self.w(layer, "depthwise_kernel")  # [kh,kw,cin,mult]
        kh, kw, cin, mult = k.shape
        # ONNX grouped conv: output channel c*mult+m uses input channel c
        wt = np.transpose(k, (2, 3, 0, 1)).reshape(cin * mult, 1, kh, kw).astype(np.float32)
        self._conv(layer, cfg, wt, cin)

    def layer_BatchNormalization(self, layer, cfg):
        x, _ = self.inp(layer)
        if cfg["axis"] not in (-1, 3):
            raise ValueError("BatchNormalization axis %r unsupported" % cfg["axis"])
        gamma = self.w(layer, "gamma") if cfg.get("scale", True) else None
        beta = self.w(layer, "beta") if cfg.get("center", True) else None
        mean = self.w(layer, "moving_mean")
        var = self.w(layer, "moving_variance")
        eps = cfg["epsilon"]
        name = layer["name"]
        src = self.inbound(layer)[0]
        node = self.conv_of.get(x)
        if node is not None and len(self.consumers.get(src, [])) == 1:
            wname = node.input[1]
            bias = self.g.weights.pop(node.input[2]) if len(node.input) > 2 else None
            wf, bf = fold_bn(self.g.weights[wname], bias, gamma, beta, mean, var, eps)
            self.g.weights[wname] = wf
            bname = node.input[2] if len(node.input) > 2 else wname[:-2] + ".b"
            self.g.weights[bname] = bf
            if len(node.input) == 2:
                node.input.append(bname)
            del self.conv_of[x]
            self.tensor[name] = x
            return
        c = self.shape[x][0]
        ones = np.ones(c, np.float32)
        ins = [x,
               self.g.weight(name + ".gamma", ones if gamma is None else gamma.astype(np.float32)),
               self.g.weight(name + ".beta", np.zeros(c, np.float32) if beta is None else beta.astype(np.float32)),
               self.g.weight(name + ".mean", mean.astype(np.float32)),
               self.g.weight(name + ".var", var.astype(np.float32))]
        self.g.node("BatchNormalization", ins, [name], epsilon=float(eps))
        self.shape[name] = self.shape[x]
        self.tensor[name] = name

    def layer_ReLU(self, layer, cfg):
        x, _ = self.inp(layer)
        if cfg.get("negative_slope", 0) != 0 or cfg.get("threshold", 0) != 0:
            raise ValueError("leaky/thresholded ReLU unsupported")
        mv = cfg.get("max_value")
        name = layer["name"]
        if mv is None:
            self.g.node("Relu", [x], [name])
        else:
            self.g.relu6(x, name, float(mv))
        self.shape[name] = self.shape[x]
        self.tensor[name] = name

    def layer_Activation(self, layer, cfg):
        x, _ = self.inp(layer)
        self.tensor[layer["name"]] = self.activation(x, cfg["activation"], layer["name"])

    def layer_Dropout(self, layer, cfg):
        x, _ = self.inp(layer)
        self.tensor[layer["name"]] = x

    def layer_Add(self, layer, cfg):
        xs = [self.inp(layer, i)[0] for i in range(len(self.inbound(layer)))]
        name = layer["name"]
        cur = xs[0]
        for i, x in enumerate(xs[1:]):
            y = name if i == len(xs) - 2 else "%s.%d" % (name, i)
            self.g.node("Add", [cur, x], [y])
            self.shape[y] = self.shape[x]
            cur = y
        self.tensor[name] = cur

    def layer_Concatenate(self, layer, cfg):
        xs = [self.inp(layer, i)[0] for i in range(len(self.inbound(layer)))]
        rank = len(self.shape[xs[0]]) + 1
        axis = cfg.get("axis", -1)
        if axis < 0:
            axis += rank
        if rank == 4:
            axis = {3: 1, 1: 2, 2: 3}[axis]
        name = layer["name"]
        self.g.node("Concat", xs, [name], axis=axis)
        s0 = list(self.shape[xs[0]])
        s0[axis - 1] = sum(self.shape[x][axis - 1] for x in xs)
        self.shape[name] = tuple(s0)
        self.tensor[name] = name

    def _pool(self, layer, cfg, op):
        x, _ = self.inp(layer)
        c, h, w = self.shape[x]
        k = tuple(cfg["pool_size"])
        s = tuple(cfg["strides"] or k)
        pads, (oh, ow) = self.spatial((h, w), k, s, cfg["padding"], (0, 0, 0, 0))
        name = layer["name"]
        attrs = dict(kernel_shape=list(k), strides=list(s), pads=pads)
        if op == "AveragePool":
            attrs["count_include_pad"] = 0  # TF 'SAME' averages over valid pixels only
        self.g.node(op, [x], [name], **attrs)
        self.shape[name] = (c, oh, ow)
        self.tensor[name] = name

    def layer_AveragePooling2D(self, layer, cfg):
        self._pool(layer, cfg, "AveragePool")

    def layer_MaxPooling2D(self, layer, cfg):
        self._pool(layer, cfg, "MaxPool")

    def layer_GlobalAveragePooling2D(self, layer, cfg):
        x, _ = self.inp(layer)
        name = layer["name"]
        out = self.out_name(layer)
        self.g.node("GlobalAveragePool", [x], [name + ".pool"])
        self.g.node("Flatten", [name + ".pool"], [out], axis=1)
        self.shape[out] = (self.shape[x][0],)
        self.tensor[name] = out

    def layer_Flatten(self, layer, cfg):
        x, _ = self.inp(layer)
        name = layer["name"]
        out = self.out_name(layer)
        shp = self.shape[x]
        if len(shp) == 3 and (shp[1], shp[2]) != (1, 1):
            # Keras flattens NHWC order
            self.g.node("Transpose", [x], [name + ".nhwc"], perm=[0, 2, 3, 1])
            x = name + ".nhwc"
        self.g.node("Flatten", [x], [out], axis=1)
        self.shape[out] = (int(np.prod(shp)),)
        self.tensor[name] = out

    def layer_Dense(self, layer, cfg):
        x, _ = self.inp(layer)
        name = layer["name"]
        k = self.w(layer, "kernel").astype(np.float32)  # [in,out]
        if self.shape[x] != (k.shape[0],):
            raise ValueError("Dense %s input %s vs kernel %s" % (name, self.shape[x], k.shape))
        ins = [x, self.g.weight(name + ".w", k)]
        if cfg.get("use_bias", True):
            ins.append(self.g.weight(name + ".b", self.w(layer, "bias").astype(np.float32)))
        final = name in self.output_layers
        y = "logits" if final else name + ".gemm"
        self.g.node("Gemm", ins, [y])
        self.shape[y] = (k.shape[1],)
        act = cfg.get("activation", "linear")
        if final:
            if act == "softmax":
                self.g.node("Softmax", [y], ["probabilities"], axis=-1)
                self.shape["probabilities"] = self.shape[y]
                self.tensor[name] = "probabilities"
            elif act in (None, "linear"):
                self.tensor[name] = y
            else:
                raise ValueError("unsupported final activation " + act)
        else:
            self.tensor[name] = self.activation(y, act, name)

    def build(self, doc):
        self.convert()
        if self.tensor.get(self.features_layer) != "features":
            raise ValueError("features tensor was not produced")
        h, w, c = self.input_hwc
        in_shape = ["N", h, w, c] if self.layout == "NHWC" else ["N", c, h, w]
        outs = [tensor_info("features", ["N", self.shape["features"][0]]),
                tensor_info("logits", ["N", self.shape["logits"][0]])]
        if "probabilities" in self.shape:
            outs.append(tensor_info("probabilities", ["N", self.shape["probabilities"][0]]))
        return self.g.build([tensor_info("input", in_shape)], outs, doc=doc)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-json", required=True)
    ap.add_argument("--weights-bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layout", choices=["NHWC", "NCHW"], default="NHWC")
    ap.add_argument("--doc", default="")
    a = ap.parse_args(argv)
    with open(a.model_json) as fh:
        m = json.load(fh)
    with open(a.weights_bin, "rb") as fh:
        blob = fh.read()
    conv = Converter(m["modelTopology"], read_weights(m["weightsManifest"], blob), a.layout)
    print(save_deterministic(conv.build(a.doc), a.out))


if __name__ == "__main__":
    main(sys.argv[1:])
