"""Stream a text file as Arrow arrays of lines, with their line numbers.

Files are read in blocks of bytes, so memory stays bounded whatever the
file size. Gzip input is recognised by the ``.gz`` suffix.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
_NEWLINE = 10


@dataclass(frozen=True)
class LineBlock:
    """Consecutive lines of one file.

    Attributes:
        lines: One binary value per line, without the newline character.
        first_line_number: 1-based number of the first line in the file.
        n_bytes: Uncompressed size of the block, newlines included.
    """

    lines: pa.BinaryArray
    first_line_number: int
    n_bytes: int

    def __len__(self) -> int:
        return len(self.lines)


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file for binary reading, decompressing it if it ends in ``.gz``."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _split_lines(block: bytes) -> pa.BinaryArray:
    """Split bytes that end with a newline into lines, without copying them."""
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == _NEWLINE)
    starts = np.concatenate(([0], ends[:-1] + 1))
    # Each line runs from its start to its newline, which the slice leaves out.
    offsets = np.empty(2 * len(ends), dtype=np.int64)
    offsets[0::2] = starts
    offsets[1::2] = ends
    pairs = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(),
        len(offsets) - 1,
        [None, pa.py_buffer(offsets), pa.py_buffer(block)],
    )
    # Every second value of `pairs` spans a newline; keep the others.
    return pairs.take(pa.array(np.arange(0, len(offsets) - 1, 2)))


def iter_line_blocks(
    path: str | Path, block_bytes: int = DEFAULT_BLOCK_BYTES
) -> Iterator[LineBlock]:
    """Yield the lines of a file in blocks of about ``block_bytes`` bytes.

    A last line without a newline is still yielded. A line longer than
    ``block_bytes`` is read whole, so one block can exceed that size.
    """
    line_number = 1
    with open_binary(path) as stream:
        pending = b""
        while True:
            chunk = stream.read(block_bytes)
            if not chunk:
                break
            data = pending + chunk if pending else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                pending = data
                continue
            pending = data[cut:]
            lines = _split_lines(data[:cut])
            yield LineBlock(lines, line_number, cut)
            line_number += len(lines)
        if pending:
            yield LineBlock(_split_lines(pending + b"\n"), line_number, len(pending))
