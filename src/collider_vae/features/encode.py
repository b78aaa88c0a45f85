"""Turn events into fixed-length feature vectors."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from collider_vae.features.layout import KINEMATICS, FeatureLayout
from collider_vae.features.scaler import FeatureScaler, raw_quantities
from collider_vae.features.slots import Slots


def encode_slots(
    slots: Slots, met_mev: np.ndarray, met_phi: np.ndarray, scaler: FeatureScaler, layout: FeatureLayout
) -> np.ndarray:
    """Build the float32 feature matrix, shape (n_events, layout.n_features)."""
    n_events = slots.exists.shape[0]
    raw = raw_quantities(slots, met_mev, met_phi)
    features = np.zeros((n_events, layout.n_features), dtype=np.float32)
    features[:, layout.exists] = slots.exists
    for position, name in enumerate(KINEMATICS):
        scaled = np.where(slots.exists, scaler.transform(name, raw[name]), 0.0)
        features[:, layout.kinematics[:, position]] = scaled
    rows, columns = np.nonzero(slots.exists)
    features[rows, layout.types[columns, slots.type_index[rows, columns]]] = 1.0
    features[:, layout.met[0]] = scaler.transform("log_met", raw["log_met"])
    features[:, layout.met[1]] = scaler.transform("met_phi", raw["met_phi"])
    return features


def met_columns(events: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Return MET in MeV and its azimuth."""
    return events.column("met_mev").to_numpy(), events.column("met_phi").to_numpy()
