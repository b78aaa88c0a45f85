"""Split a block of DarkMachines lines into fields with NumPy, without copying.

A valid line has the separators ``;;;;`` between its five header fields and
then ``;,,,,`` before each object's five values. This module checks that
pattern for all lines at once and gives the byte range of every field, so
the parser can cast whole columns of fields in one Arrow call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from collider_vae.darkmachines.lines import LineBlock

N_HEADER_FIELDS = 5
N_OBJECT_FIELDS = 5
_SEMICOLON, _COMMA = ord(";"), ord(",")
_TRAILING = np.array([ord(c) for c in "\r \t;"], dtype=np.uint8)
_LEADING = np.array([ord(c) for c in "\r \t"], dtype=np.uint8)


@dataclass(frozen=True)
class Tokens:
    """Fields of the well-formed lines of a block.

    Attributes:
        line_starts: Start of each line's text after trimming.
        line_ends: End of each line's text after trimming whitespace and trailing ``;``.
        blank: Lines with no text.
        well_formed: Lines whose separators follow the DarkMachines pattern.
        field_offsets: Index of each well-formed line's first field in the field arrays.
        fields: All fields of the well-formed lines, in order, as strings at
            the even positions of the array; use :meth:`take` to read them.
        field_starts: Byte offset of each field in the block.
        field_lengths: Byte length of each field.
    """

    line_starts: np.ndarray
    line_ends: np.ndarray
    blank: np.ndarray
    well_formed: np.ndarray
    field_offsets: np.ndarray
    fields: pa.LargeStringArray
    field_starts: np.ndarray
    field_lengths: np.ndarray

    def take(self, indices: np.ndarray) -> pa.LargeStringArray:
        """Return the fields at ``indices`` (positions in the field order)."""
        return self.fields.take(pa.array(2 * indices))

    def header(self, index: int) -> pa.LargeStringArray:
        """Return header field ``index`` (0 = eventID ... 4 = METphi) of every well-formed line."""
        return self.take(self.field_offsets[:-1] + index)


def _trim(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts, ends = starts.copy(), ends.copy()
    while True:
        last = buffer[np.maximum(ends - 1, 0)]
        strip = (ends > starts) & np.isin(last, _TRAILING)
        if not strip.any():
            break
        ends[strip] -= 1
    while True:
        first = buffer[np.minimum(starts, len(buffer) - 1)]
        strip = (ends > starts) & np.isin(first, _LEADING)
        if not strip.any():
            break
        starts[strip] += 1
    return starts, ends


def _interleaved_strings(data: bytes, starts: np.ndarray, ends: np.ndarray) -> pa.LargeStringArray:
    """View byte ranges of ``data`` as strings without copying.

    Range ``i`` is value ``2 * i`` of the result. The odd values are the
    gaps between ranges, such as separators, and are never used.
    """
    if len(starts) == 0:
        return pa.array([], pa.large_string())
    offsets = np.empty(2 * len(starts), dtype=np.int64)
    offsets[0::2] = starts
    offsets[1::2] = ends
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def tokenize(block: LineBlock, excluded: np.ndarray) -> Tokens:
    """Find the lines that follow the separator pattern and split them into fields.

    Args:
        block: The lines.
        excluded: Lines to treat as malformed whatever their separators,
            such as lines that are not valid UTF-8.
    """
    buffer = np.frombuffer(block.data, dtype=np.uint8)
    starts, ends = _trim(buffer, block.starts, block.ends)
    n_lines = len(starts)
    blank = ends == starts

    is_separator = (buffer == _SEMICOLON) | (buffer == _COMMA)
    positions = np.flatnonzero(is_separator)
    per_raw_line = np.add.reduceat(is_separator, block.starts, dtype=np.int64)
    line_of = np.repeat(np.arange(n_lines), per_raw_line)
    inside = (positions >= starts[line_of]) & (positions < ends[line_of])
    positions, line_of = positions[inside], line_of[inside]

    n_separators = np.bincount(line_of, minlength=n_lines)
    first_separator = np.concatenate(([0], np.cumsum(n_separators)))[:-1]
    rank = np.arange(len(positions)) - first_separator[line_of]
    header_gap = N_HEADER_FIELDS - 1
    wants_semicolon = (rank < header_gap) | ((rank - header_gap) % N_OBJECT_FIELDS == 0)
    wrong = (buffer[positions] == _SEMICOLON) != wants_semicolon
    well_formed = (
        ~blank
        & ~excluded
        & (n_separators >= header_gap)
        & ((n_separators - header_gap) % N_OBJECT_FIELDS == 0)
        & (np.bincount(line_of[wrong], minlength=n_lines) == 0)
    )

    keep = well_formed[line_of]
    positions = positions[keep]
    lines = np.flatnonzero(well_formed)
    n_fields = n_separators[lines] + 1
    field_offsets = np.concatenate(([0], np.cumsum(n_fields)))
    is_first = np.zeros(field_offsets[-1], dtype=bool)
    is_first[field_offsets[:-1]] = True
    is_last = np.zeros(field_offsets[-1], dtype=bool)
    is_last[field_offsets[1:] - 1] = True
    field_starts = np.empty(field_offsets[-1], dtype=np.int64)
    field_starts[is_first] = starts[lines]
    field_starts[~is_first] = positions + 1
    field_ends = np.empty(field_offsets[-1], dtype=np.int64)
    field_ends[is_last] = ends[lines]
    field_ends[~is_last] = positions
    return Tokens(
        line_starts=starts,
        line_ends=ends,
        blank=blank,
        well_formed=well_formed,
        field_offsets=field_offsets,
        fields=_interleaved_strings(block.data, field_starts, field_ends),
        field_starts=field_starts,
        field_lengths=field_ends - field_starts,
    )
