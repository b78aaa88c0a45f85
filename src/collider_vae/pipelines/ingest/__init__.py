"""Ingest: DarkMachines CSV files to Parquet, with a rejects table."""

from collider_vae.pipelines.ingest.pipeline import create_pipeline

__all__ = ["create_pipeline"]
