"""Project pipelines."""

from __future__ import annotations

import logging

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

logger = logging.getLogger(__name__)

# Stages of the anomaly search, in order. The simulate pipeline is not one
# of them: it needs the simulate extra and makes the raw files that ingest reads.
ANOMALY_STAGES = ("ingest",)


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Every package under ``collider_vae.pipelines`` is registered under its
    name, ``simulate`` included. The anomaly search is the sum of its stages
    and is also the default.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    pipelines = find_pipelines(raise_errors=True)
    pipelines.pop("__default__", None)
    missing = [name for name in ANOMALY_STAGES if name not in pipelines]
    if missing:
        logger.warning("The anomaly pipeline is not registered: its stages %s are missing.", missing)
        return pipelines
    pipelines["anomaly"] = sum((pipelines[name] for name in ANOMALY_STAGES), Pipeline([]))
    pipelines["__default__"] = pipelines["anomaly"]
    return pipelines
