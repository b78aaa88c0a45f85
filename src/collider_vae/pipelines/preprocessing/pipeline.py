"""Preprocessing pipeline: from ingested events to feature vectors."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.preprocessing.nodes import build_features, fit_scaler, select_channel, split_events


def create_pipeline(**kwargs) -> Pipeline:
    """Create the preprocessing pipeline."""
    return Pipeline(
        [
            node(
                select_channel,
                inputs=["raw_events", "params:preprocessing.channel"],
                outputs="channel_events",
                name="select_channel",
            ),
            node(
                split_events,
                inputs=["channel_events", "params:preprocessing.split"],
                outputs="split_events",
                name="split_events",
            ),
            node(
                fit_scaler,
                inputs=["split_events", "params:preprocessing.n_slots"],
                outputs="feature_scaler",
                name="fit_feature_scaler",
            ),
            node(
                build_features,
                inputs=["split_events", "feature_scaler", "params:preprocessing.n_slots"],
                outputs="features",
                name="build_features",
            ),
        ]
    )
