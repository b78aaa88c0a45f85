"""Flat particle tables built from Pythia event batches, and same-event pairing.

Object building works on flat NumPy arrays with an event index per row,
because the per-event loops then run inside NumPy. Rows keep the order of
the batch, so each event's rows are contiguous and events are in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import awkward as ak
import numpy as np

from collider_vae.physics.units import delta_r


@dataclass(frozen=True)
class ParticleTable:
    """All particles of a batch of events, one row per particle; momenta in GeV."""

    n_events: int
    event: np.ndarray
    pdg_id: np.ndarray
    status: np.ndarray
    px_gev: np.ndarray
    py_gev: np.ndarray
    pz_gev: np.ndarray
    e_gev: np.ndarray
    m_gev: np.ndarray

    @cached_property
    def pt_gev(self) -> np.ndarray:
        return np.hypot(self.px_gev, self.py_gev)

    @cached_property
    def eta(self) -> np.ndarray:
        return pseudorapidity(self.pt_gev, self.pz_gev)

    @cached_property
    def phi(self) -> np.ndarray:
        return np.arctan2(self.py_gev, self.px_gev)

    @property
    def is_final(self) -> np.ndarray:
        return self.status > 0


def pseudorapidity(pt: np.ndarray, pz: np.ndarray) -> np.ndarray:
    """Return eta = asinh(pz / pT); particles along the beam get |eta| = 1e6 with the sign of pz."""
    pt = np.asarray(pt, dtype=np.float64)
    pz = np.asarray(pz, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(pz / pt)
    return np.where(pt > 0.0, eta, np.copysign(1.0e6, pz))


def particle_table_from_batch(batch: ak.Array) -> ParticleTable:
    """Flatten the ``prt`` records of a ``Pythia.nextBatch`` result into a ``ParticleTable``."""
    particles = batch["prt"]
    counts = ak.to_numpy(ak.num(particles, axis=1))
    flat = ak.flatten(particles, axis=1)
    momentum = flat["p"]
    return ParticleTable(
        n_events=len(counts),
        event=np.repeat(np.arange(len(counts), dtype=np.int64), counts),
        pdg_id=ak.to_numpy(flat["id"]).astype(np.int64),
        status=ak.to_numpy(flat["status"]).astype(np.int64),
        px_gev=ak.to_numpy(momentum["px"]).astype(np.float64),
        py_gev=ak.to_numpy(momentum["py"]).astype(np.float64),
        pz_gev=ak.to_numpy(momentum["pz"]).astype(np.float64),
        e_gev=ak.to_numpy(momentum["e"]).astype(np.float64),
        m_gev=ak.to_numpy(flat["m"]).astype(np.float64),
    )


def same_event_pairs(
    event_a: np.ndarray, event_b: np.ndarray, n_events: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return index arrays ``(ia, ib)`` of every pair of rows of A and B in the same event.

    ``event_b`` must be sorted, which holds for any subset of a
    ``ParticleTable`` taken in row order.
    """
    count_b = np.bincount(event_b, minlength=n_events)
    start_b = np.concatenate(([0], np.cumsum(count_b)[:-1]))
    n_pairs = count_b[event_a]
    ia = np.repeat(np.arange(len(event_a), dtype=np.int64), n_pairs)
    first_pair = np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
    ib = np.arange(int(n_pairs.sum()), dtype=np.int64) - first_pair + np.repeat(start_b[event_a], n_pairs)
    return ia, ib


def pair_delta_r(
    eta_a: np.ndarray, phi_a: np.ndarray, eta_b: np.ndarray, phi_b: np.ndarray, ia: np.ndarray, ib: np.ndarray
) -> np.ndarray:
    """Return the angular distance of each pair ``(ia, ib)``."""
    return delta_r(eta_a[ia], phi_a[ia], eta_b[ib], phi_b[ib])


def hadron_flavour_digit(pdg_id: np.ndarray, quark: int) -> np.ndarray:
    """Return a mask of hadrons that contain the heavy quark ``quark`` (4 for c, 5 for b).

    Uses the PDG numbering scheme: a meson has the quark in its hundreds
    digit and a baryon in its thousands digit. Quarks, diquarks (tens digit
    zero) and codes of seven digits or more, such as SUSY particles, are
    not hadrons here.
    """
    abs_id = np.abs(pdg_id)
    is_hadron = (abs_id < 1_000_000) & ((abs_id // 10) % 10 != 0) & (abs_id > 100)
    is_meson = (abs_id // 1000) % 10 == 0
    heavy_digit = np.where(is_meson, (abs_id // 100) % 10, (abs_id // 1000) % 10)
    return is_hadron & (heavy_digit == quark)
