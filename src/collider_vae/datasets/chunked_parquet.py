"""Versioned Parquet dataset that accepts a table in several chunks.

Kedro saves each chunk of a generator node separately. This dataset writes
every chunk as a new part file of the same version, so a table larger than
memory can be written piece by piece, and it loads all parts as one table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from collider_vae.datasets.chunk import Chunk, unwrap


class ChunkedParquetDataset(AbstractVersionedDataset[pa.Table | pd.DataFrame, pa.Table | pads.Dataset]):
    """A folder of Parquet part files, written one chunk per save.

    Within one run, every save adds a part to the run's version. A second
    run writes a new version and never touches earlier ones.
    """

    def __init__(
        self,
        filepath: str,
        save_args: dict[str, Any] | None = None,
        load_args: dict[str, Any] | None = None,
        version: Version | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Create the dataset.

        Args:
            filepath: Folder that contains the versions.
            save_args: Keyword arguments of ``pyarrow.parquet.write_table``,
                such as ``compression``.
            load_args: ``lazy: true`` makes :meth:`load` return a
                ``pyarrow.dataset.Dataset`` over the parts, which reads rows
                only when asked, instead of one table in memory.
            version: Load and save versions, as Kedro passes them.
            metadata: Free-form metadata, ignored by the dataset.
        """
        super().__init__(filepath=PurePosixPath(filepath), version=version, exists_function=_exists)
        self._open_save_path: PurePosixPath | None = None
        self._n_parts = 0
        self._save_args = dict(save_args or {})
        self._lazy = bool((load_args or {}).get("lazy", False))
        self.metadata = metadata

    def load(self) -> pa.Table | pads.Dataset:
        """Read every part of the version, in order, as one Arrow table or a lazy dataset."""
        folder = Path(str(self._get_load_path()))
        parts = sorted(folder.glob("part-*.parquet"))
        if not parts:
            raise DatasetError(f"No part files in '{folder}'")
        if self._lazy:
            return pads.dataset([str(part) for part in parts], format="parquet")
        return pa.concat_tables([pq.read_table(part) for part in parts])

    def save(self, data: pa.Table | pd.DataFrame | Chunk) -> None:
        """Append one chunk as the next part file of this run's version."""
        data = unwrap(data)
        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        if self._open_save_path is None:
            # The first save of a run checks that the version is new.
            self._open_save_path = self._get_save_path()
        folder = Path(str(self._open_save_path))
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"part-{self._n_parts:05d}.parquet", **self._save_args)
        self._n_parts += 1

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).is_dir()
        except DatasetError:
            return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}


def iter_batches_in_order(
    dataset: pads.FileSystemDataset, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Yield the record batches of a lazy dataset part by part, in row order.

    Only one batch of each part is read at a time, so memory stays bounded
    whatever the number of rows.
    """
    for path in dataset.files:
        yield from pq.ParquetFile(path).iter_batches(columns=columns)


def take_sorted_rows(dataset: pads.FileSystemDataset, indices: np.ndarray) -> pa.Table:
    """Return the rows at sorted, unique ``indices`` of a lazy dataset, reading one batch at a time.

    ``pyarrow.dataset.Dataset.take`` reads about the whole dataset at once,
    which defeats the lazy load for large generated samples.
    """
    selected, offset = [], 0
    for batch in iter_batches_in_order(dataset):
        stop = offset + batch.num_rows
        local = indices[(indices >= offset) & (indices < stop)] - offset
        if len(local):
            selected.append(batch.take(pa.array(local)))
        offset = stop
    return pa.Table.from_batches(selected, schema=dataset.schema)


def _exists(path: str) -> bool:
    return Path(path).exists()
