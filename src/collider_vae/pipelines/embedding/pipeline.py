"""Embedding pipeline."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.embedding.nodes import embed_events


def create_pipeline(**kwargs) -> Pipeline:
    """Create the embedding pipeline."""
    return Pipeline(
        [
            node(
                embed_events,
                inputs=["vae_model", "features", "params:preprocessing.n_slots", "params:embedding.batch_size"],
                outputs="embeddings",
                name="embed_events",
            )
        ]
    )
