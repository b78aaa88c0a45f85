"""Training: the beta-VAE on background training events only."""

from collider_vae.pipelines.training.pipeline import create_pipeline

__all__ = ["create_pipeline"]
