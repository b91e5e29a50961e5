"""Table of a bench/models.sh run: per model, Java indexing (the last pass), raw ONNX Runtime and the Python
best-practice peer (fp32 models), medians over rounds with min-max; ratios are medians of per-round ratios, so
each compares two measurements taken minutes apart under the same load. Images per CPU-second (every thread of the
process) are shown too: on a machine shared with other work they vary far less than images per second."""
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
    keys = ("index", "first", "raw", "py", "index_cpu", "py_cpu")
    m_ = {k: defaultdict(dict) for k in keys}
    models = []
    for line in open(a.results):
        r = json.loads(line)
        m, rnd = r.get("model", ""), r["round"]
        if m and m not in models:
            models.append(m)
        if r["what"] == "java-index" and r["pass"] == a.passes:
            m_["index"][m][rnd] = r["images_per_s"]
            if "images_per_cpu_s" in r:
                m_["index_cpu"][m][rnd] = r["images_per_cpu_s"]
        elif r["what"] == "java-index" and r["pass"] == 1:
            m_["first"][m][rnd] = r["images_per_s"]
        elif r["what"] == "java-raw":
            m_["raw"][m][rnd] = r["images_per_s"]
        elif r["what"] == "python-best":
            m_["py"][m][rnd] = r["images_per_s"]
            if "images_per_cpu_s" in r:
                m_["py_cpu"][m][rnd] = r["images_per_cpu_s"]

    def ratio(num, den):
        rs = [num[k] / den[k] for k in num if k in den]
        return "%.2f" % med(rs) if rs else "–"

    def col(k, m):
        return span(list(m_[k][m].values()))

    print("| model | Java index, pass %d (img/s) | pass 1 | raw ORT (img/s) | Python best (img/s) | Java index "
          "img per CPU-s | Python img per CPU-s | Java / Python fp32 | INT8 / fp32 index | INT8 / fp32 index, CPU-s "
          "| INT8 / fp32 raw | index / raw |" % a.passes)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for m in models:
        b = m[:-len("-int8")] if m.endswith("-int8") else m
        q = m != b
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            m, col("index", m), col("first", m), col("raw", m), col("py", m), col("index_cpu", m), col("py_cpu", m),
            ratio(m_["index"][m], m_["py"][b]),
            ratio(m_["index"][m], m_["index"][b]) if q else "",
            ratio(m_["index_cpu"][m], m_["index_cpu"][b]) if q else "",
            ratio(m_["raw"][m], m_["raw"][b]) if q else "",
            ratio(m_["index"][m], m_["raw"][m])))


if __name__ == "__main__":
    main()
