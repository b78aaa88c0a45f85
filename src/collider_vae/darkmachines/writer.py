"""Write events in the DarkMachines CSV format.

A line reads ``eventID;processID;weight;MET;METphi;obj,E,pt,eta,phi;...;``
with E, pT and MET in MeV and angles in radians.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pyarrow as pa

# Seven significant digits keep 0.1 keV on a 1 TeV object, finer than any
# detector resolution, and keep files at about the size of the public ones.
_NUMBER_FORMAT = "{:.7g}"

ObjectTuple = tuple[str, float, float, float, float]


def _number(value: float) -> str:
    return _NUMBER_FORMAT.format(value)


def format_event_line(
    event_id: int,
    process_id: str,
    weight: float,
    met_mev: float,
    met_phi: float,
    objects: Sequence[ObjectTuple],
) -> str:
    """Format one event as a DarkMachines line, without the newline.

    Args:
        event_id: Integer event identifier.
        process_id: Process label, such as ``ttbar``.
        weight: Event weight.
        met_mev: Missing transverse energy in MeV.
        met_phi: Azimuth of the missing transverse energy in radians.
        objects: ``(code, E_mev, pt_mev, eta, phi)`` tuples, one per object.

    Returns:
        The line, ending with the trailing ``;`` of the public files.
    """
    fields = [str(int(event_id)), process_id, _number(weight), _number(met_mev), _number(met_phi)]
    for code, energy, pt, eta, phi in objects:
        fields.append(",".join((code, _number(energy), _number(pt), _number(eta), _number(phi))))
    return ";".join(fields) + ";"


def iter_table_lines(events: pa.Table) -> Iterator[str]:
    """Yield one DarkMachines line per row of a table in the ingest layout.

    The table needs the columns ``event_id``, ``process_id``, ``weight``,
    ``met_mev``, ``met_phi`` and the object list columns of
    ``collider_vae.darkmachines.schema.EVENTS_SCHEMA``.
    """
    for batch in events.to_batches(max_chunksize=65_536):
        columns = batch.to_pydict()
        for row in range(batch.num_rows):
            objects = zip(
                columns["obj_type"][row],
                columns["obj_e_mev"][row],
                columns["obj_pt_mev"][row],
                columns["obj_eta"][row],
                columns["obj_phi"][row],
            )
            yield format_event_line(
                columns["event_id"][row],
                columns["process_id"][row],
                columns["weight"][row],
                columns["met_mev"][row],
                columns["met_phi"][row],
                list(objects),
            )


def write_lines(lines: Iterable[str], stream: IO[str]) -> int:
    """Write lines with Unix newlines and return how many were written."""
    count = 0
    for line in lines:
        stream.write(line)
        stream.write("\n")
        count += 1
    return count


def write_csv(events: pa.Table, path: str | Path, append: bool = False) -> int:
    """Write a table in the ingest layout to a CSV file, gzipped if ``path`` ends in ``.gz``.

    Args:
        events: The events.
        path: The file.
        append: Add the lines to the end of the file instead of replacing it.
            A gzip file then gets one more gzip member, which readers join.

    Returns:
        The number of events written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_text_for_writing(path, append) as stream:
        return write_lines(iter_table_lines(events), stream)


def open_text_for_writing(path: str | Path, append: bool = False) -> IO[str]:
    """Open a text file for writing or appending, gzipped if ``path`` ends in ``.gz``.

    The gzip header carries no file name and a zero time stamp, so equal
    content always gives byte-identical files.
    """
    path = Path(path)
    if path.suffix != ".gz":
        return open(path, "a" if append else "w", encoding="ascii", newline="")
    raw = open(path, "ab" if append else "wb")
    compressed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    return _ClosingTextWrapper(compressed, raw)


class _ClosingTextWrapper(io.TextIOWrapper):
    """Text wrapper that also closes the raw file under a ``GzipFile``."""

    def __init__(self, compressed: gzip.GzipFile, raw: IO[bytes]) -> None:
        super().__init__(compressed, encoding="ascii", newline="")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()
