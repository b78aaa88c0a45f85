"""One chunk of a generator node's output, handed to its dataset once.

Kedro 1.7 splits the tuples that a generator node with several outputs
yields with ``itertools.tee``, which keeps each tuple alive until the 57
tuples of its storage block have all been saved. With chunks of 8 MB of
events that held about 1.5 GB. A node that yields :class:`Chunk` objects
leaves only empty shells in that store, because the dataset takes the data
out when it saves it.
"""

from __future__ import annotations

from typing import Any


class Chunk:
    """A piece of data that a dataset takes out of the chunk when it saves it.

    Only datasets that call :func:`unwrap` accept chunks: ``ChunkedParquetDataset``
    and ``DarkMachinesCsvDataset``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Any) -> None:
        self._data = data

    def take(self) -> Any:
        """Return the data and drop this chunk's reference to it.

        Raises:
            RuntimeError: If the data was already taken.
        """
        data, self._data = self._data, None
        if data is None:
            raise RuntimeError("This chunk was already saved; a chunk can be saved once.")
        return data


def unwrap(data: Any) -> Any:
    """Return the data of a :class:`Chunk`, or ``data`` itself if it is not one."""
    return data.take() if isinstance(data, Chunk) else data
