"""Nodes of the scoring pipeline. A higher score always means more anomalous."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture

from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.models.inference import vae_scores
from collider_vae.models.vae import BetaVAE
from collider_vae.pipelines.embedding.nodes import latent_columns
from collider_vae.pipelines.preprocessing.nodes import METADATA_COLUMNS
from collider_vae.splitting import TRAIN

logger = logging.getLogger(__name__)


def _training_rows(table: pd.DataFrame) -> np.ndarray:
    return ((table["sample"] == BACKGROUND) & (table["split"] == TRAIN)).to_numpy()


def score_with_vae(model: BetaVAE, features: pd.DataFrame, n_slots: int, batch_size: int) -> pd.DataFrame:
    """Score every event with the VAE: reconstruction loss, KL divergence and latent radius."""
    layout = FeatureLayout(n_slots)
    scores = vae_scores(model, feature_matrix(features, layout), layout, batch_size)
    table = features[METADATA_COLUMNS].reset_index(drop=True)
    for name, values in scores.items():
        table[f"vae_{name}"] = values
    return table


def _fit_isolation_forest(x_train: np.ndarray, params: dict[str, Any], seed: int) -> IsolationForest:
    return IsolationForest(n_estimators=params["n_estimators"], random_state=seed).fit(x_train)


def _fit_gmm(x_train: np.ndarray, params: dict[str, Any], seed: int) -> GaussianMixture:
    n_components = min(params["n_components"], len(x_train))
    return GaussianMixture(n_components=n_components, covariance_type="full", random_state=seed).fit(x_train)


def score_with_outlier_models(
    vae_scores_table: pd.DataFrame, embeddings: pd.DataFrame, features: pd.DataFrame, n_slots: int, params: dict[str, Any]
) -> pd.DataFrame:
    """Add outlier-model scores, each model fit on background training events only.

    Args:
        vae_scores_table: Output of :func:`score_with_vae`, in the row order of the others.
        embeddings: Latent mu of every event.
        features: Preprocessed inputs of every event.
        n_slots: Object slots of the feature layout.
        params: ``seed`` and the settings of each model.

    Returns:
        The VAE scores with ``latent_iforest``, ``latent_gmm`` and ``input_iforest`` added.
    """
    spaces = {"latent": latent_columns(embeddings), "input": feature_matrix(features, FeatureLayout(n_slots))}
    train = _training_rows(vae_scores_table)
    models = {
        "latent_iforest": ("latent", _fit_isolation_forest, params["isolation_forest"]),
        "latent_gmm": ("latent", _fit_gmm, params["gmm"]),
        "input_iforest": ("input", _fit_isolation_forest, params["isolation_forest"]),
    }
    table = vae_scores_table.copy()
    for name, (space, fit, settings) in models.items():
        start = time.perf_counter()
        x = spaces[space]
        model = fit(x[train], settings, params["seed"])
        # Both scikit-learn models return higher values for more normal events.
        table[name] = -model.score_samples(x)
        logger.info("%s: fit on %d events, scored %d in %.1f s", name, train.sum(), len(x), time.perf_counter() - start)
    return table
