"""Nodes of the ingest pipeline."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from tqdm.auto import tqdm

from collider_vae.darkmachines.compiled_block import COMPILED_PARSER_BUILT
from collider_vae.darkmachines.diagnose import MISSING_ENERGY_REASON
from collider_vae.darkmachines.lines import iter_line_blocks
from collider_vae.darkmachines.parser import ParseOptions, parse_block
from collider_vae.darkmachines.schema import COUNTS_SCHEMA, EVENTS_SCHEMA, REJECTS_SCHEMA
from collider_vae.datasets.chunk import Chunk
from collider_vae.datasets.raw_folder import BACKGROUND, SIGNAL, SUFFIXES, RawFile, RawFolder

logger = logging.getLogger(__name__)

# Events, rejects and counts of one block, each wrapped so that its dataset can free it.
IngestChunk = tuple[Chunk, Chunk, Chunk]


def check_raw_folder(raw_folder: RawFolder) -> None:
    """Raise if the raw folder has no background file to train on.

    Raises:
        FileNotFoundError: Naming the folder and the layout it must have.
    """
    if raw_folder.background_files:
        return
    raise FileNotFoundError(
        f"No background files in raw folder '{raw_folder.path}'. It must contain "
        f"'{BACKGROUND}/' with at least one Standard Model file and may contain "
        f"'{SIGNAL}/' with one file per signal, each ending in {' or '.join(SUFFIXES)}. "
        "Point to another folder with: kedro run --params raw_dir=PATH"
    )


def _counts_row(raw: RawFile, lines_read: int, blank: int, kept: int, rejected: int, recomputed: int) -> pa.Table:
    row = {
        "sample": [raw.sample],
        "source_file": [raw.name],
        "lines_read": [lines_read],
        "blank_lines": [blank],
        "kept": [kept],
        "rejected": [rejected],
        "energy_recomputed": [recomputed],
    }
    return pa.Table.from_pydict(row, schema=COUNTS_SCHEMA)


def _ingest_file(raw: RawFile, options: ParseOptions, block_bytes: int, progress: tqdm) -> Iterator[IngestChunk]:
    start = time.perf_counter()
    totals = {"lines": 0, "blank": 0, "kept": 0, "rejected": 0, "recomputed": 0, "bytes": 0}
    for block in iter_line_blocks(raw.path, block_bytes, on_read=progress.update):
        parsed = parse_block(block, raw.name, raw.sample, options)
        counts = _counts_row(
            raw, parsed.lines_read, parsed.blank_lines, parsed.events.num_rows,
            parsed.rejects.num_rows, parsed.energy_recomputed,
        )
        for key, value in zip(
            ("lines", "blank", "kept", "rejected", "recomputed", "bytes"),
            (parsed.lines_read, parsed.blank_lines, parsed.events.num_rows,
             parsed.rejects.num_rows, parsed.energy_recomputed, block.n_bytes),
        ):
            totals[key] += value
        yield Chunk(parsed.events), Chunk(parsed.rejects), Chunk(counts)
    seconds = time.perf_counter() - start
    if totals["lines"] == 0:
        logger.warning("%s: no events (the file is empty)", raw.name)
        yield (
            Chunk(EVENTS_SCHEMA.empty_table()),
            Chunk(REJECTS_SCHEMA.empty_table()),
            Chunk(_counts_row(raw, 0, totals["blank"], 0, 0, 0)),
        )
        return
    logger.info(
        "%s: %d lines read, %d kept, %d rejected, %d with recomputed energies, %d blank lines skipped "
        "(%.1f MB of text in %.2f s)",
        raw.name, totals["lines"], totals["kept"], totals["rejected"], totals["recomputed"], totals["blank"],
        totals["bytes"] / 1e6, seconds,
    )


def ingest_events(raw_folder: RawFolder, parameters: dict[str, Any]) -> Iterator[IngestChunk]:
    """Stream every raw file into chunks of events, rejected lines and counts.

    Kedro saves each yielded chunk as it comes, so memory is bounded by
    ``parameters["block_bytes"]`` whatever the input size.

    Args:
        raw_folder: The files of the raw folder.
        parameters: ``strict``, ``recompute_missing_energy`` and ``block_bytes``.

    Yields:
        Tuples of (events, rejects, counts) Arrow tables, each wrapped in a
        :class:`~collider_vae.datasets.chunk.Chunk` that its dataset unwraps.
    """
    check_raw_folder(raw_folder)
    options = ParseOptions(
        recompute_missing_energy=parameters["recompute_missing_energy"],
        strict=parameters["strict"],
    )
    total_bytes = sum(raw.path.stat().st_size for raw in raw_folder.files)
    logger.info(
        "Ingesting %d files (%.1f MB on disk) from '%s'",
        len(raw_folder.files), total_bytes / 1e6, raw_folder.path,
    )
    if not COMPILED_PARSER_BUILT:
        logger.warning(
            "The compiled line parser was not built, so ingest uses a slower route. "
            "Reinstall the project on a machine with a C compiler to build it."
        )
    with tqdm(total=total_bytes, unit="B", unit_scale=True, desc="ingest") as progress:
        for raw in raw_folder.files:
            yield from _ingest_file(raw, options, parameters["block_bytes"], progress)


def summarise_ingest(counts: pa.Table, rejects: pa.Table) -> dict[str, Any]:
    """Reconcile and report the line counts of an ingest run.

    Args:
        counts: Counts per file and block, from :func:`ingest_events`.
        rejects: The rejected lines.

    Returns:
        Totals, counts per file and the number of rejects per reason.

    Raises:
        RuntimeError: If kept plus rejected lines differ from lines read.
    """
    per_file = counts.group_by(["source_file", "sample"]).aggregate(
        [(column, "sum") for column in ("lines_read", "blank_lines", "kept", "rejected", "energy_recomputed")]
    )
    per_file = per_file.rename_columns([name.removesuffix("_sum") for name in per_file.column_names])
    files = sorted(per_file.to_pylist(), key=lambda row: row["source_file"])
    totals = {key: sum(row[key] for row in files) for key in ("lines_read", "blank_lines", "kept", "rejected", "energy_recomputed")}
    unbalanced = [row["source_file"] for row in files if row["kept"] + row["rejected"] != row["lines_read"]]
    if unbalanced or totals["rejected"] != rejects.num_rows:
        raise RuntimeError(
            f"Ingest counts do not add up (kept + rejected != lines read) for {unbalanced}; "
            f"{rejects.num_rows} rows in the rejects table, {totals['rejected']} counted"
        )
    reasons = rejects.group_by(["field"]).aggregate([("line_number", "count")]).to_pylist() if rejects.num_rows else []
    by_field = {row["field"]: row["line_number_count"] for row in reasons}
    logger.info(
        "Ingest: %d lines read = %d kept + %d rejected (%d blank lines skipped)",
        totals["lines_read"], totals["kept"], totals["rejected"], totals["blank_lines"],
    )
    if rejects.num_rows:
        _log_rejects(rejects)
    return {"totals": totals, "files": files, "rejected_by_field": by_field}


def _log_rejects(rejects: pa.Table) -> None:
    """Log the rejected lines per file and field, with a hint for literal ``E`` energies."""
    groups = rejects.group_by(["source_file", "field"]).aggregate(
        [("line_number", "count"), ("line_number", "min")]
    )
    for row in sorted(groups.to_pylist(), key=lambda row: (row["source_file"], -row["line_number_count"])):
        count = row["line_number_count"]
        logger.warning(
            "%s: %d %s rejected for field '%s', the first at line %d",
            row["source_file"], count, "line" if count == 1 else "lines", row["field"], row["line_number_min"],
        )
    n_missing_energy = int(pc.sum(pc.equal(rejects.column("reason"), MISSING_ENERGY_REASON)).as_py() or 0)
    if n_missing_energy:
        logger.warning(
            "%d lines have a literal 'E' in place of an energy. To keep them with E = pT cosh(eta), "
            "run with --params ingest.recompute_missing_energy=true; read the README on the bias either choice brings.",
            n_missing_energy,
        )


def ingest_metrics(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Turn the ingest totals into MLflow metrics; the catalog prefixes them with ``ingest.``."""
    return {
        key: {"value": float(value), "step": 0}
        for key, value in report["totals"].items()
    }
