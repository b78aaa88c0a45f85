"""Compiled fast path for the valid lines of a block.

The C extension ``_fastparse`` splits and converts a whole block in one
pass, with correctly rounded decimal conversion, and lists the lines it
leaves to the line-checked parser. It is built when the project is
installed. Where no C compiler was available, it is missing, and ingest
uses the slower Arrow route of :mod:`collider_vae.darkmachines.clean_block`.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class CompiledBlock:
    """Result of the compiled parser on one block.

    Attributes:
        events: Events of the lines it took, in line order.
        blank_lines: Number of empty lines.
        skipped_lines: Indices in the block of the lines it left to the general parser.
        skipped_byte_ranges: Start and newline offsets of those lines in the block's bytes.
    """

    events: pa.Table
    blank_lines: int
    skipped_lines: np.ndarray
    skipped_byte_ranges: tuple[np.ndarray, np.ndarray]


def parse_compiled_block(block: LineBlock, source_file: str, sample: str) -> CompiledBlock | None:
    """Parse the valid lines of a block and list the others.

    The compiled parser skips any line that the general parser would reject
    or that needs a parser option, such as a literal ``E`` energy. It also
    leaves rare forms to the general parser, such as whitespace around
    fields or several trailing ``;``.

    Returns:
        The parsed block, or ``None`` when the parser is not built or skips
        too many lines to list them.
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
            "line_number": block.line_numbers(column("line_index", np.int64)),
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
    return CompiledBlock(
        events,
        n_blank,
        column("skipped_lines", np.int64),
        (column("skipped_starts", np.int64), column("skipped_ends", np.int64)),
    )
