"""Nodes of the beta-scan pipeline."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from collider_vae.evaluation.plots import beta_scan_figure
from collider_vae.features.layout import FeatureLayout, feature_matrix
from collider_vae.models.inference import encode
from collider_vae.models.vae import BetaVAE
from collider_vae.pipelines.training.nodes import background_split
from collider_vae.splitting import VALIDATION

logger = logging.getLogger(__name__)


def latent_statistics(model: BetaVAE, features: pd.DataFrame, n_slots: int, optimisation: dict[str, Any]) -> dict[str, float]:
    """Measure the posterior on background validation events.

    Returns:
        ``beta``, ``mean_latent_variance`` (mean sigma^2 over events and
        dimensions), ``mean_radius`` (mean |mu|) and ``n_events``.
    """
    mu, logvar = encode(model, feature_matrix(background_split(features, VALIDATION), FeatureLayout(n_slots)))
    statistics = {
        "beta": float(optimisation["beta"]),
        "mean_latent_variance": float(np.exp(logvar).mean()),
        "mean_radius": float(np.linalg.norm(mu, axis=1).mean()),
        "n_events": float(len(mu)),
    }
    logger.info("beta = %g: mean sigma^2 %.3f, mean |mu| %.3f", statistics["beta"], statistics["mean_latent_variance"], statistics["mean_radius"])
    return statistics


def summarise_beta_scan(*points: dict[str, float]) -> tuple[pd.DataFrame, Figure, dict[str, dict[str, float]]]:
    """Collect the scan points into a table, a plot and MLflow metrics.

    Returns:
        The table sorted by beta, the plot of latent variance and |mu|
        against beta, and metrics named ``beta_scan.<statistic>`` with the
        point's rank in beta as the step.
    """
    table = pd.DataFrame(points).sort_values("beta").reset_index(drop=True)
    figure = beta_scan_figure(table["beta"].to_numpy(), table["mean_latent_variance"].to_numpy(), table["mean_radius"].to_numpy())
    metrics = {
        f"beta_scan.{name}": [{"value": float(value), "step": step} for step, value in enumerate(table[name])]
        for name in ("beta", "mean_latent_variance", "mean_radius")
    }
    return table, figure, metrics
