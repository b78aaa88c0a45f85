"""Generate: a beta-VAE with a density information buffer as a fast event generator."""

from collider_vae.pipelines.generate.pipeline import create_pipeline

__all__ = ["create_pipeline"]
