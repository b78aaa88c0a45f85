"""Project pipelines."""

from __future__ import annotations

from kedro.pipeline import Pipeline

from collider_vae.pipelines import beta_scan, embedding, evaluation, generate, ingest, preprocessing, scoring, simulate, training

ANOMALY_STAGES = ("ingest", "preprocessing", "training", "embedding", "scoring", "evaluation")


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    The anomaly search is the sum of its stages and is also the default.
    ``simulate``, ``generate`` and ``beta_scan`` are separate: the last two
    run from the raw folder with trainings of their own.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    stages = {
        "ingest": ingest,
        "preprocessing": preprocessing,
        "training": training,
        "embedding": embedding,
        "scoring": scoring,
        "evaluation": evaluation,
    }
    pipelines = {name: module.create_pipeline() for name, module in stages.items()}
    pipelines["anomaly"] = sum((pipelines[name] for name in ANOMALY_STAGES), Pipeline([]))
    pipelines["__default__"] = pipelines["anomaly"]
    pipelines["simulate"] = simulate.create_pipeline()
    pipelines["beta_scan"] = pipelines["ingest"] + pipelines["preprocessing"] + beta_scan.create_pipeline()
    pipelines["generate"] = generate.create_pipeline()
    return pipelines
