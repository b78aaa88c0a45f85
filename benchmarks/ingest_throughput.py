"""Benchmark ingest throughput and peak memory against plain reading.

Usage:
    .venv/bin/python benchmarks/ingest_throughput.py --sizes-mb 200 800

For each number format and size it writes a file of valid DarkMachines lines.
The ``public`` format prints six significant digits, as the public background
files do. The ``full`` format prints float32 values in full, up to 17 digits,
as some signal files do. The ``messy`` format is ``public`` with one invalid
line in each thousand, which goes to the rejects table. The ``literal_e``
format, not run by default, puts a literal ``E`` energy in three lines of four,
so that most lines take the line-checked parser. Separate processes, each pinned to core 0, then read the
bytes in blocks, and parse them and write Parquet parts with the catalog's
save arguments, as the ingest node does. It prints a Markdown table of MB/s
and peak resident memory, with the median and range over repeated runs.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger("benchmarks.ingest")


def _format_public(rng: np.random.Generator, index: int) -> str:
    """Format a line with six significant digits, as in the public DarkMachines background files."""
    n = rng.integers(1, 9)
    pt = rng.exponential(60_000, n) + 20_000
    eta = rng.uniform(-2.5, 2.5, n)
    objects = ";".join(
        f"{c},{p * np.cosh(e):.6g},{p:.6g},{e:.6g},{ph:.6g}"
        for c, p, e, ph in zip(rng.choice(_CODES, n), pt, eta, rng.uniform(-np.pi, np.pi, n))
    )
    return f"{index};ttbar;1;{rng.exponential(50_000):.6g};{rng.uniform(-3, 3):.6g};{objects};\n"


def _format_full(rng: np.random.Generator, index: int) -> str:
    """Format a line of float32 values printed in full, as in files written from float32 arrays.

    Energies, pT and MET carry up to 17 significant digits, angles up to 9.
    """
    n = rng.integers(1, 9)
    pt = (rng.exponential(60_000, n) + 20_000).astype(np.float32)
    eta = rng.uniform(-2.5, 2.5, n).astype(np.float32)
    phi = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
    energy = (pt * np.cosh(eta)).astype(np.float32)
    objects = ";".join(
        f"{c},{float(e)!r},{float(p)!r},{h},{f}"
        for c, e, p, h, f in zip(rng.choice(_CODES, n), energy, pt, eta, phi)
    )
    met = float(np.float32(rng.exponential(50_000)))
    return f"{index};x1n2;{np.float32(1.5e-5)};{met!r};{np.float32(rng.uniform(-3, 3))};{objects};\n"


def _format_messy(rng: np.random.Generator, index: int) -> str:
    """Format a line as ``public`` does, with an invalid weight in one line of each thousand."""
    line = _format_public(rng, index)
    return line.replace(";ttbar;", ";ttbar;x", 1) if index % 1000 == 999 else line


def _format_literal_e(rng: np.random.Generator, index: int) -> str:
    """Format a line as ``public`` does, with a literal ``E`` energy in three lines of four.

    This is the defect of a real signal file, whose lines the default options reject.
    """
    line = _format_public(rng, index)
    if index % 4 == 3:
        return line
    header, first_object = line.split(";")[:5], line.split(";")[5].split(",")
    first_object[1] = "E"
    return ";".join([*header, ",".join(first_object), *line.split(";")[6:]])


_CODES = np.array(["j", "b", "e-", "e+", "m-", "m+", "g"])
NUMBER_FORMATS = {"public": _format_public, "full": _format_full, "messy": _format_messy, "literal_e": _format_literal_e}


def write_events(path: Path, size_mb: int, number_format: str = "public", seed: int = 0) -> int:
    """Write random valid lines until the file reaches ``size_mb`` MB; return the line count."""
    rng = np.random.default_rng(seed)
    format_line = NUMBER_FORMATS[number_format]
    target = size_mb * 1_000_000
    written, lines = 0, 0
    with open(path, "w") as stream:
        while written < target:
            text = "".join(format_line(rng, lines + i) for i in range(10_000))
            stream.write(text)
            written += len(text)
            lines += 10_000
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
            if parsed.rejects.num_rows:
                pq.write_table(parsed.rejects, out_dir / f"rejects-{index:05d}.parquet")
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
    parser.add_argument("--formats", nargs="+", choices=sorted(NUMBER_FORMATS), default=["public", "full", "messy"],
                        help="number formats of the generated lines")
    parser.add_argument("--repeats", type=int, default=3, help="runs per file; the table gives the median")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]), Path(args.measure[2]))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from collider_vae.darkmachines.compiled_block import COMPILED_PARSER_BUILT

    logger.info("Fast path: %s", "compiled parser" if COMPILED_PARSER_BUILT else "Arrow CSV reader (no compiled parser)")
    rows = ["| numbers | file size (MB) | lines | plain read (MB/s) | ingest (MB/s), median | ingest (MB/s), range "
            "| plain read peak RSS (MB) | ingest peak RSS (MB) |",
            "|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for number_format in args.formats:
            for size in args.sizes_mb:
                path = Path(tmp) / f"events_{size}.csv"
                lines = write_events(path, size, number_format)
                actual_mb = path.stat().st_size / 1e6
                out_dir = Path(tmp) / f"parquet_{size}"
                out_dir.mkdir(exist_ok=True)
                read = [run_child("read", path, out_dir) for _ in range(args.repeats)]
                ingest = [run_child("ingest", path, out_dir) for _ in range(args.repeats)]
                rates = sorted(actual_mb / seconds for seconds, _ in ingest)
                rows.append(
                    f"| {number_format} | {actual_mb:.0f} | {lines:,} "
                    f"| {actual_mb / statistics.median(s for s, _ in read):.0f} "
                    f"| {statistics.median(rates):.0f} | {rates[0]:.0f}–{rates[-1]:.0f} "
                    f"| {max(p for _, p in read):.0f} | {max(p for _, p in ingest):.0f} |"
                )
                logger.info(rows[-1])
                path.unlink()
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
