"""Project pipelines."""

from __future__ import annotations

from kedro.pipeline import Pipeline

from collider_vae.pipelines import ingest

ANOMALY_STAGES = ("ingest",)


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    The anomaly search is the sum of its stages and is also the default.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    pipelines = {
        "ingest": ingest.create_pipeline(),
    }
    pipelines["anomaly"] = sum((pipelines[name] for name in ANOMALY_STAGES), Pipeline([]))
    pipelines["__default__"] = pipelines["anomaly"]
    return pipelines
