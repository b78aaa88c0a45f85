"""Versioned Parquet dataset that accepts a table in several chunks.

Kedro saves each chunk of a generator node separately. This dataset writes
every chunk as a new part file of the same version, so a table larger than
memory can be written piece by piece, and it loads all parts as one table.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from kedro.io import AbstractVersionedDataset, DatasetError, Version


class ChunkedParquetDataset(AbstractVersionedDataset[pa.Table | pd.DataFrame, pa.Table]):
    """A folder of Parquet part files, written one chunk per save.

    Within one run, every save adds a part to the run's version. A second
    run writes a new version and never touches earlier ones.
    """

    def __init__(
        self,
        filepath: str,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Create the dataset.

        Args:
            filepath: Folder that contains the versions.
            save_args: Keyword arguments of ``pyarrow.parquet.write_table``,
                such as ``compression``.
            version: Load and save versions, as Kedro passes them.
            metadata: Free-form metadata, ignored by the dataset.
        """
        super().__init__(filepath=PurePosixPath(filepath), version=version, exists_function=_exists)
        self._open_save_path: PurePosixPath | None = None
        self._save_args = dict(save_args or {})
        self.metadata = metadata

    def load(self) -> pa.Table:
        """Read every part of the version as one Arrow table."""
        folder = Path(str(self._get_load_path()))
        parts = sorted(folder.glob("part-*.parquet"))
        if not parts:
            raise DatasetError(f"No part files in '{folder}'")
        return pa.concat_tables([pq.read_table(part) for part in parts])

    def save(self, data: pa.Table | pd.DataFrame) -> None:
        """Append one chunk as the next part file of this run's version."""
        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        if self._open_save_path is None:
            # The first save of a run checks that the version is new.
            self._open_save_path = self._get_save_path()
        folder = Path(str(self._open_save_path))
        folder.mkdir(parents=True, exist_ok=True)
        index = len(list(folder.glob("part-*.parquet")))
        pq.write_table(table, folder / f"part-{index:05d}.parquet", **self._save_args)

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).is_dir()
        except DatasetError:
            return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}


def _exists(path: str) -> bool:
    return Path(path).exists()
