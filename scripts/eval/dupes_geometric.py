"""Prototype: re-check the candidate pairs of `duplicates` by geometric verification with local features.

For every candidate pair of the default rule (each image's 10 nearest neighbours scoring >= 0.3), ORB keypoints
(1,000 per image, grayscale, longest side scaled to 512 px; the second image also mirrored) are matched with the
ratio test (0.8) and a homography is fitted with RANSAC (8 px): the pair's score is the number of inlier matches.
A pair of images that both have >= MIN_KEYPOINTS keypoints links when its cosine is >= 0.3 and it has >= INLIERS
inliers (the margin is not used); other pairs (textureless images: abstract wallpapers, smooth stamps) keep the
default rule. Groups by average linkage at 0.5. Prints P/R/F1 against the default rule, and a small grid.

Needs numpy and opencv-python-headless (PyPI) besides dupes_analysis.py; a development experiment, not part of
the library (docs/EVALUATION.md, "Where the errors are").

  python scripts/eval/dupes_geometric.py --data ~/.cache/imagesearch/eval/dupes-index \
      --model efficientnet-lite0-int8 --threshold 0.67
"""
import argparse
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dupes_analysis as da  # noqa: E402


def features(path, orb, mirror):
    im = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    h, w = im.shape
    sc = 512 / max(h, w)
    im = cv2.resize(im, (max(1, round(w * sc)), max(1, round(h * sc))),
                    interpolation=cv2.INTER_AREA if sc < 1 else cv2.INTER_LINEAR)
    kp, des = orb.detectAndCompute(cv2.flip(im, 1) if mirror else im, None)
    return np.array([k.pt for k in kp], dtype=np.float32).reshape(-1, 2), des


def inliers(fa, fbs, bf):
    best = 0
    pa, da_ = fa
    for pb, db in fbs:
        if da_ is None or db is None or len(da_) < 2 or len(db) < 2:
            continue
        good = [m[0] for m in bf.knnMatch(da_, db, k=2) if len(m) == 2 and m[0].distance < 0.8 * m[1].distance]
        if len(good) < 5:
            continue
        _, mask = cv2.findHomography(pa[[g.queryIdx for g in good]], pb[[g.trainIdx for g in good]], cv2.RANSAC, 8.0)
        if mask is not None:
            best = max(best, int(mask.sum()))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threshold", type=float, required=True, help="the model's default duplicates threshold")
    ap.add_argument("--manifest", default=os.path.join(
        os.environ.get("IMAGESEARCH_CACHE", os.path.expanduser("~/.cache/imagesearch")), "eval/dupes/manifest.tsv"))
    a = ap.parse_args()
    d = da.DataSet(a.data, a.manifest, a.model)
    base = os.path.dirname(a.manifest)
    paths = [os.path.join(base, name) for name in d.name]
    orb = cv2.ORB_create(nfeatures=1000)
    feats = [features(p, orb, False) for p in paths]
    mirrored = [features(p, orb, True) for p in paths]
    bf = cv2.BFMatcher(cv2.NORM_HAMMING)
    cand = {(min(i, j), max(i, j)) for i in range(d.n) for j in d.order[i, :da.NEIGHBOURS] if d.s[i, j] >= 0.3}
    count = {e: inliers(feats[e[0]], (feats[e[1]], mirrored[e[1]]), bf) for e in cand}
    keypoints = np.array([len(f[0]) for f in feats])
    bg = d.sorted[:, da.NEIGHBOURS - 1]
    print("default rule at %.2f: P %.4f R %.4f F1 %.4f" % ((a.threshold,) + d.f1(da.group(d, a.threshold))))
    for min_kp in (100, 200):
        for need in (20, 30, 40):
            def link(i, j, t, min_kp=min_kp, need=need):
                e = (min(i, j), max(i, j))
                if keypoints[i] >= min_kp and keypoints[j] >= min_kp:
                    return d.s[i, j] >= 0.3 and count.get(e, 0) >= need
                return d.s[i, j] >= a.threshold and (d.s[i, j] >= a.threshold + da.SURE * (1 - a.threshold)
                                                     or d.s[i, j] - max(bg[i], bg[j]) >= da.MARGIN)
            p, r, f = d.f1(da.group(d, 0.3, link=link, min_link=0.5))
            print("geometric re-check, >= %d keypoints, >= %d inliers: P %.4f R %.4f F1 %.4f" % (min_kp, need, p, r, f))


if __name__ == "__main__":
    main()
