#!/usr/bin/env python3
"""Re-running `index` over an unchanged index: Milvus ids vs Redis ids (vectors in the embedded store), side by side.

Each round indexes the same photos afresh with each id map, then runs `index` again over the complete index
(every file unchanged), alternating the order of the two id maps between rounds. Reported per id map: the fresh
run and the rerun, as the CLI's own `elapsed` (the index call, without JVM start) and as wall time.

Usage: bench/rerun_ids.py [--photos 2000] [--rounds 3] [--jar cli/target/imagesearch.jar]
Starts its own redis-server and Milvus Lite (scripts/redis/start.sh, scripts/milvus/start.sh) and stops them.
Photos: the provisioned cache (scripts/provision.sh), repeated under other names to reach --photos files
(a repeated photo is new content for no model, but a new location for the id map, which is what is measured).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("IMAGESEARCH_CACHE", Path.home() / ".cache" / "imagesearch"))


def env_lines(out):
    return dict(line.split("=", 1) for line in out.splitlines() if line.startswith("IMAGESEARCH_") and "=" in line)


def run_index(jar, photos, data, ids):
    t0 = time.time()
    r = subprocess.run(["java", "-jar", str(jar), "index", str(photos), "--progress", "none", "--data", str(data),
                        "--ids", ids], capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        raise SystemExit(f"index failed ({ids}): {r.stderr[-2000:]}")
    elapsed = float(re.search(r"^elapsed:\s+([\d.]+) s", r.stdout, re.M).group(1))
    unchanged = int(re.search(r"^unchanged:\s+(\d+)", r.stdout, re.M).group(1))
    return elapsed, wall, unchanged


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jar", default=str(ROOT / "cli/target/imagesearch.jar"))
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="imagesearch-rerun-"))
    photos = work / "photos"
    photos.mkdir()
    source = sorted(p for p in (CACHE / "photos").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not source:
        raise SystemExit("no photos in the cache: run scripts/provision.sh")
    for i in range(a.photos):
        p = source[i % len(source)]
        try:
            os.link(p, photos / f"{i:05d}-{p.name}")
        except OSError:  # another filesystem
            shutil.copyfile(p, photos / f"{i:05d}-{p.name}")
    redis_dir = work / "redis"
    servers = {}
    try:
        r = subprocess.run(["bash", str(ROOT / "scripts/redis/start.sh"), "--dir", str(redis_dir)],
                           capture_output=True, text=True, check=True)
        servers["redis"] = env_lines(r.stdout)["IMAGESEARCH_REDIS_URI"]
        m = subprocess.run(["bash", str(ROOT / "scripts/milvus/start.sh"), "--run-dir", str(work / "milvus")],
                           capture_output=True, text=True, check=True)
        milvus_env = env_lines(m.stdout)
        servers["milvus"] = milvus_env["IMAGESEARCH_MILVUS_URI"].replace("http://", "milvus://")
        results = {k: {"fresh": [], "rerun": [], "rerun_wall": []} for k in servers}
        for rnd in range(a.rounds):
            order = ["redis", "milvus"] if rnd % 2 == 0 else ["milvus", "redis"]
            for kind in order:
                ids = f"{servers[kind]}?namespace=r{rnd}"
                data = work / f"data-{kind}-{rnd}"
                fresh, _, _ = run_index(a.jar, photos, data, ids)
                rerun, wall, unchanged = run_index(a.jar, photos, data, ids)
                if unchanged != a.photos:
                    raise SystemExit(f"rerun with {kind} ids found {unchanged} unchanged of {a.photos}")
                results[kind]["fresh"].append(fresh)
                results[kind]["rerun"].append(rerun)
                results[kind]["rerun_wall"].append(wall)
                print(f"round {rnd + 1} {kind}: fresh {fresh:.1f} s, rerun {rerun:.1f} s (wall {wall:.1f} s)",
                      file=sys.stderr, flush=True)
        print(f"| id map | fresh index of {a.photos} files (s) | rerun, all unchanged (s) | rerun wall, with JVM "
              "start (s) |\n|---|---|---|---|")
        for kind in ("redis", "milvus"):
            r = results[kind]
            print(f"| {kind} | {' / '.join(f'{x:.1f}' for x in r['fresh'])} | "
                  f"{' / '.join(f'{x:.1f}' for x in r['rerun'])} | {' / '.join(f'{x:.1f}' for x in r['rerun_wall'])} |")
        ratio = statistics.median(results["milvus"]["rerun"]) / statistics.median(results["redis"]["rerun"])
        print(f"\nrerun, median Milvus ids / median Redis ids: {ratio:.2f}")
    finally:
        if (work / "milvus/server.pid").exists():
            subprocess.run(["bash", str(ROOT / "scripts/milvus/stop.sh"), str(work / "milvus/server.pid"),
                            "--purge"], capture_output=True)
        subprocess.run(["bash", str(ROOT / "scripts/redis/stop.sh"), "--dir", str(redis_dir)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
