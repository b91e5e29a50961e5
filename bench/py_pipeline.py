"""Python peers of the Java pipeline. Prints one JSON line per measurement.

  best     best-practice pipeline: Pillow with JPEG draft-mode decoding, numpy preprocessing, one onnxruntime
           session, batches of --batch; decoding in a thread pool overlapping inference (Pillow releases the GIL)
  article  the naive pipeline of the article: an InferenceSession created per image, one image at a time
  raw      onnxruntime alone on pre-made tensors (the inference ceiling)
  draft    decode + preprocess time of one file with draft mode (median of --repeat)
  stages   per file, one thread: read, SHA-256, decode, preprocess (mean ms per step per round; --rounds)
  png      decode + preprocess time per PNG over every PNG of --images (one warm-up round, then --rounds)
  faiss    IndexFlatIP top-k over random unit vectors (single and batched queries)

Preprocessing follows the `efficientnet-lite` presets: shorter side to 256 (bilinear, Pillow), centre crop 224,
(x - 127) / 128, NCHW float32; for a model with a larger input (EfficientNet-Lite1 240, Lite2 260) the crop is
its input size and the shorter side that + 32, as the Java presets `efficientnet-lite1`/`-lite2`.
"""
import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

SIZE, SHORT = 224, 256


def use_model_size(sess):
    """Crop and shorter side for the model's input (set before any decoding starts)."""
    global SIZE, SHORT
    size = sess.get_inputs()[0].shape[2]
    if isinstance(size, int) and size != 224:
        SIZE, SHORT = size, size + 32


def list_images(folder):
    exts = {".jpg", ".jpeg", ".png"}
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in exts and p.is_file())


def load(path, draft):
    """Decode + preprocess one file into a [3,224,224] float32 array, or None when it cannot be read."""
    try:
        return to_tensor(decode(path, draft))
    except Exception:
        return None


def decode(path, draft):
    """The file as an RGB image, loaded; with draft, JPEGs are decoded at a reduced size (libjpeg DCT scaling)."""
    with Image.open(path) as im:
        if draft and im.format == "JPEG":
            # libjpeg DCT scaling: decode at 1/2, 1/4 or 1/8 size, never below the resize target
            w, h = im.size
            s = SHORT / min(w, h)
            im.draft("RGB", (max(1, int(w * s)), max(1, int(h * s))))
        rgb = im.convert("RGB")
        rgb.load()
        return rgb


def to_tensor(im):
    """Shorter side to SHORT (bilinear), centre crop SIZE, (x - 127) / 128, CHW float32."""
    w, h = im.size
    if w <= h:
        nw, nh = SHORT, int(SHORT * h / w)
    else:
        nw, nh = int(SHORT * w / h), SHORT
    im = im.resize((nw, nh), Image.BILINEAR)
    left, top = int(round((nw - SIZE) / 2.0)), int(round((nh - SIZE) / 2.0))
    im = im.crop((left, top, left + SIZE, top + SIZE))
    a = np.asarray(im, dtype=np.float32)
    return ((a - 127.0) / 128.0).transpose(2, 0, 1)  # a view: best's np.stack makes the batch contiguous


def session(model, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads > 0:
        so.intra_op_num_threads = threads
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])


def run_best(args):
    files = list_images(args.images)
    sess = session(args.model, args.threads)
    use_model_size(sess)
    name = sess.get_inputs()[0].name
    out = "features"
    c0 = time.process_time()
    t0 = time.perf_counter()
    vectors = []
    with ThreadPoolExecutor(args.decode_threads) as pool:
        pending = pool.map(lambda p: load(p, True), files)  # lazily overlaps the next decodes with inference
        batch = []
        for arr in pending:
            if arr is not None:
                batch.append(arr)
            if len(batch) == args.batch:
                vectors.append(sess.run([out], {name: np.stack(batch)})[0])
                batch = []
        if batch:
            vectors.append(sess.run([out], {name: np.stack(batch)})[0])
    v = np.concatenate(vectors)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    dt = time.perf_counter() - t0
    emit(args, "python-best", len(v), dt, time.process_time() - c0)


def run_article(args):
    files = list_images(args.images)
    t0 = time.perf_counter()
    n = 0
    for p in files:
        sess = session(args.model, args.threads)  # the article's mistake: a session per image
        arr = load(p, False)
        if arr is None:
            continue
        v = sess.run(["features"], {sess.get_inputs()[0].name: arr[None]})[0][0]
        v /= np.linalg.norm(v)
        n += 1
    emit(args, "python-article", n, time.perf_counter() - t0)


def run_raw(args):
    sess = session(args.model, args.threads)
    use_model_size(sess)
    name = sess.get_inputs()[0].name
    rng = np.random.default_rng(1)
    x = rng.standard_normal((args.batch, 3, SIZE, SIZE), dtype=np.float32)
    for _ in range(2):
        sess.run(["features"], {name: x})
    n = 0
    t0 = time.perf_counter()
    while n < args.count:
        sess.run(["features"], {name: x})
        n += args.batch
    emit(args, "python-raw", n, time.perf_counter() - t0)


def run_draft(args):
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        load(args.file, True)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"what": "python-draft", "file": str(args.file), "median_ms": 1e3 * statistics.median(times),
                      "min_ms": 1e3 * min(times), "max_ms": 1e3 * max(times)}), flush=True)


def run_stages(args):
    """Per file, one thread: read, SHA-256, decode (draft) and preprocess; mean ms per file of each step per round
    (the peer of the Java bench's StageBench), then the medians of the rounds after the first third."""
    import hashlib
    import io
    files = list_images(args.images)
    names = ("read", "sha256", "decode", "preprocess")
    rounds = []
    for rnd in range(args.rounds):
        sums = [0.0] * 4
        n = 0
        for p in files:
            t0 = time.perf_counter()
            data = p.read_bytes()
            t1 = time.perf_counter()
            hashlib.sha256(data).digest()
            t2 = time.perf_counter()
            try:
                im = decode(io.BytesIO(data), True)
            except Exception:
                continue
            t3 = time.perf_counter()
            np.ascontiguousarray(to_tensor(im))  # the tensor in memory, as the Java side writes it
            t4 = time.perf_counter()
            for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                sums[i] += d
            n += 1
        ms = [1e3 * v / n for v in sums]
        rounds.append(ms + [sum(ms)])
        print(json.dumps({"what": "python-stages", "round": rnd + 1, "files": n,
                          **dict(zip(names + ("total",), rounds[-1]))}), flush=True)
    counted = rounds[len(rounds) // 3:]
    print(json.dumps({"what": "python-stages-median", "rounds": len(counted),
                      **{k: statistics.median(r[i] for r in counted) for i, k in enumerate(names + ("total",))}}),
          flush=True)


def run_png(args):
    files = [p for p in list_images(args.images) if p.suffix.lower() == ".png"]
    data = [p.read_bytes() for p in files]  # from memory, as the Java side measures
    if not data:
        sys.exit(f"no PNG in {args.images}")
    import io
    for rnd in range(args.rounds + 1):
        t0 = time.perf_counter()
        for b in data:
            load(io.BytesIO(b), True)
        dt = time.perf_counter() - t0
        if rnd > 0:
            print(json.dumps({"what": "python-png", "round_in_run": rnd, "pngs": len(data),
                              "ms": 1e3 * dt / len(data)}), flush=True)


def run_faiss(args):
    import faiss
    rng = np.random.default_rng(7)
    x = rng.standard_normal((args.count, args.dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = rng.standard_normal((args.queries, args.dim), dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(args.dim)
    index.add(x)
    if args.out:  # the same data for the Java side, and FAISS's exact answers to check it against
        out = Path(args.out)
        x.astype("<f4").tofile(out / "faiss-base.f32")
        q.astype("<f4").tofile(out / "faiss-queries.f32")
        index.search(q, args.k)[1].astype("<i8").tofile(out / f"faiss-top{args.k}.i64")
    if args.threads > 0:
        faiss.omp_set_num_threads(args.threads)
    index.search(q[:2], args.k)
    single = []
    for i in range(args.queries):
        t0 = time.perf_counter()
        index.search(q[i:i + 1], args.k)
        single.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    index.search(q, args.k)
    batch = (time.perf_counter() - t0) / args.queries
    print(json.dumps({"what": "faiss", "threads": faiss.omp_get_max_threads(), "n": args.count, "dim": args.dim,
                      "single_median_ms": 1e3 * statistics.median(single), "single_min_ms": 1e3 * min(single),
                      "single_max_ms": 1e3 * max(single), "batch_per_query_ms": 1e3 * batch}), flush=True)


def emit(args, what, n, seconds, cpu_seconds=None):
    r = {"what": what, "model": Path(args.model).parent.name if args.model else "",
         "folder": Path(args.images).name if args.images else "", "images": n, "seconds": seconds, "images_per_s": n / seconds,
         "threads": args.threads, "batch": args.batch}
    if cpu_seconds:  # every thread of the process (ORT's default spinning included)
        r.update(cpu_seconds=cpu_seconds, images_per_cpu_s=n / cpu_seconds)
    print(json.dumps(r), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["best", "article", "raw", "draft", "png", "faiss", "stages"])
    ap.add_argument("--model")
    ap.add_argument("--images")
    ap.add_argument("--file")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads (0: its default)")
    ap.add_argument("--decode-threads", type=int, default=2)
    ap.add_argument("--count", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--rounds", type=int, default=3, help="png: measured rounds over all files")
    ap.add_argument("--dim", type=int, default=1280)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", help="faiss: folder to write the vectors, queries and exact top-k ids to")
    args = ap.parse_args()
    {"best": run_best, "article": run_article, "raw": run_raw, "draft": run_draft, "png": run_png, "faiss": run_faiss, "stages": run_stages}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
