"""Fit a learned whitening (PCA whitening with shrinkage) for a model's pooled descriptors, on an unlabelled
photo collection, and write it in the format the Java side reads (dev.imagesearch.onnx.Whitening).

Descriptors: every photo is seen as several views (the model's centre crop, its mirror image and random crops of
30-100 % of the area, deterministic per seed), each pooled from the model's pre-pool map ``feature_map``
[N,C,F,F] with GeM (``--p``; 1 = average pooling) and L2-normalised, as the Java embedding head does before
whitening. Fit: mean m, covariance C of the centred descriptors, shrunk towards a multiple of the identity
(Ledoit-Wolf's estimate of the shrinkage unless ``--shrinkage`` is given: a small collection cannot estimate a
1280 x 1280 covariance), eigenvectors U and eigenvalues l (descending, shrunk: (1 - a) l + a mean(l));
P = diag(l^-1/2) U^T. Shrinkage 1 is PCA without whitening (the rows' order still the sample's). The Java side
keeps the first k rows (``whitening.dimension``) and L2-normalises P (x - m).

File (little-endian): b"ISWHITEN", int32 version 1, int32 d, int32 rows, float32[d] mean, float32[rows*d] P.
Writes FILE and prints its sha256 and what it was fitted on. Deterministic for a given input and seed.
"""
import argparse
import hashlib
import os
import struct
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

MAGIC = b"ISWHITEN"
EXTENSIONS = (".jpg", ".jpeg", ".png")
GEM_EPS = 1e-6


def photos(folders, skip_labels=None):
    """Every photo under the folders, once per content; with skip_labels (a labelled set's folder, one folder per
    label named like 'animals-birds'), photos whose folder under its root, '/' -> '-', is such a label are left out:
    the rest of tuxpaint's stamps is not in the labelled set."""
    skip = set(os.listdir(skip_labels)) if skip_labels else set()
    out, seen = [], set()
    for folder in folders:
        for root, _, files in os.walk(folder):
            label = os.path.relpath(root, folder).replace(os.sep, "-")
            if label in skip:
                continue
            for f in sorted(files):
                if f.lower().endswith(EXTENSIONS):
                    path = os.path.join(root, f)
                    with open(path, "rb") as fh:
                        digest = hashlib.sha256(fh.read()).hexdigest()
                    if digest not in seen:
                        seen.add(digest)
                        out.append(path)
    return sorted(out)


def flatten(img):
    """RGB; transparency (tuxpaint's cut-outs) flattened on white, as scripts/eval/build_datasets.py does."""
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, img).convert("RGB")
    return img.convert("RGB")


def views(img, size, crops, rng):
    """The model's centre crop (resize shorter side to size + 32, crop size), its mirror, random crops."""
    img = flatten(img)
    w, h = img.size
    s = (size + 32) / min(w, h)
    centre = img.resize((max(size, round(w * s)), max(size, round(h * s))), Image.BILINEAR)
    cw, ch = centre.size
    left, top = (cw - size) // 2, (ch - size) // 2
    centre = centre.crop((left, top, left + size, top + size))
    out = [centre, ImageOps.mirror(centre)]
    for _ in range(crops):
        area = rng.uniform(0.3, 1.0) * w * h
        aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
        cw2 = int(min(w, round(np.sqrt(area * aspect))))
        ch2 = int(min(h, round(np.sqrt(area / aspect))))
        x0 = int(rng.integers(0, w - cw2 + 1))
        y0 = int(rng.integers(0, h - ch2 + 1))
        v = img.crop((x0, y0, x0 + cw2, y0 + ch2)).resize((size, size), Image.BILINEAR)
        out.append(ImageOps.mirror(v) if rng.random() < 0.5 else v)
    return out


def to_tensor(images):
    a = np.stack([np.asarray(im, dtype=np.float32) for im in images])  # N,H,W,3 RGB
    return ((a - 127.0) / 128.0).transpose(0, 3, 1, 2).copy()  # the efficientnet-lite normalisation, NCHW


def gem(fmap, p):
    x = np.maximum(fmap.astype(np.float64), GEM_EPS)
    pooled = (x ** p).mean(axis=(2, 3))
    return pooled ** (1.0 / p)


def descriptors(model, files, p, crops, seed, batch=16):
    sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    size = sess.get_inputs()[0].shape[2]
    rng = np.random.default_rng(seed)
    out, pending = [], []

    def flush():
        if pending:
            fmap = sess.run(["feature_map"], {sess.get_inputs()[0].name: to_tensor(pending)})[0]
            d = gem(fmap, p)
            out.append(d / np.linalg.norm(d, axis=1, keepdims=True))
            pending.clear()

    for f in files:
        with Image.open(f) as img:
            img.draft("RGB", (1024, 1024))  # JPEG: decode at reduced size, the crops are resized anyway
            for v in views(img, size, crops, rng):
                pending.append(v)
                if len(pending) == batch:
                    flush()
    flush()
    return np.concatenate(out)


def ledoit_wolf(x):
    """Ledoit-Wolf shrinkage intensity towards mu*I for centred data x (n x d)."""
    n, d = x.shape
    s = x.T @ x / n
    mu = np.trace(s) / d
    delta = np.sum((s - mu * np.eye(d)) ** 2) / d
    x2 = x ** 2
    beta = (np.sum((x2.T @ x2) / n) - np.sum(s ** 2)) / (d * n)
    return float(min(beta, delta) / delta)


def fit(x, shrinkage):
    m = x.mean(axis=0)
    xc = x - m
    n, d = xc.shape
    c = xc.T @ xc / n
    alpha = ledoit_wolf(xc) if shrinkage is None else shrinkage
    vals, vecs = np.linalg.eigh(c)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.maximum(vals[order], 0), vecs[:, order]
    # shrinking towards mu*I keeps the eigenvectors and moves the eigenvalues; the order stays the sample
    # covariance's, so shrinkage 1 is plain PCA (a rotation, strongest components first) without whitening
    vals = (1 - alpha) * vals + alpha * (np.trace(c) / d)
    p = (vecs / np.sqrt(vals)).T  # rows: components, strongest first
    return m, p, alpha, vals


def write(path, mean, proj):
    d = mean.shape[0]
    rows = proj.shape[0]
    data = MAGIC + struct.pack("<iii", 1, d, rows) + mean.astype("<f4").tobytes() + proj.astype("<f4").tobytes()
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="model.onnx with a 'feature_map' output (an -gem model)")
    ap.add_argument("--photos", required=True, nargs="+", help="folders of the unlabelled collection")
    ap.add_argument("--p", type=float, default=3.0, help="GeM exponent of the descriptors (1 = average; default 3)")
    ap.add_argument("--crops", type=int, default=14, help="random crops per photo besides centre + mirror (14)")
    ap.add_argument("--shrinkage", type=float, help="covariance shrinkage in [0, 1] (default: Ledoit-Wolf)")
    ap.add_argument("--seed", type=int, default=20241202)
    ap.add_argument("--skip-labels", help="a labelled set (DIR/<label>/): leave out photos of those labels")
    ap.add_argument("--descriptors", help="cache of the descriptors (.npy): read if it exists, else written")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    files = photos(a.photos, a.skip_labels)
    if len(files) < 10:
        raise SystemExit("fit_whitening.py: only %d photos under %s" % (len(files), a.photos))
    if a.descriptors and os.path.exists(a.descriptors):
        x = np.load(a.descriptors)
    else:
        x = descriptors(a.model, files, a.p, a.crops, a.seed)
        if a.descriptors:
            np.save(a.descriptors, x)
    mean, proj, alpha, vals = fit(x.astype(np.float64), a.shrinkage)
    sha = write(a.out, mean, proj)
    print("%s  %s" % (sha, a.out))
    print("fitted on %d photos, %d descriptors of %d values (p=%g), shrinkage %.4f, eigenvalues %.3g..%.3g"
          % (len(files), x.shape[0], x.shape[1], a.p, alpha, vals[0], vals[-1]), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
