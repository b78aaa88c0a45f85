"""The share of events that are physical, criterion by criterion.

An event is physical when every object has E >= pT and a non-negative mass
(E >= pT cosh(eta)), its jets are listed in decreasing pT, and every object
passes the DarkMachines selection of its type. Comparisons of energies allow
a relative tolerance of 1e-5, because public files round to 6 significant
digits, which breaks E >= pT cosh(eta) of light leptons by up to about 5e-6.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.physics.object_cuts import passes_object_cuts
from collider_vae.physics.objects import JET_TYPES, TYPE_INDEX
from collider_vae.physics.units import MEV_PER_GEV, massless_energy

CRITERIA = ("energy_above_pt", "non_negative_mass", "jet_pt_ordered", "object_cuts")
RELATIVE_TOLERANCE = 1e-5


def _flat(events: pa.Table, column: str) -> np.ndarray:
    return pc.list_flatten(events.column(column)).to_numpy(zero_copy_only=False)


def physical_flags(events: pa.Table) -> dict[str, np.ndarray]:
    """Return, per criterion of :data:`CRITERIA` and for ``physical`` (all of them), a flag per event."""
    n_events = events.num_rows
    parents = pc.list_parent_indices(events.column("obj_type")).to_numpy(zero_copy_only=False)
    codes = _flat(events, "obj_type")
    energy, pt = _flat(events, "obj_e_mev"), _flat(events, "obj_pt_mev")
    eta = _flat(events, "obj_eta")
    unique_codes, inverse = np.unique(codes, return_inverse=True)
    object_type = np.array([TYPE_INDEX[code] for code in unique_codes], dtype=np.int64)[inverse]

    slack = 1.0 + RELATIVE_TOLERANCE
    object_ok = {
        "energy_above_pt": energy * slack >= pt,
        "non_negative_mass": energy * slack >= massless_energy(pt, eta),
        "object_cuts": passes_object_cuts(object_type, pt / MEV_PER_GEV, eta),
    }
    flags = {name: np.bincount(parents[~ok], minlength=n_events) == 0 for name, ok in object_ok.items()}

    is_jet = np.isin(codes, sorted(JET_TYPES))
    jet_parents, jet_pt = parents[is_jet], pt[is_jet]
    rising = (jet_parents[1:] == jet_parents[:-1]) & (jet_pt[1:] > jet_pt[:-1])
    flags["jet_pt_ordered"] = np.bincount(jet_parents[1:][rising], minlength=n_events) == 0
    flags["physical"] = np.logical_and.reduce([flags[name] for name in CRITERIA]) if n_events else np.ones(0, bool)
    return flags


def physicality_report(events: pa.Table) -> dict[str, float]:
    """Return the share of events passing each criterion and ``physical``, the share passing all."""
    flags = physical_flags(events)
    return {name: float(values.mean()) if len(values) else float("nan") for name, values in flags.items()}
