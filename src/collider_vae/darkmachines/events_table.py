"""Assemble the events table from per-event and per-object columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from collider_vae.darkmachines.schema import EVENTS_SCHEMA


def _list_column(offsets: np.ndarray, values: np.ndarray | pa.Array, value_type: pa.DataType) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, value_type))


def build_events_table(
    sample: str,
    source_file: str,
    header: dict[str, np.ndarray | pa.Array],
    n_objects: np.ndarray,
    objects: dict[str, np.ndarray | pa.Array],
) -> pa.Table:
    """Build a table in :data:`~collider_vae.darkmachines.schema.EVENTS_SCHEMA`.

    Args:
        sample: ``background`` or the signal's name.
        source_file: File the events come from.
        header: One value per event for ``line_number``, ``event_id``,
            ``process_id``, ``weight``, ``met_mev``, ``met_phi`` and ``energy_recomputed``.
        n_objects: Number of objects of each event.
        objects: Per-object ``obj_type``, ``obj_e_mev``, ``obj_pt_mev``,
            ``obj_eta`` and ``obj_phi``, events one after the other.
    """
    n_events = len(n_objects)
    offsets = np.concatenate(([0], np.cumsum(n_objects)))
    columns = {
        "sample": pa.repeat(pa.scalar(sample, pa.string()), n_events),
        "source_file": pa.repeat(pa.scalar(source_file, pa.string()), n_events),
    }
    for name in ("line_number", "event_id", "process_id", "weight", "met_mev", "met_phi", "energy_recomputed"):
        columns[name] = header[name]
    columns["obj_type"] = _list_column(offsets, objects["obj_type"], pa.string())
    for name in ("obj_e_mev", "obj_pt_mev", "obj_eta", "obj_phi"):
        columns[name] = _list_column(offsets, objects[name], pa.float64())
    return pa.Table.from_pydict(columns, schema=EVENTS_SCHEMA)
