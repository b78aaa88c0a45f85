"""Nodes of the embedding pipeline."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.models.inference import encode
from collider_vae.models.vae import BetaVAE
from collider_vae.pipelines.preprocessing.nodes import METADATA_COLUMNS

logger = logging.getLogger(__name__)


def embed_events(model: BetaVAE, features: pd.DataFrame, n_slots: int, batch_size: int) -> pd.DataFrame:
    """Encode every event of every split and signal.

    Returns:
        Event metadata followed by ``mu_<i>`` and ``logvar_<i>`` columns.
    """
    mu, logvar = encode(model, feature_matrix(features, FeatureLayout(n_slots)), batch_size)
    latent = {f"mu_{i}": mu[:, i] for i in range(mu.shape[1])}
    latent |= {f"logvar_{i}": logvar[:, i] for i in range(logvar.shape[1])}
    logger.info("Embedded %d events in a %d-dimensional latent space", len(mu), mu.shape[1])
    return pd.concat([features[METADATA_COLUMNS].reset_index(drop=True), pd.DataFrame(latent)], axis=1)


def latent_columns(embeddings: pd.DataFrame, prefix: str = "mu_") -> np.ndarray:
    """Return the ``mu_<i>`` (or other prefixed) columns as a float32 matrix."""
    names = sorted((c for c in embeddings.columns if c.startswith(prefix)), key=lambda c: int(c[len(prefix):]))
    return embeddings[names].to_numpy(dtype=np.float32)
