"""Prints the benchmark table (markdown) from the JSON lines bench/run.sh wrote."""
import json
import statistics
import sys
from collections import defaultdict


def main(path):
    rows = [json.loads(l) for l in open(path) if l.startswith("{")]
    machine = open(path + ".machine").read().strip() if path else ""

    def pick(what, round_kind="main", **match):
        out = []
        for r in rows:
            if r["what"] != what:
                continue
            is_main = r["round"].isdigit()
            if (round_kind == "main") != is_main and round_kind != "any" and round_kind != r["round"]:
                continue
            if round_kind not in ("main", "any") and r["round"] != round_kind:
                continue
            if all(str(r.get(k)) == str(v) for k, v in match.items()):
                out.append(r)
        return out

    def med(rs, key):
        vals = [float(r[key]) for r in rs]
        if not vals:
            return None, None, None
        return statistics.median(vals), min(vals), max(vals)

    def fmt(m, unit=""):
        v, lo, hi = m
        if v is None:
            return "n/a"
        return f"{v:.1f}{unit} ({lo:.1f}–{hi:.1f})"

    def ratio(a, b, higher=True):
        if a[0] is None or b[0] is None:
            return "n/a"
        return f"{a[0] / b[0]:.2f}"

    print("\n" + machine.replace("\n", "  \n") + "\n")
    print("Medians over the rounds, (min–max) in brackets.\n")
    print("| target | measured | ratio | goal | met |")
    print("|---|---|---|---|---|")
    def idx(folder, decoder="opencv", pass_=3, kind="main"):
        return med(pick("java-index", kind, folder=folder, decoder=decoder, **{"pass": pass_}), "images_per_s")

    jidx, jcold = idx("photos"), idx("photos", pass_=1)
    jio, jiocold = idx("photos", "imageio"), idx("photos", "imageio", 1)
    jraw = med(pick("java-raw"), "images_per_s")
    praw = med(pick("python-raw"), "images_per_s")
    best = med(pick("python-best", folder="photos"), "images_per_s")
    jsub, jsubcold = idx("subset"), idx("subset", pass_=1)
    art = med(pick("python-article", folder="subset"), "images_per_s")

    def line(name, measured, r, goal, ok):
        print(f"| {name} | {measured} | {r} | {goal} | {ok} |")

    def ok(a, b, thr, higher=True):
        if a[0] is None or b[0] is None:
            return "n/a"
        return "yes" if (a[0] / b[0] >= thr if higher else a[0] / b[0] <= thr) else "**no**"

    line("1. Java indexing vs raw ONNX Runtime (Java, pre-made tensors)",
         f"index steady {fmt(jidx, ' img/s')}, first pass {fmt(jcold, ' img/s')}; raw Java {fmt(jraw, ' img/s')}; "
         f"raw Python {fmt(praw, ' img/s')}", f"{ratio(jidx, jraw)} (first pass {ratio(jcold, jraw)})", "≥ 0.9",
         ok(jidx, jraw, 0.9))
    line("2a. Java indexing vs Python best practice", f"Java steady {fmt(jidx, ' img/s')}, first pass "
         f"{fmt(jcold, ' img/s')}; Python {fmt(best, ' img/s')}", f"{ratio(jidx, best)} (first pass {ratio(jcold, best)})",
         "≥ 1.3", ok(jidx, best, 1.3))
    line("2a'. same, JPEGs decoded by ImageIO (no OpenCV)", f"Java steady {fmt(jio, ' img/s')}, first pass "
         f"{fmt(jiocold, ' img/s')}", f"{ratio(jio, best)} (first pass {ratio(jiocold, best)})", "≥ 1.3", ok(jio, best, 1.3))
    line("2b. Java indexing vs the article's pipeline (subset)", f"Java steady {fmt(jsub, ' img/s')}, first pass "
         f"{fmt(jsubcold, ' img/s')}; article {fmt(art, ' img/s')}", f"{ratio(jsub, art)} (first pass {ratio(jsubcold, art)})",
         "≥ 3", ok(jsub, art, 3))
    jcv = med(pick("java-decode-opencv-reduced"), "median_ms")
    jcvfull = med(pick("java-decode-opencv-full"), "median_ms")
    jred = med(pick("java-decode-reduced"), "median_ms")
    jfull = med(pick("java-decode-full"), "median_ms")
    draft = med(pick("python-draft"), "median_ms")
    line("3. decode + preprocess of a 12 MP JPEG", f"OpenCV DCT-scaled {fmt(jcv, ' ms')}; OpenCV full {fmt(jcvfull, ' ms')}; "
         f"ImageIO subsampled {fmt(jred, ' ms')}; ImageIO full {fmt(jfull, ' ms')}; Pillow draft {fmt(draft, ' ms')}",
         f"{ratio(jcv, draft)} (ImageIO {ratio(jred, draft)})", "≤ 1", ok(jcv, draft, 1.0, higher=False))
    jpio = med(pick("java-png"), "imageio_ms")
    jpcv = med(pick("java-png"), "opencv_ms")
    ppng = med(pick("python-png"), "ms")
    if jpcv[0] is not None:
        line("decode + preprocess per PNG (all PNGs of the folder)", f"OpenCV {fmt(jpcv, ' ms')}; ImageIO "
             f"{fmt(jpio, ' ms')}; Pillow {fmt(ppng, ' ms')}", f"OpenCV/ImageIO {ratio(jpcv, jpio)}; OpenCV/Pillow "
             f"{ratio(jpcv, ppng)}", "", "")
    fa = [r for r in rows if r["what"] == "faiss"]
    js = [r for r in rows if r["what"] == "java-search"]
    if fa and js:
        fs = med(fa, "single_median_ms")
        fb = med(fa, "batch_per_query_ms")
        for r in js:
            if r.get("precision", "FLOAT32") != "FLOAT32":
                r = dict(r, kernel=f"{r['kernel']}, {r['precision']}")
            s = (float(r["single_median_ms"]),) * 3
            b = (float(r["batch_per_query_ms"]),) * 3
            line(f"5. search single query, kernel {r['kernel']}", f"Java {fmt(s, ' ms')}; FAISS {fmt(fs, ' ms')}",
                 ratio(s, fs), "≤ 1.2", ok(s, fs, 1.2, higher=False))
            line(f"5. search batch of 50, kernel {r['kernel']}", f"Java {fmt(b, ' ms/query')}; FAISS {fmt(fb, ' ms/query')}; "
                 f"recall vs FAISS {r['recall_vs_faiss']}/{r['batch_recall_vs_faiss']}", ratio(b, s), "< 1 (vs single)",
                 "yes" if b[0] < s[0] else "**no**")
            line(f"5/6. search memory, kernel {r['kernel']}", f"heap after load {float(r['heap_after_load_mb']):.0f} MB, "
                 f"vectors {float(r['vectors_mb']):.0f} MB", "", "vectors + small", "")
    heap = med(pick("java-index", folder="photos", decoder="opencv"), "peak_heap_mb")
    rss = med(pick("java-index", folder="photos", decoder="opencv"), "peak_rss_mb")
    line("6. indexing memory, 142 photos", f"peak heap {fmt(heap, ' MB')}, peak RSS {fmt(rss, ' MB')}", "", "bounded", "")
    for r in pick("python-best", "memory"):
        line(f"2a. Python best practice on {r['folder']}", f"{float(r['images_per_s']):.1f} img/s", "", "", "")
    for r in pick("java-index", "memory"):
        line(f"6. indexing memory, {r['images']} photos, -Xmx {r['max_heap_mb']} MB",
             f"{float(r['images_per_s']):.1f} img/s, {r['failed']} failed; peak heap {float(r['peak_heap_mb']):.0f} MB, "
             f"heap after GC {float(r['heap_after_gc_mb']):.0f} MB (vectors {int(r['images']) * 1280 * 4 / 1048576:.0f} MB), "
             f"peak RSS {float(r['peak_rss_mb']):.0f} MB", "", "bounded", "see text")

    print("\nThreading (2 cores), raw ONNX Runtime, batch 8:\n")
    print("| sessions × intra-op threads | img/s |")
    print("|---|---|")
    for r in pick("java-raw", "threads"):
        print(f"| {r['sessions']} × {r['threads'] or 'default'} | {float(r['images_per_s']):.1f} |")
    for r in pick("java-index", "threads"):
        print(f"| index, decode threads {r['decode_threads']} | {float(r['images_per_s']):.1f} |")
    sp = [r for r in rows if r["round"] == "spin"]
    if sp:
        print("\nThreads, spinning (default off) and reduced decoding (default on), medians over the rounds "
              "(index: steady pass):\n")
        print("| run | spin | intra-op threads | reduced | img/s (min–max) |")
        print("|---|---|---|---|---|")
        groups = defaultdict(list)
        for r in sp:
            if r["what"] == "java-index" and str(r.get("pass")) != "3":
                continue
            key = (r["what"] + (f", batch {r['batch']}" if r["what"] == "java-raw" else
                                f", decode threads {r['decode_threads']}"),
                   str(r.get("spin", "false" if r["what"] == "java-raw" else "?")), str(r.get("threads") or "default"),
                   str(r.get("reduced", "")))
            groups[key].append(float(r["images_per_s"]))
        for (run, spin, th, red), v in groups.items():
            print(f"| {run} | {spin} | {th} | {red} | {statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f}) |")
    br = pick("java-index", "broken")
    if br:
        print("\nBad input (rounds alternate the folder with 1% broken files and the clean one):\n")
        print("| folder | pass | indexed | failed | img/s median (min–max) |")
        print("|---|---|---|---|---|")
        groups = defaultdict(list)
        for r in br:
            groups[(r["folder"], str(r["pass"]), r["images"], r["failed"])].append(float(r["images_per_s"]))
        for (folder, pas, n, failed), v in sorted(groups.items()):
            print(f"| {folder} | {pas} | {n} | {failed} | {statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f}) |")
    def cosine_table(what, title, unit, edges):
        sel = [r for r in rows if r["what"] == what]
        if not sel:
            return
        names = [f"{lo}–{hi}" for lo, hi in zip(edges, edges[1:])] + [f"≥ {edges[-1]}"]
        print(f"\n{title}:\n")
        print(f"| ratio = shorter side after {unit} / 256 | pairs | min cosine | median cosine |")
        print("|---|---|---|---|")
        buckets = defaultdict(list)
        for r in sel:
            x = float(r["ratio"])
            i = sum(1 for e in edges[1:] if x >= e)
            buckets[names[i]].append(float(r["cosine"]))
        for b in names:
            if buckets[b]:
                print(f"| {b} | {len(buckets[b])} | {min(buckets[b]):.4f} | {statistics.median(buckets[b]):.4f} |")

    cosine_table("cosine", "Cosine, full vs reduced-resolution decode (ImageIO subsampling; efficientnet-lite0)",
                 "subsampling", [1, 1.5, 2, 3])
    cosine_table("cosine-dct", "Cosine, full vs DCT-scaled decode (OpenCV, JPEGs; efficientnet-lite0)",
                 "scaling", [1, 1.25, 1.5, 2, 3])

if __name__ == "__main__":
    main(sys.argv[1])
