"""Builds the labelled and near-duplicate evaluation sets from the fetched Debian photos.

Deterministic: every random choice comes from random.Random(seed, file name), and Pillow is pinned, so the same
inputs give the same bytes. See build.sh for the layout.
"""
import argparse
import hashlib
import os
import random
import shutil
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

# tuxpaint categories (folders) with at least this many photo stamps become labels
MIN_PER_LABEL = 5
# folders that are ancestors of other label folders ("animals/mammals" vs "animals/mammals/bovines") are
# ambiguous as labels and left out
LABELLED_MAX_SIDE = 512

TRANSFORMS = ["crop", "rotate", "rescale", "jpeg", "flip", "brightness-contrast", "grayscale",
              "crop+jpeg", "rotate+rescale", "flip+brightness-contrast"]

# photos from the same packages that are neither sample photos nor other shots of them (no aero2 for aero1/3,
# no grand_canyon_1 for grand_canyon_2/3, ...)
DISTRACTORS = [
    "darknet/scream.jpg",
    "kphotoalbum/anne_helene.jpg", "kphotoalbum/blackie.jpg", "kphotoalbum/cold_water.jpg",
    "kphotoalbum/new_wave_1.jpg", "kphotoalbum/new_wave_2.jpg", "kphotoalbum/pool.jpg", "kphotoalbum/snow.jpg",
    "kphotoalbum/sunset.jpg", "kphotoalbum/wayne.jpg",
    "opencv/Blender_Suzanne1.jpg", "opencv/HappyFish.jpg", "opencv/basketball1.png", "opencv/blox.jpg",
    "opencv/board.jpg", "opencv/box_in_scene.png", "opencv/cards.png", "opencv/chicky_512.png",
    "opencv/ela_original.jpg", "opencv/left01.jpg", "opencv/licenseplate_motion.jpg", "opencv/pca_test1.jpg",
    "opencv/rubberwhale1.png", "opencv/smarties.png", "opencv/starry_night.jpg", "opencv/stuff.jpg",
    "opencv/aloeL.jpg", "opencv/text_defocus.jpg",
    "skimage/brick.png", "skimage/coins.png", "skimage/grass.png", "skimage/gravel.png",
    "skimage/hubble_deep_field.jpg", "skimage/moon.png", "skimage/motorcycle_left.png", "skimage/retina.jpg",
    "skimage/ihc.png", "skimage/cell.png", "skimage/clock_motion.png", "skimage/page.png",
]


def rng(seed, *parts):
    return random.Random(zlib.crc32(("%d/" % seed + "/".join(parts)).encode()))


def flatten(img, background=(255, 255, 255)):
    """RGB on a white background (tuxpaint stamps are cut-outs with transparency)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, background + (255,))
        return Image.alpha_composite(bg, img).convert("RGB")
    return img.convert("RGB")


def save_jpeg(img, path, quality=90):
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=quality, optimize=False, progressive=False)


def build_labelled(photos, out):
    root = photos / "tuxpaint"
    by_folder = {}
    for p in sorted(root.rglob("*.png")):
        by_folder.setdefault(p.parent.relative_to(root).as_posix(), []).append(p)
    folders = sorted(f for f, files in by_folder.items() if len(files) >= MIN_PER_LABEL)
    ancestors = {f for f in folders if any(g != f and g.startswith(f + "/") for g in by_folder)}
    labels = [f for f in folders if f not in ancestors]
    seen = set()
    count = 0
    for label in labels:
        name = label.replace("/", "-")
        for p in by_folder[label]:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            if digest in seen:
                continue  # identical stamp in two folders: keep the first
            seen.add(digest)
            with Image.open(p) as im:
                img = flatten(im)
            img.thumbnail((LABELLED_MAX_SIDE, LABELLED_MAX_SIDE), Image.Resampling.LANCZOS)
            save_jpeg(img, out / name / (p.stem + ".jpg"), quality=92)
            count += 1
    print("labelled: %d images in %d labels (left out as ambiguous parents: %s) -> %s"
          % (count, len(labels), ", ".join(sorted(ancestors)) or "none", out))


def transform(img, kind, r):
    w, h = img.size
    for step in kind.split("+"):
        w, h = img.size
        if step == "crop":
            f = r.uniform(0.70, 0.90)  # keep 70-90 % of each side, at a random offset
            cw, ch = int(w * f), int(h * f)
            x, y = r.randint(0, w - cw), r.randint(0, h - ch)
            img = img.crop((x, y, x + cw, y + ch))
        elif step == "rotate":
            angle = r.choice([-1, 1]) * r.uniform(5, 15)
            img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(0, 0, 0))
        elif step == "rescale":
            f = r.uniform(0.3, 0.6)
            img = img.resize((max(16, int(w * f)), max(16, int(h * f))), Image.Resampling.BILINEAR)
        elif step == "jpeg":
            img = ("jpeg", r.randint(15, 35), img)  # applied at save time
        elif step == "flip":
            img = ImageOps.mirror(img)
        elif step == "brightness-contrast":
            img = ImageEnhance.Brightness(img).enhance(r.choice([r.uniform(0.6, 0.8), r.uniform(1.2, 1.4)]))
            img = ImageEnhance.Contrast(img).enhance(r.choice([r.uniform(0.6, 0.8), r.uniform(1.2, 1.4)]))
        elif step == "grayscale":
            img = ImageOps.grayscale(img).convert("RGB")
        else:
            raise ValueError("unknown transform " + step)
    return img


def build_neardup(photos, out, seed):
    originals = sorted(p for p in (photos / "sample").iterdir() if p.suffix.lower() in (".jpg", ".png"))
    lines = []
    (out / "originals").mkdir(parents=True)
    for p in originals:
        dst = out / "originals" / p.name
        shutil.copyfile(p, dst)
        with Image.open(p) as im:
            base = ImageOps.exif_transpose(im).convert("RGB")
        for kind in TRANSFORMS:
            r = rng(seed, p.name, kind)
            img = transform(base, kind, r)
            quality = 90
            if isinstance(img, tuple):  # recompression is the last step
                _, quality, img = img
            q = out / "queries" / kind / (p.stem + ".jpg")
            save_jpeg(img, q, quality)
            lines.append("%s\t%s\t%s" % (q.relative_to(out).as_posix(), dst.relative_to(out).as_posix(), kind))
    for rel in DISTRACTORS:
        src = photos / rel
        if not src.is_file():
            sys.exit("build_datasets: distractor %s is missing (run scripts/photos/fetch.sh)" % src)
        dst = out / "distractors" / rel.replace("/", "-")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        lines.append("%s\t-\tdistractor" % dst.relative_to(out).as_posix())
    (out / "manifest.tsv").write_text("# query\toriginal (- for a distractor)\ttransform\n"
                                      + "\n".join(lines) + "\n")
    print("neardup: %d originals, %d transformed queries (%d transforms), %d distractors -> %s"
          % (len(originals), len(originals) * len(TRANSFORMS), len(TRANSFORMS), len(DISTRACTORS), out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    args = ap.parse_args()
    photos = args.cache / "photos"
    eval_dir = args.cache / "eval"
    stamp = "seed=%d transforms=%s pillow=%s script=%s" % (
        args.seed, ",".join(TRANSFORMS), Image.__version__,
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16])
    for name, build in (("labelled", lambda o: build_labelled(photos, o)),
                        ("neardup", lambda o: build_neardup(photos, o, args.seed))):
        target = eval_dir / name
        if not args.force and (target / ".stamp").is_file() and (target / ".stamp").read_text() == stamp:
            print("%s: up to date in %s" % (name, target))
            continue
        tmp = eval_dir / (name + ".new")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        build(tmp)
        (tmp / ".stamp").write_text(stamp)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)


if __name__ == "__main__":
    main()
