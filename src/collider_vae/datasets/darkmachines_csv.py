"""Versioned DarkMachines CSV file, written with the project's writer and read with its parser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from collider_vae.darkmachines.lines import iter_line_blocks
from collider_vae.darkmachines.parser import ParseOptions, parse_block
from collider_vae.darkmachines.writer import write_csv
from collider_vae.datasets.chunk import Chunk, unwrap


class DarkMachinesCsvDataset(AbstractVersionedDataset[pa.Table, pa.Table | Iterator[pa.Table]]):
    """A table in the ingest layout, stored as a DarkMachines CSV file (gzipped if the path ends in ``.gz``).

    Loading parses the file with the ingest parser in strict mode, so an
    invalid line fails the load with its line number and field. Within one
    run, every save appends its events, so a generator node can write a
    file larger than memory.
    """

    def __init__(
        self,
        filepath: str,
        sample: str = "generated",
        load_args: dict[str, Any] | None = None,
        version: Version | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Create the dataset.

        Args:
            filepath: File path; versions are folders named after it.
            sample: Sample name stored in the ``sample`` column on load.
            load_args: ``lazy: true`` makes :meth:`load` return an iterator
                over the tables of consecutive blocks instead of one table.
            version: Load and save versions, as Kedro passes them.
            metadata: Free-form metadata, ignored by the dataset.
        """
        super().__init__(filepath=PurePosixPath(filepath), version=version, exists_function=lambda p: Path(p).exists())
        self._sample = sample
        self._lazy = bool((load_args or {}).get("lazy", False))
        self._open_save_path: PurePosixPath | None = None
        self.metadata = metadata

    def load(self) -> pa.Table | Iterator[pa.Table]:
        """Parse every line; raise on the first invalid one."""
        path = Path(str(self._get_load_path()))
        if self._lazy:
            return self._iter_tables(path)
        tables = list(self._iter_tables(path))
        if not tables:
            raise DatasetError(f"No events in '{path}': the file is empty")
        return pa.concat_tables(tables)

    def _iter_tables(self, path: Path) -> Iterator[pa.Table]:
        options = ParseOptions(strict=True)
        for block in iter_line_blocks(path):
            yield parse_block(block, path.name, self._sample, options).events

    def save(self, data: pa.Table | Chunk) -> None:
        """Write one line per event, after the events of earlier saves of this run."""
        data = unwrap(data)
        append = self._open_save_path is not None
        if not append:
            # The first save of a run checks that the version is new.
            self._open_save_path = self._get_save_path()
        write_csv(data, str(self._open_save_path), append=append)

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).exists()
        except DatasetError:
            return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version, "sample": self._sample}
