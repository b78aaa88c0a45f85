"""Order each event's objects by pT into a fixed number of slots."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.physics.objects import TYPE_INDEX

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slots:
    """Objects of each event in pT order, as arrays of shape (n_events, n_slots).

    Empty slots have ``exists`` False, zero kinematics and type index -1.
    """

    exists: np.ndarray
    e_mev: np.ndarray
    pt_mev: np.ndarray
    eta: np.ndarray
    phi: np.ndarray
    type_index: np.ndarray
    n_dropped: int  # objects beyond the last slot


def order_into_slots(events: pa.Table, n_slots: int) -> Slots:
    """Place each event's ``n_slots`` leading-pT objects into slots.

    Args:
        events: Table with the object list columns of the ingest layout.
        n_slots: Number of slots; objects beyond it are dropped and counted.
    """
    n_events = events.num_rows
    counts = pc.list_value_length(events.column("obj_type")).to_numpy(zero_copy_only=False)
    parents = np.repeat(np.arange(n_events), counts)
    pt = pc.list_flatten(events.column("obj_pt_mev")).to_numpy(zero_copy_only=False)
    order = np.lexsort((-pt, parents))
    rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = rank < n_slots
    rows, columns, source = parents[keep], rank[keep], order[keep]

    def fill(values: np.ndarray, empty: float, dtype: type) -> np.ndarray:
        out = np.full((n_events, n_slots), empty, dtype=dtype)
        out[rows, columns] = values[source]
        return out

    codes = pc.list_flatten(events.column("obj_type")).to_numpy(zero_copy_only=False)
    type_index = np.array([TYPE_INDEX[code] for code in codes], dtype=np.int64) if len(codes) else np.empty(0, np.int64)
    exists = np.zeros((n_events, n_slots), dtype=bool)
    exists[rows, columns] = True
    flat = {name: pc.list_flatten(events.column(name)).to_numpy(zero_copy_only=False) for name in ("obj_e_mev", "obj_eta", "obj_phi")}
    n_dropped = int((~keep).sum())
    if n_dropped:
        logger.info("%d objects beyond the %d leading-pT slots were dropped", n_dropped, n_slots)
    return Slots(
        exists=exists,
        e_mev=fill(flat["obj_e_mev"], 0.0, np.float64),
        pt_mev=fill(pt, 0.0, np.float64),
        eta=fill(flat["obj_eta"], 0.0, np.float64),
        phi=fill(flat["obj_phi"], 0.0, np.float64),
        type_index=fill(type_index, -1, np.int64),
        n_dropped=n_dropped,
    )
