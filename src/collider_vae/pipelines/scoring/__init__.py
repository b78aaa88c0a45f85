"""Scoring: anomaly scores of every event from the VAE and from outlier models."""

from collider_vae.pipelines.scoring.pipeline import create_pipeline

__all__ = ["create_pipeline"]
