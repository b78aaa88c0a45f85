"""Event-level quantities computed from the object lists of an events table.

The table has the list columns of the ingest layout (``obj_type``,
``obj_pt_mev``, ...). Every function returns one value per event.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.physics.objects import JET_TYPES, LEPTON_TYPES
from collider_vae.physics.units import MEV_PER_GEV


def _flat(events: pa.Table, column: str) -> np.ndarray:
    return pc.list_flatten(events.column(column)).to_numpy(zero_copy_only=False)


def _parents(events: pa.Table) -> np.ndarray:
    return pc.list_parent_indices(events.column("obj_type")).to_numpy(zero_copy_only=False)


def _sum_per_event(events: pa.Table, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.bincount(_parents(events)[mask], weights=values[mask], minlength=events.num_rows)


def type_mask(events: pa.Table, types: frozenset[str]) -> np.ndarray:
    """Flag the flattened objects whose type is in ``types``."""
    return np.isin(_flat(events, "obj_type"), sorted(types))


def ht_gev(events: pa.Table) -> np.ndarray:
    """Return HT, the scalar sum of jet and b-jet pT, in GeV."""
    pt_gev = _flat(events, "obj_pt_mev") / MEV_PER_GEV
    return _sum_per_event(events, pt_gev, type_mask(events, JET_TYPES))


def met_gev(events: pa.Table) -> np.ndarray:
    """Return the missing transverse energy in GeV."""
    return events.column("met_mev").to_numpy() / MEV_PER_GEV


def count_objects(events: pa.Table, types: frozenset[str], min_pt_gev: float = 0.0) -> np.ndarray:
    """Count objects of the given types with pT above ``min_pt_gev`` GeV."""
    mask = type_mask(events, types) & (_flat(events, "obj_pt_mev") > min_pt_gev * MEV_PER_GEV)
    return np.bincount(_parents(events)[mask], minlength=events.num_rows)


def n_jets(events: pa.Table, min_pt_gev: float = 0.0) -> np.ndarray:
    """Count jets and b-jets above ``min_pt_gev``."""
    return count_objects(events, JET_TYPES, min_pt_gev)


def n_leptons(events: pa.Table, min_pt_gev: float = 0.0) -> np.ndarray:
    """Count electrons and muons above ``min_pt_gev``."""
    return count_objects(events, LEPTON_TYPES, min_pt_gev)


def n_bjets(events: pa.Table, min_pt_gev: float = 0.0) -> np.ndarray:
    """Count b-jets above ``min_pt_gev``."""
    return count_objects(events, frozenset({"b"}), min_pt_gev)


def leading_dijet_mass_gev(events: pa.Table) -> np.ndarray:
    """Return the invariant mass of the two leading-pT jets in GeV, NaN for events with fewer than two.

    Jets and b-jets both count. A negative m^2 from rounding gives mass zero.
    """
    is_jet = type_mask(events, JET_TYPES)
    parents = _parents(events)[is_jet]
    pt = _flat(events, "obj_pt_mev")[is_jet]
    order = np.lexsort((-pt, parents))
    parents, pt = parents[order], pt[order]
    eta = _flat(events, "obj_eta")[is_jet][order]
    phi = _flat(events, "obj_phi")[is_jet][order]
    energy = _flat(events, "obj_e_mev")[is_jet][order]
    counts = np.bincount(parents, minlength=events.num_rows)
    first = np.cumsum(counts) - counts
    has_two = counts >= 2
    lead, sub = first[has_two], first[has_two] + 1
    px = pt[lead] * np.cos(phi[lead]) + pt[sub] * np.cos(phi[sub])
    py = pt[lead] * np.sin(phi[lead]) + pt[sub] * np.sin(phi[sub])
    pz = pt[lead] * np.sinh(eta[lead]) + pt[sub] * np.sinh(eta[sub])
    e = energy[lead] + energy[sub]
    mass = np.full(events.num_rows, np.nan)
    mass[has_two] = np.sqrt(np.maximum(e**2 - px**2 - py**2 - pz**2, 0.0)) / MEV_PER_GEV
    return mass
