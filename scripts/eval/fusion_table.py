#!/usr/bin/env python3
"""Summarise `imagesearch eval ... --subsets 2,3 --format json` runs: for every fused subset of models, the fused
score against the best single model of that subset, on the labelled set (mAP@10) and the near-duplicate set
(recall@1, uAP). Standard library only.

Usage: fusion_table.py LABELLED.json NEARDUP.json [--fusion zscore] [--table] [--losses]
"""
import argparse
import json


def load(path):
    with open(path) as f:
        return {m["method"]: m for m in json.load(f)["methods"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labelled")
    ap.add_argument("neardup")
    ap.add_argument("--fusion", default="zscore", help="fusion name prefix as the eval command reports it")
    ap.add_argument("--table", action="store_true", help="print one markdown row per subset")
    ap.add_argument("--losses", action="store_true", help="list every subset whose fused score is below its best")
    ap.add_argument("--eps", type=float, default=1e-9)
    a = ap.parse_args()
    lab, nd = load(a.labelled), load(a.neardup)
    singles = [m for m, v in lab.items() if not v["fused"]]
    rows = []
    for name, v in lab.items():
        if not v["fused"]:
            continue
        parts = name.split(" ", 1)
        if not parts[0].startswith(a.fusion) or parts[0].split("[")[0] != a.fusion:
            continue
        models = parts[1].split("+") if len(parts) == 2 else singles
        best = lambda d, k: max(d[m]["metrics"][k] for m in models)
        r = {
            "models": models,
            "map": v["metrics"]["mAP@k"], "map_best": best(lab, "mAP@k"),
            "r1": nd[name]["metrics"]["recall@1"], "r1_best": best(nd, "recall@1"),
            "uap": nd[name]["metrics"]["uAP"], "uap_best": best(nd, "uAP"),
        }
        rows.append(r)
    lose = {k: [r for r in rows if r[k] < r[k + "_best"] - a.eps] for k in ("map", "r1", "uap")}
    print(f"{a.fusion}: {len(rows)} subsets; fused < best single: mAP@10 {len(lose['map'])}, "
          f"R@1 {len(lose['r1'])}, uAP {len(lose['uap'])}")
    for k in ("map", "r1", "uap"):
        if rows:
            worst = min(rows, key=lambda r: r[k] - r[k + "_best"])
            print(f"  worst {k}: {worst[k] - worst[k + '_best']:+.4f} ({'+'.join(worst['models'])})")
    if a.losses:
        for k, label in (("map", "mAP@10"), ("r1", "R@1"), ("uap", "uAP")):
            for r in lose[k]:
                print(f"  {label} {r[k] - r[k + '_best']:+.6f} ({r[k]:.6f} vs {r[k + '_best']:.6f}): {'+'.join(r['models'])}")
    if a.table:
        short = lambda m: m.replace("efficientnet-", "").replace("-nsfwjs", "")
        print("| models | mAP@10 best single | fused | R@1 best | fused | uAP best | fused |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {' + '.join(map(short, r['models']))} | {r['map_best']:.4f} | {r['map']:.4f} | "
                  f"{r['r1_best']:.4f} | {r['r1']:.4f} | {r['uap_best']:.4f} | {r['uap']:.4f} |")


if __name__ == "__main__":
    main()
