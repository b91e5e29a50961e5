"""Table of a bench/models.sh run: per model, Java indexing (the last pass), raw ONNX Runtime and the Python
best-practice peer (fp32 models), medians over rounds with min-max; ratios are medians of per-round ratios, so
each compares two measurements taken minutes apart under the same load."""
import argparse
import json
import statistics
from collections import defaultdict


def med(values):
    return statistics.median(values) if values else float("nan")


def span(values):
    return "%.1f (%.1f–%.1f)" % (med(values), min(values), max(values)) if values else "–"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--passes", type=int, default=3)
    a = ap.parse_args()
    index, first, raw, py = defaultdict(dict), defaultdict(dict), defaultdict(dict), defaultdict(dict)
    models = []
    for line in open(a.results):
        r = json.loads(line)
        m, rnd = r.get("model", ""), r["round"]
        if m and m not in models:
            models.append(m)
        if r["what"] == "java-index" and r["pass"] == a.passes:
            index[m][rnd] = r["images_per_s"]
        elif r["what"] == "java-index" and r["pass"] == 1:
            first[m][rnd] = r["images_per_s"]
        elif r["what"] == "java-raw":
            raw[m][rnd] = r["images_per_s"]
        elif r["what"] == "python-best":
            py[m][rnd] = r["images_per_s"]

    def ratio(num, den):
        rs = [num[k] / den[k] for k in num if k in den]
        return "%.2f" % med(rs) if rs else "–"

    print("| model | Java index, pass %d (img/s) | pass 1 | raw ORT (img/s) | Python best (img/s) "
          "| Java / Python fp32 | INT8 / fp32 index | INT8 / fp32 raw | index / raw |" % a.passes)
    print("|---|---|---|---|---|---|---|---|---|")
    for m in models:
        base = m[:-len("-int8")] if m.endswith("-int8") else m
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            m, span(list(index[m].values())), span(list(first[m].values())), span(list(raw[m].values())),
            span(list(py[m].values())), ratio(index[m], py[base]),
            ratio(index[m], index[base]) if m != base else "", ratio(raw[m], raw[base]) if m != base else "",
            ratio(index[m], raw[m])))


if __name__ == "__main__":
    main()
