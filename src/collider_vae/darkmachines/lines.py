"""Stream a text file in blocks of whole lines, with their line numbers.

Files are read in blocks of bytes, so memory stays bounded whatever the
file size. Gzip input is recognised by the ``.gz`` suffix.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024
NEWLINE = ord("\n")
_BYTE_ORDER_MARK = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class LineBlock:
    """Consecutive lines of one file, as the bytes that hold them.

    Line offsets are found on first use only, because the compiled fast
    path reads the bytes directly and never needs them.

    Attributes:
        data: The lines, each ending with a newline.
        first_line_number: 1-based number of the first line in the file.
        explicit_line_numbers: File line number of each line, for a block
            of lines that were not consecutive in the file (see :meth:`select`).
    """

    data: bytes | bytearray
    first_line_number: int = 1
    explicit_line_numbers: np.ndarray | None = None

    @cached_property
    def ends(self) -> np.ndarray:
        """Offset in ``data`` of each line's newline."""
        return np.flatnonzero(np.frombuffer(self.data, dtype=np.uint8) == NEWLINE).astype(np.int64)

    @cached_property
    def starts(self) -> np.ndarray:
        """Offset in ``data`` of the first byte of each line."""
        return np.concatenate(([0], self.ends[:-1] + 1)).astype(np.int64)

    @cached_property
    def _n_lines(self) -> int:
        return int(np.count_nonzero(np.frombuffer(self.data, dtype=np.uint8) == NEWLINE))

    def __len__(self) -> int:
        return self._n_lines

    @property
    def n_bytes(self) -> int:
        """Uncompressed size of the block, newlines included."""
        return len(self.data)

    def line(self, index: int) -> bytes:
        """Return one line without its newline."""
        return bytes(self.data[self.starts[index] : self.ends[index]])

    def line_numbers(self, indices: np.ndarray) -> np.ndarray:
        """Return the 1-based file line numbers of the lines at ``indices``."""
        if self.explicit_line_numbers is None:
            return self.first_line_number + np.asarray(indices, dtype=np.int64)
        return self.explicit_line_numbers[indices]

    def select(self, indices: np.ndarray, byte_ranges: tuple[np.ndarray, np.ndarray] | None = None) -> LineBlock:
        """Return a block of the lines at ``indices``, which keep their file line numbers.

        Args:
            indices: Positions of the lines in this block.
            byte_ranges: Start and newline offsets of those lines in ``data``,
                where the caller knows them. Without them, they are looked up.
        """
        starts, ends = byte_ranges if byte_ranges is not None else (self.starts[indices], self.ends[indices])
        data = b"".join(bytes(self.data[start:end]) + b"\n" for start, end in zip(starts.tolist(), ends.tolist()))
        return LineBlock(data, explicit_line_numbers=self.line_numbers(indices))

    @classmethod
    def from_bytes(cls, data: bytes | bytearray, first_line_number: int = 1) -> LineBlock:
        """Wrap bytes that end with a newline as a block of lines."""
        if data and not data.endswith(b"\n"):
            raise ValueError("a block of lines must end with a newline")
        return cls(data, first_line_number)


def iter_line_blocks(
    path: str | Path,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[LineBlock]:
    """Yield the lines of a file in blocks of about ``block_bytes`` bytes.

    Each block is read straight into its own buffer, so its bytes are
    copied once. A UTF-8 byte order mark at the start of the file is
    dropped. A last line without a newline is still yielded. A line longer
    than ``block_bytes`` is read whole, so one block can exceed that size.

    Args:
        path: The file, decompressed on the fly if its name ends in ``.gz``.
        block_bytes: Uncompressed bytes to read at a time.
        on_read: Called before each block is yielded with the number of
            bytes on disk read since the previous call, for progress bars.
    """
    path = Path(path)
    line_number = 1
    with open(path, "rb") as raw, (gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw) as stream:
        pending, reported = b"", 0
        at_start = True
        while True:
            data = bytearray(len(pending) + block_bytes)
            data[: len(pending)] = pending
            with memoryview(data) as view, view[len(pending) :] as free:
                n_read = stream.readinto(free)
            if at_start and data.startswith(_BYTE_ORDER_MARK):
                del data[: len(_BYTE_ORDER_MARK)]
                n_read -= len(_BYTE_ORDER_MARK)
            at_start = False
            if on_read is not None:
                position = raw.tell()
                on_read(position - reported)
                reported = position
            if not n_read:
                break
            filled = len(pending) + n_read
            cut = data.rfind(b"\n", 0, filled) + 1
            pending = bytes(data[cut:filled])
            if cut == 0:
                continue
            del data[cut:]
            block = LineBlock(data, line_number)
            yield block
            line_number += len(block)
        if pending:
            yield LineBlock(pending + b"\n", line_number)
