"""Nodes of the generate pipeline: training data, buffer and sampling.

The quality report's nodes are in :mod:`collider_vae.pipelines.generate.quality_nodes`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

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
) -> tuple[pa.Table, dict[str, float]]:
    start = time.perf_counter()
    # TODO: stream the batches to the datasets, as benchmarks/generate_speed.py
    # does, so that runs of many millions of events need not fit in memory.
    batches = list(
        generate_batches(
            model,
            sampler,
            n_events,
            FeatureScaler.from_dict(scaler),
            FeatureLayout(n_slots),
            existence_threshold=float(parameters["existence_threshold"]),
            batch_size=int(parameters["batch_size"]),
            decode_dtype=str(parameters.get("decode_dtype", "float32")),
        )
    )
    seconds = time.perf_counter() - start
    n_objects = sum(batch.n_objects for batch in batches)
    stats = {
        "n_events": n_events,
        "n_objects": n_objects,
        "energy_raised_fraction": sum(batch.n_energy_raised for batch in batches) / max(n_objects, 1),
        "events_per_second": n_events / max(seconds, 1e-9),
    }
    return pa.concat_tables([batch.events for batch in batches]), stats


def _n_events(parameters: dict[str, Any], reference: pa.Table) -> int:
    requested = parameters.get("n_events")
    return reference.num_rows if requested is None else int(requested)


def generate_buffer_events(
    model: BetaVAE, buffer: pd.DataFrame, scaler: dict, n_slots: int, reference: pa.Table, parameters: dict[str, Any]
) -> tuple[pa.Table, pa.Table, dict[str, float]]:
    """Generate events from the density buffer, restricted to the events that pass the condition.

    Args:
        model: The generator VAE.
        buffer: The density buffer, as :func:`build_density_buffer` writes it.
        scaler: The generator's feature scaler.
        n_slots: Object slots of the feature layout.
        reference: Held-out events; their number is the default ``n_events``.
        parameters: ``n_events``, ``alpha``, ``gamma``, ``seed``, ``condition``,
            ``mixture``, ``existence_threshold``, ``batch_size`` and ``decode_dtype``.

    Returns:
        The events twice (for the Parquet and the CSV dataset) and generation statistics.
    """
    density = DensityBuffer.from_frame(buffer)
    selected = density.select(condition_mask(density.observables, parameters.get("condition")))
    logger.info("%d of %d buffered events pass the condition %s", len(selected), len(density), parameters.get("condition"))
    sampler = BufferSampler(
        selected, parameters["alpha"], parameters["gamma"], int(parameters["seed"]), parameters.get("mixture")
    )
    events, stats = _generate(model, sampler, _n_events(parameters, reference), scaler, n_slots, parameters)
    stats["buffer_events_used"] = len(selected)
    return events, events, stats


def generate_baseline_events(
    model: BetaVAE, scaler: dict, n_slots: int, reference: pa.Table, parameters: dict[str, Any]
) -> pa.Table:
    """Generate events from z ~ N(0, 1), the plain-VAE baseline, with the same count as the buffer sampler."""
    sampler = PriorSampler(model.config.latent_dim, int(parameters["seed"]) + 1)
    events, _ = _generate(model, sampler, _n_events(parameters, reference), scaler, n_slots, parameters)
    return events


def check_csv_round_trip(csv_events: pa.Table, generated_events: pa.Table) -> dict[str, float]:
    """Compare the events read back from the CSV file with those generated.

    The CSV dataset parses in strict mode, so reaching this node means no
    line was rejected.

    Raises:
        RuntimeError: If event or object counts differ.
    """
    counts = {
        "events_written": generated_events.num_rows,
        "events_read": csv_events.num_rows,
        "objects_written": len(generated_events.column("obj_pt_mev").combine_chunks().flatten()),
        "objects_read": len(csv_events.column("obj_pt_mev").combine_chunks().flatten()),
    }
    if counts["events_written"] != counts["events_read"] or counts["objects_written"] != counts["objects_read"]:
        raise RuntimeError(f"The generated CSV does not read back whole: {counts}")
    written = generated_events.column("obj_pt_mev").combine_chunks().flatten().to_numpy()
    read = csv_events.column("obj_pt_mev").combine_chunks().flatten().to_numpy()
    scale = np.maximum(np.abs(written), 1e-12)
    counts["max_relative_pt_change"] = float((np.abs(read - written) / scale).max()) if len(written) else 0.0
    counts["rejected"] = 0
    logger.info("CSV round trip: %d events and %d objects read back, none rejected", counts["events_read"], counts["objects_read"])
    return counts
