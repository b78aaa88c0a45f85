"""Arrow schemas of the tables that ingest writes.

One row of the events table is one event, with its objects in list columns
in file order. Energies and momenta keep the file's unit, MeV.
"""

from __future__ import annotations

import pyarrow as pa

EVENTS_SCHEMA = pa.schema(
    [
        ("sample", pa.string()),  # "background" or the signal's name
        ("source_file", pa.string()),
        ("line_number", pa.int64()),  # 1-based line in the source file
        ("event_id", pa.int64()),
        ("process_id", pa.string()),
        ("weight", pa.float64()),
        ("met_mev", pa.float64()),
        ("met_phi", pa.float64()),
        ("energy_recomputed", pa.bool_()),  # some E computed as pT cosh(eta)
        ("obj_type", pa.list_(pa.string())),
        ("obj_e_mev", pa.list_(pa.float64())),
        ("obj_pt_mev", pa.list_(pa.float64())),
        ("obj_eta", pa.list_(pa.float64())),
        ("obj_phi", pa.list_(pa.float64())),
    ]
)

REJECTS_SCHEMA = pa.schema(
    [
        ("sample", pa.string()),
        ("source_file", pa.string()),
        ("line_number", pa.int64()),
        ("field", pa.string()),
        ("reason", pa.string()),
        ("line", pa.string()),  # the raw line, so that a rejected event can be recovered
    ]
)

COUNTS_SCHEMA = pa.schema(
    [
        ("sample", pa.string()),
        ("source_file", pa.string()),
        ("lines_read", pa.int64()),  # non-blank lines
        ("blank_lines", pa.int64()),
        ("kept", pa.int64()),
        ("rejected", pa.int64()),
        ("energy_recomputed", pa.int64()),
    ]
)

OBJECT_COLUMNS = ("obj_type", "obj_e_mev", "obj_pt_mev", "obj_eta", "obj_phi")
