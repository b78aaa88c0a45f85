"""Tests of the scoring nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from collider_vae.features.layout import FeatureLayout
from collider_vae.models.vae import BetaVAE, VAEConfig
from collider_vae.pipelines.embedding.nodes import embed_events
from collider_vae.pipelines.scoring.nodes import (
    combine_scores,
    score_input_space,
    score_latent_likelihood,
    score_latent_space,
    score_with_vae,
)

LAYOUT = FeatureLayout(2)
FAST_TRAINING = {"epochs": 3, "batch_size": 64}
PARAMS = {
    "seed": 0,
    "detectors": {
        "isolation_forest": {"n_estimators": 50},
        "gaussian_mixture": {"n_components": [1, 2]},
        "autoencoder": {"hidden_sizes": [8], "bottleneck": 2, **FAST_TRAINING},
        "knn": {"n_neighbors": 3},
        "flow": {"enabled": False},
        "deep_svdd": {"hidden_sizes": [8], "representation_dim": 4, **FAST_TRAINING},
    },
}


def feature_table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = np.zeros((n, LAYOUT.n_features), dtype=np.float32)
    x[:, LAYOUT.kinematics[0]] = rng.normal(size=(n, 4))
    x[:, LAYOUT.exists[0]] = 1
    x[-1, LAYOUT.kinematics[0]] = 25.0  # an obvious outlier, outside the training split
    table = pd.DataFrame(x, columns=LAYOUT.names)
    splits = np.where(np.arange(n) % 4 == 0, "validation", "train")
    meta = pd.DataFrame(
        {
            "sample": ["background"] * (n - 1) + ["sig"],
            "split": list(splits[: n - 1]) + ["signal"],
            "process_id": "tt", "event_id": np.arange(n), "weight": 1.0, "source_file": "f", "line_number": 1,
        }
    )
    return pd.concat([meta, table], axis=1)


@pytest.fixture(scope="module")
def scored():
    features = feature_table()
    model = BetaVAE(VAEConfig(input_dim=LAYOUT.n_features, latent_dim=3, hidden_sizes=(16,)))
    embeddings = embed_events(model, features, n_slots=2, batch_size=64)
    vae = score_with_vae(model, features, n_slots=2, batch_size=64)
    likelihood = score_latent_likelihood(embeddings, {"buffer_size": 100, "batch_size": 64}, seed=0)
    latent = score_latent_space(embeddings, PARAMS)
    inputs = score_input_space(features, 2, PARAMS)
    combinations = {"inputs": {"scores": ["input_isolation_forest", "input_knn"], "rules": ["and", "or"]}}
    return embeddings, combine_scores(vae, likelihood, latent, inputs, combinations)


def test_every_enabled_model_in_both_spaces(scored):
    _, scores = scored
    for space in ("latent", "input"):
        for name in ("isolation_forest", "gaussian_mixture", "autoencoder", "knn", "deep_svdd"):
            assert f"{space}_{name}" in scores
        assert f"{space}_flow" not in scores
    assert {"vae_reconstruction", "vae_kl", "vae_radius", "vae_latent_nll"} <= set(scores)


@pytest.mark.parametrize("score", ["input_isolation_forest", "input_knn", "input_autoencoder", "vae_reconstruction"])
def test_obvious_outlier_scores_high(scored, score):
    _, scores = scored
    assert scores[score].iloc[-1] > scores[score].iloc[:-1].quantile(0.99)


def test_obvious_outlier_gets_top_combined_score(scored):
    _, scores = scored
    # Above every validation event, the p-value is 1 / (n + 1), so the combined score saturates.
    assert scores["combined_inputs_and"].iloc[-1] == scores["combined_inputs_and"].max()
    assert scores["combined_inputs_or"].iloc[-1] == scores["combined_inputs_or"].max()


def test_and_never_exceeds_or(scored):
    _, scores = scored
    assert (scores["combined_inputs_and"] <= scores["combined_inputs_or"] + 1e-12).all()


def test_combination_of_missing_score_is_rejected(scored):
    _, scores = scored
    frame = pd.DataFrame(index=scores.index)
    with pytest.raises(ValueError, match="names scores \\['input_flow'\\] that were not computed"):
        combine_scores(scores, frame, frame, frame, {"x": {"scores": ["input_flow"], "rules": ["and"]}})


def test_embeddings_have_mu_and_logvar(scored):
    embeddings, _ = scored
    assert list(embeddings.columns[-6:]) == ["mu_0", "mu_1", "mu_2", "logvar_0", "logvar_1", "logvar_2"]
