"""Builds a large benchmark folder for the memory run: N distinct photos derived from the benchmark photos.

<cache>/bench-data/many-<N>/: each file is a random crop (60-100 % of each side) of a random photo of
<cache>/bench-data/photos, rescaled so that its longer side is 400-2000 px (1 % of them at 4000 px: 12 MP class),
saved as JPEG quality 85-92. Seeded, so the same N gives the same files; not committed (derived from third-party
photos at setup time). Run by bench/run.sh --memory.
"""
import argparse
import os
import random
from pathlib import Path

from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("IMAGESEARCH_CACHE", str(Path.home() / ".cache/imagesearch")))
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    base = Path(args.cache) / "bench-data"
    out = base / f"many-{args.count}"
    stamp = out / f"READY-{args.seed}"
    if stamp.exists():
        print(f"many-photo folder ready: {out}")
        return
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in (base / "photos").iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not sources:
        raise SystemExit(f"no photos in {base / 'photos'} (run bench/prepare_data.py first)")
    images = {}
    for i in range(args.count):
        name = out / f"{i:05d}.jpg"
        if name.exists():
            continue  # an interrupted run resumes: each file has its own seeded generator
        rng = random.Random(f"{args.seed}-{i}")
        src = sources[rng.randrange(len(sources))]
        if src not in images:
            with Image.open(src) as im:
                images[src] = im.convert("RGB")
        im = images[src]
        fw, fh = rng.uniform(0.6, 1.0), rng.uniform(0.6, 1.0)
        cw, ch = max(16, int(im.width * fw)), max(16, int(im.height * fh))
        x, y = rng.randrange(im.width - cw + 1), rng.randrange(im.height - ch + 1)
        longer = 4000 if rng.random() < 0.01 else rng.randrange(400, 2001)
        s = longer / max(cw, ch)
        crop = im.crop((x, y, x + cw, y + ch)).resize((max(1, round(cw * s)), max(1, round(ch * s))), Image.BILINEAR)
        crop.save(name, quality=rng.randrange(85, 93))
    stamp.write_text("ok\n")
    print(f"many-photo folder: {args.count} JPEGs in {out}")


if __name__ == "__main__":
    main()
