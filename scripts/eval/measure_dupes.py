"""Pair precision / recall / F1 of `imagesearch duplicates` (the CLI, as a user runs it) on the duplicates set.

Runs the CLI once per threshold (and once with no --threshold: the defaults), reads its JSON groups, and counts
over all pairs of the manifest's images: a pair is true when both images have the same group in manifest.tsv,
predicted when both are in one reported group. Prints a Markdown table.

  python3 scripts/eval/measure_dupes.py --jar cli/target/imagesearch.jar \
      --data ~/.cache/imagesearch/eval/dupes-index --models efficientnet-lite0 [--linkage single] \
      [--thresholds 0.70,0.75,...]
"""
import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path


def pairs(n):
    return n * (n - 1) // 2


def truth(manifest):
    base = manifest.parent
    label = {}
    for line in manifest.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        label[os.path.abspath(base / f[0])] = f[1]
    return label


def measure(groups, label):
    true_pairs = sum(pairs(c) for c in Counter(label.values()).values())
    predicted = correct = 0
    for g in groups:
        locs = [l for m in g["members"] for l in m["locations"] if l in label]
        predicted += pairs(len(locs))
        correct += sum(pairs(c) for c in Counter(label[l] for l in locs).values())
    p = correct / predicted if predicted else 1.0
    r = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return dict(groups=len(groups), predicted=predicted, true=true_pairs, correct=correct, p=p, r=r, f1=f1)


def run(args, threshold):
    cmd = ["java", "-jar", args.jar, "duplicates", "--data", args.data, "--models", args.models, "--format", "json"]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    cmd += args.extra
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--manifest", type=Path,
                    default=Path(os.environ.get("IMAGESEARCH_CACHE", Path.home() / ".cache/imagesearch"))
                    / "eval/dupes/manifest.tsv")
    ap.add_argument("--thresholds", default="")
    ap.add_argument("extra", nargs="*", help="more duplicates options, after --")
    args = ap.parse_args()
    label = truth(args.manifest)
    print("| threshold | groups | predicted pairs | correct | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    for t in [None] + [float(x) for x in args.thresholds.split(",") if x]:
        out = run(args, t)
        m = measure(out["groups"], label)
        if out["checked"] != len(set(label)):
            print("warning: %d images checked, the manifest has %d" % (out["checked"], len(label)), file=sys.stderr)
        name = "%.3f (default)" % out["threshold"] if t is None else "%.2f" % t
        print("| %s | %d | %d | %d | %.4f | %.4f | %.4f |" % (name, m["groups"], m["predicted"], m["correct"],
                                                            m["p"], m["r"], m["f1"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
