"""Generate several processes in parallel worker processes, with a progress bar."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from collider_vae.simulation.generator import ProcessResult, generate_process
from collider_vae.simulation.processes import ProcessSpec

logger = logging.getLogger(__name__)

_PROGRESS_POLL_SECONDS = 0.5


class SimulationError(RuntimeError):
    """One or more processes failed; the files of the others are complete."""


def _generate_in_worker(
    spec: ProcessSpec,
    detector_config: Mapping[str, Any],
    luminosity_fb: float,
    output_dir: str,
    chunk_size: int,
    progress_queue: Any,
) -> ProcessResult:
    return generate_process(spec, detector_config, luminosity_fb, output_dir, chunk_size, progress=progress_queue.put)


def _drain(progress_queue: Any, bar: tqdm) -> None:
    while True:
        try:
            bar.update(progress_queue.get_nowait())
        except queue.Empty:
            return


def resolve_n_workers(n_workers: int | None, n_processes: int) -> int:
    """Return the worker count: ``n_workers``, or the CPU count when it is ``None``, at most one per process."""
    available = os.cpu_count() or 1
    requested = available if n_workers is None else int(n_workers)
    if requested < 1:
        raise ValueError(f"n_workers is {n_workers}; set a positive number or null for one per CPU.")
    return max(1, min(requested, n_processes))


def generate_all(
    specs: Sequence[ProcessSpec],
    detector_config: Mapping[str, Any],
    luminosity_fb: float,
    output_dir: str | Path,
    chunk_size: int,
    n_workers: int | None,
) -> list[ProcessResult]:
    """Generate every process, each in its own worker process.

    Processes are independent and seeded, so the files do not depend on the
    number of workers or the order in which processes finish.

    Returns:
        One result per process, in the order of ``specs``.

    Raises:
        SimulationError: After all processes have finished, if any failed.
            Its message lists each failed process with its settings; the
            files of the processes that succeeded are kept.
    """
    workers = resolve_n_workers(n_workers, len(specs))
    total_events = sum(spec.n_events for spec in specs)
    logger.info("Generating %d processes, %d events in all, on %d workers", len(specs), total_events, workers)

    results: dict[str, ProcessResult] = {}
    failures: list[str] = []
    # spawn, because Pythia and torch threads in a forked parent are unsafe.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        progress_queue = manager.Queue()
        futures: dict[Future, ProcessSpec] = {
            pool.submit(
                _generate_in_worker, spec, dict(detector_config), luminosity_fb, str(output_dir), chunk_size, progress_queue
            ): spec
            for spec in specs
        }
        pending = set(futures)
        with tqdm(total=total_events, unit="event", desc="simulate") as bar:
            while pending:
                done, pending = wait(pending, timeout=_PROGRESS_POLL_SECONDS, return_when=FIRST_COMPLETED)
                _drain(progress_queue, bar)
                for future in done:
                    spec = futures[future]
                    try:
                        result = future.result()
                    # NOTE: a worker that dies outright, for example in a crash inside
                    # Pythia, breaks the pool, so the processes still queued fail too.
                    # Files of processes that finished before stay complete.
                    except Exception as error:  # a worker's failure must not stop the others
                        logger.error("Generation failed for %s: %s", spec.describe(), error)
                        failures.append(f"{spec.describe()}: {error}")
                        continue
                    results[spec.name] = result
                    logger.info(
                        "%s: stored %d of %d events in %.1f s (%.0f events/s), sigma = %.4g fb",
                        result.name,
                        result.n_stored,
                        result.n_generated,
                        result.seconds,
                        result.events_per_second,
                        result.cross_section_fb,
                    )

    if failures:
        raise SimulationError(f"{len(failures)} of {len(specs)} processes failed:\n" + "\n".join(failures))
    return [results[spec.name] for spec in specs]
