"""Stream a text file in blocks of whole lines, with their line numbers.

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

DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
NEWLINE = ord("\n")


@dataclass(frozen=True)
class LineBlock:
    """Consecutive lines of one file, as the bytes that hold them.

    Attributes:
        data: The lines, each ending with a newline.
        starts: Offset in ``data`` of the first byte of each line.
        ends: Offset in ``data`` of each line's newline.
        first_line_number: 1-based number of the first line in the file.
    """

    data: bytes
    starts: np.ndarray
    ends: np.ndarray
    first_line_number: int

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def n_bytes(self) -> int:
        """Uncompressed size of the block, newlines included."""
        return len(self.data)

    def line(self, index: int) -> bytes:
        """Return one line without its newline."""
        return self.data[self.starts[index] : self.ends[index]]

    @classmethod
    def from_bytes(cls, data: bytes, first_line_number: int = 1) -> LineBlock:
        """Split bytes that end with a newline into a block of lines."""
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == NEWLINE)
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        return cls(data, starts, ends.astype(np.int64), first_line_number)


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file for binary reading, decompressing it if it ends in ``.gz``."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


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
            block = LineBlock.from_bytes(data[:cut], line_number)
            yield block
            line_number += len(block)
        if pending:
            yield LineBlock.from_bytes(pending + b"\n", line_number)
