"""Read-only dataset listing the DarkMachines files of a raw folder.

The folder contains ``background/`` with Standard Model files and ``signal/``
with one file per signal, each ``.csv`` or ``.csv.gz``. Loading lists the
files; the ingest node streams their lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

BACKGROUND = "background"
SIGNAL = "signal"
SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class RawFile:
    """One input file.

    Attributes:
        path: Location on disk.
        name: Path relative to the raw folder, stored with every event.
        sample: ``background``, or the signal's name (the file name without suffix).
    """

    path: Path
    name: str
    sample: str


def _stem(path: Path) -> str:
    for suffix in SUFFIXES[::-1]:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


def _list_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIXES))


@dataclass(frozen=True)
class RawFolder:
    """A raw folder and the input files found in it."""

    path: Path
    files: list[RawFile]

    @property
    def background_files(self) -> list[RawFile]:
        """Files of ``background/``."""
        return [raw for raw in self.files if raw.sample == BACKGROUND]


class DarkMachinesFolderDataset(AbstractDataset[None, RawFolder]):
    """List the background and signal files of a DarkMachines raw folder."""

    def __init__(self, path: str, metadata: dict[str, Any] | None = None) -> None:
        """Create the dataset.

        Args:
            path: The raw folder, containing ``background/`` and ``signal/``.
            metadata: Free-form metadata, ignored by the dataset.
        """
        self._path = Path(path)
        self.metadata = metadata

    def load(self) -> RawFolder:
        """List background files first, then signal files, each sorted by name."""
        files = [
            RawFile(path, f"{BACKGROUND}/{path.name}", BACKGROUND)
            for path in _list_files(self._path / BACKGROUND)
        ]
        files += [
            RawFile(path, f"{SIGNAL}/{path.name}", _stem(path))
            for path in _list_files(self._path / SIGNAL)
        ]
        return RawFolder(self._path, files)

    def save(self, data: None) -> None:
        """Raise, because raw data is never written by the pipeline."""
        raise DatasetError(f"{type(self).__name__} is read-only: the raw folder is never written")

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}
