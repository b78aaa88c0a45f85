"""Nodes of the generate pipeline: training data, buffer and sampling.

The quality report's nodes are in :mod:`collider_vae.pipelines.generate.quality_nodes`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from collider_vae.datasets.chunk import Chunk
from collider_vae.datasets.chunked_parquet import iter_batches_in_order
from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.features.scaler import FeatureScaler
from collider_vae.generation.buffer import BufferSampler, DensityBuffer, PriorSampler, build_buffer
from collider_vae.generation.conditions import condition_mask
from collider_vae.generation.generator import LatentSampler, generate_batches
from collider_vae.generation.observables import event_observables
from collider_vae.models.vae import BetaVAE
from collider_vae.splitting import TEST, TRAIN

logger = logging.getLogger(__name__)


def select_processes(raw_events: pa.Table, processes: list[str]) -> pa.Table:
    """Keep the background events of the chosen processes.

    Raises:
        ValueError: If none of the processes has background events, listing those present.
    """
    samples = raw_events.column("sample").to_numpy(zero_copy_only=False)
    process_ids = raw_events.column("process_id").to_numpy(zero_copy_only=False)
    mask = (samples == BACKGROUND) & np.isin(process_ids, list(processes))
    if not mask.any():
        present = sorted(set(process_ids[samples == BACKGROUND]))
        raise ValueError(
            f"No background events of processes {list(processes)}; the raw folder has {present}. "
            "Set generate.processes to some of them"
        )
    counts = pd.Series(process_ids[mask]).value_counts().to_dict()
    logger.info("Generator training data: %s", counts)
    return raw_events.filter(pa.array(mask))


def _rows_of_split(events: pa.Table, split: str) -> np.ndarray:
    return events.column("split").to_numpy(zero_copy_only=False) == split


def build_density_buffer(
    model: BetaVAE, features: pd.DataFrame, split_events: pa.Table, n_slots: int, parameters: dict[str, Any]
) -> pd.DataFrame:
    """Encode ``parameters["size"]`` training events and store their mu, sigma and observables.

    ``features`` and ``split_events`` hold the same events in the same order,
    as ``build_features`` writes them.
    """
    is_train = _rows_of_split(split_events, TRAIN)
    train_events = split_events.filter(pa.array(is_train))
    buffer = build_buffer(
        model,
        feature_matrix(features[is_train], FeatureLayout(n_slots)),
        train_events.column("process_id").to_numpy(zero_copy_only=False),
        event_observables(train_events),
        size=int(parameters["size"]),
        seed=int(parameters["seed"]),
        batch_size=int(parameters["batch_size"]),
    )
    return buffer.to_frame()


def select_reference_events(split_events: pa.Table, parameters: dict[str, Any]) -> pa.Table:
    """Return the held-out Monte Carlo events that generated events are compared with.

    These are the test split's events that pass ``parameters["condition"]``.
    With ``parameters["mixture"]``, each process contributes in proportion
    to its weight, as many events as the scarcest process allows.

    Raises:
        ValueError: If no held-out event passes the condition.
    """
    test = split_events.filter(pa.array(_rows_of_split(split_events, TEST)))
    test = test.filter(pa.array(condition_mask(event_observables(test), parameters.get("condition"))))
    mixture = parameters.get("mixture")
    if mixture:
        test = _mixture_subsample(test, mixture, int(parameters["seed"]))
    if test.num_rows == 0:
        raise ValueError(
            f"No held-out events pass the condition {parameters.get('condition')}; relax it or add events"
        )
    logger.info("Reference: %d held-out Monte Carlo events", test.num_rows)
    return test


def _mixture_subsample(events: pa.Table, mixture: dict[str, float], seed: int) -> pa.Table:
    process_ids = events.column("process_id").to_numpy(zero_copy_only=False)
    weights = {name: float(weight) / sum(mixture.values()) for name, weight in mixture.items() if weight > 0}
    available = {name: int((process_ids == name).sum()) for name in weights}
    missing = sorted(name for name, count in available.items() if count == 0)
    if missing:
        raise ValueError(
            f"No held-out events of mixture processes {missing}; each mixture process must be in "
            "generate.processes and have events that pass the condition"
        )
    total = min(available[name] / weight for name, weight in weights.items())
    rng = np.random.default_rng(seed)
    keep = []
    for name, weight in weights.items():
        rows = np.flatnonzero(process_ids == name)
        keep.append(rng.choice(rows, size=int(total * weight), replace=False))
    return events.take(pa.array(np.sort(np.concatenate(keep))))


def _generate(
    model: BetaVAE, sampler: LatentSampler, n_events: int, scaler: dict, n_slots: int, parameters: dict[str, Any]
) -> Iterator[tuple[pa.Table, dict[str, float]]]:
    """Yield each generated batch with the generation statistics of all batches so far.

    Only one batch is in memory at a time, because the catalog writes each as it comes.
    The speed counts generation only, not the writing of the batches.
    """
    seconds, n_done, n_objects, n_raised = 0.0, 0, 0, 0
    batches = generate_batches(
        model,
        sampler,
        n_events,
        FeatureScaler.from_dict(scaler),
        FeatureLayout(n_slots),
        existence_threshold=float(parameters["existence_threshold"]),
        batch_size=int(parameters["batch_size"]),
        decode_dtype=str(parameters.get("decode_dtype", "float32")),
    )
    while True:
        start = time.perf_counter()
        batch = next(batches, None)
        seconds += time.perf_counter() - start
        if batch is None:
            return
        n_done += batch.events.num_rows
        n_objects += batch.n_objects
        n_raised += batch.n_energy_raised
        stats = {
            "n_events": n_done,
            "n_objects": n_objects,
            "energy_raised_fraction": n_raised / max(n_objects, 1),
            "events_per_second": n_done / max(seconds, 1e-9),
        }
        yield batch.events, stats


def _n_events(parameters: dict[str, Any], reference: pa.Table) -> int:
    requested = parameters.get("n_events")
    n_events = reference.num_rows if requested is None else int(requested)
    if n_events < 1:
        raise ValueError(f"generate.sampling.n_events must be at least 1, got {n_events}")
    return n_events


def generate_buffer_events(
    model: BetaVAE, buffer: pd.DataFrame, scaler: dict, n_slots: int, reference: pa.Table, parameters: dict[str, Any]
) -> Iterator[tuple[Chunk, Chunk, dict[str, float]]]:
    """Generate events from the density buffer, restricted to the events that pass the condition.

    Args:
        model: The generator VAE.
        buffer: The density buffer, as :func:`build_density_buffer` writes it.
        scaler: The generator's feature scaler.
        n_slots: Object slots of the feature layout.
        reference: Held-out events; their number is the default ``n_events``.
        parameters: ``n_events``, ``alpha``, ``gamma``, ``seed``, ``condition``,
            ``mixture``, ``existence_threshold``, ``batch_size`` and ``decode_dtype``.

    Yields:
        Each batch of events twice (for the Parquet and the CSV dataset, each
        wrapped in a :class:`~collider_vae.datasets.chunk.Chunk`), with the
        generation statistics of all batches so far.
    """
    density = DensityBuffer.from_frame(buffer)
    selected = density.select(condition_mask(density.observables, parameters.get("condition")))
    logger.info("%d of %d buffered events pass the condition %s", len(selected), len(density), parameters.get("condition"))
    sampler = BufferSampler(
        selected, parameters["alpha"], parameters["gamma"], int(parameters["seed"]), parameters.get("mixture")
    )
    for events, stats in _generate(model, sampler, _n_events(parameters, reference), scaler, n_slots, parameters):
        yield Chunk(events), Chunk(events), {**stats, "buffer_events_used": len(selected)}


def generate_baseline_events(
    model: BetaVAE, scaler: dict, n_slots: int, reference: pa.Table, parameters: dict[str, Any]
) -> Iterator[pa.Table]:
    """Generate events from z ~ N(0, 1), the plain-VAE baseline, with the same count as the buffer sampler.

    Yields:
        Each batch of events.
    """
    sampler = PriorSampler(model.config.latent_dim, int(parameters["seed"]) + 1)
    for events, _ in _generate(model, sampler, _n_events(parameters, reference), scaler, n_slots, parameters):
        yield events


def check_csv_round_trip(csv_events: Iterable[pa.Table], generated_events: pads.Dataset) -> dict[str, float]:
    """Compare the events read back from the CSV file with those generated, one block at a time.

    The CSV dataset parses in strict mode, so reaching the end of it means no
    line was rejected.

    Args:
        csv_events: Tables of consecutive blocks of the CSV file.
        generated_events: The generated events as written to Parquet.

    Raises:
        RuntimeError: If event or object counts differ.
    """
    written = _OrderedRows(generated_events)
    counts = {"events_written": generated_events.count_rows(), "events_read": 0, "objects_written": 0, "objects_read": 0}
    max_change = 0.0
    for read_table in csv_events:
        written_table = written.take(read_table.num_rows)
        counts["events_read"] += read_table.num_rows
        read_pt = _flat_pt(read_table)
        written_pt = _flat_pt(written_table)
        counts["objects_read"] += len(read_pt)
        counts["objects_written"] += len(written_pt)
        if written_table.num_rows != read_table.num_rows or len(read_pt) != len(written_pt):
            break
        if len(written_pt):
            scale = np.maximum(np.abs(written_pt), 1e-12)
            max_change = max(max_change, float((np.abs(read_pt - written_pt) / scale).max()))
    counts["objects_written"] += written.remaining_objects()
    if counts["events_written"] != counts["events_read"] or counts["objects_written"] != counts["objects_read"]:
        raise RuntimeError(f"The generated CSV does not read back whole: {counts}")
    counts["max_relative_pt_change"] = max_change
    counts["rejected"] = 0
    logger.info("CSV round trip: %d events and %d objects read back, none rejected", counts["events_read"], counts["objects_read"])
    return counts


def _flat_pt(events: pa.Table) -> np.ndarray:
    return events.column("obj_pt_mev").combine_chunks().flatten().to_numpy()


class _OrderedRows:
    """Hand out the rows of a lazy Parquet dataset in order, a requested number at a time."""

    def __init__(self, dataset: pads.Dataset) -> None:
        self._batches = iter_batches_in_order(dataset, columns=["obj_pt_mev"])
        self._pending: list[pa.RecordBatch] = []
        self._n_pending = 0

    def take(self, n_rows: int) -> pa.Table:
        """Return the next ``n_rows`` rows, or fewer if the dataset ends first."""
        while self._n_pending < n_rows:
            batch = next(self._batches, None)
            if batch is None:
                break
            self._pending.append(batch)
            self._n_pending += batch.num_rows
        if not self._pending:
            return pa.table({"obj_pt_mev": pa.array([], pa.list_(pa.float64()))})
        table = pa.Table.from_batches(self._pending)
        head, rest = table.slice(0, n_rows), table.slice(n_rows)
        self._pending = rest.to_batches()
        self._n_pending = rest.num_rows
        return head

    def remaining_objects(self) -> int:
        """Count the objects of the rows not handed out yet."""
        rest = [*self._pending, *self._batches]
        return sum(len(batch.column("obj_pt_mev").flatten()) for batch in rest)
