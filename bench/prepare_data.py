"""Builds the benchmark image set in <cache>/bench-data (not committed; rebuilt when missing).

- photos/: a seeded selection of the real photos in <cache>/photos (JPEG and PNG, mixed sizes), copied as they are
- photos/zz-12mp-*.jpg: a few sample photos upscaled with Pillow to 4000x3000 (12 MP) JPEGs, quality 92, 4:2:0,
  because the sources hold no 12-megapixel photo
- broken/: the same photos plus 1% broken files (truncated JPEGs, text renamed .jpg), for the bad-input run
"""
import argparse
import os
import random
import shutil
from pathlib import Path

from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("IMAGESEARCH_CACHE", str(Path.home() / ".cache/imagesearch")))
    ap.add_argument("--photos", type=int, default=150, help="real photos to pick (besides the 12 MP ones)")
    ap.add_argument("--big", type=int, default=6, help="12 MP JPEGs to make")
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    cache = Path(args.cache)
    src = cache / "photos"
    out = cache / "bench-data"
    stamp = out / f"READY-{args.photos}-{args.big}-{args.seed}"
    if stamp.exists():
        print(f"bench data ready: {out}")
        return
    shutil.rmtree(out, ignore_errors=True)
    photos = out / "photos"
    photos.mkdir(parents=True)
    rng = random.Random(args.seed)
    candidates = []
    for p in sorted(src.rglob("*")):
        if p.suffix.lower() not in (".jpg", ".jpeg", ".png") or not p.is_file():
            continue
        try:
            with Image.open(p) as im:
                if min(im.size) >= 200 and im.mode in ("RGB", "L"):
                    candidates.append(p)
        except Exception:
            continue
    # The same content twice would be embedded once by the Java side (content ids): keep distinct bytes only.
    seen, unique = set(), []
    for p in candidates:
        b = p.read_bytes()
        if b not in seen:
            seen.add(b)
            unique.append(p)
    picked = rng.sample(unique, min(args.photos, len(unique)))
    for i, p in enumerate(sorted(picked)):
        shutil.copyfile(p, photos / f"{i:04d}-{p.name}")
    big_sources = rng.sample([p for p in picked if p.suffix.lower() in (".jpg", ".jpeg")], args.big)
    for i, p in enumerate(big_sources):
        with Image.open(p) as im:
            im = im.convert("RGB")
            w, h = (4000, 3000) if im.width >= im.height else (3000, 4000)
            im.resize((w, h), Image.BICUBIC).save(photos / f"zz-12mp-{i}.jpg", quality=92, subsampling=2)
    broken = out / "broken"
    shutil.copytree(photos, broken)
    files = sorted(broken.iterdir())
    n_bad = max(2, round(len(files) / 99))  # about 1% of the folder
    for i in range(n_bad):
        if i % 2 == 0:
            data = files[rng.randrange(len(files))].read_bytes()
            (broken / f"bad-{i}.jpg").write_bytes(data[: len(data) // 3])
        else:
            (broken / f"bad-{i}.jpg").write_text("this is not an image\n")
    stamp.write_text("ok\n")
    print(f"bench data: {len(list(photos.iterdir()))} photos ({args.big} of 12 MP), "
          f"broken set with {n_bad} bad files, in {out}")


if __name__ == "__main__":
    main()
