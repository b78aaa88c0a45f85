"""Nodes of the evaluation pipeline."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from collider_vae.datasets.raw_folder import BACKGROUND
from sklearn.decomposition import PCA

from collider_vae.evaluation.plots import latent_projection_figure, roc_figure, score_distributions_figure
from collider_vae.evaluation.roc import auc, roc, working_point, working_point_label
from collider_vae.pipelines.preprocessing.nodes import METADATA_COLUMNS
from collider_vae.pipelines.embedding.nodes import latent_columns
from collider_vae.splitting import TEST, TRAIN

logger = logging.getLogger(__name__)


def score_names(scores: pd.DataFrame) -> list[str]:
    """Return the score columns: every column that is not event metadata."""
    return [column for column in scores.columns if column not in METADATA_COLUMNS]


def _samples(scores: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    background = scores[(scores["sample"] == BACKGROUND) & (scores["split"] == TEST)]
    signals = {name: group for name, group in scores[scores["sample"] != BACKGROUND].groupby("sample")}
    if not signals:
        logger.warning("No signal events: the evaluation has nothing to compare against")
    return background, signals


def evaluate_scores(
    scores: pd.DataFrame, working_points: list[float], channel: str
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Compute AUC and signal efficiencies of every score on every signal.

    Background is the background test split. A working point that the
    test split is too small to reach is reported as missing, with a note.

    Args:
        scores: Scores of every event, higher meaning more anomalous.
        working_points: Background efficiencies, such as [1e-2, 1e-3, 1e-4].
        channel: Channel name for the table.

    Returns:
        The metrics as a nested dictionary, and the table with the columns
        ``Signal,Model,Chan,AUC`` and one per working point.
    """
    background, signals = _samples(scores)
    results: dict[str, Any] = {"channel": channel, "n_background_test": len(background), "signals": {}}
    rows = []
    for signal, events in sorted(signals.items()):
        per_score = {}
        for score in score_names(scores):
            bkg, sig = background[score].to_numpy(), events[score].to_numpy()
            points = [working_point(bkg, sig, eps_b) for eps_b in working_points]
            area = auc(bkg, sig)
            per_score[score] = {
                "auc": area,
                "working_points": [point.__dict__ for point in points],
                "max_significance_improvement": max(
                    (p.significance_improvement for p in points if p.significance_improvement is not None),
                    default=None,
                ),
            }
            row = {"Signal": signal, "Model": score, "Chan": channel, "AUC": round(area, 4)}
            row |= {working_point_label(p.background_efficiency): p.signal_efficiency for p in points}
            rows.append(row)
            logger.info("%s / %s: AUC %.3f", signal, score, area)
        results["signals"][signal] = {"n_events": len(events), "scores": per_score}
    table = pd.DataFrame(rows, columns=["Signal", "Model", "Chan", "AUC", *[working_point_label(wp) for wp in working_points]])
    return results, table


def plot_roc_curves(scores: pd.DataFrame, channel: str) -> Figure:
    """Plot the ROC curves of every score, one panel per signal."""
    background, signals = _samples(scores)
    curves = {
        signal: {score: roc(background[score].to_numpy(), events[score].to_numpy()) for score in score_names(scores)}
        for signal, events in signals.items()
    }
    return roc_figure(curves, channel)


def plot_score_distributions(scores: pd.DataFrame) -> Figure:
    """Plot each score for background test events and for every signal."""
    background, signals = _samples(scores)
    names = score_names(scores)
    return score_distributions_figure(
        {name: background[name].to_numpy() for name in names},
        {signal: {name: events[name].to_numpy() for name in names} for signal, events in signals.items()},
    )


def plot_latent_projection(embeddings: pd.DataFrame, max_points_per_label: int, seed: int) -> Figure:
    """Project the latent means on their first two principal components, coloured by process.

    The projection is fit on background training events; each process and
    signal is subsampled to at most ``max_points_per_label`` points so that
    large samples do not hide small ones.
    """
    mu = latent_columns(embeddings)
    labels = np.where(embeddings["sample"] == BACKGROUND, embeddings["process_id"], embeddings["sample"]).astype(str)
    train = ((embeddings["sample"] == BACKGROUND) & (embeddings["split"] == TRAIN)).to_numpy()
    pca = PCA(n_components=2, random_state=seed).fit(mu[train])
    rng = np.random.default_rng(seed)
    chosen = np.concatenate(
        [rng.permutation(np.flatnonzero(labels == label))[:max_points_per_label] for label in np.unique(labels)]
    )
    return latent_projection_figure(pca.transform(mu[chosen]), labels[chosen], pca.explained_variance_ratio_)


def evaluation_metrics(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Flatten the results into MLflow metrics such as ``auc.<signal>.<score>``."""
    metrics = {}
    for signal, entry in results["signals"].items():
        for score, values in entry["scores"].items():
            metrics[f"auc.{signal}.{score}"] = {"value": values["auc"], "step": 0}
            for point in values["working_points"]:
                if point["signal_efficiency"] is not None:
                    key = f"eff_s_at_{working_point_label(point['background_efficiency'])}.{signal}.{score}"
                    metrics[key] = {"value": point["signal_efficiency"], "step": 0}
            if values["max_significance_improvement"] is not None:
                metrics[f"max_si.{signal}.{score}"] = {"value": values["max_significance_improvement"], "step": 0}
    return metrics
