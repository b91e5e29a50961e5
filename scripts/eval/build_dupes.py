"""Builds the duplicates development set: many real photos of similar subjects that are NOT duplicates of each
other, transformed copies of some of them, and the ground truth of which image is a copy of which original.

Deterministic: every random choice comes from random.Random(seed, file name), and Pillow is pinned, so the same
inputs give the same bytes. Layout (under <cache>/eval/dupes/):

  originals/<name>.jpg          one file per original photo (longest side <= 1024 px, tuxpaint stamps <= 512 px,
                                flattened on white, EXIF orientation applied), JPEG q92
  copies/<transform>/<name>-<i>.jpg  transformed copies
  manifest.tsv                  image<TAB>group<TAB>transform ("original" for the original itself); images with
                                the same group are duplicates of each other, any other pair is not
"""
import argparse
import hashlib
import os
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from build_datasets import flatten, rng, save_jpeg

MAX_SIDE = 1024
STAMP_MAX_SIDE = 512
# share of the originals that get copies, and how many each (the rest are distractors: photos with no copy)
COPIED_SHARE = 0.62
COPIES = (1, 6)

TRANSFORMS = ["crop", "rotate", "rescale", "jpeg", "flip", "brightness-contrast", "colour", "grayscale", "text",
              "crop+jpeg", "rotate+rescale", "flip+colour", "text+jpeg", "crop+grayscale", "rescale+text"]

# Real photos of the fetched Debian packages (scripts/photos/fetch.sh --labelled --wallpapers). Other shots of
# one scene (kphotoalbum bar55 / bar55_2, opencv aero1 / aero3, leuvenA / leuvenB, left01 / left05 ...) are
# different photos, not duplicates: they are the hard negatives. Left out: frames that differ by a few pixels
# (stereo pairs aloeR, right*, basketball2, rubberwhale2), two renders of one scene (Blender_Suzanne2), one photo
# at several sizes (Elephants_*), re-coloured variants of one design (Ubuntu-Mate-*, MATE-Stripes-*), abstract
# gradients that the models cannot tell apart (mate abstract Silk, Flow, ...), a tampered copy (ela_modified).
EXTRA = [
    "darknet/scream.jpg",
    "kphotoalbum/anne_helene.jpg", "kphotoalbum/blackie.jpg", "kphotoalbum/cold_water.jpg",
    "kphotoalbum/grand_canyon_1.jpg", "kphotoalbum/new_wave_1.jpg", "kphotoalbum/new_wave_2.jpg",
    "kphotoalbum/pool.jpg", "kphotoalbum/pool_2.jpg", "kphotoalbum/snow.jpg", "kphotoalbum/sunset.jpg",
    "kphotoalbum/wayne.jpg",
    "opencv/Blender_Suzanne1.jpg", "opencv/HappyFish.jpg", "opencv/aloeL.jpg",
    "opencv/basketball1.png", "opencv/blox.jpg", "opencv/board.jpg", "opencv/box_in_scene.png", "opencv/cards.png",
    "opencv/chicky_512.png", "opencv/ela_original.jpg", "opencv/left01.jpg", "opencv/left05.jpg",
    "opencv/left09.jpg", "opencv/left13.jpg", "opencv/licenseplate_motion.jpg", "opencv/pca_test1.jpg",
    "opencv/rubberwhale1.png", "opencv/smarties.png", "opencv/starry_night.jpg", "opencv/stuff.jpg",
    "opencv/text_defocus.jpg",
    "skimage/brick.png", "skimage/coins.png", "skimage/grass.png", "skimage/gravel.png",
    "skimage/hubble_deep_field.jpg", "skimage/moon.png", "skimage/motorcycle_left.png", "skimage/retina.jpg",
    "skimage/ihc.png", "skimage/cell.png", "skimage/clock_motion.png", "skimage/page.png",
]
WALLPAPER_DIRS = ["wallpapers-ukui", "wallpapers-lomiri", "wallpapers-mate"]
WALLPAPER_SKIP = ("Elephants_", "Ubuntu-Mate-", "MATE-Stripes-", "mate-abstract-Silk", "mate-abstract-Flow",
                  "mate-abstract-Gulp", "mate-abstract-Arc-Colors", "mate-abstract-Spring", "mate-abstract-Waves")
# tuxpaint categories of many look-alike photo stamps (birds, fruit, flowers, ...): similar subjects, all on white.
# Not town/roadsigns: drawn signs that differ by a symbol or a colour (stoplight red / yellow), or are mirrored.
STAMP_CATEGORIES = ["animals/birds", "food/fruit", "plants/flowers", "food/vegetables", "animals/mammals/bovines",
                    "animals/fish", "animals/insects", "space/planets", "animals/mammals/rodents", "animals/mammals",
                    "household/tools", "plants/trees", "clothes", "sports"]
WORDS = ["holiday 2019", "IMG_0423", "(c) photo club", "summer", "DRAFT", "for sale", "copy", "family album",
         "2024-05-01 14:32", "best of"]


def sources(photos):
    """(name, path, max side) of every original, in a stable order."""
    out = []
    for p in sorted((photos / "sample").iterdir()):
        if p.suffix.lower() in (".jpg", ".png"):
            out.append((p.stem, p, MAX_SIDE))
    for rel in EXTRA:
        out.append((rel.replace("/", "-").rsplit(".", 1)[0], photos / rel, MAX_SIDE))
    for d in WALLPAPER_DIRS:
        folder = photos / d
        if not folder.is_dir():
            sys.exit("build_dupes: %s is missing (run scripts/photos/fetch.sh --labelled --wallpapers)" % folder)
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (".jpg", ".png") and not any(x in p.name for x in WALLPAPER_SKIP):
                out.append((d + "-" + p.stem, p, MAX_SIDE))
    for c in STAMP_CATEGORIES:
        for p in sorted((photos / "tuxpaint" / c).glob("*.png")):
            if p.stem.endswith("_mirror"):
                continue  # a mirrored copy of another stamp: a duplicate, not a look-alike
            out.append(("tuxpaint-" + c.replace("/", "-") + "-" + p.stem, p, STAMP_MAX_SIDE))
    return out


def caption(img, r):
    w, h = img.size
    img = img.copy()
    size = max(10, int(h * r.uniform(0.06, 0.10)))
    font = ImageFont.load_default(size=size)
    text = r.choice(WORDS)
    d = ImageDraw.Draw(img)
    box = d.textbbox((0, 0), text, font=font, stroke_width=max(1, size // 12))
    tw, th = box[2] - box[0], box[3] - box[1]
    x = r.randint(0, max(0, w - tw - 1))
    y = r.choice([r.randint(0, max(0, h // 5)), r.randint(max(0, h - th - h // 5), max(0, h - th - 1))])
    fill = r.choice([(255, 255, 255), (255, 230, 0), (0, 0, 0)])
    stroke = (0, 0, 0) if fill != (0, 0, 0) else (255, 255, 255)
    d.text((x, y), text, font=font, fill=fill, stroke_width=max(1, size // 12), stroke_fill=stroke)
    return img


def transform(img, kind, r):
    """The transformed image and its JPEG quality."""
    quality = 90
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
            quality = r.randint(15, 35)
        elif step == "flip":
            img = ImageOps.mirror(img)
        elif step == "brightness-contrast":
            img = ImageEnhance.Brightness(img).enhance(r.choice([r.uniform(0.6, 0.8), r.uniform(1.2, 1.4)]))
            img = ImageEnhance.Contrast(img).enhance(r.choice([r.uniform(0.6, 0.8), r.uniform(1.2, 1.4)]))
        elif step == "colour":  # hue rotation by 10-30 degrees and saturation x0.5-1.6
            hsv = img.convert("HSV")
            hch, s, v = hsv.split()
            shift = int(r.choice([-1, 1]) * r.uniform(7, 21))
            hch = hch.point(lambda x: (x + shift) % 256)
            img = Image.merge("HSV", (hch, s, v)).convert("RGB")
            img = ImageEnhance.Color(img).enhance(r.choice([r.uniform(0.5, 0.7), r.uniform(1.3, 1.6)]))
        elif step == "grayscale":
            img = ImageOps.grayscale(img).convert("RGB")
        elif step == "text":
            img = caption(img, r)
        else:
            raise ValueError("unknown transform " + step)
    return img, quality


def build(photos, out, seed):
    lines = []
    seen = {}
    n_orig = n_copies = n_copied = 0
    for name, src, max_side in sources(photos):
        if not src.is_file():
            sys.exit("build_dupes: %s is missing (run scripts/photos/fetch.sh --labelled --wallpapers)" % src)
        with Image.open(src) as im:
            img = flatten(ImageOps.exif_transpose(im))
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        digest = hashlib.sha256(img.tobytes()).hexdigest()
        if digest in seen:
            continue  # the same picture in two places (a tuxpaint stamp in two folders): keep the first
        seen[digest] = name
        dst = out / "originals" / (name + ".jpg")
        save_jpeg(img, dst, quality=92)
        n_orig += 1
        lines.append("%s\t%s\toriginal" % (dst.relative_to(out).as_posix(), name))
        r = rng(seed, name, "copies")
        if r.random() >= COPIED_SHARE:
            continue
        n_copied += 1
        for i, kind in enumerate(r.sample(TRANSFORMS, r.randint(*COPIES))):
            copy, quality = transform(img, kind, rng(seed, name, kind))
            q = out / "copies" / kind / ("%s-%d.jpg" % (name, i))
            save_jpeg(copy, q, quality)
            n_copies += 1
            lines.append("%s\t%s\t%s" % (q.relative_to(out).as_posix(), name, kind))
    (out / "manifest.tsv").write_text("# image\tgroup (same group = duplicates)\ttransform\n"
                                      + "\n".join(lines) + "\n")
    print("dupes: %d originals (%d with copies, %d distractors), %d copies, %d images -> %s"
          % (n_orig, n_copied, n_orig - n_copied, n_copies, n_orig + n_copies, out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    args = ap.parse_args()
    photos = args.cache / "photos"
    target = args.cache / "eval" / "dupes"
    here = Path(__file__).parent
    stamp = "seed=%d pillow=%s script=%s" % (args.seed, Image.__version__, hashlib.sha256(
        (here / "build_dupes.py").read_bytes() + (here / "build_datasets.py").read_bytes()).hexdigest()[:16])
    if not args.force and (target / ".stamp").is_file() and (target / ".stamp").read_text() == stamp:
        print("dupes: up to date in %s" % target)
        return
    tmp = target.parent / "dupes.new"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    build(photos, tmp, args.seed)
    (tmp / ".stamp").write_text(stamp)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


if __name__ == "__main__":
    main()
