"""Generate one process with Pythia 8, reconstruct it and write DarkMachines lines.

Events are generated and reconstructed in chunks and their lines are
written as they come, so memory stays bounded by the chunk size. The
weight sigma * L / N needs Pythia's cross-section estimate, which is final
only after the last event. The lines therefore go to a temporary text file
first, and are then copied into the gzipped output with the weight filled in.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from collider_vae.darkmachines.writer import format_event_line, open_text_for_writing, write_lines
from collider_vae.physics.objects import OBJECT_TYPES
from collider_vae.physics.units import gev_to_mev
from collider_vae.simulation.objects import ReconstructedBatch, reconstruct_batch
from collider_vae.simulation.particles import particle_table_from_batch
from collider_vae.simulation.processes import ProcessSpec
from collider_vae.simulation.slha import format_minimal_slha

logger = logging.getLogger(__name__)

BEAM_ENERGY_SETTING = "Beams:eCM = 13000."
FEMTOBARN_PER_MILLIBARN = 1.0e12
# Matches the writer's seven significant digits.
WEIGHT_FORMAT = "{:.7g}"
# A line's weight before the cross section is known; replaced in the final file.
PLACEHOLDER_WEIGHT = 1.0
# Pythia's event counters and listings would flood the logs.
QUIET_SETTINGS = (
    "Next:numberCount = 0",
    "Next:numberShowEvent = 0",
    "Next:numberShowInfo = 0",
    "Next:numberShowProcess = 0",
    "Init:showChangedSettings = off",
    "Init:showChangedParticleData = off",
    "Init:showProcesses = off",
    "Init:showMultipartonInteractions = off",
)


class ProcessGenerationError(RuntimeError):
    """A process failed; the message names it and its Pythia settings."""


@dataclass(frozen=True)
class ProcessResult:
    """Counts, cross section and timing of one generated process."""

    name: str
    kind: str
    path: str
    n_generated: int
    n_stored: int
    cross_section_fb: float
    cross_section_error_fb: float
    weight: float
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.n_generated / self.seconds if self.seconds > 0 else float("nan")


def output_path(output_dir: str | Path, spec: ProcessSpec) -> Path:
    """Return ``<output_dir>/<kind>/<name>.csv.gz``."""
    return Path(output_dir) / spec.kind / f"{spec.name}.csv.gz"


def _pythia_settings(spec: ProcessSpec, slha_path: Path | None) -> list[str]:
    settings = [BEAM_ENERGY_SETTING, *spec.pythia_settings]
    if slha_path is not None:
        settings.append(f"SLHA:file = {slha_path}")
    settings += ["Random:setSeed = on", f"Random:seed = {spec.seed}", *QUIET_SETTINGS]
    return settings


def _start_pythia(spec: ProcessSpec, slha_path: Path | None) -> Any:
    """Create and initialise Pythia for ``spec``.

    Raises:
        ProcessGenerationError: If Pythia rejects a setting or fails to initialise.
    """
    import pythia8mc  # imported here so that importing this module needs no Pythia

    pythia = pythia8mc.Pythia("", False)
    for setting in _pythia_settings(spec, slha_path):
        if not pythia.readString(setting):
            raise ProcessGenerationError(f"Pythia rejected the setting {setting!r} of {spec.describe()}.")
    if not pythia.init():
        raise ProcessGenerationError(f"Pythia failed to initialise {spec.describe()}; see its output above.")
    return pythia


def _event_lines(spec: ProcessSpec, batch: ReconstructedBatch, first_event_id: int, keep: np.ndarray) -> Iterator[str]:
    """Yield the lines of the kept events of a batch, with the placeholder weight."""
    boundaries = np.searchsorted(batch.object_event, np.arange(batch.n_events + 1))
    e_mev = gev_to_mev(batch.object_e_gev)
    pt_mev = gev_to_mev(batch.object_pt_gev)
    met_mev = gev_to_mev(batch.met_gev)
    for event in np.flatnonzero(keep):
        rows = range(boundaries[event], boundaries[event + 1])
        objects = [
            (
                OBJECT_TYPES[batch.object_type[row]],
                float(e_mev[row]),
                float(pt_mev[row]),
                float(batch.object_eta[row]),
                float(batch.object_phi[row]),
            )
            for row in rows
        ]
        yield format_event_line(
            first_event_id + int(event),
            spec.name,
            PLACEHOLDER_WEIGHT,
            float(met_mev[event]),
            float(batch.met_phi[event]),
            objects,
        )


def _set_weight(line: str, weight_text: str) -> str:
    event_id, process_id, _, rest = line.split(";", 3)
    return f"{event_id};{process_id};{weight_text};{rest}"


def generate_process(
    spec: ProcessSpec,
    detector_config: Mapping[str, Any],
    luminosity_fb: float,
    output_dir: str | Path,
    chunk_size: int,
    progress: Callable[[int], None] | None = None,
) -> ProcessResult:
    """Generate, reconstruct and write one process to ``<output_dir>/<kind>/<name>.csv.gz``.

    Args:
        spec: The process.
        detector_config: The ``simulate_detector`` parameters.
        luminosity_fb: Integrated luminosity in fb^-1 for the weights
            sigma * L / N, where N counts generated events.
        output_dir: Folder that receives ``background/`` and ``signal/``.
        chunk_size: Events per ``Pythia.nextBatch`` call.
        progress: Called with the number of events generated after each chunk.

    Returns:
        Counts, cross section and timing of the process.

    Raises:
        ProcessGenerationError: If Pythia fails; the message names the
            process and its settings. No output file is left behind then.
    """
    start = time.perf_counter()
    path = output_path(output_dir, spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)

    with tempfile.TemporaryDirectory(prefix=f"simulate-{spec.name}-") as workdir:
        slha_path = None
        if spec.slha is not None:
            slha_path = Path(workdir) / f"{spec.name}.slha"
            slha_path.write_text(format_minimal_slha(spec.slha), encoding="ascii")
        pythia = _start_pythia(spec, slha_path)

        partial_path = Path(workdir) / f"{spec.name}.csv"
        n_generated = 0
        n_stored = 0
        with open_text_for_writing(partial_path) as partial:
            while n_generated < spec.n_events:
                n_chunk = min(chunk_size, spec.n_events - n_generated)
                try:
                    events = pythia.nextBatch(n_chunk)
                except Exception as error:  # pythia8mc raises plain exceptions from C++
                    raise ProcessGenerationError(f"Pythia failed to generate events of {spec.describe()}: {error}") from error
                if len(events) != n_chunk:
                    raise ProcessGenerationError(
                        f"Pythia returned {len(events)} of {n_chunk} requested events of {spec.describe()}."
                    )
                batch = reconstruct_batch(particle_table_from_batch(events), detector_config, rng)
                keep = batch.passes_selection & (batch.ht_gev >= spec.min_ht_gev)
                n_stored += write_lines(_event_lines(spec, batch, n_generated + 1, keep), partial)
                n_generated += n_chunk
                if progress is not None:
                    progress(n_chunk)
                logger.debug("%s: %d of %d events generated, %d stored", spec.name, n_generated, spec.n_events, n_stored)

        info = pythia.infoPython()
        cross_section_fb = info.sigmaGen() * FEMTOBARN_PER_MILLIBARN
        cross_section_error_fb = info.sigmaErr() * FEMTOBARN_PER_MILLIBARN
        weight = cross_section_fb * luminosity_fb / n_generated
        weight_text = WEIGHT_FORMAT.format(weight)

        # Hidden and renamed only when complete, so a failure leaves no truncated output file.
        temporary_output = path.with_name(f".{spec.name}.part.csv.gz")
        try:
            with open(partial_path, encoding="ascii") as lines, open_text_for_writing(temporary_output) as output:
                write_lines((_set_weight(line.rstrip("\n"), weight_text) for line in lines), output)
            os.replace(temporary_output, path)
        finally:
            temporary_output.unlink(missing_ok=True)

    seconds = time.perf_counter() - start
    result = ProcessResult(
        name=spec.name,
        kind=spec.kind,
        path=str(path),
        n_generated=n_generated,
        n_stored=n_stored,
        cross_section_fb=cross_section_fb,
        cross_section_error_fb=cross_section_error_fb,
        weight=weight,
        seconds=seconds,
    )
    logger.info(
        "%s: stored %d of %d events in %.1f s (%.0f events/s), sigma = %.4g +- %.2g fb, weight %.4g, wrote %s",
        spec.name,
        n_stored,
        n_generated,
        seconds,
        result.events_per_second,
        cross_section_fb,
        cross_section_error_fb,
        weight,
        path,
    )
    return result
