"""Compiled fast path for blocks in which every line is valid.

The C extension ``_fastparse`` splits and converts a whole block in one
pass, with correctly rounded decimal conversion. It is built when the
project is installed. Where no C compiler was available, it is missing and
:func:`parse_compiled_block` is never called; ingest then uses the slower
Arrow route of :mod:`collider_vae.darkmachines.clean_block`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from collider_vae.darkmachines.codes import KNOWN_CODE_PAIRS
from collider_vae.darkmachines.events_table import build_events_table
from collider_vae.darkmachines.lines import LineBlock

try:
    from collider_vae.darkmachines import _fastparse
except ImportError:  # built without a C compiler
    _fastparse = None

COMPILED_PARSER_BUILT = _fastparse is not None
_CODE_PAIRS = tuple((code.encode("ascii"), canonical.encode("ascii")) for code, canonical in KNOWN_CODE_PAIRS)


def parse_compiled_block(block: LineBlock, source_file: str, sample: str) -> tuple[pa.Table, int] | None:
    """Parse a block whose lines are all valid, or return ``None`` to use the general parser.

    The compiled parser gives up on any line that the general parser would
    reject or that needs a parser option, such as a literal ``E`` energy. It
    also leaves rare forms to the general parser, such as whitespace around
    fields or several trailing ``;``.

    Returns:
        The events table and the number of blank lines, or ``None``.
    """
    if _fastparse is None:
        return None
    parsed = _fastparse.parse_block(block.data, _CODE_PAIRS)
    if parsed is None:
        return None
    n_events, n_objects, n_blank, columns = parsed

    def column(name: str, dtype: type) -> np.ndarray:
        return np.frombuffer(columns[name], dtype=dtype)

    def strings(name: str, length: int) -> pa.StringArray:
        return pa.StringArray.from_buffers(
            length, pa.py_buffer(columns[f"{name}_offsets"]), pa.py_buffer(columns[f"{name}_text"])
        )

    events = build_events_table(
        sample,
        source_file,
        header={
            "line_number": block.first_line_number + column("line_index", np.int64),
            "event_id": column("event_id", np.int64),
            "process_id": strings("process", n_events),
            "weight": column("weight", np.float64),
            "met_mev": column("met", np.float64),
            "met_phi": column("met_phi", np.float64),
            "energy_recomputed": np.zeros(n_events, dtype=bool),
        },
        n_objects=column("n_objects", np.int64),
        objects={
            "obj_type": strings("type", n_objects),
            "obj_e_mev": column("energy", np.float64),
            "obj_pt_mev": column("pt", np.float64),
            "obj_eta": column("eta", np.float64),
            "obj_phi": column("phi", np.float64),
        },
    )
    return events, n_blank
