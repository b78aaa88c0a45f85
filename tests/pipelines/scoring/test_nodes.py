"""Tests of the scoring nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collider_vae.features.layout import FeatureLayout
from collider_vae.models.vae import BetaVAE, VAEConfig
from collider_vae.pipelines.embedding.nodes import embed_events
from collider_vae.pipelines.scoring.nodes import score_with_outlier_models, score_with_vae

LAYOUT = FeatureLayout(2)
PARAMS = {"seed": 0, "isolation_forest": {"n_estimators": 50}, "gmm": {"n_components": 2}}


def feature_table(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = np.zeros((n, LAYOUT.n_features), dtype=np.float32)
    x[:, LAYOUT.kinematics[0]] = rng.normal(size=(n, 4))
    x[:, LAYOUT.exists[0]] = 1
    x[-1, LAYOUT.kinematics[0]] = 25.0  # an obvious outlier, outside the training split
    table = pd.DataFrame(x, columns=LAYOUT.names)
    meta = pd.DataFrame(
        {
            "sample": ["background"] * (n - 1) + ["sig"],
            "split": ["train"] * (n - 1) + ["signal"],
            "process_id": "tt", "event_id": np.arange(n), "weight": 1.0, "source_file": "f", "line_number": 1,
        }
    )
    return pd.concat([meta, table], axis=1)


def test_outlier_scores_flag_obvious_outlier():
    features = feature_table()
    model = BetaVAE(VAEConfig(input_dim=LAYOUT.n_features, latent_dim=2, hidden_sizes=(16,)))
    vae = score_with_vae(model, features, n_slots=2, batch_size=64)
    embeddings = embed_events(model, features, n_slots=2, batch_size=64)
    scores = score_with_outlier_models(vae, embeddings, features, 2, PARAMS)
    assert {"vae_reconstruction", "vae_kl", "vae_radius", "latent_iforest", "latent_gmm", "input_iforest"} <= set(scores)
    assert scores["input_iforest"].iloc[-1] > scores["input_iforest"].iloc[:-1].quantile(0.99)
    assert scores["vae_reconstruction"].iloc[-1] > scores["vae_reconstruction"].iloc[:-1].max()
    assert list(embeddings.columns[-4:]) == ["mu_0", "mu_1", "logvar_0", "logvar_1"]
