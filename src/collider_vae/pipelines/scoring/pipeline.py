"""Scoring pipeline: VAE scores, outlier models in two spaces, and their combinations."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.scoring.nodes import (
    combine_scores,
    score_input_space,
    score_latent_likelihood,
    score_latent_space,
    score_with_vae,
)


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
                score_latent_likelihood,
                inputs=["embeddings", "params:scoring.latent_likelihood", "params:scoring.seed"],
                outputs="latent_likelihood_scores",
                name="score_latent_likelihood",
            ),
            node(
                score_latent_space,
                inputs=["embeddings", "params:scoring"],
                outputs="latent_space_scores",
                name="score_latent_space",
            ),
            node(
                score_input_space,
                inputs=["features", "params:preprocessing.n_slots", "params:scoring"],
                outputs="input_space_scores",
                name="score_input_space",
            ),
            node(
                combine_scores,
                inputs=["vae_scores", "latent_likelihood_scores", "latent_space_scores", "input_space_scores", "params:scoring.combinations"],
                outputs="anomaly_scores",
                name="combine_scores",
            ),
        ]
    )
