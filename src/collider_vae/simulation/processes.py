"""Process definitions of the simulate pipeline, read from the ``simulate`` parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SAMPLE_KINDS = ("background", "signal")

# A process name is a file name stem and a field of every CSV line, so it
# must contain neither separators of the format nor path characters.
PROCESS_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.+-]+")

# Pythia 8.317 ignores a Random:seed above 900,000,000, and 0 takes the seed from the clock.
MAX_PYTHIA_SEED = 900_000_000


@dataclass(frozen=True)
class ProcessSpec:
    """One process to generate: its Pythia settings, cuts and size.

    Attributes:
        name: Process ID written into every line and the file name stem.
        kind: ``background`` or ``signal``; names the output sub-folder.
        pythia_settings: Pythia ``readString`` lines, without the beam
            energy, seed and output settings that the generator adds.
        n_events: Number of events Pythia generates; the stored number is
            smaller when the selection or ``min_ht_gev`` rejects events.
        seed: Pythia and smearing seed, 1 to 900,000,000.
        min_ht_gev: Phase-space cut on the scalar sum of stored jet pT, in
            GeV, applied after reconstruction; 0 turns it off.
        slha: Optional minimal SLHA spectrum, see ``collider_vae.simulation.slha``.
    """

    name: str
    kind: str
    pythia_settings: tuple[str, ...]
    n_events: int
    seed: int
    min_ht_gev: float = 0.0
    slha: Mapping[str, Any] | None = field(default=None)

    def describe(self) -> str:
        """Return the name, kind, seed and Pythia settings on one line, for logs and errors."""
        return f"process {self.name!r} ({self.kind}, seed {self.seed}) with Pythia settings {list(self.pythia_settings)}"


def process_specs_from_parameters(processes: Mapping[str, Mapping[str, Any]]) -> list[ProcessSpec]:
    """Validate the ``processes`` mapping of the ``simulate`` parameters and build specs.

    Raises:
        ValueError: If a process has an invalid name, an unknown kind, a non-positive number
            of events, a seed outside Pythia's range, or no Pythia settings.
    """
    specs = []
    for name, entry in processes.items():
        if not PROCESS_NAME_PATTERN.fullmatch(str(name)):
            raise ValueError(f"Process name {name!r} is invalid; use letters, digits and _ . + - only.")
        kind = entry.get("kind")
        if kind not in SAMPLE_KINDS:
            raise ValueError(f"Process {name!r} has kind {kind!r}; expected one of {SAMPLE_KINDS}.")
        n_events = int(entry.get("n_events", 0))
        if n_events <= 0:
            raise ValueError(f"Process {name!r} has n_events {n_events}; set a positive number.")
        seed = int(entry.get("seed", 0))
        if not 1 <= seed <= MAX_PYTHIA_SEED:
            raise ValueError(f"Process {name!r} has seed {seed}; set a seed from 1 to {MAX_PYTHIA_SEED}.")
        settings = tuple(str(line) for line in entry.get("pythia", []))
        if not settings:
            raise ValueError(f"Process {name!r} has no Pythia settings; list them under 'pythia'.")
        specs.append(
            ProcessSpec(
                name=str(name),
                kind=kind,
                pythia_settings=settings,
                n_events=n_events,
                seed=seed,
                min_ht_gev=float(entry.get("min_ht_gev", 0.0)),
                slha=entry.get("slha"),
            )
        )
    return specs
