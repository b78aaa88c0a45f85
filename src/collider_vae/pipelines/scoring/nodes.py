"""Nodes of the scoring pipeline. A higher score always means more anomalous."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from collider_vae.combination import combined_scores
from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.detectors import build_enabled_detectors
from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.latent_likelihood import aggregate_posterior_nll
from collider_vae.models.inference import vae_scores
from collider_vae.models.vae import BetaVAE
from collider_vae.pipelines.embedding.nodes import latent_columns
from collider_vae.pipelines.preprocessing.nodes import METADATA_COLUMNS
from collider_vae.splitting import TRAIN, VALIDATION

logger = logging.getLogger(__name__)


def _background_rows(table: pd.DataFrame, split: str) -> np.ndarray:
    return ((table["sample"] == BACKGROUND) & (table["split"] == split)).to_numpy()


def score_with_vae(model: BetaVAE, features: pd.DataFrame, n_slots: int, batch_size: int) -> pd.DataFrame:
    """Score every event with the VAE: reconstruction loss, KL divergence and latent radius."""
    layout = FeatureLayout(n_slots)
    scores = vae_scores(model, feature_matrix(features, layout), layout, batch_size)
    table = features[METADATA_COLUMNS].reset_index(drop=True)
    for name, values in scores.items():
        table[f"vae_{name}"] = values
    return table


def score_latent_likelihood(embeddings: pd.DataFrame, params: dict[str, Any], seed: int) -> pd.DataFrame:
    """Score every event by -log q(mu) under the aggregate posterior of background training events.

    The aggregate posterior is the equal-weight mixture of the Gaussians
    N(mu_i, sigma_i^2) of up to ``params["buffer_size"]`` background training
    events. The latent radius |mu| approximates this score only when the
    aggregate posterior is close to the N(0, 1) prior.
    """
    train = np.flatnonzero(_background_rows(embeddings, TRAIN))
    rng = np.random.default_rng(seed)
    buffer = np.sort(rng.permutation(train)[: params["buffer_size"]])
    mu, logvar = latent_columns(embeddings), latent_columns(embeddings, "logvar_")
    start = time.perf_counter()
    nll = aggregate_posterior_nll(mu, mu[buffer], logvar[buffer], batch_size=params["batch_size"])
    logger.info("Latent likelihood of %d events against %d buffered events in %.1f s", len(mu), len(buffer), time.perf_counter() - start)
    return pd.DataFrame({"vae_latent_nll": nll})


def _score_space(x: np.ndarray, table: pd.DataFrame, space: str, params: dict[str, Any]) -> pd.DataFrame:
    train, validation = _background_rows(table, TRAIN), _background_rows(table, VALIDATION)
    scores = {}
    for name, detector in build_enabled_detectors(params["detectors"], seed=params["seed"]).items():
        start = time.perf_counter()
        detector.fit(x[train], x[validation] if validation.any() else None)
        scores[f"{space}_{name}"] = detector.score(x)
        logger.info(
            "%s in the %s space: fit on %d events, scored %d in %.1f s",
            name, space, train.sum(), len(x), time.perf_counter() - start,
        )
    return pd.DataFrame(scores, index=range(len(x)))


def score_latent_space(embeddings: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """Fit each enabled outlier model on the latent means of background training events and score all events."""
    return _score_space(latent_columns(embeddings), embeddings, "latent", params)


def score_input_space(features: pd.DataFrame, n_slots: int, params: dict[str, Any]) -> pd.DataFrame:
    """Fit each enabled outlier model on the preprocessed inputs of background training events and score all events."""
    return _score_space(feature_matrix(features, FeatureLayout(n_slots)), features.reset_index(drop=True), "input", params)


def combine_scores(
    vae: pd.DataFrame, latent_likelihood: pd.DataFrame, latent: pd.DataFrame, inputs: pd.DataFrame, combinations: dict[str, dict[str, list[str]]]
) -> pd.DataFrame:
    """Join every score and add the configured combinations.

    Each combination maps its scores to background p-values, with the
    background validation events as reference, and combines them with each
    of its rules into ``combined_<name>_<rule>``: ``and`` flags an event only
    when every score flags it, ``or`` when any does.

    Raises:
        ValueError: If a combination names a score that was not computed.
    """
    table = pd.concat([vae.reset_index(drop=True), latent_likelihood, latent, inputs], axis=1)
    reference = _background_rows(table, VALIDATION)
    for name, combination in combinations.items():
        missing = [score for score in combination["scores"] if score not in table]
        if missing:
            available = [c for c in table.columns if c not in METADATA_COLUMNS]
            raise ValueError(f"Combination {name!r} names scores {missing} that were not computed; available: {available}")
        reference_scores = {score: table.loc[reference, score].to_numpy() for score in combination["scores"]}
        event_scores = {score: table[score].to_numpy() for score in combination["scores"]}
        for rule in combination["rules"]:
            table[f"combined_{name}_{rule}"] = combined_scores(reference_scores, event_scores, rule)
    return table
