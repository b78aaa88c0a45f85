"""Tests of the evaluation nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from collider_vae.pipelines.evaluation.nodes import (
    evaluate_scores,
    evaluation_metrics,
    plot_latent_projection,
    plot_roc_curves,
    plot_score_distributions,
    summarise_improvements,
)

COUNTING = {"luminosity_ifb": 10.0, "weight_luminosity_ifb": 10.0}


def scores_table(n_background: int = 2000, n_signal: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    background = pd.DataFrame({"sample": "background", "split": "test", "score_a": rng.normal(0, 1, n_background)})
    signal = pd.DataFrame({"sample": "sig", "split": "signal", "score_a": rng.normal(3, 1, n_signal)})
    table = pd.concat([background, signal], ignore_index=True)
    for column in ("process_id", "event_id", "weight", "source_file", "line_number"):
        table[column] = 0
    return table


def test_metrics_table_columns_and_unreachable_points():
    results, table, _ = evaluate_scores(scores_table(), [1e-2, 1e-3, 1e-4], "none", COUNTING)
    assert list(table.columns) == ["Signal", "Model", "Chan", "AUC", "1e-2", "1e-3", "1e-4"]
    assert table.loc[0, "AUC"] > 0.95
    points = results["signals"]["sig"]["scores"]["score_a"]["working_points"]
    assert points[0]["signal_efficiency"] > 0.3
    assert points[2]["signal_efficiency"] is None
    assert "at least 10000 needed" in points[2]["note"]
    assert pd.isna(table.loc[0, "1e-4"])


def test_mlflow_metric_names():
    results, _, report = evaluate_scores(scores_table(), [1e-2], "chan2a", COUNTING)
    metrics = evaluation_metrics(results, summarise_improvements(report))
    assert {"auc.sig.score_a", "eff_s_at_1e-2.sig.score_a", "max_si.sig.score_a", "total_improvement.median.score_a"} <= set(metrics)


def test_counting_experiment_uses_weights():
    table = scores_table(n_background=1000, n_signal=100)
    table["weight"] = np.where(table["sample"] == "background", 2.0, 0.5)
    _, _, report = evaluate_scores(table, [1e-2], "none", {"luminosity_ifb": 20.0, "weight_luminosity_ifb": 10.0})
    row = report.iloc[0]
    # 10 of 1000 background test events pass, each weight 2, at twice the weights' luminosity.
    assert row["expected_background"] == pytest.approx(10 * 2.0 * 2)
    assert row["expected_signal"] == pytest.approx(row["eps_S"] * 100 * 0.5 * 2)
    assert row["z_asimov"] > 0


def test_total_improvement_is_best_si_per_signal():
    _, _, report = evaluate_scores(scores_table(), [1e-2, 1e-3], "none", COUNTING)
    summary = summarise_improvements(report)
    assert summary.loc[0, "max"] == pytest.approx(report["SI"].max())


def test_roc_plot_has_one_panel_per_signal():
    figure = plot_roc_curves(scores_table(), "none")
    assert len(figure.axes) == 1
    assert figure.axes[0].get_yscale() == "log"


def test_score_distribution_plot_has_panel_per_score():
    figure = plot_score_distributions(scores_table())
    assert len([axis for axis in figure.axes if axis.get_visible()]) == 1


def test_latent_projection_colours_each_process():
    rng = np.random.default_rng(0)
    embeddings = pd.DataFrame(rng.normal(size=(300, 3)), columns=["mu_0", "mu_1", "mu_2"])
    embeddings["sample"] = ["background"] * 250 + ["sig"] * 50
    embeddings["split"] = ["train"] * 250 + ["signal"] * 50
    embeddings["process_id"] = ["tt"] * 125 + ["zz"] * 125 + ["sig"] * 50
    figure = plot_latent_projection(embeddings, max_points_per_label=100, seed=0)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == ["sig (50)", "tt (100)", "zz (100)"]
