"""Small synthetic DarkMachines samples for tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from collider_vae.darkmachines.writer import format_event_line

CODES = ("j", "b", "e-", "e+", "m-", "m+", "g")


def synthetic_lines(n_events: int, process: str, seed: int, pt_scale_mev: float = 50_000.0) -> list[str]:
    """Return valid DarkMachines lines with 1 to 6 objects of random type."""
    rng = np.random.default_rng(seed)
    lines = []
    for event_id in range(n_events):
        n = int(rng.integers(1, 7))
        pt = rng.exponential(pt_scale_mev, n) + 20_000.0
        eta = rng.uniform(-2.5, 2.5, n)
        phi = rng.uniform(-np.pi, np.pi, n)
        codes = rng.choice(CODES, n)
        objects = [(c, p * np.cosh(e), p, e, f) for c, p, e, f in zip(codes, pt, eta, phi)]
        met = rng.exponential(pt_scale_mev)
        lines.append(format_event_line(event_id, process, 1.0, met, rng.uniform(-np.pi, np.pi), objects))
    return lines


def write_raw_folder(root: Path, n_background: int = 400, n_signal: int = 100, seed: int = 0) -> Path:
    """Write two background processes and one harder signal into ``root``."""
    (root / "background").mkdir(parents=True, exist_ok=True)
    (root / "signal").mkdir(parents=True, exist_ok=True)
    half = n_background // 2
    for index, process in enumerate(("ttbar", "zz")):
        lines = synthetic_lines(half, process, seed + index)
        (root / "background" / f"{process}.csv").write_text("\n".join(lines) + "\n")
    signal = synthetic_lines(n_signal, "zprime", seed + 10, pt_scale_mev=400_000.0)
    (root / "signal" / "zprime.csv").write_text("\n".join(signal) + "\n")
    return root
