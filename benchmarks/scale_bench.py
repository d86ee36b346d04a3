"""Local engine vs the Dask engine on the same sharded input (docs/scale.md, docs/performance.md).

    python benchmarks/scale_bench.py --mb 60 --tokenizer o200k_base --workers 2

Builds a corpus of ``--mb`` MB of Korean–English JSON Lines in shards (the shipped samples,
repeated) under a temporary directory, then times ``tokcost measure`` on it as one glob corpus:
in this process, with a local pool of ``--workers`` processes, and on a Dask LocalCluster of
``--workers`` worker processes (cluster start timed apart), once with this process reading and
sending chunks and once with the workers reading whole shards themselves (``--workers-read``).
Checks that every engine's rows are identical and prints one markdown row per engine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from tokcost.measurement import Settings, run_measure

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"


def build(root: Path, mb: float, shard_mb: float = 4.0) -> tuple[str, int]:
    """Shards of the shipped samples, repeated; returns the glob and the total bytes."""
    records = [json.loads(line) for f in sorted(SAMPLES.glob("*.jsonl"))
               for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    size = sum(len(json.dumps(r, ensure_ascii=False).encode()) + 1 for r in records)
    per_shard = max(1, round(shard_mb * 2**20 / size))
    total, i = 0, 0
    root.mkdir(parents=True, exist_ok=True)
    while total < mb * 2**20:
        with (root / f"part-{i:05d}.jsonl").open("w", encoding="utf-8") as out:
            for rep in range(per_shard):
                for r in records:  # ids stay unique within a shard
                    line = json.dumps({**r, "id": f"{rep}-{r['id']}"}, ensure_ascii=False) + "\n"
                    out.write(line)
                    total += len(line.encode())
        i += 1
    return str(root / "*.jsonl"), total


def timed(label: str, fn):
    t = time.perf_counter()
    rows = fn()
    return label, time.perf_counter() - t, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=60.0, help="input size in MB")
    ap.add_argument("--tokenizer", "-t", action="append", help="tokenizer (repeatable)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    toks = args.tokenizer or ["o200k_base"]
    logging.getLogger("distributed").setLevel(logging.ERROR)

    from distributed import Client, LocalCluster

    tmp = Path(tempfile.mkdtemp(prefix="tokcost-scale-"))
    try:
        pattern, nbytes = build(tmp / "shards", args.mb)
        settings = Settings(resamples=args.resamples)

        def measure(**kw):
            kw.setdefault("settings", settings)
            return run_measure([pattern], toks, use_cache=False, **kw).rows

        results = [timed("local, 1 process", lambda: measure(workers=1))]
        results.append(timed(f"local pool, {args.workers} processes",
                             lambda: measure(workers=args.workers)))
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        start = time.perf_counter() - t
        try:
            for read, label in ((False, "this process reads, sends chunks"),
                                (True, "workers read whole files")):
                results.append(timed(
                    f"dask, {args.workers} workers, {label}",
                    lambda read=read: measure(engine="dask", cluster=cluster.scheduler_address,
                                              settings=replace(settings, workers_read=read))))
        finally:
            client.close()
            cluster.close()
        base_rows = results[0][2]
        for label, _, rows in results[1:]:
            assert rows == base_rows, f"{label}: rows differ from the local engine"
        pairs = base_rows[0]["pairs"]
        mb = nbytes / 2**20
        cpu = f"{os.cpu_count()} CPU, {platform.machine()}, Python {platform.python_version()}"
        print(f"input: {mb:.1f} MB, {pairs:,} pairs in {len(list(Path(tmp / 'shards').iterdir()))}"
              f" shards; tokenizers: {', '.join(toks)}; {cpu}; dask cluster start {start:.1f} s")
        print("| engine | wall s | MB/s | speed-up | rows identical |")
        print("|---|---:|---:|---:|---|")
        base = results[0][1]
        for label, secs, _ in results:
            print(f"| {label} | {secs:.1f} | {mb / secs:.1f} | {base / secs:.2f}× | yes |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
