#!/usr/bin/env python3
"""Kill trials: kill the indexer (or the server under it) at random points, resume, and count what was lost.

For each mode and trial, on a fresh index (new data directory, Redis namespace or Milvus collection prefix):
  1. `imagesearch index PHOTOS` starts; after a random delay either the indexer itself is killed (SIGKILL), or
     the server under it (redis-server / Milvus Lite, SIGKILL) and then restarted on the same data;
  2. `imagesearch index PHOTOS` runs again to completion (the resume);
  3. checks: the resume must account for every file as indexed or unchanged, none failed (0 lost); `verify` must
     see exactly as many mapped ids and vectors as there are distinct contents (0 duplicate) and no vector without
     a location nor a location without a vector (0 orphan). In the server modes the indexer must also have stopped
     within --stop-limit seconds of the kill, with one plain message naming the address and no gRPC internals.

Modes: embedded (store and ids in files), redis (ids on redis-server), milvus (store and ids on Milvus Lite),
kill-redis (ids on redis-server; the server is killed), kill-milvus (store and ids on Milvus Lite; the server is
killed). The script starts its own servers: redis-server with an append-only file synced on every write (so an
acknowledged write survives SIGKILL) and Milvus Lite through scripts/milvus/start.sh.

Usage: scripts/faults/kill_trials.py [--trials 20] [--modes embedded,redis,milvus,kill-redis,kill-milvus]
                                     [--photos 200] [--seed 1] [--report FILE.md] [--jsonl FILE]
Needs: the CLI jar (mvn package; cli/target/imagesearch.jar), the provisioned model and photos
(scripts/provision.sh), redis-server, and python3. Exits 1 if any trial lost, duplicated or orphaned anything,
or a server-kill trial did not stop in time or printed internals.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("IMAGESEARCH_CACHE", Path.home() / ".cache" / "imagesearch"))
MODES = ["embedded", "redis", "milvus", "kill-redis", "kill-milvus"]
# What a plain error message must not contain: gRPC and Java internals.
INTERNALS = re.compile(r"wait_for_ready|buffered_nanos|io\.grpc|io\.milvus\.shaded|Exception:|\tat ")


def log(msg):
    print(f"kill-trials: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, up, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not go {'up' if up else 'down'} within {timeout}s")


class Redis:
    """A redis-server with AOF fsync on every write, restartable on the same directory."""

    def __init__(self, workdir):
        self.dir = workdir / "redis"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.dir),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=open(self.dir / "redis.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_port(self.port, True)
        # the AOF must be loaded before the first command is answered: PING until it answers PONG
        deadline = time.time() + 30
        while time.time() < deadline:
            r = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
            if r.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not answer PING")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        wait_port(self.port, False)

    def uri(self, namespace):
        return f"redis://127.0.0.1:{self.port}?namespace={namespace}"


class Milvus:
    """Milvus Lite through scripts/milvus/start.sh, restartable on the same data directory and port."""

    def __init__(self, workdir):
        self.run_dir = workdir / "milvus"
        self.data_dir = self.run_dir / "data"
        self.port = free_port()

    def start(self):
        out = subprocess.run(["bash", str(ROOT / "scripts/milvus/start.sh"), "--port", str(self.port),
                              "--run-dir", str(self.run_dir), "--data-dir", str(self.data_dir)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("Milvus Lite did not start: " + out.stderr[-2000:])

    def pid(self):
        return int((self.run_dir / "server.pid").read_text().strip())

    def kill(self):
        try:
            os.killpg(self.pid(), signal.SIGKILL)  # start.sh runs it with setsid: its own process group
        except (ProcessLookupError, FileNotFoundError):
            pass
        wait_port(self.port, False)

    def stop(self):
        subprocess.run(["bash", str(ROOT / "scripts/milvus/stop.sh"), str(self.run_dir / "server.pid")],
                       capture_output=True)

    def uri(self):
        return f"milvus://127.0.0.1:{self.port}"


def cli(jar, args, **kw):
    return subprocess.run(["java", "-jar", str(jar)] + args, capture_output=True, text=True, **kw)


def field(text, name):
    m = re.search(rf"^{name}:\s+(\d+)", text, re.M)
    return int(m.group(1)) if m else None


def backend_args(mode, trial_dir, n, redis, milvus):
    args = ["--data", str(trial_dir / "data")]
    if mode in ("redis", "kill-redis"):
        args += ["--ids", redis.uri(f"t{n}")]
    if mode in ("milvus", "kill-milvus"):
        # a fresh collection prefix per trial keeps trials apart on one server
        args += ["--store", f"{milvus.uri()}?prefix=t{n}_", "--ids", f"{milvus.uri()}?namespace=t{n}&prefix=t{n}_"]
    return args


def run_trial(jar, photos, files, distinct, mode, n, delay, workdir, redis, milvus, stop_limit):
    trial_dir = workdir / f"trial-{mode}-{n}"
    trial_dir.mkdir()
    backend = backend_args(mode, trial_dir, n, redis, milvus)
    index = ["index", str(photos), "--progress", "none"] + backend
    row = {"mode": mode, "trial": n, "delay_s": round(delay, 2)}

    proc = subprocess.Popen(["java", "-jar", str(jar)] + index, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(delay)
    row["killed_mid_run"] = proc.poll() is None
    if mode.startswith("kill-"):
        server = redis if mode == "kill-redis" else milvus
        killed_at = time.time()
        server.kill()
        try:
            out, err = proc.communicate(timeout=120)
            row["stop_s"] = round(time.time() - killed_at, 2) if row["killed_mid_run"] else None
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            row["stop_s"] = 120.0
        errors = [l for l in err.splitlines() if l.strip()]
        row["message"] = next((l for l in errors if "error:" in l), errors[-1] if errors else "")
        row["internals"] = bool(INTERNALS.search(err))
        server.start()
    else:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()

    # The resume must account for every file: a file whose vector or location was lost is indexed again, one
    # that is complete in the store and the id map is unchanged; none may fail.
    resume = cli(jar, index, timeout=900)
    row["resume_exit"] = resume.returncode
    done = (field(resume.stdout, "indexed") or 0) + (field(resume.stdout, "unchanged") or 0)
    verify = cli(jar, ["verify"] + backend, timeout=300)
    mapped = field(verify.stdout, "locations' ids checked")
    vectors = field(verify.stdout, "vectors checked")
    orphans = (field(verify.stdout, "vectors without location") or 0) + (field(verify.stdout, "ids without vector")
                                                                        or 0)
    row["lost"] = files - done + (field(resume.stdout, "failed") or 0)
    row["duplicates"] = max(0, (vectors or 0) - distinct) + max(0, (mapped or 0) - distinct)
    row["orphans"] = orphans
    row["ok"] = (resume.returncode == 0 and row["lost"] == 0 and mapped == distinct and vectors == distinct
                 and orphans == 0 and verify.returncode == 0)
    if mode.startswith("kill-") and row["killed_mid_run"]:
        row["ok"] = row["ok"] and row["stop_s"] <= stop_limit and not row["internals"]
    if not row["ok"]:
        row["detail"] = {"resume": resume.stdout[-800:] + resume.stderr[-800:],
                         "verify": verify.stdout + verify.stderr[-400:]}
    shutil.rmtree(trial_dir / "data", ignore_errors=True)
    return row


def pick_photos(n, seed, into):
    """n photos from the provisioned cache, copied into a folder of their own."""
    all_photos = sorted(p for p in (CACHE / "photos").rglob("*")
                        if p.suffix.lower() in (".jpg", ".jpeg", ".png") and "sample" not in p.parts)
    if len(all_photos) < n:
        raise SystemExit(f"kill-trials: only {len(all_photos)} photos in {CACHE / 'photos'} "
                         "(run scripts/provision.sh)")
    chosen = random.Random(seed).sample(all_photos, n)
    into.mkdir()
    hashes = set()
    for i, p in enumerate(sorted(chosen)):
        target = into / f"{i:04d}-{p.name}"
        shutil.copyfile(p, target)
        hashes.add(hashlib.sha256(target.read_bytes()).hexdigest())
    return len(chosen), len(hashes)


def summary(rows):
    lines = ["| mode | kills mid-run | lost | duplicate | orphan | resumed and verified | stop after server kill "
             "(median / max s) | plain message | runs that ended before their kill (checked too) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for mode in MODES:
        rs = [r for r in rows if r["mode"] == mode]
        if not rs:
            continue
        stops = sorted(r["stop_s"] for r in rs if r.get("stop_s") is not None)
        plain = [not r["internals"] for r in rs if "internals" in r and r["killed_mid_run"]]
        lines.append(f"| {mode} | {sum(r['killed_mid_run'] for r in rs)} | "
                     f"{sum(r['lost'] for r in rs)} | {sum(r['duplicates'] for r in rs)} | "
                     f"{sum(r['orphans'] for r in rs)} | {sum(r['ok'] for r in rs)}/{len(rs)} | "
                     f"{(str(stops[len(stops) // 2]) + ' / ' + str(stops[-1])) if stops else '—'} | "
                     f"{(str(sum(plain)) + '/' + str(len(plain))) if plain else '—'} | "
                     f"{sum(not r['killed_mid_run'] for r in rs)} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stop-limit", type=float, default=10.0, help="seconds the indexer may take to stop after a "
                    "server is killed (default 10)")
    ap.add_argument("--jar", default=str(ROOT / "cli/target/imagesearch.jar"))
    ap.add_argument("--report", help="also write the summary table (markdown) to this file")
    ap.add_argument("--jsonl", help="also write one JSON object per trial to this file")
    a = ap.parse_args()
    modes = [m for m in a.modes.split(",") if m]
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"kill-trials: unknown mode {m} (known: {', '.join(MODES)})")
    jar = Path(a.jar)
    if not jar.is_file():
        raise SystemExit(f"kill-trials: {jar} is missing (mvn package first)")
    rng = random.Random(a.seed)
    workdir = Path(tempfile.mkdtemp(prefix="imagesearch-kill-"))
    redis = milvus = None
    rows = []
    try:
        files, distinct = pick_photos(a.photos, a.seed, workdir / "photos")
        log(f"{files} photos ({distinct} distinct contents) in {workdir / 'photos'}; seed {a.seed}")
        if any(m in ("redis", "kill-redis") for m in modes):
            redis = Redis(workdir)
            redis.start()
        if any(m in ("milvus", "kill-milvus") for m in modes):
            milvus = Milvus(workdir)
            milvus.start()
        for mode in modes:
            # one uninterrupted run tells how long a whole run takes: kills are spread over it
            t0 = time.time()
            calib_dir = workdir / f"calibrate-{mode}"
            calib_dir.mkdir()
            full = cli(jar, ["index", str(workdir / "photos"), "--progress", "none"]
                       + backend_args(mode, calib_dir, f"c{mode.replace('-', '')}", redis, milvus), timeout=900)
            span = time.time() - t0
            if full.returncode != 0:
                raise SystemExit(f"kill-trials: the uninterrupted {mode} run failed: {full.stderr[-2000:]}")
            log(f"{mode}: an uninterrupted run takes {span:.1f} s")
            # a trial counts once the kill lands while the indexer runs: a run that ended before its kill point
            # is checked all the same, then the trial is drawn again with the kill window shrunk
            kills = 0
            n = 0
            while kills < a.trials and n < 3 * a.trials:
                delay = rng.uniform(0.15 * span, 0.9 * span)
                row = run_trial(jar, workdir / "photos", files, distinct, mode, f"{mode[:2]}{n}", delay, workdir,
                                redis, milvus, a.stop_limit)
                n += 1
                rows.append(row)
                log(json.dumps({k: v for k, v in row.items() if k != "detail"}))
                if not row["ok"]:
                    log("FAILED: " + json.dumps(row.get("detail"))[:3000])
                if row["killed_mid_run"]:
                    kills += 1
                else:
                    span *= 0.85
            if kills < a.trials:
                raise SystemExit(f"kill-trials: only {kills} of {a.trials} {mode} kills landed mid-run")
    finally:
        if redis:
            redis.kill()
        if milvus:
            milvus.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    table = summary(rows)
    print(table)
    if a.report:
        Path(a.report).write_text(table + "\n")
    if a.jsonl:
        with open(a.jsonl, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    bad = [r for r in rows if not r["ok"]]
    print(f"kill trials: {len(rows) - len(bad)} of {len(rows)} consistent")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
