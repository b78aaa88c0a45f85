"""Vectorised parsing of DarkMachines lines into Arrow tables.

:func:`parse_block` gives the valid lines to a fast path and passes the
others to :func:`parse_block_line_checked`. That parser finds fields with
NumPy (:mod:`collider_vae.darkmachines.tokens`) and casts a whole column at
a time with Arrow. Lines that fail any check go to the rejects table with
the field and reason found by
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
    INTEGER_PATTERN,
    LineProblem,
    MalformedLineError,
    diagnose_line,
)
from collider_vae.darkmachines.lines import LineBlock
from collider_vae.darkmachines.clean_block import parse_clean_block
from collider_vae.darkmachines.compiled_block import COMPILED_PARSER_BUILT, CompiledBlock, parse_compiled_block
from collider_vae.darkmachines.codes import canonical_codes, known_code_index
from collider_vae.darkmachines.events_table import build_events_table
from collider_vae.darkmachines.schema import REJECTS_SCHEMA
from collider_vae.darkmachines.tokens import N_HEADER_FIELDS, N_OBJECT_FIELDS, Tokens, tokenize
from collider_vae.physics.units import massless_energy

logger = logging.getLogger(__name__)

_ENERGY_TOKEN = ord("E")


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


def _undecodable_lines(block: LineBlock) -> np.ndarray:
    """Flag lines that are not valid UTF-8; checks line by line only for non-ASCII blocks."""
    flags = np.zeros(len(block), dtype=bool)
    if block.data.isascii():
        return flags
    for index in range(len(block)):
        try:
            block.line(index).decode("utf-8")
        except UnicodeDecodeError:
            flags[index] = True
    return flags


def _parse_objects(tokens: Tokens, block: LineBlock, options: ParseOptions) -> dict[str, np.ndarray | pa.Array]:
    """Parse the object fields of all well-formed lines."""
    buffer = np.frombuffer(block.data, dtype=np.uint8)
    n_fields = np.diff(tokens.field_offsets)
    n_objects = (n_fields - N_HEADER_FIELDS) // N_OBJECT_FIELDS
    # Index of each object's first field (its type code) in the field arrays.
    object_line = np.repeat(np.arange(len(n_objects)), n_objects)
    object_rank = np.arange(len(object_line)) - np.repeat(np.cumsum(n_objects) - n_objects, n_objects)
    first = tokens.field_offsets[:-1][object_line] + N_HEADER_FIELDS + N_OBJECT_FIELDS * object_rank

    def column(offset: int) -> pa.Array:
        return tokens.take(first + offset)

    code_index = known_code_index(column(0))
    ok = code_index >= 0
    energy_field = first + 1
    energy_missing = (tokens.field_lengths[energy_field] == 1) & (
        buffer[tokens.field_starts[energy_field]] == _ENERGY_TOKEN
    )
    energy, energy_ok = _parse_numbers(
        pc.if_else(pa.array(energy_missing), "0", column(1)), FLOAT_PATTERN, pa.float64()
    )
    values = {}
    for offset, name in ((2, "pt"), (3, "eta"), (4, "phi")):
        values[name], valid = _parse_numbers(column(offset), FLOAT_PATTERN, pa.float64())
        ok &= valid
    ok &= energy_ok & (energy >= 0) & (values["pt"] >= 0)
    if options.recompute_missing_energy:
        with np.errstate(over="ignore", invalid="ignore"):
            recomputed = massless_energy(values["pt"], values["eta"])
        energy = np.where(energy_missing, recomputed, energy)
        # A huge |eta| overflows cosh, so such a line is rejected rather than kept with E = inf.
        ok &= np.isfinite(energy)
    else:
        ok &= ~energy_missing
    return {
        "line": object_line,
        "ok": ok,
        "energy_missing": energy_missing,
        "n_objects": n_objects,
        "obj_type": canonical_codes(np.where(ok, code_index, 0)),
        "obj_e_mev": energy,
        "obj_pt_mev": values["pt"],
        "obj_eta": values["eta"],
        "obj_phi": values["phi"],
    }


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
    if COMPILED_PARSER_BUILT:
        compiled = parse_compiled_block(block, source_file, sample)
        if compiled is not None:
            return _complete_compiled(block, compiled, source_file, sample, options)
    else:
        clean = parse_clean_block(block, source_file, sample)
        if clean is not None:
            events, n_blank = clean
            return ParsedBlock(events, REJECTS_SCHEMA.empty_table(), len(block) - n_blank, n_blank, 0)
    return parse_block_line_checked(block, source_file, sample, options)


def _complete_compiled(
    block: LineBlock, compiled: CompiledBlock, source_file: str, sample: str, options: ParseOptions
) -> ParsedBlock:
    """Parse the lines the compiled parser skipped, and merge them with its events in line order."""
    n_blank = compiled.blank_lines
    if len(compiled.skipped_lines) == 0:
        return ParsedBlock(compiled.events, REJECTS_SCHEMA.empty_table(), len(block) - n_blank, n_blank, 0)
    skipped = block.select(compiled.skipped_lines, compiled.skipped_byte_ranges)
    rest = parse_block_line_checked(skipped, source_file, sample, options)
    events = compiled.events
    if rest.events.num_rows:
        events = pa.concat_tables([events, rest.events])
        events = events.take(pc.sort_indices(events, [("line_number", "ascending")]))
    n_blank += rest.blank_lines
    return ParsedBlock(events, rest.rejects, len(block) - n_blank, n_blank, rest.energy_recomputed)


def parse_block_line_checked(
    block: LineBlock, source_file: str, sample: str, options: ParseOptions = ParseOptions()
) -> ParsedBlock:
    """Parse a block that may hold invalid lines, finding and explaining each of them.

    Takes the same arguments and returns the same as :func:`parse_block`,
    which calls it for the lines that its fast path does not take.
    """
    undecodable = _undecodable_lines(block)
    tokens = tokenize(block, undecodable)
    lines = np.flatnonzero(tokens.well_formed)

    event_id, valid = _parse_numbers(tokens.header(0), INTEGER_PATTERN, pa.int64())
    process_id = pc.cast(tokens.header(1), pa.string())
    valid &= _to_numpy(pc.greater(pc.utf8_length(process_id), 0))
    header = {}
    for index, name in ((2, "weight"), (3, "met_mev"), (4, "met_phi")):
        header[name], ok = _parse_numbers(tokens.header(index), FLOAT_PATTERN, pa.float64())
        valid &= ok
    valid &= header["met_mev"] >= 0

    objects = _parse_objects(tokens, block, options)
    valid &= np.bincount(objects["line"][~objects["ok"]], minlength=len(lines)) == 0
    recomputed = options.recompute_missing_energy & (
        np.bincount(objects["line"][objects["energy_missing"]], minlength=len(lines)) > 0
    )

    keep_object = valid[objects["line"]]
    events = build_events_table(
        sample,
        source_file,
        header={
            "line_number": block.line_numbers(lines[valid]),
            "event_id": event_id[valid],
            "process_id": process_id.filter(pa.array(valid)),
            "weight": header["weight"][valid],
            "met_mev": header["met_mev"][valid],
            "met_phi": header["met_phi"][valid],
            "energy_recomputed": recomputed[valid],
        },
        n_objects=objects["n_objects"][valid],
        objects={
            "obj_type": objects["obj_type"].filter(pa.array(keep_object)),
            **{name: objects[name][keep_object] for name in ("obj_e_mev", "obj_pt_mev", "obj_eta", "obj_phi")},
        },
    )

    rejected = ~tokens.blank
    rejected[lines[valid]] = False
    n_blank = int(tokens.blank.sum())
    return ParsedBlock(
        events=events,
        rejects=_rejects_table(block, tokens, undecodable, np.flatnonzero(rejected), source_file, sample, options),
        lines_read=len(block) - n_blank,
        blank_lines=n_blank,
        energy_recomputed=int(recomputed[valid].sum()),
    )


def _rejects_table(
    block: LineBlock,
    tokens: Tokens,
    undecodable: np.ndarray,
    rows: np.ndarray,
    source_file: str,
    sample: str,
    options: ParseOptions,
) -> pa.Table:
    problems: list[LineProblem] = []
    raw_lines: list[str] = []
    line_numbers = block.line_numbers(rows)
    for row, line_number in zip(rows, line_numbers.tolist()):
        raw = block.line(row).rstrip(b"\r").decode("utf-8", errors="backslashreplace")
        if undecodable[row]:
            problem = LineProblem("line", "not valid UTF-8 text")
        else:
            text = block.data[tokens.line_starts[row] : tokens.line_ends[row]].decode("utf-8")
            problem = diagnose_line(text, options.recompute_missing_energy)
        if problem is None:
            logger.warning(
                "%s, line %d: rejected by the vectorised parser but valid line by line",
                source_file, line_number,
            )
            problem = LineProblem("line", "rejected by the vectorised parser")
        if options.strict:
            raise MalformedLineError(source_file, line_number, problem)
        problems.append(problem)
        raw_lines.append(raw)
    columns = {
        "sample": [sample] * len(rows),
        "source_file": [source_file] * len(rows),
        "line_number": line_numbers.tolist(),
        "field": [problem.field for problem in problems],
        "reason": [problem.reason for problem in problems],
        "line": raw_lines,
    }
    return pa.Table.from_pydict(columns, schema=REJECTS_SCHEMA)
