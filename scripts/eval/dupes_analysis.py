"""Where the duplicate grouping goes wrong on the duplicates set, and what other rules would give (issue 15).

Reads the vectors that `imagesearch index` stored in an *embedded* index (the append-only record files
`ids.log` and `vectors/<model>.vec`, read-only) and the set's manifest, re-implements the default grouping of
`duplicates` (k-NN candidates, margin over the 10th neighbour, average linkage; it reproduces the CLI's pair P/R/F1
to the fourth digit) and reports, at a threshold:

  errors   false-positive groups (which photos were merged), missed copies per transform with their score,
           rank and background, and the best F1 of a threshold on raw pair scores alone (no grouping)
  variants the best F1 over a (threshold, margin) grid of the default rule and of the alternatives the issue
           lists: mutual k nearest neighbours, centroid linkage (close to the group's mean vector), a margin
           relative to the background, CSLS-style local scaling, database-side augmentation
  twins    the cosine between two models' vectors of the same image (same dimension), e.g. a model and its
           INT8 variant (docs/EVALUATION.md, fusion)

Needs numpy (not in scripts/eval/requirements.txt; e.g. the venv-bench of scripts/bench). Development tool: it
reads the embedded store's file format (core's dev.imagesearch.embedded.RecordLog), which may change.

  python scripts/eval/dupes_analysis.py errors --data ~/.cache/imagesearch/eval/dupes-index \
      --model efficientnet-lite0-int8 --threshold 0.67
  python scripts/eval/dupes_analysis.py variants --data ... --model efficientnet-lite0-int8
  python scripts/eval/dupes_analysis.py twins --data ... --model efficientnet-lite0 --other efficientnet-lite0-int8
"""
import argparse
import collections
import os
import struct
import sys

import numpy as np

MARGIN = 0.12
NEIGHBOURS = 10
SURE = 0.7


def records(path):
    b = open(path, "rb").read()
    p = 8 + 4
    p += 4 + struct.unpack(">i", b[p:p + 4])[0]
    p += 4 + struct.unpack(">i", b[p:p + 4])[0] + 4
    while p + 4 <= len(b):
        n = struct.unpack(">i", b[p:p + 4])[0]
        if n < 1 or p + 4 + n + 4 > len(b):
            break
        yield b[p + 4], b[p + 5:p + 4 + n]
        p += 4 + n + 4


def id_map(data):
    loc2id = {}
    for t, body in records(os.path.join(data, "ids.log")):
        if t != 1:
            sys.exit("unexpected id map record type %d: only indexes without removals are read" % t)
        n = struct.unpack(">i", body[:4])[0]
        loc2id[body[4:4 + n].decode()] = struct.unpack(">q", body[4 + n:12 + n])[0]
    return loc2id


def vectors(data, model):
    out = {}
    for t, body in records(os.path.join(data, "vectors", model + ".vec")):
        i = struct.unpack("<q", body[:8])[0]
        if t == 1:
            out[i] = np.frombuffer(body[8:], dtype="<f4")
        else:
            out.pop(i, None)
    return out


class DataSet:
    """The manifest's images, one row per stored vector (byte-identical files share one), and their cosines."""

    def __init__(self, data, manifest, model):
        base = os.path.dirname(manifest)
        files, groups, transforms = [], [], []
        for line in open(manifest):
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            files.append(os.path.abspath(os.path.join(base, f[0])))
            groups.append(f[1])
            transforms.append(f[2])
        loc2id = id_map(data)
        vec = vectors(data, model)
        ids = [loc2id[f] for f in files]
        uniq, first, inv = np.unique(ids, return_index=True, return_inverse=True)
        x = np.stack([vec[i] for i in uniq]).astype(np.float64)
        self.x = x / np.linalg.norm(x, axis=1, keepdims=True)
        self.s = self.x @ self.x.T
        self.n = len(uniq)
        self.files_of = collections.defaultdict(list)
        for k, u in enumerate(inv):
            self.files_of[u].append(k)
        self.groups = np.array(groups)
        self.group = np.array([groups[first[u]] for u in range(self.n)])
        self.transform = np.array([transforms[first[u]] for u in range(self.n)])
        self.name = np.array([files[first[u]].split("/dupes/")[-1] for u in range(self.n)])
        s2 = self.s.copy()
        np.fill_diagonal(s2, -9)
        self.order = np.argsort(-s2, axis=1)
        self.sorted = -np.sort(-s2, axis=1)

    def f1(self, grouped):
        true_pairs = sum(v * (v - 1) // 2 for v in collections.Counter(self.groups).values())
        pred = corr = 0
        for g in grouped:
            fl = [k for u in g for k in self.files_of[u]]
            pred += len(fl) * (len(fl) - 1) // 2
            corr += sum(v * (v - 1) // 2 for v in collections.Counter(self.groups[fl]).values())
        p = corr / pred if pred else 1.0
        r = corr / true_pairs
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def group(d, t, margin=MARGIN, score=None, link=None, linkage="average", min_link=None):
    """The default rule of DuplicateFinder, with hooks: `link(i, j, t)` replaces the margin test; `linkage`
    'average' (mean pair score >= min_link, default t) or 'centroid' (cosine of the groups' mean vectors)."""
    s = d.s if score is None else score
    bg = d.sorted[:, NEIGHBOURS - 1]
    if link is None:
        def link(i, j, t):
            return margin <= 0 or s[i, j] >= t + SURE * (1 - t) or s[i, j] - max(bg[i], bg[j]) >= margin
    edges = {(min(i, j), max(i, j)) for i in range(d.n) for j in d.order[i, :NEIGHBOURS]
             if s[i, j] >= t and link(i, j, t)}
    parent = list(range(d.n))
    members = {i: [i] for i in range(d.n)}
    sums = {i: d.x[i].copy() for i in range(d.n)}
    lo = t if min_link is None else min_link

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in sorted(edges, key=lambda e: (-s[e], e)):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if linkage == "average" and s[np.ix_(members[ra], members[rb])].mean() < lo:
            continue
        if linkage == "centroid" and sums[ra] @ sums[rb] / np.linalg.norm(sums[ra]) / np.linalg.norm(sums[rb]) < lo:
            continue
        parent[rb] = ra
        members[ra] += members.pop(rb)
        sums[ra] = sums[ra] + sums.pop(rb)
    return [m for m in members.values() if len(m) > 1]


def errors(d, t):
    p, r, f = d.f1(group(d, t))
    print("default rule at %.3f: P %.4f R %.4f F1 %.4f" % (t, p, r, f))
    iu = np.triu_indices(d.n, 1)
    same = d.group[:, None] == d.group[None, :]
    sc, y = d.s[iu], same[iu]
    o = np.argsort(-sc)
    tp = np.cumsum(y[o])
    prec = tp / np.arange(1, len(o) + 1)
    rec = tp / y.sum()
    f1 = 2 * prec * rec / np.maximum(prec + rec, 1e-12)
    k = int(f1.argmax())
    print("threshold on raw pair scores alone (every pair, no grouping): best F1 %.4f at %.4f (P %.4f R %.4f)"
          % (f1[k], sc[o][k], prec[k], rec[k]))
    print("true pairs' score quantiles 1/5/10 %%: %s; highest false pairs: %s" % (
        np.quantile(sc[y], [0.01, 0.05, 0.1]).round(3), np.sort(sc[~y])[-5:].round(3)))
    print("\nmerged groups with more than one photo (unique images):")
    for g in group(d, t):
        c = collections.Counter(d.group[g])
        if len(c) > 1:
            print("  %d: %s" % (len(g), ", ".join("%s x%d" % (k, v) for k, v in c.items())))
    lab = np.full(d.n, -1)
    for gi, g in enumerate(group(d, t)):
        lab[g] = gi
    original = {d.group[i]: i for i in range(d.n) if d.transform[i] == "original"}
    missed = collections.Counter()
    total = collections.Counter()
    rows = []
    bg = d.sorted[:, NEIGHBOURS - 1]
    rank = np.empty_like(d.order)
    for i in range(d.n):
        rank[i, d.order[i]] = np.arange(len(d.order[i]))
    for i in range(d.n):
        if d.transform[i] == "original":
            continue
        o_ = original[d.group[i]]
        total[d.transform[i]] += 1
        if lab[i] < 0 or lab[i] != lab[o_]:
            missed[d.transform[i]] += 1
            rows.append((d.s[i, o_], d.transform[i], rank[i, o_], bg[i], bg[o_], d.name[i]))
    print("\ncopies not grouped with their original, per transform:")
    print("  " + ", ".join("%s %d/%d" % (k, missed[k], total[k]) for k in sorted(total)))
    print("\n  score  rank bg(copy) bg(orig) transform / file")
    for s_, tr, rk, b1, b2, nm in sorted(rows, reverse=True):
        print("  %.3f  %4d  %.3f  %.3f  %s %s" % (s_, rk, b1, b2, tr, nm))


def best(d, name, ts, margins, **kw):
    top = (0,)
    for m in margins:
        for t in ts:
            p, r, f = d.f1(group(d, t, margin=m, **kw))
            if f > top[0]:
                top = (f, p, r, t, m)
    print("%-44s best F1 %.4f (P %.4f R %.4f) at T %.3f, margin %.2f" % ((name,) + top))
    sys.stdout.flush()


def variants(d):
    ts = np.arange(0.40, 0.80, 0.025)
    margins = [0.08, 0.10, 0.12, 0.15]
    best(d, "default (average linkage, margin)", ts, margins)
    best(d, "single linkage, margin", ts, margins, linkage="single")
    best(d, "centroid linkage >= 0.60, margin", ts, margins, linkage="centroid", min_link=0.60)
    rank = np.empty_like(d.order)
    for i in range(d.n):
        rank[i, d.order[i]] = np.arange(len(d.order[i]))
    bg = d.sorted[:, NEIGHBOURS - 1]
    for k in (5, 7):
        def mutual(i, j, t, k=k):
            ok = d.s[i, j] >= t + SURE * (1 - t) or d.s[i, j] - max(bg[i], bg[j]) >= MARGIN
            return ok and rank[i, j] < k and rank[j, i] < k
        best(d, "mutual top-%d neighbours, margin 0.12" % k, ts, [MARGIN], link=mutual)
    for mu in (0.30, 0.35, 0.40):
        def relative(i, j, t, mu=mu):
            b = max(bg[i], bg[j])
            return (d.s[i, j] - b) / (1 - b) >= mu
        best(d, "relative margin (s-bg)/(1-bg) >= %.2f" % mu, ts, [0], link=relative)
    for k in (10, 20):
        r = d.sorted[:, :k].mean(1)
        csls = d.s - (r[:, None] + r[None, :]) / 2
        best(d, "CSLS local scaling, k = %d (no margin)" % k, np.arange(-0.1, 0.4, 0.01), [0], score=csls)
    w = np.zeros((d.n, d.n))
    for i in range(d.n):
        for j in d.order[i, :2]:
            w[i, j] = max(0.0, d.s[i, j]) ** 3
    x = d.x + w @ d.x
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    best(d, "database-side augmentation (alpha-DBA n=2)", np.arange(0.5, 0.95, 0.025), margins, score=x @ x.T)


def twins(data, a, b):
    va, vb = vectors(data, a), vectors(data, b)
    c = []
    for i in sorted(set(va) & set(vb)):
        x, y = va[i].astype(np.float64), vb[i].astype(np.float64)
        if len(x) != len(y):
            sys.exit("%s and %s have different dimensions" % (a, b))
        c.append(x @ y / np.linalg.norm(x) / np.linalg.norm(y))
    c = np.array(c)
    print("%s vs %s over %d images: cosine min %.4f, 1 %% %.4f, median %.4f, max %.4f"
          % (a, b, len(c), c.min(), np.quantile(c, 0.01), np.median(c), c.max()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["errors", "variants", "twins"])
    ap.add_argument("--data", required=True, help="the embedded index of the duplicates set")
    ap.add_argument("--model", required=True)
    ap.add_argument("--other", help="twins: the second model")
    ap.add_argument("--threshold", type=float, help="errors: the threshold (the model's default)")
    ap.add_argument("--manifest", default=os.path.join(
        os.environ.get("IMAGESEARCH_CACHE", os.path.expanduser("~/.cache/imagesearch")), "eval/dupes/manifest.tsv"))
    a = ap.parse_args()
    if a.what == "twins":
        twins(a.data, a.model, a.other)
        return
    d = DataSet(a.data, a.manifest, a.model)
    if a.what == "errors":
        errors(d, a.threshold)
    else:
        variants(d)


if __name__ == "__main__":
    main()
