"""Physical observables of an events table, for conditions and for quality histograms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.features.slots import order_into_slots
from collider_vae.physics.event_quantities import (
    ht_gev,
    leading_dijet_mass_gev,
    met_gev,
    n_bjets,
    n_jets,
    n_leptons,
)
from collider_vae.physics.objects import JET_TYPES
from collider_vae.physics.units import MEV_PER_GEV

EVENT_OBSERVABLES = ("met_gev", "met_phi", "ht_gev", "mjj_gev", "n_jets", "n_bjets", "n_leptons", "n_objects")
SLOT_QUANTITIES = ("e_gev", "pt_gev", "eta", "phi")
# Spectra that fall over orders of magnitude get log-spaced histogram bins.
LOG_SCALE_SUFFIX = "_gev"
COUNT_OBSERVABLES = frozenset({"n_jets", "n_bjets", "n_leptons", "n_objects"})


def event_observables(events: pa.Table) -> pd.DataFrame:
    """Return one row per event with the columns of :data:`EVENT_OBSERVABLES`.

    ``mjj_gev`` is the mass of the two leading-pT jets, NaN with fewer than two jets.
    """
    return pd.DataFrame(
        {
            "met_gev": met_gev(events),
            "met_phi": events.column("met_phi").to_numpy(),
            "ht_gev": ht_gev(events),
            "mjj_gev": leading_dijet_mass_gev(events),
            "n_jets": n_jets(events),
            "n_bjets": n_bjets(events),
            "n_leptons": n_leptons(events),
            "n_objects": pc.list_value_length(events.column("obj_type")).to_numpy(zero_copy_only=False),
        }
    )


def slot_observables(events: pa.Table, n_slots: int) -> pd.DataFrame:
    """Return the kinematics of the ``n_slots`` leading-pT objects, NaN for empty slots.

    Columns are ``slot<i>_e_gev``, ``slot<i>_pt_gev``, ``slot<i>_eta`` and ``slot<i>_phi``.
    """
    slots = order_into_slots(events, n_slots)
    values = {
        "e_gev": slots.e_mev / MEV_PER_GEV,
        "pt_gev": slots.pt_mev / MEV_PER_GEV,
        "eta": slots.eta,
        "phi": slots.phi,
    }
    columns = {}
    for slot in range(n_slots):
        for name in SLOT_QUANTITIES:
            columns[f"slot{slot}_{name}"] = np.where(slots.exists[:, slot], values[name][:, slot], np.nan)
    return pd.DataFrame(columns)


def all_observables(events: pa.Table, n_slots: int) -> pd.DataFrame:
    """Return :func:`slot_observables` followed by :func:`event_observables`."""
    return pd.concat([slot_observables(events, n_slots), event_observables(events)], axis=1)


def leading_jet_phis(events: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Return phi of the leading and the second jet, by pT, of the events with at least two jets."""
    is_jet = np.isin(pc.list_flatten(events.column("obj_type")).to_numpy(zero_copy_only=False), sorted(JET_TYPES))
    parents = pc.list_parent_indices(events.column("obj_type")).to_numpy(zero_copy_only=False)[is_jet]
    pt = pc.list_flatten(events.column("obj_pt_mev")).to_numpy(zero_copy_only=False)[is_jet]
    phi = pc.list_flatten(events.column("obj_phi")).to_numpy(zero_copy_only=False)[is_jet]
    order = np.lexsort((-pt, parents))
    parents, phi = parents[order], phi[order]
    counts = np.bincount(parents, minlength=events.num_rows)
    first = (np.cumsum(counts) - counts)[counts >= 2]
    return phi[first], phi[first + 1]
