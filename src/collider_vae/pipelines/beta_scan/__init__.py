"""Beta scan: namespaced trainings at several beta values and their latent statistics."""

from collider_vae.pipelines.beta_scan.pipeline import SCAN_POINTS, create_pipeline

__all__ = ["SCAN_POINTS", "create_pipeline"]
