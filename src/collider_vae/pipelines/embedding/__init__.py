"""Embedding: latent mu and log sigma^2 of every event."""

from collider_vae.pipelines.embedding.pipeline import create_pipeline

__all__ = ["create_pipeline"]
