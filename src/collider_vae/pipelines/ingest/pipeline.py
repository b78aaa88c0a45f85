"""Ingest pipeline: CSV files to versioned Parquet tables."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.ingest.nodes import ingest_events, ingest_metrics, summarise_ingest


def create_pipeline(**kwargs) -> Pipeline:
    """Create the ingest pipeline."""
    return Pipeline(
        [
            node(
                ingest_events,
                inputs=["raw_files", "params:ingest"],
                outputs=["raw_events", "ingest_rejects", "ingest_counts"],
                name="ingest_events",
            ),
            node(
                summarise_ingest,
                inputs=["ingest_counts", "ingest_rejects"],
                outputs="ingest_report",
                name="summarise_ingest",
            ),
            node(ingest_metrics, inputs="ingest_report", outputs="ingest_metrics", name="log_ingest_metrics"),
        ]
    )
