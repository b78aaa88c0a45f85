"""Benchmark ingest throughput and peak memory against plain reading.

Usage:
    .venv/bin/python benchmarks/ingest_throughput.py --sizes-mb 200 800

For each size it writes a file of valid DarkMachines lines. Separate processes,
each pinned to core 0, then read the bytes in blocks, and parse them and write
Parquet parts with the catalog's save arguments, as the ingest node does.
It prints a Markdown table of MB/s and peak resident memory.
"""

from __future__ import annotations

import argparse
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger("benchmarks.ingest")


def write_events(path: Path, size_mb: int, seed: int = 0) -> int:
    """Write random valid lines until the file reaches ``size_mb`` MB; return the line count."""
    rng = np.random.default_rng(seed)
    codes = np.array(["j", "b", "e-", "e+", "m-", "m+", "g"])
    target = size_mb * 1_000_000
    written, lines = 0, 0
    with open(path, "w") as stream:
        while written < target:
            block = []
            for _ in range(10_000):
                n = rng.integers(1, 9)
                pt = rng.exponential(60_000, n) + 20_000
                eta = rng.uniform(-2.5, 2.5, n)
                objects = ";".join(
                    f"{c},{p * np.cosh(e):.6g},{p:.6g},{e:.6g},{ph:.6g}"
                    for c, p, e, ph in zip(rng.choice(codes, n), pt, eta, rng.uniform(-np.pi, np.pi, n))
                )
                block.append(f"{lines};ttbar;1;{rng.exponential(50_000):.6g};{rng.uniform(-3, 3):.6g};{objects};\n")
                lines += 1
            text = "".join(block)
            stream.write(text)
            written += len(text)
    return lines


def measure(mode: str, path: Path, out_dir: Path) -> None:
    """Run one measurement in this process and print 'seconds peak_mb'."""
    import pyarrow.parquet as pq
    import yaml

    from collider_vae.darkmachines.lines import DEFAULT_BLOCK_BYTES, iter_line_blocks
    from collider_vae.darkmachines.parser import parse_block

    catalog = yaml.safe_load((Path(__file__).parents[1] / "conf" / "base" / "catalog.yml").read_text())
    save_args = catalog["raw_events"].get("save_args", {})
    start = time.perf_counter()
    if mode == "read":
        with open(path, "rb") as stream:
            while stream.read(DEFAULT_BLOCK_BYTES):
                pass
    else:
        for index, block in enumerate(iter_line_blocks(path)):
            parsed = parse_block(block, path.name, "background")
            pq.write_table(parsed.events, out_dir / f"part-{index:05d}.parquet", **save_args)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(f"{seconds} {peak_mb}\n")


def run_child(mode: str, path: Path, out_dir: Path) -> tuple[float, float]:
    env = {"OMP_NUM_THREADS": "1", "ARROW_NUM_THREADS": "1"}
    result = subprocess.run(
        ["taskset", "-c", "0", sys.executable, __file__, "--measure", mode, str(path), str(out_dir)],
        capture_output=True, text=True, check=True, env={**__import__("os").environ, **env},
    )
    seconds, peak = result.stdout.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[200, 800], help="file sizes in MB")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]), Path(args.measure[2]))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = ["| file size (MB) | lines | plain read (MB/s) | ingest (MB/s) | plain read peak RSS (MB) | ingest peak RSS (MB) |",
            "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes_mb:
            path = Path(tmp) / f"events_{size}.csv"
            lines = write_events(path, size)
            actual_mb = path.stat().st_size / 1e6
            out_dir = Path(tmp) / f"parquet_{size}"
            out_dir.mkdir()
            read_s, read_peak = run_child("read", path, out_dir)
            ingest_s, ingest_peak = run_child("ingest", path, out_dir)
            rows.append(
                f"| {actual_mb:.0f} | {lines:,} | {actual_mb / read_s:.0f} | {actual_mb / ingest_s:.0f} "
                f"| {read_peak:.0f} | {ingest_peak:.0f} |"
            )
            logger.info(rows[-1])
            path.unlink()
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
