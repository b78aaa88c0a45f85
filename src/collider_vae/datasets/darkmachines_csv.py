"""Versioned DarkMachines CSV file, written with the project's writer and read with its parser."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from collider_vae.darkmachines.lines import iter_line_blocks
from collider_vae.darkmachines.parser import ParseOptions, parse_block
from collider_vae.darkmachines.writer import write_csv


class DarkMachinesCsvDataset(AbstractVersionedDataset[pa.Table, pa.Table]):
    """A table in the ingest layout, stored as a DarkMachines CSV file (gzipped if the path ends in ``.gz``).

    Loading parses the file with the ingest parser in strict mode, so an
    invalid line fails the load with its line number and field.
    """

    def __init__(
        self, filepath: str, sample: str = "generated", version: Version | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        """Create the dataset.

        Args:
            filepath: File path; versions are folders named after it.
            sample: Sample name stored in the ``sample`` column on load.
            version: Load and save versions, as Kedro passes them.
            metadata: Free-form metadata, ignored by the dataset.
        """
        super().__init__(filepath=PurePosixPath(filepath), version=version, exists_function=lambda p: Path(p).exists())
        self._sample = sample
        self.metadata = metadata

    def load(self) -> pa.Table:
        """Parse every line; raise on the first invalid one."""
        path = Path(str(self._get_load_path()))
        options = ParseOptions(strict=True)
        tables = [parse_block(block, path.name, self._sample, options).events for block in iter_line_blocks(path)]
        if not tables:
            raise DatasetError(f"No events in '{path}': the file is empty")
        return pa.concat_tables(tables)

    def save(self, data: pa.Table) -> None:
        """Write one line per event."""
        write_csv(data, str(self._get_save_path()))

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).exists()
        except DatasetError:
            return False

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version, "sample": self._sample}
