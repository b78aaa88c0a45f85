"""Scoring pipeline."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.scoring.nodes import score_with_outlier_models, score_with_vae


def create_pipeline(**kwargs) -> Pipeline:
    """Create the scoring pipeline."""
    return Pipeline(
        [
            node(
                score_with_vae,
                inputs=["vae_model", "features", "params:preprocessing.n_slots", "params:embedding.batch_size"],
                outputs="vae_scores",
                name="score_with_vae",
            ),
            node(
                score_with_outlier_models,
                inputs=["vae_scores", "embeddings", "features", "params:preprocessing.n_slots", "params:scoring"],
                outputs="anomaly_scores",
                name="score_with_outlier_models",
            ),
        ]
    )
