"""Vectorised parsing of DarkMachines lines into Arrow tables.

A block of lines is split and cast with Arrow compute kernels, which keeps
ingest fast on large files. Lines that fail any check go to the rejects
table with the field and reason found by
:func:`collider_vae.darkmachines.diagnose.diagnose_line`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collider_vae.darkmachines.diagnose import (
    FLOAT_PATTERN,
    HEADER_FIELDS,
    INTEGER_PATTERN,
    KNOWN_CODES,
    MISSING_ENERGY_TOKEN,
    LineProblem,
    MalformedLineError,
    diagnose_line,
)
from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.schema import EVENTS_SCHEMA, REJECTS_SCHEMA
from collider_vae.physics.objects import LEGACY_CODES
from collider_vae.physics.units import massless_energy

logger = logging.getLogger(__name__)

_N_HEADER = len(HEADER_FIELDS)
_PLACEHOLDER_LINE = "0;placeholder;0;0;0"
_PLACEHOLDER_OBJECT = "j,0,0,0,0"


@dataclass(frozen=True)
class ParseOptions:
    """Options of the line parser.

    Attributes:
        recompute_missing_energy: Replace a literal ``E`` in the energy field by
            pT cosh(eta), the energy of a massless object, and flag the event.
        strict: Raise :class:`MalformedLineError` on the first invalid line
            instead of writing it to the rejects table.
    """

    recompute_missing_energy: bool = False
    strict: bool = False


@dataclass(frozen=True)
class ParsedBlock:
    """Events, rejected lines and line counts of one block."""

    events: pa.Table
    rejects: pa.Table
    lines_read: int
    blank_lines: int
    energy_recomputed: int


def _to_numpy(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def _parse_numbers(strings: pa.Array, pattern: str, dtype: pa.DataType) -> tuple[np.ndarray, np.ndarray]:
    """Cast strings to numbers and return the values and a validity mask.

    The whole array is cast at once. Only when that fails are the values
    matched against ``pattern`` one by one, so valid files stay fast.
    """
    try:
        values = _to_numpy(pc.cast(strings, dtype))
        valid = np.ones(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        valid = _to_numpy(pc.match_substring_regex(strings, pattern))
        masked = pc.if_else(pa.array(valid), strings, "0")
        try:
            values = _to_numpy(pc.cast(masked, dtype))
        except pa.ArrowInvalid:
            # Values such as 1e999 pass the pattern but overflow the cast.
            values = np.array([float(text) for text in masked.to_pylist()])
    if values.dtype.kind == "f":
        valid &= np.isfinite(values)
    return values, valid


def _decode(lines: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Decode binary lines as UTF-8, flagging lines that are not valid text."""
    try:
        return pc.cast(lines, pa.large_string()), np.zeros(len(lines), dtype=bool)
    except pa.ArrowInvalid:
        texts, undecodable = [], []
        for raw in lines.to_pylist():
            try:
                texts.append(raw.decode("utf-8"))
                undecodable.append(False)
            except UnicodeDecodeError:
                texts.append(raw.decode("utf-8", errors="backslashreplace"))
                undecodable.append(True)
        return pa.array(texts, type=pa.large_string()), np.array(undecodable, dtype=bool)


def _canonical_codes(codes: pa.Array) -> pa.Array:
    for legacy, canonical in LEGACY_CODES.items():
        codes = pc.if_else(pc.equal(codes, legacy), canonical, codes)
    return codes


def _list_column(offsets: np.ndarray, values: np.ndarray | pa.Array, value_type: pa.DataType) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, value_type))


def parse_block(
    block: LineBlock, source_file: str, sample: str, options: ParseOptions = ParseOptions()
) -> ParsedBlock:
    """Parse a block of lines into an events table and a rejects table.

    Args:
        block: Lines of one file and the number of the first one.
        source_file: File name stored with each event and reject.
        sample: ``background`` or the signal's name, stored with each event.
        options: Parser options.

    Returns:
        The parsed block. Every non-blank line is either an event or a reject.

    Raises:
        MalformedLineError: In strict mode, on the first invalid line.
    """
    n_lines = len(block)
    line_numbers = np.arange(block.first_line_number, block.first_line_number + n_lines, dtype=np.int64)
    raw_text, undecodable = _decode(block.lines)
    text = pc.utf8_rtrim(pc.utf8_trim_whitespace(raw_text), characters=";")
    blank = _to_numpy(pc.equal(pc.utf8_length(text), 0))
    n_fields = _to_numpy(pc.count_substring(text, ";")) + 1
    candidate = ~blank & ~undecodable & (n_fields >= _N_HEADER)

    fields = pc.split_pattern(pc.if_else(pa.array(candidate), text, _PLACEHOLDER_LINE), ";")
    event_id, ok = _parse_numbers(pc.list_element(fields, 0), INTEGER_PATTERN, pa.int64())
    valid = candidate & ok
    process_id = pc.list_element(fields, 1)
    valid &= _to_numpy(pc.greater(pc.utf8_length(process_id), 0))
    header = {}
    for index, name in ((2, "weight"), (3, "met_mev"), (4, "met_phi")):
        header[name], ok = _parse_numbers(pc.list_element(fields, index), FLOAT_PATTERN, pa.float64())
        valid &= ok
    valid &= header["met_mev"] >= 0

    objects = pc.list_slice(fields, _N_HEADER)
    parents = _to_numpy(pc.list_parent_indices(objects))
    object_text = pc.list_flatten(objects)
    well_formed = _to_numpy(pc.count_substring(object_text, ",")) == 4
    parts = pc.split_pattern(pc.if_else(pa.array(well_formed), object_text, _PLACEHOLDER_OBJECT), ",")
    codes = _canonical_codes(pc.list_element(parts, 0))
    object_ok = well_formed & _to_numpy(pc.is_in(pc.list_element(parts, 0), pa.array(sorted(KNOWN_CODES))))
    energy_text = pc.list_element(parts, 1)
    energy_missing = _to_numpy(pc.equal(energy_text, MISSING_ENERGY_TOKEN))
    energy, energy_ok = _parse_numbers(
        pc.if_else(pa.array(energy_missing), "0", energy_text), FLOAT_PATTERN, pa.float64()
    )
    kinematics = {}
    for index, name in ((2, "pt"), (3, "eta"), (4, "phi")):
        kinematics[name], ok = _parse_numbers(pc.list_element(parts, index), FLOAT_PATTERN, pa.float64())
        object_ok &= ok
    object_ok &= energy_ok & (energy >= 0) & (kinematics["pt"] >= 0)
    if options.recompute_missing_energy:
        energy = np.where(energy_missing, massless_energy(kinematics["pt"], kinematics["eta"]), energy)
    else:
        object_ok &= ~energy_missing

    valid &= np.bincount(parents[~object_ok], minlength=n_lines) == 0
    recomputed = options.recompute_missing_energy & (
        np.bincount(parents[energy_missing], minlength=n_lines) > 0
    )
    events = _events_table(
        valid, parents, n_fields, sample, source_file, line_numbers, event_id, process_id,
        header, recomputed, codes, energy, kinematics,
    )
    rejected = ~valid & ~blank
    rejects = _rejects_table(
        raw_text, text, undecodable, rejected, line_numbers, source_file, sample, options
    )
    return ParsedBlock(
        events=events,
        rejects=rejects,
        lines_read=int(n_lines - blank.sum()),
        blank_lines=int(blank.sum()),
        energy_recomputed=int(recomputed[valid].sum()),
    )


def _events_table(
    valid, parents, n_fields, sample, source_file, line_numbers, event_id, process_id,
    header, recomputed, codes, energy, kinematics,
) -> pa.Table:
    keep_object = valid[parents]
    offsets = np.concatenate(([0], np.cumsum(n_fields[valid] - _N_HEADER)))
    n_events = int(valid.sum())
    columns = {
        "sample": pa.array([sample] * n_events, pa.string()),
        "source_file": pa.array([source_file] * n_events, pa.string()),
        "line_number": pa.array(line_numbers[valid]),
        "event_id": pa.array(event_id[valid]),
        "process_id": pc.cast(process_id.filter(pa.array(valid)), pa.string()),
        "weight": pa.array(header["weight"][valid]),
        "met_mev": pa.array(header["met_mev"][valid]),
        "met_phi": pa.array(header["met_phi"][valid]),
        "energy_recomputed": pa.array(recomputed[valid]),
        "obj_type": _list_column(offsets, pc.cast(codes.filter(pa.array(keep_object)), pa.string()), pa.string()),
        "obj_e_mev": _list_column(offsets, energy[keep_object], pa.float64()),
        "obj_pt_mev": _list_column(offsets, kinematics["pt"][keep_object], pa.float64()),
        "obj_eta": _list_column(offsets, kinematics["eta"][keep_object], pa.float64()),
        "obj_phi": _list_column(offsets, kinematics["phi"][keep_object], pa.float64()),
    }
    return pa.Table.from_pydict(columns, schema=EVENTS_SCHEMA)


def _rejects_table(
    raw_text, text, undecodable, rejected, line_numbers, source_file, sample, options
) -> pa.Table:
    rows = np.flatnonzero(rejected)
    problems: list[LineProblem] = []
    for row in rows:
        if undecodable[row]:
            problem = LineProblem("line", "not valid UTF-8 text")
        else:
            problem = diagnose_line(text[row].as_py(), options.recompute_missing_energy)
        if problem is None:
            logger.warning(
                "%s, line %d: rejected by the vectorised parser but valid line by line",
                source_file, line_numbers[row],
            )
            problem = LineProblem("line", "rejected by the vectorised parser")
        if options.strict:
            raise MalformedLineError(source_file, int(line_numbers[row]), problem)
        problems.append(problem)
    raw_lines = pc.utf8_rtrim(raw_text.take(pa.array(rows, pa.int64())), characters="\r")
    columns = {
        "sample": pa.array([sample] * len(rows), pa.string()),
        "source_file": pa.array([source_file] * len(rows), pa.string()),
        "line_number": pa.array(line_numbers[rows]),
        "field": pa.array([problem.field for problem in problems], pa.string()),
        "reason": pa.array([problem.reason for problem in problems], pa.string()),
        "line": pc.cast(raw_lines, pa.string()),
    }
    return pa.Table.from_pydict(columns, schema=REJECTS_SCHEMA)
