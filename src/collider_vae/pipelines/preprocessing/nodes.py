"""Nodes of the preprocessing pipeline."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.features.encode import encode_slots, met_columns
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler
from collider_vae.features.slots import order_into_slots
from collider_vae.physics.channels import channel_mask
from collider_vae.splitting import SIGNAL, TRAIN, VALIDATION, assign_split

logger = logging.getLogger(__name__)

# Fewer events cannot fit the outlier models (a Gaussian mixture needs at least
# as many events as components) or give a meaningful early stop.
MIN_EVENTS_PER_SPLIT = 20

METADATA_COLUMNS = ["sample", "split", "process_id", "event_id", "weight", "source_file", "line_number"]


def select_channel(raw_events: pa.Table, channel: str) -> pa.Table:
    """Keep the events that pass a DarkMachines channel selection (``none`` keeps all)."""
    mask = channel_mask(raw_events, channel)
    selected = raw_events.filter(pa.array(mask))
    samples = pd.Series(raw_events.column("sample").to_numpy(zero_copy_only=False))
    passed = samples[mask].value_counts()
    for sample, total in samples.value_counts().items():
        logger.info("Channel %s: %s keeps %d of %d events", channel, sample, passed.get(sample, 0), total)
    return selected


def split_events(events: pa.Table, split: dict[str, Any]) -> pa.Table:
    """Add a ``split`` column: train, validation or test for background, signal otherwise.

    Args:
        events: Selected events.
        split: ``fractions`` (train, validation, test) and the hash ``salt``.
    """
    samples = events.column("sample").to_numpy(zero_copy_only=False)
    labels = np.full(len(samples), SIGNAL, dtype=object)
    background = samples == BACKGROUND
    labels[background] = assign_split(
        events.column("process_id").to_numpy(zero_copy_only=False)[background],
        events.column("event_id").to_numpy()[background],
        split["fractions"],
        str(split["salt"]),
    )
    counts = pd.Series(labels).value_counts().to_dict()
    logger.info("Event splits: %s", counts)
    too_few = {name: counts.get(name, 0) for name in (TRAIN, VALIDATION) if counts.get(name, 0) < MIN_EVENTS_PER_SPLIT}
    if too_few:
        raise ValueError(
            f"Too few background events to train on: {too_few} after the channel selection, at least "
            f"{MIN_EVENTS_PER_SPLIT} needed in each of train and validation. Add background files or "
            "loosen the channel selection."
        )
    return events.append_column("split", pa.array(labels.astype(str)))


def fit_scaler(events: pa.Table, n_slots: int) -> dict[str, dict[str, float]]:
    """Fit the feature scaler on background training events only.

    Returns:
        The scaler as a dictionary, for a JSON dataset.
    """
    is_train = (events.column("split").to_numpy(zero_copy_only=False) == TRAIN)
    train = events.filter(pa.array(is_train))
    met_mev, met_phi = met_columns(train)
    scaler = FeatureScaler.fit(order_into_slots(train, n_slots), met_mev, met_phi)
    logger.info("Scaler fit on %d background training events", train.num_rows)
    return scaler.to_dict()


def build_features(events: pa.Table, scaler: dict[str, dict[str, float]], n_slots: int) -> pd.DataFrame:
    """Build the feature table: event metadata followed by the feature columns.

    Raises:
        ValueError: If any feature is not finite, naming the first such event.
    """
    layout = FeatureLayout(n_slots)
    met_mev, met_phi = met_columns(events)
    matrix = encode_slots(order_into_slots(events, n_slots), met_mev, met_phi, FeatureScaler.from_dict(scaler), layout)
    bad_rows = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
    if len(bad_rows):
        row = events.slice(int(bad_rows[0]), 1).to_pylist()[0]
        raise ValueError(
            f"{len(bad_rows)} events have non-finite features; first: {row['source_file']}, "
            f"line {row['line_number']} (event {row['event_id']})"
        )
    metadata = events.select(METADATA_COLUMNS).to_pandas()
    features = pd.DataFrame(matrix, columns=layout.names)
    logger.info("Built %d features for %d events", layout.n_features, len(features))
    return pd.concat([metadata, features], axis=1)
