"""Nodes of the simulate pipeline.

The generator packages (``pythia8mc``, ``fastjet``, ``awkward``) belong to
the ``simulate`` extra, so they are imported inside the nodes: the other
pipelines load without them.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

logger = logging.getLogger(__name__)

_MISSING_EXTRA_MESSAGE = (
    "The simulate pipeline needs the simulate extra; install it with "
    "`pip install --only-binary pythia8mc -e \".[simulate]\"`."
)


def select_processes(simulate: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate the process definitions and keep those named in ``include``.

    Args:
        simulate: The ``simulate`` parameters.

    Returns:
        One dictionary per process, in parameter order, with the fields of
        ``collider_vae.simulation.processes.ProcessSpec``.

    Raises:
        ValueError: If a process is invalid or ``include`` names an unknown process.
    """
    from collider_vae.simulation.processes import process_specs_from_parameters

    specs = process_specs_from_parameters(simulate["processes"])
    include = simulate.get("include")
    if include is not None:
        unknown = sorted(set(include) - {spec.name for spec in specs})
        if unknown:
            raise ValueError(f"simulate.include names unknown processes {unknown}; known: {[s.name for s in specs]}.")
        specs = [spec for spec in specs if spec.name in set(include)]
    logger.info("Selected %d processes: %s", len(specs), ", ".join(spec.name for spec in specs))
    return [asdict(spec) for spec in specs]


def generate_events(
    processes: list[dict[str, Any]], simulate: dict[str, Any], detector: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Generate every process and write ``<output_dir>/<kind>/<name>.csv.gz``.

    This node writes its files itself, not through the catalog: each
    process is generated in its own worker process, which streams its
    events into its own gzipped CSV so that memory stays bounded.

    Args:
        processes: Output of ``select_processes``.
        simulate: The ``simulate`` parameters: ``output_dir``,
            ``luminosity_fb``, ``chunk_size`` and ``n_workers``.
        detector: The ``simulate_detector`` parameters.

    Returns:
        Per process: file path, generated and stored events, cross section
        in fb, weight, seconds and events per second.

    Raises:
        ImportError: If the simulate extra is not installed.
        collider_vae.simulation.runner.SimulationError: If a process fails,
            after the other processes have written their files.
    """
    try:
        from collider_vae.simulation.processes import ProcessSpec
        from collider_vae.simulation.runner import generate_all
    except ImportError as error:
        raise ImportError(_MISSING_EXTRA_MESSAGE) from error

    specs = [ProcessSpec(**{**entry, "pythia_settings": tuple(entry["pythia_settings"])}) for entry in processes]
    results = generate_all(
        specs,
        detector,
        luminosity_fb=float(simulate["luminosity_fb"]),
        output_dir=simulate["output_dir"],
        chunk_size=int(simulate["chunk_size"]),
        n_workers=simulate.get("n_workers"),
    )
    summary = {}
    for result in results:
        summary[result.name] = {**asdict(result), "events_per_second": result.events_per_second}
    logger.info(
        "Stored %d of %d generated events in %d files under %s",
        sum(r.n_stored for r in results),
        sum(r.n_generated for r in results),
        len(results),
        simulate["output_dir"],
    )
    return summary
