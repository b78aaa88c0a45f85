"""Preprocessing: channel selection, splits, scaling and feature vectors."""

from collider_vae.pipelines.preprocessing.pipeline import create_pipeline

__all__ = ["create_pipeline"]
