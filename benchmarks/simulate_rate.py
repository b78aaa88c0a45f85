"""Measure events per second per process of the simulate pipeline on one core.

Usage:
    .venv/bin/python benchmarks/simulate_rate.py [--events 1000] [--chunk-size 500] [PROCESS ...]

For each process of conf/base/parameters_simulate.yml (or the ones named)
the script times, on one core and in one process, Pythia's initialisation,
event generation with hadronisation (``Pythia.nextBatch``), and object
building (anti-kT clustering, smearing, isolation, b-tagging) with line
formatting. It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from collider_vae.simulation.generator import _event_lines, _start_pythia
from collider_vae.simulation.objects import reconstruct_batch
from collider_vae.simulation.particles import particle_table_from_batch
from collider_vae.simulation.processes import process_specs_from_parameters
from collider_vae.simulation.slha import format_minimal_slha

PROJECT_ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger("simulate_rate")


def _load(name: str, key: str) -> dict:
    with open(PROJECT_ROOT / "conf" / "base" / name, encoding="utf-8") as stream:
        return yaml.safe_load(stream)[key]


def measure(spec, detector_config: dict, n_events: int, chunk_size: int, workdir: Path) -> dict:
    """Time initialisation, generation and reconstruction of ``n_events`` of one process."""
    slha_path = None
    if spec.slha is not None:
        slha_path = workdir / f"{spec.name}.slha"
        slha_path.write_text(format_minimal_slha(spec.slha), encoding="ascii")

    start = time.perf_counter()
    pythia = _start_pythia(spec, slha_path)
    init_seconds = time.perf_counter() - start

    rng = np.random.default_rng(spec.seed)
    generate_seconds = 0.0
    reconstruct_seconds = 0.0
    n_stored = 0
    n_done = 0
    while n_done < n_events:
        n_chunk = min(chunk_size, n_events - n_done)
        start = time.perf_counter()
        events = pythia.nextBatch(n_chunk)
        generate_seconds += time.perf_counter() - start

        start = time.perf_counter()
        batch = reconstruct_batch(particle_table_from_batch(events), detector_config, rng)
        keep = batch.passes_selection & (batch.ht_gev >= spec.min_ht_gev)
        n_stored += sum(1 for _ in _event_lines(spec, batch, n_done + 1, keep))
        reconstruct_seconds += time.perf_counter() - start
        n_done += n_chunk

    return {
        "process": spec.name,
        "init_s": init_seconds,
        "generate_per_s": n_events / generate_seconds,
        "total_per_s": n_events / (generate_seconds + reconstruct_seconds),
        "reconstruct_ms": 1000.0 * reconstruct_seconds / n_events,
        "stored_fraction": n_stored / n_events,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processes", nargs="*", help="process names; all of them by default")
    parser.add_argument("--events", type=int, default=1000, help="events generated per process")
    parser.add_argument("--chunk-size", type=int, default=500, help="events per Pythia.nextBatch call")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    detector_config = _load("parameters_simulate_detector.yml", "simulate_detector")
    specs = process_specs_from_parameters(_load("parameters_simulate.yml", "simulate")["processes"])
    if arguments.processes:
        specs = [spec for spec in specs if spec.name in arguments.processes]

    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for spec in specs:
            spec = dataclasses.replace(spec, n_events=arguments.events)
            rows.append(measure(spec, detector_config, arguments.events, arguments.chunk_size, Path(workdir)))
            logger.info("%s: %.0f events/s", spec.name, rows[-1]["total_per_s"])

    print(f"{arguments.events} events per process, chunks of {arguments.chunk_size}, one core, {platform.processor() or platform.machine()}\n")
    print("| process | init (s) | generation (events/s) | generation + objects (events/s) | objects (ms/event) | stored fraction |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['process']} | {row['init_s']:.1f} | {row['generate_per_s']:.0f} | {row['total_per_s']:.0f} "
            f"| {row['reconstruct_ms']:.2f} | {row['stored_fraction']:.2f} |"
        )


if __name__ == "__main__":
    main()
