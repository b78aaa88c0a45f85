"""Training pipeline."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.training.nodes import train_model


def create_pipeline(**kwargs) -> Pipeline:
    """Create the training pipeline."""
    return Pipeline(
        [
            node(
                train_model,
                inputs=["features", "params:preprocessing.n_slots", "params:training.model", "params:training.optimisation"],
                outputs=["vae_model", "training_metrics"],
                name="train_vae",
            )
        ]
    )
