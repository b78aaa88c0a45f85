"""Nodes of the training pipeline."""

from __future__ import annotations

from typing import Any

import pandas as pd

from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.models.training import TrainingConfig, train_vae
from collider_vae.models.vae import BetaVAE, VAEConfig
from collider_vae.splitting import TRAIN, VALIDATION

MetricHistory = dict[str, list[dict[str, float]]]


def background_split(features: pd.DataFrame, split: str) -> pd.DataFrame:
    """Return the background events of one split."""
    return features[(features["sample"] == BACKGROUND) & (features["split"] == split)]


def train_model(
    features: pd.DataFrame, n_slots: int, model: dict[str, Any], optimisation: dict[str, Any]
) -> tuple[BetaVAE, MetricHistory]:
    """Train the beta-VAE on background training events, stopping early on validation events.

    Args:
        features: Feature table of all events.
        n_slots: Object slots of the feature layout.
        model: ``latent_dim``, ``hidden_sizes`` and ``residual``.
        optimisation: Fields of :class:`~collider_vae.models.training.TrainingConfig`.

    Returns:
        The trained model and its per-epoch losses as MLflow metric histories,
        which the catalog logs as ``training.train_loss`` and ``training.val_loss``.
    """
    layout = FeatureLayout(n_slots)
    config = VAEConfig(
        input_dim=layout.n_features,
        latent_dim=model["latent_dim"],
        hidden_sizes=tuple(model["hidden_sizes"]),
        residual=model["residual"],
    )
    trained, history = train_vae(
        feature_matrix(background_split(features, TRAIN), layout),
        feature_matrix(background_split(features, VALIDATION), layout),
        layout,
        config,
        TrainingConfig(**optimisation),
    )
    metrics = {
        name: [{"value": value, "step": epoch} for epoch, value in enumerate(values, start=1)]
        for name, values in history.items()
    }
    return trained, metrics
