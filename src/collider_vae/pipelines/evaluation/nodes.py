"""Nodes of the evaluation pipeline."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.decomposition import PCA

from collider_vae.counting import counting_experiment, summarize_total_improvement, total_improvement
from collider_vae.datasets.raw_folder import BACKGROUND
from collider_vae.evaluation.plots import latent_projection_figure, roc_figure, score_distributions_figure
from collider_vae.evaluation.roc import WorkingPoint, auc, roc, working_point, working_point_label
from collider_vae.pipelines.embedding.nodes import latent_columns
from collider_vae.pipelines.preprocessing.nodes import METADATA_COLUMNS
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


def _counting(
    point: WorkingPoint, background: pd.DataFrame, signal: pd.DataFrame, names: tuple[str, str], scale: float, luminosity: float
) -> dict[str, float] | None:
    signal_name, score = names
    if point.threshold is None:
        return None
    # counting_experiment passes scores >= threshold; the working point passes scores above it.
    threshold = float(np.nextafter(point.threshold, np.inf))
    result = counting_experiment(
        background[score].to_numpy(), background["weight"].to_numpy() * scale,
        signal[score].to_numpy(), signal["weight"].to_numpy(), threshold, luminosity,
    )
    logger.info(
        "Counting, %s, %s at eps_B = %g: b = %.4g, s = %.4g, Z_Asimov = %.3g, Z_Poisson = %.3g",
        signal_name, score, point.background_efficiency, result.background, result.signal,
        result.z_asimov, result.z_poisson,
    )
    return {"background": result.background, "signal": result.signal, "z_asimov": result.z_asimov, "z_poisson": result.z_poisson}


def evaluate_scores(
    scores: pd.DataFrame, working_points: list[float], channel: str, counting: dict[str, float]
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Compute AUC, working points and a counting experiment for every score on every signal.

    Background is the background test split. A working point that the test
    split is too small to reach is reported as missing, with a note. The
    counting experiment scales the test split's weights up to the whole
    background and multiplies all weights by ``luminosity_ifb /
    weight_luminosity_ifb``.

    Args:
        scores: Scores of every event, higher meaning more anomalous.
        working_points: Background efficiencies, such as [1e-2, 1e-3, 1e-4].
        channel: Channel name for the tables.
        counting: ``luminosity_ifb`` and ``weight_luminosity_ifb``, the
            luminosity that the event weights are normalised to.

    Returns:
        The metrics as a nested dictionary; the challenge table with the
        columns ``Signal,Model,Chan,AUC,1e-2,1e-3,1e-4``; and the full report,
        one row per signal, score and working point.
    """
    background, signals = _samples(scores)
    test_weight = background["weight"].sum()
    scale = float(scores.loc[scores["sample"] == BACKGROUND, "weight"].sum() / test_weight) if test_weight > 0 else 1.0
    luminosity = counting["luminosity_ifb"] / counting["weight_luminosity_ifb"]
    results: dict[str, Any] = {"channel": channel, "n_background_test": len(background), "signals": {}}
    challenge_rows, report_rows = [], []
    for signal, events in sorted(signals.items()):
        per_score = {}
        for score in score_names(scores):
            bkg, sig = background[score].to_numpy(), events[score].to_numpy()
            points = [working_point(bkg, sig, eps_b) for eps_b in working_points]
            area = auc(bkg, sig)
            entries = []
            for point in points:
                entry = {**point.__dict__, "counting": _counting(point, background, events, (signal, score), scale, luminosity)}
                entries.append(entry)
                report_rows.append(
                    {"Signal": signal, "Model": score, "Chan": channel, "AUC": area, "eps_B": point.background_efficiency,
                     "eps_S": point.signal_efficiency, "SI": point.significance_improvement,
                     **{f"expected_{key}": (entry["counting"] or {}).get(key) for key in ("background", "signal")},
                     **{key: (entry["counting"] or {}).get(key) for key in ("z_asimov", "z_poisson")}}
                )
            improvements = [p.significance_improvement for p in points if p.significance_improvement is not None]
            per_score[score] = {"auc": area, "working_points": entries, "max_significance_improvement": max(improvements, default=None)}
            row = {"Signal": signal, "Model": score, "Chan": channel, "AUC": area}
            challenge_rows.append(row | {working_point_label(p.background_efficiency): p.signal_efficiency for p in points})
        results["signals"][signal] = {"n_events": len(events), "scores": per_score}
    labels = [working_point_label(wp) for wp in working_points]
    challenge = pd.DataFrame(challenge_rows, columns=["Signal", "Model", "Chan", "AUC", *labels])
    report = pd.DataFrame(report_rows)
    logger.info("Evaluated %d scores on %d signals against %d background test events", len(score_names(scores)), len(signals), len(background))
    return results, challenge, report


def summarise_improvements(report: pd.DataFrame) -> pd.DataFrame:
    """Summarise the total improvement of each score over signals: minimum, median and maximum.

    The total improvement of a score on a signal is its maximum
    significance improvement over working points and channels, as in the
    DarkMachines unsupervised challenge. Scores without a reachable working
    point are left out.
    """
    rows = report.rename(columns={"Signal": "signal", "Chan": "chan", "Model": "model"})[["signal", "chan", "model", "SI"]]
    if rows["SI"].notna().sum() == 0:
        logger.warning("No reachable working point: the total improvement is undefined")
        return pd.DataFrame(columns=["model", "min", "median", "max"])
    summary = summarize_total_improvement(total_improvement(rows))
    return summary.sort_values("median", ascending=False).reset_index(drop=True)


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

    The projection is fit on background training events. Each process and
    signal is subsampled to at most ``max_points_per_label`` points, so that
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


def evaluation_metrics(results: dict[str, Any], improvements: pd.DataFrame) -> dict[str, dict[str, float]]:
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
    for row in improvements.to_dict("records"):
        metrics[f"total_improvement.median.{row['model']}"] = {"value": float(row["median"]), "step": 0}
    return metrics
